"""The quote board driven like a user would, against a real simulator or scripted sources."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import httpx
import pytest
from app_helpers import answered, complete, fake_app, until
from conftest import MakeSim
from fakes import SPEC, Gate, ScriptedSource, Ticker, quote
from helpers import sim_get, sim_post

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelFailed
from a2a_tui.engine.board import RowState
from a2a_tui.services.backend import Backend
from a2a_tui.sim.catalog import SimChannel
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.quote_form import QuoteForm
from a2a_tui.ui.widgets.quote_status import QuoteStatus
from a2a_tui.ui.widgets.quote_table import QuoteTable
from a2a_tui.ui.widgets.token_field import TokenField

#: Fast but worse, then slow but better: the ranking must change under the user.
FAST = SimChannel(301, "Fast Lane", "", Decimal("0.40"), 20, 10, 150, 0.0, 0.0, 0.0)
SLOW = SimChannel(302, "Slow Boat", "", Decimal("0.05"), 2, 10, 700, 0.0, 0.0, 0.0)
STUCK = SimChannel(303, "Stuck", "", Decimal("0.1"), 5, 10, 60_000, 0.0, 0.0, 0.0)
ARGS = QuoteArgs("USDT@ethereum", "USDC@ethereum", "1000")
ARGS_ETH = QuoteArgs("ETH", "USDT@tron", "1.5")


def sim_app(make_sim: MakeSim, *channels: SimChannel, **config: object) -> tuple[A2AApp, str]:
    server = make_sim(channels=channels, latency_scale=1.0, **config)
    app = A2AApp(Backend.any2any(server.base_url), initial=ARGS, present_interval=0)
    return app, server.base_url


def board_of(app: A2AApp) -> QuoteScreen:
    screen = app.screen
    assert isinstance(screen, QuoteScreen)
    return screen


def names(screen: QuoteScreen) -> list[tuple[str, RowState]]:
    assert screen.board is not None
    return [(r.row.name, r.row.state) for r in screen.board.ranked()]


async def test_rows_arrive_in_order_and_rerank_while_the_cursor_keeps_its_row(
    make_sim: MakeSim,
) -> None:
    app, _ = sim_app(make_sim, FAST, SLOW)
    async with app.run_test(size=(100, 30)):
        screen = board_of(app)
        await until(screen, answered(screen, 1))
        assert names(screen) == [("Fast Lane", RowState.QUOTED), ("Slow Boat", RowState.PENDING)]
        table = screen.query_one(QuoteTable)
        assert table.cursor_key == ("any2any", 301)
        table.action_cursor(0)  # the user touches the cursor: it now stays on Fast Lane
        await until(screen, complete(screen))
        assert names(screen) == [("Slow Boat", RowState.QUOTED), ("Fast Lane", RowState.QUOTED)]
        assert table.cursor_key == ("any2any", 301)  # followed its row down to rank 2


async def test_until_touched_the_cursor_rides_on_the_best_quote(make_sim: MakeSim) -> None:
    app, _ = sim_app(make_sim, FAST, SLOW)
    async with app.run_test(size=(100, 30)):
        screen = board_of(app)
        await until(screen, complete(screen))
        assert screen.query_one(QuoteTable).cursor_key == ("any2any", 302)


async def test_failed_channels_are_rows_with_their_message(make_sim: MakeSim) -> None:
    server = make_sim(channels=(FAST, SLOW), latency_scale=1.0)
    async with httpx.AsyncClient(base_url=server.base_url) as raw:
        await sim_post(raw, "/sim/faults", {"channels": {"302": "error"}})
    app = A2AApp(Backend.any2any(server.base_url), initial=ARGS, present_interval=0)
    async with app.run_test(size=(100, 30)):
        screen = board_of(app)
        await until(screen, complete(screen))
        assert screen.board is not None
        failed = screen.board.find(("any2any", 302))
        assert failed is not None
        assert failed.row.state is RowState.FAILED
        assert failed.row.error in {"upstream error", "no route found", "upstream rate limited"}
        assert "1 error" in str(screen.query_one(QuoteStatus).render())


async def test_requote_closes_the_old_stream_first(make_sim: MakeSim) -> None:
    app, base_url = sim_app(make_sim, FAST, STUCK)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = board_of(app)
        await until(screen, answered(screen, 1))
        first_board = screen.board
        await pilot.press("r")  # the table has focus once a quote runs
        await until(screen, lambda: screen.board is not first_board and screen.board is not None
                    and screen.board.status().answered == 1)  # fmt: skip
        async with httpx.AsyncClient(base_url=base_url) as raw:
            stats = (await sim_get(raw, "/sim/stats"))["streams"]
            for _ in range(200):  # the server notices a disconnect on its own schedule
                if stats["disconnected"] == 1:
                    break
                await pilot.pause(0.01)
                stats = (await sim_get(raw, "/sim/stats"))["streams"]
        assert (stats["opened"], stats["disconnected"], stats["active"]) == (2, 1, 1)


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("#amount", "1.0000000000000000001", "too many decimal places: this token has 18"),
        ("#amount", "abc", "not a number"),
        ("#amount", "0", "greater than zero"),
        ("#amount", "", "amount is empty"),
        ("#slippage", "2", "between 0 and 1"),
        ("#slippage", "150%", "between 0 and 1"),
    ],
)
async def test_bad_input_is_explained_under_the_form(field: str, text: str, message: str) -> None:
    source = ScriptedSource([quote(1, 5)])
    app = fake_app(source, initial=ARGS_ETH)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = board_of(app)
        await until(screen, complete(screen))
        widget = screen.query_one(field)
        widget.value = text  # type: ignore[attr-defined]
        widget.focus()
        await pilot.press("enter")
        error = screen.query_one("#form-error")
        assert message in str(error.render())
        assert error.has_class("-visible")
        assert screen.focused is widget
        assert source.opened == 1  # nothing was sent


@pytest.mark.parametrize("size", [100, 1000])
async def test_a_burst_is_one_table_update_and_a_constant_number_of_paints(size: int) -> None:
    gate = Gate()
    burst = [quote(i, 10_000 - i) for i in range(size)]
    source = ScriptedSource([quote(10_000, 1), gate, *burst])
    app = fake_app(source, initial=ARGS_ETH)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = board_of(app)
        table = screen.query_one(QuoteTable)
        await until(screen, gate.reached.is_set)
        await pilot.pause()
        paints, updates = table.paints, table.updates
        gate.open()
        await until(screen, complete(screen))
        await pilot.pause()
        assert screen.board is not None
        assert screen.board.status().answered == size + 1
        assert table.updates - updates == 1  # one batch, one board read, one refresh request
        # one repaint, plus the layout passes Textual makes when the scrollbar resizes
        assert table.paints - paints <= 4


async def test_stale_quotes_are_marked_after_ten_seconds() -> None:
    clock = Ticker()
    app = fake_app(ScriptedSource([quote(1, 5)]), clock=clock, initial=ARGS_ETH)
    async with app.run_test(size=(80, 24)):
        screen = board_of(app)
        await until(screen, complete(screen))
        status, table = screen.query_one(QuoteStatus), screen.query_one(QuoteTable)
        clock.advance(10)
        screen.refresh_clock()
        assert not status.has_class("-stale")
        assert (selection := table.selection()) is not None
        assert not selection.stale
        clock.advance(0.5)
        screen.refresh_clock()
        assert status.has_class("-stale")
        assert (selection := table.selection()) is not None
        assert selection.stale
        assert "r to re-quote" in str(status.render())


async def test_auto_refresh_requotes_a_stale_board() -> None:
    clock = Ticker()
    source = ScriptedSource([quote(1, 5)])
    app = fake_app(source, clock=clock, initial=ARGS_ETH)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = board_of(app)
        await until(screen, complete(screen))
        await pilot.press("a")
        clock.advance(11)
        screen.refresh_clock()
        await until(screen, lambda: source.opened == 2)


async def test_command_line_quote_starts_at_once_and_palette_has_every_action() -> None:
    app = fake_app(ScriptedSource([quote(1, 5)]), initial=ARGS_ETH)
    async with app.run_test(size=(80, 24)):
        screen = board_of(app)
        await until(screen, complete(screen))
        assert screen.board is not None
        assert screen.board.spec == SPEC
        titles = {command.title for command in app.get_system_commands(screen)}
        assert {"Re-quote", "Stop", "Swap", "Details", "Auto", "Edit"} <= titles


async def test_keyboard_only_from_empty_form_to_streaming_quote() -> None:
    source = ScriptedSource([quote(1, 5), ChannelFailed("fake", 2, "nope")])
    app = fake_app(source)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = board_of(app)
        await until(screen, lambda: screen.query_one(QuoteForm).tokens != ())
        await pilot.pause()
        assert isinstance(screen.focused, TokenField)
        await pilot.press("e", "t", "h", "enter")  # type-to-filter opens the picker
        await pilot.press("t", "r", "o", "n", "enter")  # dst: the only Tron match is USDT
        assert screen.query_one("#src", TokenField).token is not None
        assert screen.query_one("#dst", TokenField).token is not None
        assert screen.focused is screen.query_one("#amount")
        await pilot.press("1", ".", "5", "enter")
        await until(screen, complete(screen))
        assert screen.board is not None
        assert screen.board.spec == SPEC
        assert screen.focused is screen.query_one(QuoteTable)


async def test_swap_and_stop_from_the_keyboard() -> None:
    gate = Gate()
    source = ScriptedSource([quote(1, 5), gate])
    app = fake_app(source, initial=ARGS_ETH)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = board_of(app)
        await until(screen, gate.reached.is_set)
        await pilot.press("escape")
        await until(screen, lambda: source.closed == 1)
        await pilot.press("s")
        assert screen.query_one("#src", TokenField).token == SPEC.dst


async def test_hostile_server_text_is_inert_end_to_end(make_sim: MakeSim) -> None:
    """Markup, an OSC 52 clipboard write, a screen clear and a bidi override in a
    channel name: shown as plain text, nothing reaches the terminal, nothing acts."""
    hostile = SimChannel(
        666,
        "[bold red]Evil[/] [@click=app.quit]x[/] \x1b]52;c;SGVsbG8=\x07\x1b[2J\u202eok",
        "\x1b]8;;https://evil.example\x07",
        Decimal("0.1"), 5, 10, 1, 0.0, 0.0, 0.0,
    )  # fmt: skip
    server = make_sim(channels=(hostile,))
    app = A2AApp(Backend.any2any(server.base_url), initial=ARGS_ETH, present_interval=0)
    async with app.run_test(size=(200, 30)) as pilot:
        screen = board_of(app)
        await until(screen, complete(screen))
        assert screen.board is not None
        ranked = screen.board.ranked()[0]
        assert ranked.row.name == "[bold red]Evil[/] [@click=app.quit]x[/] ok"
        await pilot.click(QuoteTable, offset=(10, 1))  # on the row: no action may run
        await pilot.click(QuoteTable, offset=(10, 1))
        await pilot.pause()
        assert app.is_running
        table = screen.query_one(QuoteTable)
        line = "".join(segment.text for segment in table.render_line(1))
        assert "[bold red]Evil[/]" in line
        assert not any(ch in line for ch in "\x1b\x07\x9b\u202e")
        quote = ranked.row.quote
        assert quote is not None
        assert all(value.isprintable() for _, value in quote.display_fields())


async def test_a_dense_stream_is_presented_at_most_every_interval() -> None:
    """The board takes every event at once; the widgets catch up at most every
    interval (a lone event at once), and the final state is shown immediately."""
    gates = [Gate() for _ in range(5)]
    steps: list[object] = []
    for i, gate in enumerate(gates):
        steps += [quote(i, 100 - i), gate]
    source = ScriptedSource(steps)  # type: ignore[arg-type]
    app = fake_app(source, initial=ARGS_ETH)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = board_of(app)
        screen.present_interval = 60.0  # nothing but the leading edge in this test
        table = screen.query_one(QuoteTable)
        await until(screen, gates[0].reached.is_set)
        await pilot.pause()
        shown = table.updates
        for gate, later in pairwise(gates):
            gate.open()
            await until(screen, later.reached.is_set)
            await pilot.pause()
        assert screen.board is not None
        assert screen.board.status().answered == 5  # the board has every event...
        assert table.updates == shown  # ...the table is waiting for the interval
        gates[-1].open()
        await until(screen, complete(screen))
        assert table.updates == shown + 1  # completion is shown at once
