"""Layout snapshots of the quote board: empty, streaming, complete; 80x24 and 120x40.

Deterministic by construction: scripted sources, a clock that moves only when
the script says so (so latencies, ages and the spinner frame are fixed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from app_helpers import complete, fake_app, until
from fakes import Gate, ScriptedSource, Tick, Ticker, quote
from textual.pilot import Pilot

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelFailed, ChannelRef, ChannelsExpected
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.quote_form import QuoteForm

SnapCompare = Callable[..., bool]
ARGS = QuoteArgs("ETH", "USDT@tron", "1.5")
NAMES = ["Arbor Bridge", "Cobalt Swap", "Helix Router", "Nimbus Relay", "Quill Cross"]
EXPECTED = ChannelsExpected(
    "fake", tuple(ChannelRef("fake", 101 + i, name) for i, name in enumerate(NAMES))
)


def script(clock: Ticker, *, gate: Gate | None = None) -> list[Any]:
    """Two quotes, a failure, then (unless gated) two more quotes, one with a promo."""
    plain = quote(105, 4_718_901_233, "0.16", name="Quill Cross")
    promo = replace(plain, promo_applied=True, fee_pct_original=plain.fee_pct * 2)
    return [
        EXPECTED,
        Tick(clock, 0.084), quote(101, 4_716_190_851, "0.3", name="Arbor Bridge"),
        Tick(clock, 0.131), quote(103, 4_719_102_004, "0.1", name="Helix Router"),
        Tick(clock, 0.402), ChannelFailed("fake", 104, "upstream rate limited"),
        *([gate] if gate else []),
        Tick(clock, 0.733), quote(102, 4_715_557_551, "0.25", name="Cobalt Swap"),
        Tick(clock, 1.861), promo,
    ]  # fmt: skip


def board_app(*, gated: bool) -> tuple[Any, Gate]:
    clock, gate = Ticker(), Gate()
    source = ScriptedSource(script(clock, gate=gate if gated else None))
    return fake_app(source, initial=ARGS, clock=clock), gate


def waits_for(
    predicate: Callable[[QuoteScreen], Callable[[], bool]],
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, QuoteScreen)
        await until(screen, predicate(screen))
        await pilot.pause()

    return run_before


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
def test_empty(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = fake_app(ScriptedSource())
    ready = waits_for(lambda s: lambda: s.query_one(QuoteForm).tokens != ())
    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_streaming(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app, gate = board_app(gated=True)
    assert snap_compare(
        app, terminal_size=size, run_before=waits_for(lambda s: gate.reached.is_set)
    )


@pytest.mark.parametrize("size", SIZES)
def test_complete(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app, _ = board_app(gated=False)
    assert snap_compare(app, terminal_size=size, run_before=waits_for(complete))


def test_complete_light_theme(snap_compare: SnapCompare) -> None:
    app, _ = board_app(gated=False)

    async def run_before(pilot: Pilot[Any]) -> None:
        # once running: the app applies its settings' theme on mount (a theme set
        # before that left this snapshot dark)
        pilot.app.theme = "textual-light"
        await waits_for(complete)(pilot)
        pilot.app.screen.query_one("#promo").focus()  # a row's tags off the cursor's colours
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_detail_panel_opened_at_80_columns(snap_compare: SnapCompare) -> None:
    app, _ = board_app(gated=False)

    async def run_before(pilot: Pilot[Any]) -> None:
        await waits_for(complete)(pilot)
        await pilot.press("down", "d")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_bad_amount_message(snap_compare: SnapCompare) -> None:
    app = fake_app(ScriptedSource(), initial=QuoteArgs("ETH", "USDT@tron", "1.0000000000000000001"))
    ready = waits_for(lambda s: lambda: s.query_one(QuoteForm).tokens != ())
    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


def test_hostile_names_are_shown_literally(snap_compare: SnapCompare) -> None:
    """What survives the edge (markup-like text) must be shown as typed, never acted on."""
    names = ["[bold red]Evil[/]", "[@click=app.quit]Click[/]", "[link=https://x]L[/link]", "[/"]
    source = ScriptedSource([quote(i, 1000 - i, name=name) for i, name in enumerate(names)])
    app = fake_app(source, initial=ARGS)
    assert snap_compare(app, terminal_size=(80, 24), run_before=waits_for(complete))


def _settings_app(backend: object = None) -> Any:
    from keyring.backends.fail import Keyring as FailKeyring
    from pydantic import SecretStr

    from a2a_tui.infra.keystore import MemoryKeyring, SecretStore

    if backend == "fail":
        store = SecretStore(FailKeyring(), env={"A2A_TUI_SWAPKIT_API_KEY": "from-the-env-0000"})
    else:
        store = SecretStore(MemoryKeyring(), env={"A2A_TUI_SWAPKIT_API_KEY": "from-the-env-0000"})
        store.set("any2any.api_key", SecretStr("aaaabbbbccccddddeeeeffff00001111"),
                  "http://127.0.0.1:9")  # fmt: skip
        store.set("okx.api_key", SecretStr("37c541a1-0000-0000-0000-10fe7a038418"))
    return fake_app(ScriptedSource(), secrets=store)


def _settings_ready(pilot: Pilot[Any]) -> Awaitable[None]:
    async def run() -> None:
        await pilot.press("f2")
        screen = pilot.app.screen
        await until(screen, lambda: "…" not in str(screen.query_one(".secret-state").render()))
        await pilot.pause()

    return run()


def test_settings(snap_compare: SnapCompare) -> None:
    assert snap_compare(_settings_app(), terminal_size=(80, 24), run_before=_settings_ready)


def test_settings_without_a_keyring(snap_compare: SnapCompare) -> None:
    assert snap_compare(_settings_app("fail"), terminal_size=(80, 24), run_before=_settings_ready)


def test_stopped_then_stale(snap_compare: SnapCompare) -> None:
    """esc while channels are still out, then the prices age past 10 s: the
    unanswered rows say stopped, every priced row says STALE (no colour needed)."""
    clock, gate = Ticker(), Gate()
    app = fake_app(ScriptedSource(script(clock, gate=gate)), initial=ARGS, clock=clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await waits_for(lambda s: gate.reached.is_set)(pilot)
        await pilot.press("escape")
        screen = pilot.app.screen
        assert isinstance(screen, QuoteScreen)
        clock.advance(10)  # the first answer is now 10.4 s old, the second 10.3 s
        screen.refresh_clock()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_previous_request(snap_compare: SnapCompare) -> None:
    """Swapped while streaming: the board is marked as the previous request."""
    app, gate = board_app(gated=True)

    async def run_before(pilot: Pilot[Any]) -> None:
        await waits_for(lambda s: gate.reached.is_set)(pilot)
        await pilot.press("s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_delete_asks_first(snap_compare: SnapCompare) -> None:
    from a2a_tui.ui.screens.confirm_delete import ConfirmDelete
    from a2a_tui.ui.widgets.secret_row import SecretRow

    async def run_before(pilot: Pilot[Any]) -> None:
        """The request is posted, not pressed: a pressed button stays highlighted for
        0.2 s, which a snapshot would catch or not by chance."""
        await _settings_ready(pilot)
        screen = pilot.app.screen
        row = screen.query_one("#secret-any2any-api_key", SecretRow)
        row.post_message(SecretRow.Requested(row, "delete"))
        await until(screen, lambda: isinstance(pilot.app.screen, ConfirmDelete))
        await pilot.pause()

    assert snap_compare(_settings_app(), terminal_size=(80, 24), run_before=run_before)


def test_keys_screen_on_the_board(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await waits_for(complete)(pilot)
        await pilot.press("f1")
        await pilot.pause()

    app, _ = board_app(gated=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_token_list_failed_at_80_columns(snap_compare: SnapCompare) -> None:
    """The host down at start: the command line's request waits in the form (as
    typed), and the status line keeps its retry hint at 80 columns."""
    from a2a_tui.providers.http.errors import TransportFailure
    from a2a_tui.services.backend import Backend
    from a2a_tui.ui.app import A2AApp

    async def load() -> list[Any]:
        raise TransportFailure(
            "cannot connect to 127.0.0.1:9 · is `a2a-tui sim` running?", maybe_delivered=False
        )

    app = A2AApp(Backend("http://127.0.0.1:9", [ScriptedSource()], load), initial=ARGS,
                 clock=Ticker(), present_interval=0, subtitle="fake backend")  # fmt: skip
    failed = waits_for(lambda s: lambda: bool(s._notice))
    assert snap_compare(app, terminal_size=(80, 24), run_before=failed)
