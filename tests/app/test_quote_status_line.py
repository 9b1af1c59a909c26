"""The status line: what is being quoted, and a promo code no channel applied."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from app_helpers import complete, fake_app, until
from fakes import Gate, ScriptedSource, Ticker, quote

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelFailed, ChannelRef, ChannelsExpected
from a2a_tui.providers.http.errors import TransportFailure
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.quote_status import QuoteStatus, status_line


def board_of(app: object) -> QuoteScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, QuoteScreen)
    return screen


@pytest.mark.parametrize(
    ("width", "echo"),
    [
        (80, "quoting 1,000 ETH · "),
        (200, "quoting 1,000 ETH (1000000000000000000000 units) · "),
    ],
)
async def test_the_amount_is_echoed_as_understood_while_quoting(width: int, echo: str) -> None:
    gate = Gate()
    app = fake_app(ScriptedSource([quote(1, 5), gate]), initial=QuoteArgs("ETH", "USDT@tron",
                                                                           "1000"))  # fmt: skip
    async with app.run_test(size=(width, 24)):
        screen = board_of(app)
        await until(screen, gate.reached.is_set)
        screen.refresh_clock()
        line = str(screen.query_one(QuoteStatus).render())
        assert line.startswith(echo), line
        gate.open()


async def test_a_promo_code_no_channel_applied_is_said_in_the_status_line() -> None:
    source = ScriptedSource([quote(1, 5), quote(2, 4)])
    app = fake_app(source, initial=QuoteArgs("ETH", "USDT@tron", "1.5", promo="NOSUCH"))
    async with app.run_test(size=(80, 24)):
        screen = board_of(app)
        await until(screen, complete(screen))
        status = screen.query_one(QuoteStatus)
        line = str(status.render())
        assert line.startswith("⚠ no channel applied promo NOSUCH · 2 of 2 channels answered"), line
        assert status.has_class("-warning")


async def test_a_promo_code_some_channels_applied_is_no_warning() -> None:
    """Nimbus Relay takes no promos: a code others applied is working."""
    taken = replace(quote(1, 5), promo_applied=True)
    app = fake_app(ScriptedSource([taken, quote(2, 4)]),
                   initial=QuoteArgs("ETH", "USDT@tron", "1.5", promo="WELCOME"))  # fmt: skip
    async with app.run_test(size=(80, 24)):
        screen = board_of(app)
        await until(screen, complete(screen))
        status = screen.query_one(QuoteStatus)
        assert str(status.render()).startswith("✓ ")
        assert not status.has_class("-warning")


# -- the line is composed to fit its width -------------------------------------------


WIDTHS = (60, 80, 120, 200)
#: The short forms a part may take when room is short; any other piece of a
#: narrow line must be a whole piece of the line with all the room it wants.
SHORT = [re.compile(p) for p in (
    r"\d+/\d+ (routes|channels)", r"\d+/\d+ answered", r"age \d+ s", r"quoting [\d,.]+ ETH",
    r"previous request", r"Enter quotes the new one", r"stale: [\d.]+ s old",
    r"stale: best quoted [\d.]+ s ago", r"promo \w+ not applied", r"\d+ errors?",
)]  # fmt: skip
PHASES = {  # phase: (mark, what must always be there)
    "streaming": ("", "quoting 1.5 ETH"),
    "complete": ("✓", r"\d+(/| of )\d+ routes"),
    "incomplete": ("⚠", "incomplete"),
    "stopped": ("■", "stopped by you"),
    "stale": ("⚠", r"stale: (best quoted )?1\d\.\d s"),
    "previous": ("≠", "previous request"),
    "nothing": ("✗", "Any2Any: cannot connect to 127.0.0.1:8787"),
    "promo": ("⚠", "promo NOSUCH"),
    "hint": ("⚠", "not chosen: "),
}


def five_sources(phase: str) -> list[ScriptedSource]:
    def listed(source: str, *routes: int | str | None) -> ChannelsExpected:
        return ChannelsExpected(source, tuple(ChannelRef(source, r, f"R{r}") for r in routes))

    a2a: list[object] = [listed("any2any", *range(1, 8))]
    if phase == "nothing":
        a2a = [TransportFailure("cannot connect to 127.0.0.1:8787 · is `a2a-tui sim` running?",
                                maybe_delivered=False)]  # fmt: skip
    elif phase in ("streaming", "stopped"):
        a2a += [quote(1, 4_700, source="any2any"), quote(2, 4_690, source="any2any"), Gate()]
    elif phase == "incomplete":
        a2a += [quote(1, 4_700, source="any2any"),
                RuntimeError("connection to 127.0.0.1:8787 closed mid-stream")]  # fmt: skip
    else:
        a2a += [quote(i, 4_700 - i, source="any2any") for i in range(1, 7)]
        a2a.append(ChannelFailed("any2any", 7, "upstream timeout"))

    def direct(source: str, route: int | str | None = None) -> list[object]:
        if phase == "nothing":
            return [listed(source, route), ChannelFailed(source, route, "cannot connect")]
        return [listed(source, route), quote(route, 4_650, source=source)]

    swapkit = [listed("swapkit", None), quote("ONEINCH", 4_720, source="swapkit"),
               ChannelFailed("swapkit", "THORCHAIN", "no route")]  # fmt: skip
    if phase == "nothing":
        swapkit = direct("swapkit")
    return [
        ScriptedSource(a2a, id="any2any", label="Any2Any", tag="A2A"),  # type: ignore[arg-type]
        ScriptedSource(direct("okx"), id="okx", label="OKX DEX", tag="OKX"),  # type: ignore[arg-type]
        ScriptedSource(
            [], id="swapscanner", label="Swapscanner", tag="SSC", unsupported="Kaia only"
        ),
        ScriptedSource(direct("changelly"), id="changelly", label="Changelly", tag="CHG"),  # type: ignore[arg-type]
        ScriptedSource(swapkit, id="swapkit", label="SwapKit", tag="SWK"),  # type: ignore[arg-type]
    ]


def pieces(line: str, mark: str, badge: str) -> list[str]:
    body = line.removesuffix(badge).rstrip() if badge else line
    body = body.removeprefix(f"{mark} ") if mark else body
    return body.split(" · ")


@pytest.mark.parametrize("phase", list(PHASES))
async def test_the_status_line_fits_its_width_without_cutting_a_part(phase: str) -> None:
    """At 80 columns the line was cut mid-phrase (`best quote 0`, `· 6 of`) and the
    auto-refresh marker fell off once answers arrived."""
    clock = Ticker()
    promo = "NOSUCH" if phase == "promo" else ""
    app = fake_app(*five_sources(phase), clock=clock,
                   initial=QuoteArgs("ETH", "USDT@tron", "1.5", promo=promo))  # fmt: skip
    async with app.run_test(size=(200, 24)) as pilot:
        screen = board_of(app)
        board = lambda: screen.board  # noqa: E731
        if phase in ("streaming", "stopped"):
            await until(screen, lambda: (b := board()) is not None and b.status().answered == 5)
        else:
            await until(screen, complete(screen))
        auto = phase != "stale"  # (on a stale board auto-refresh would quote again)
        if auto:
            await pilot.press("a")
        match phase:
            case "stopped":
                await pilot.press("escape")
            case "stale":
                clock.advance(11)
            case "previous":
                await pilot.press("s")
            case "hint":
                await pilot.press("end", "up", "enter")  # a failed row
        mark, must = PHASES[phase]
        badge = ("auto paused" if phase == "previous" else "auto") if auto else ""
        screen.refresh_clock()
        status = screen.query_one(QuoteStatus)
        full = status_line(status.view)  # every part in its longest form
        for width in WIDTHS:
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            screen.refresh_clock()
            line = str(status.render())
            room = status.content_size.width
            assert len(line) <= room, (width, line)
            assert line.startswith(f"{mark} " if mark else must.split()[0]), (width, line)
            assert re.search(must, line), (width, line)
            if badge:
                assert line.endswith(f" {badge}"), (width, line)
            assert "…" not in line, (width, line)
            whole = set(pieces(full, mark, badge))
            for piece in pieces(line, mark, badge):
                assert piece in whole or any(p.fullmatch(piece) for p in SHORT), (
                    width,
                    piece,
                    line,
                )
        assert re.search(must, full)
