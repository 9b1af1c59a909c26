"""The board's states as a trader meets them: ages per row, stopped, previous
request, nothing answered, and the cursor across re-quotes (issue 7)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from app_helpers import complete, fake_app, until
from fakes import SPEC, USDT_TRON, Event, Gate, ScriptedSource, Step, Tick, Ticker, quote
from textual.pilot import Pilot

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelFailed, ChannelRef, ChannelsExpected, QuoteSpec
from a2a_tui.engine.board import BoardPhase, RowState
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.quote_status import QuoteStatus
from a2a_tui.ui.widgets.quote_table import QuoteTable

ARGS = QuoteArgs("ETH", "USDT@tron", "1.5")


def expected(*ids: int) -> ChannelsExpected:
    return ChannelsExpected("fake", tuple(ChannelRef("fake", i, f"Channel {i}") for i in ids))


class Runs(ScriptedSource):
    """A source that plays the next script each time it is opened (the last one again)."""

    def __init__(self, *scripts: Sequence[Step]) -> None:
        super().__init__()
        self.scripts = [list(s) for s in scripts]

    async def stream(self, spec: QuoteSpec) -> AsyncIterator[Event]:
        self.script = self.scripts[min(self.opened, len(self.scripts) - 1)]
        async for event in super().stream(spec):
            yield event


def screen_of(app: A2AApp) -> QuoteScreen:
    screen = app.screen
    assert isinstance(screen, QuoteScreen)
    return screen


def status_text(screen: QuoteScreen) -> str:
    return str(screen.query_one(QuoteStatus).render())


def line_of(screen: QuoteScreen, channel_id: int) -> str:
    """The table line showing a channel, as painted."""
    table = screen.query_one(QuoteTable)
    assert screen.board is not None
    index = screen.board.index_of(("fake", channel_id))
    assert index is not None
    table._prepare()  # a paint pass's "now"
    return "".join(segment.text for segment in table.render_line(index + 1))


def tick(screen: QuoteScreen, clock: Ticker, seconds: float) -> None:
    clock.advance(seconds)
    screen.refresh_clock()


# -- item 4: each row ages from its own arrival -----------------------------------


async def test_a_fast_answer_ages_from_its_arrival_not_from_the_end_of_the_stream() -> None:
    """47 ms answer, the slow channel times out at 8 s: the status said
    `quote age 0 s` at 8 s and turned stale only at 18 s."""
    clock = Ticker()
    source = ScriptedSource([
        expected(1, 2), Tick(clock, 0.047), quote(1, 500),
        Tick(clock, 7.953), ChannelFailed("fake", 2, "upstream timeout"),
    ])  # fmt: skip
    app = fake_app(source, initial=ARGS, clock=clock)
    async with app.run_test(size=(100, 24)):
        screen = screen_of(app)
        await until(screen, complete(screen))
        screen.refresh_clock()
        assert "best quote 7 s old" in status_text(screen)
        assert "STALE" not in line_of(screen, 1)
        tick(screen, clock, 2.04)  # 9.993 s after the answer
        assert not screen.query_one(QuoteStatus).has_class("-stale")
        tick(screen, clock, 0.02)  # 10.013 s after the answer, 2.06 s after the end
        assert screen.query_one(QuoteStatus).has_class("-stale")
        assert status_text(screen).startswith("⚠ stale: best quoted 10.0 s ago")
        assert "STALE" in line_of(screen, 1)  # marked on the row itself, not only by colour


async def test_rows_turn_stale_one_by_one_and_the_status_follows_the_best() -> None:
    clock = Ticker()
    gate = Gate()
    source = ScriptedSource([
        expected(1, 2, 3), quote(1, 400), Tick(clock, 5.0), quote(2, 500), gate,
    ])  # fmt: skip
    app = fake_app(source, initial=ARGS, clock=clock)
    async with app.run_test(size=(100, 24)):
        screen = screen_of(app)
        await until(screen, gate.reached.is_set)
        await until(
            screen, lambda: screen.board is not None and screen.board.status().answered == 2
        )
        tick(screen, clock, 5.5)  # channel 1 is 10.5 s old, channel 2 (the best) 5.5 s
        assert "STALE" in line_of(screen, 1)
        assert "STALE" not in line_of(screen, 2)
        assert "stale" not in status_text(screen)
        assert "best quote 5 s old" in status_text(screen)
        tick(screen, clock, 5.0)  # still streaming: channel 3 never answered
        assert status_text(screen).startswith("⚠ stale: best quoted 10.5 s ago")
        assert "STALE" in line_of(screen, 2)


async def test_auto_refresh_fires_on_the_best_rows_age_even_while_streaming() -> None:
    clock = Ticker()
    source = ScriptedSource([expected(1, 2), quote(1, 500), Gate()])  # 2 never answers
    app = fake_app(source, initial=ARGS, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        await until(
            screen, lambda: screen.board is not None and screen.board.status().answered == 1
        )
        await pilot.press("a")
        tick(screen, clock, 10.5)
        await until(screen, lambda: source.opened == 2)


async def test_auto_refresh_does_not_loop_when_the_requote_fails() -> None:
    clock = Ticker()
    source = Runs([quote(1, 500)], [RuntimeError("HTTP 502")])
    app = fake_app(source, initial=ARGS, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        await until(screen, complete(screen))
        await pilot.press("a")
        tick(screen, clock, 10.5)
        await until(screen, lambda: source.opened == 2)
        await until(screen, complete(screen))
        for _ in range(4):
            tick(screen, clock, 11)
            await pilot.pause()
        assert source.opened == 2
        text = status_text(screen)
        assert text.startswith("✗ Fake: HTTP 502 · r to retry")  # the source failed as a whole


# -- item 7: nothing answered ---------------------------------------------------------


async def test_nothing_answered_is_a_failure_not_a_check_mark() -> None:
    source = ScriptedSource([
        expected(1, 2, 3),
        ChannelFailed("fake", 1, "upstream timeout"),
        ChannelFailed("fake", 2, "no route found"),
        ChannelFailed("fake", 3, "upstream timeout"),
    ])  # fmt: skip
    app = fake_app(source, initial=ARGS)
    async with app.run_test(size=(100, 24)):
        screen = screen_of(app)
        await until(screen, complete(screen))
        text = status_text(screen)
        assert "✓" not in text
        assert text == (
            "✗ no channel answered · r to retry · 3 errors: upstream timeout ×2, no route found"
        )
        assert screen.query_one(QuoteStatus).has_class("-problem")


async def test_a_refusal_a_retry_cannot_cure_names_the_next_step_not_retry() -> None:
    """Insufficient liquidity comes back however often it is asked: no "r to retry"."""
    source = ScriptedSource([
        expected(1, 2),
        ChannelFailed("fake", 1, "insufficient liquidity"),
        ChannelFailed("fake", 2, "insufficient liquidity"),
    ])  # fmt: skip
    app = fake_app(source, initial=ARGS)
    async with app.run_test(size=(100, 24)):
        screen = screen_of(app)
        await until(screen, complete(screen))
        text = status_text(screen)
        assert "retry" not in text
        assert text.startswith(
            "✗ no channel answered · lower the amount or pick another channel · 2 errors"
        ), text


# -- item 5: esc right after a re-quote ----------------------------------------------


async def test_esc_right_after_a_requote_shows_stopped_and_keeps_counting() -> None:
    clock = Ticker()
    gate = Gate()
    source = Runs(
        [expected(1, 2, 3), quote(1, 500), quote(2, 400), quote(3, 300)],
        [expected(1, 2, 3), quote(1, 510), gate],
    )
    app = fake_app(source, initial=ARGS, clock=clock)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = screen_of(app)
        await until(screen, complete(screen))
        await pilot.press("r")
        await until(screen, gate.reached.is_set)
        await until(
            screen, lambda: screen.board is not None and screen.board.status().answered == 1
        )
        clock.advance(0.4)
        await pilot.press("escape")
        await until(screen, lambda: source.closed == 2)
        board = screen.board
        assert board is not None
        assert board.phase is BoardPhase.STOPPED
        text = status_text(screen)
        assert text == "■ stopped by you · 1 of 3 answered, 2 unanswered · best quote 0 s old"
        assert [r.row.state for r in board.ranked()][1:] == [RowState.STOPPED] * 2
        line = line_of(screen, 2)
        assert "stopped" in line
        assert "waiting" not in line
        assert not any(frame in line for frame in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
        tick(screen, clock, 10)  # 10.4 s after channel 1 answered
        text = status_text(screen)
        assert text.startswith("⚠ stale: best quoted 10.4 s ago · r to re-quote")
        assert "stopped by you · 1 of 3 answered" in text  # (the explanation gave way to it)
        await pilot.press("a")  # auto-refresh works on a stopped board as on any other
        await until(screen, lambda: source.opened == 3)


async def test_esc_before_anything_answered_does_not_show_the_old_board() -> None:
    source = Runs([quote(1, 500)], [Gate()])
    app = fake_app(source, initial=ARGS)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        await until(screen, complete(screen))
        first = screen.board
        await pilot.press("r", "escape")
        assert screen.board is not first
        assert status_text(screen) == "■ stopped by you · no channel answered · r to re-quote"


# -- item 6: a form that no longer matches the board -----------------------------------


async def test_swap_while_streaming_marks_the_board_as_the_previous_request() -> None:
    gate = Gate()
    source = ScriptedSource([expected(1, 2), quote(1, 500), gate, quote(2, 400)])
    app = fake_app(source, initial=ARGS)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = screen_of(app)
        table = screen.query_one(QuoteTable)
        await until(screen, gate.reached.is_set)
        await pilot.press("s")
        assert status_text(screen).startswith(
            "≠ previous request: 1.5 ETH@ethereum → USDT@tron · Enter to quote the new one"
        )
        assert table.previous  # its amounts are dimmed
        selection = table.selection()
        assert selection is not None
        assert selection.previous
        gate.open()
        await until(screen, complete(screen))  # it still streams, under the mark
        assert "previous request" in status_text(screen)
        await pilot.press("s")  # back to the board's pair: the mark goes
        assert not table.previous
        assert "previous request" not in status_text(screen)
        await pilot.press("s", "enter")  # Enter on the table quotes the form's pair
        await until(screen, lambda: source.opened == 2)
        assert screen.board is not None
        assert (screen.board.spec.src, screen.board.spec.dst) == (USDT_TRON, SPEC.src)
        assert not table.previous


async def test_editing_the_amount_marks_the_board_until_the_new_quote_starts() -> None:
    source = ScriptedSource([quote(1, 500)])
    app = fake_app(source, initial=ARGS)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = screen_of(app)
        await until(screen, complete(screen))
        await pilot.press("slash", "end", "0")  # 1.50: the same amount, the same request
        assert "previous request" not in status_text(screen)
        await pilot.press("1")  # 1.501
        assert "previous request: 1.5 ETH@ethereum" in status_text(screen)
        await pilot.press("enter")
        await until(screen, lambda: source.opened == 2)
        assert "previous request" not in status_text(screen)


async def test_choosing_a_row_that_must_not_become_an_order_is_refused_out_loud() -> None:
    clock = Ticker()
    source = ScriptedSource([expected(1, 2), quote(1, 500), Gate()])
    app = fake_app(source, initial=ARGS, clock=clock)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = screen_of(app)
        await until(
            screen, lambda: screen.board is not None and screen.board.status().answered == 1
        )
        await pilot.press("down", "enter")  # Channel 2 has not answered
        assert status_text(screen).startswith("⚠ not chosen: Channel 2 has not answered yet")
        await pilot.press("up")  # moving clears the hint
        assert "not chosen" not in status_text(screen)
        clock.advance(10.2)  # stale now: the order step re-quotes it before sending


# -- item 17: the cursor across re-quotes ----------------------------------------------


async def requote(pilot: Pilot[object], screen: QuoteScreen, opened: int, source: Runs) -> None:
    await pilot.press("r")
    await until(screen, lambda: source.opened == opened and complete(screen)())
    await pilot.pause()


async def test_a_chosen_row_stays_chosen_across_requotes() -> None:
    run = [expected(1, 2, 3), quote(1, 500), quote(2, 400), quote(3, 300)]
    source = Runs(run, [expected(1, 2, 3), quote(3, 520), quote(2, 510), quote(1, 400)])
    app = fake_app(source, initial=ARGS)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = screen_of(app)
        table = screen.query_one(QuoteTable)
        await until(screen, complete(screen))
        await pilot.press("down")  # the trader moves to Channel 2
        assert table.cursor_key == ("fake", 2)
        await requote(pilot, screen, 2, source)
        assert table.cursor_key == ("fake", 2)  # not put back on the best (now Channel 3)
        await requote(pilot, screen, 3, source)
        assert table.cursor_key == ("fake", 2)


async def test_a_chosen_row_gone_from_the_requote_is_said_and_the_cursor_takes_the_best() -> None:
    run = [expected(1, 2, 3), quote(1, 500), quote(2, 400), quote(3, 300)]
    source = Runs(run, [expected(1, 3), quote(3, 520), quote(1, 400)])
    app = fake_app(source, initial=ARGS)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = screen_of(app)
        table = screen.query_one(QuoteTable)
        await until(screen, complete(screen))
        await pilot.press("down")
        await requote(pilot, screen, 2, source)
        assert table.cursor_key == ("fake", 3)
        assert status_text(screen).startswith("⚠ Channel 2 is not in this quote: back on the best")


async def test_another_pair_starts_on_the_best_row() -> None:
    source = ScriptedSource([expected(1, 2), quote(1, 500), quote(2, 400)])
    app = fake_app(source, initial=ARGS)
    async with app.run_test(size=(100, 24)) as pilot:
        screen = screen_of(app)
        table = screen.query_one(QuoteTable)
        await until(screen, complete(screen))
        await pilot.press("down", "s", "enter")
        await until(screen, lambda: source.opened == 2 and complete(screen)())
        await pilot.pause()
        assert table.cursor_key == ("fake", 1)
        assert "not in this quote" not in status_text(screen)
