"""The quote engine: merging concurrent sources and ranking with exact integers."""

from __future__ import annotations

import asyncio
from fractions import Fraction

import pytest
from fakes import SPEC, Gate, ScriptedSource, Ticker, quote

from a2a_tui.domain.quotes import ChannelFailed, ChannelRef, ChannelsExpected, SourceFinished
from a2a_tui.engine.board import BoardPhase, QuoteBoard, RowState, Tag
from a2a_tui.engine.merger import Arrival, QuoteRun


async def drain(run: QuoteRun) -> list[list[Arrival]]:
    return [batch async for batch in run]


def board_for(*sources: ScriptedSource, started_at: float = 0.0) -> QuoteBoard:
    return QuoteBoard(SPEC, {s.id: s.label for s in sources}, started_at)


# -- merger ---------------------------------------------------------------------


async def test_events_arrive_in_order_and_each_source_finishes() -> None:
    a = ScriptedSource([quote(1, 100), quote(2, 90)], id="a")
    b = ScriptedSource([ChannelFailed("b", 7, "upstream timeout")], id="b")
    async with QuoteRun([a, b], SPEC) as run:
        events = [event for batch in await drain(run) for _, event in batch]
    finished = [e for e in events if isinstance(e, SourceFinished)]
    assert sorted(f.source for f in finished) == ["a", "b"]
    assert all(f.complete for f in finished)
    channels = [e.channel_id for e in events if not isinstance(e, SourceFinished)]
    assert sorted(channels) == [1, 2, 7]
    assert channels.index(1) < channels.index(2)  # a source's own order is kept
    assert (a.closed, b.closed) == (1, 1)


async def test_a_burst_arrives_as_one_batch() -> None:
    gate = Gate()
    source = ScriptedSource([gate, *[quote(i, 1000 - i) for i in range(100)]])
    async with QuoteRun([source], SPEC) as run:
        await gate.reached.wait()
        gate.open()
        await asyncio.sleep(0)  # let the source run its burst into the queue
        batches = await drain(run)
    assert [len(b) for b in batches] == [101]  # 100 quotes + SourceFinished


async def test_one_failing_source_does_not_stop_the_others() -> None:
    gate = Gate()
    broken = ScriptedSource([quote(1, 5), RuntimeError("\x1b[31mboom\x1b[0m")], id="broken")
    slow = ScriptedSource([gate, quote(2, 10)], id="slow")
    async with QuoteRun([broken, slow], SPEC) as run:
        first = await anext(run)
        gate.open()
        events = [e for _, e in first] + [e for b in await drain(run) for _, e in b]
    failed = next(e for e in events if isinstance(e, SourceFinished) and e.source == "broken")
    assert failed == SourceFinished("broken", False, "boom")  # escape sequences gone
    assert any(getattr(e, "channel_id", None) == 2 for e in events)


async def test_a_hanging_source_times_out_alone() -> None:
    hang = ScriptedSource([Gate()], id="hang")
    quick = ScriptedSource([quote(1, 1)], id="quick")
    async with QuoteRun([hang, quick], SPEC, source_timeout=0.05) as run:
        events = [e for b in await drain(run) for _, e in b]
    assert SourceFinished("hang", False, "no answer within 0.05 s") in events
    assert SourceFinished("quick", True) in events


async def test_a_channel_still_waiting_at_the_timeout_says_no_answer_once() -> None:
    """`quote --timeout 5` showed `no answer · no answer within 5 s` on such a row."""
    listed = ChannelsExpected("hang", (ChannelRef("hang", 1, "One"), ChannelRef("hang", 2, "Two")))
    hang = ScriptedSource([listed, quote(1, 5, source="hang"), Gate()], id="hang")
    board = board_for(hang)
    async with QuoteRun([hang], SPEC, source_timeout=0.05) as run:
        async for batch in run:
            board.apply(batch)
    waiting = board.find(("hang", 2))
    assert waiting is not None
    assert (waiting.row.state, waiting.row.error) == (RowState.FAILED, "no answer within 0.05 s")
    assert board.status().problems == ("Fake: no answer within 0.05 s",)


async def test_unsupported_source_is_reported_as_not_available_and_never_opened() -> None:
    skipped = ScriptedSource([quote(1, 1)], id="skip", unsupported="no Tron support")
    async with QuoteRun([skipped], SPEC) as run:
        events = [e for b in await drain(run) for _, e in b]
    assert events == [SourceFinished("skip", False, "not available: no Tron support", False)]
    assert skipped.opened == 0


async def test_leaving_early_closes_every_stream() -> None:
    a = ScriptedSource([quote(1, 1), Gate()], id="a")
    b = ScriptedSource([Gate()], id="b")
    async with QuoteRun([a, b], SPEC) as run:
        await anext(run)
    assert (a.closed, b.closed) == (1, 1)


async def test_cancelling_the_consumer_closes_every_stream_before_returning() -> None:
    a = ScriptedSource([Gate()], id="a")

    async def consume() -> None:
        async with QuoteRun([a], SPEC) as run:
            await drain(run)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert a.closed == 1


async def test_arrivals_are_stamped_with_the_clock() -> None:
    clock = Ticker(50.0)
    async with QuoteRun([ScriptedSource([quote(1, 1)])], SPEC, clock=clock) as run:
        batches = await drain(run)
    assert run.started_at == 50.0
    assert {at for batch in batches for at, _ in batch} == {50.0}


# -- board ----------------------------------------------------------------------


def test_ranking_is_by_net_out_then_fee_then_arrival() -> None:
    board = board_for(ScriptedSource())
    board.apply(
        [
            (1.0, quote(1, 999_000_000, "0.3")),
            (2.0, quote(2, 999_500_000, "0.3")),
            (3.0, quote(3, 999_000_000, "0.1")),  # ties 1 on out, cheaper
            (4.0, quote(4, 999_000_000, "0.1")),  # ties 3 exactly, later
        ]
    )
    ranked = board.ranked()
    assert [r.row.key[1] for r in ranked] == [2, 3, 4, 1]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert ranked[0].tags == {Tag.BEST}
    assert ranked[1].tags == {Tag.CHEAPEST}
    assert ranked[3].tags == {Tag.FASTEST}


def test_integer_math_never_rounds_a_win_away() -> None:
    """Amounts beyond float precision: 2**60 + 1 beats 2**60."""
    board = board_for(ScriptedSource())
    board.apply([(1.0, quote(1, 2**60)), (2.0, quote(2, 2**60 + 1))])
    assert [r.row.key[1] for r in board.ranked()] == [2, 1]
    assert board.ranked()[1].shortfall_bps == Fraction(10_000, 2**60 + 1)


def test_shortfall_min_out_and_latency() -> None:
    board = board_for(ScriptedSource(), started_at=10.0)
    board.apply([(10.25, quote(1, 1_000_000)), (11.5, quote(2, 990_000))])
    best, second = board.ranked()
    assert best.shortfall_bps == 0
    assert second.shortfall_bps == 100  # 1 % below the best
    assert best.min_out == 990_000  # floor(1_000_000 * 0.99)
    assert second.min_out == 980_100
    assert (best.latency, second.latency) == (0.25, 1.5)


def test_pending_failed_and_completion() -> None:
    src = ScriptedSource()
    board = board_for(src)
    assert board.status().expected is None
    board.apply(
        [
            (
                0.1,
                ChannelsExpected(
                    "fake", tuple(ChannelRef("fake", i, f"Channel {i}") for i in (1, 2, 3, 4))
                ),
            ),
            (0.2, quote(2, 50)),
            (0.3, ChannelFailed("fake", 3, "upstream timeout")),
        ]
    )
    status = board.status()
    assert (status.answered, status.failed, status.pending, status.expected) == (1, 1, 2, 4)
    assert not status.complete
    assert [r.row.state for r in board.ranked()] == [
        RowState.QUOTED,
        RowState.PENDING,
        RowState.PENDING,
        RowState.FAILED,
    ]
    board.apply([(0.9, SourceFinished("fake", True))])
    status = board.status()
    assert status.complete
    assert status.finished_at == 0.9
    assert (status.pending, status.failed) == (0, 3)  # never answered = failed, "no answer"
    assert {r.row.error for r in board.ranked() if r.row.key[1] in (1, 4)} == {"no answer"}


def test_an_incomplete_source_says_why_on_its_rows() -> None:
    board = board_for(ScriptedSource(id="a", label="A"), ScriptedSource(id="b", label="B"))
    board.apply([(0.1, quote(1, 5, source="a")), (0.2, SourceFinished("b", False, "HTTP 502"))])
    status = board.status()
    assert status.problems == ("B: HTTP 502",)
    assert not status.complete
    failed = board.find(("b", None))
    assert failed is not None
    assert (failed.row.state, failed.row.error) == (RowState.FAILED, "HTTP 502")


def test_each_row_ages_from_its_own_arrival_not_from_the_end_of_the_stream() -> None:
    """A channel that answered at 47 ms is stale 10 s later, even though a slow
    channel kept the stream open until 8 s (issue 7, item 4)."""
    board = board_for(ScriptedSource(), started_at=0.0)
    board.apply([(0.047, quote(1, 100)), (5.0, quote(2, 90))])
    board.apply([(8.0, ChannelFailed("fake", 3, "upstream timeout"))])
    board.apply([(8.0, SourceFinished("fake", True))])
    assert board.age(8.0) == pytest.approx(7.953)  # the best row's age
    assert not board.is_stale(10.047)
    assert board.is_stale(10.05)  # 10 s after the best row arrived, not 18 s
    best, second, failed = board.ranked()
    assert board.is_row_stale(best.row, 10.05)
    assert not board.is_row_stale(second.row, 10.05)  # arrived at 5 s: fresh until 15 s
    assert board.row_age(failed.row, 10.05) is None  # a failure has no price to age
    assert [board.stale_edge(t) for t in (10.0, 10.05, 15.01)] == [0, 1, 2]


def test_a_streaming_board_goes_stale_too() -> None:
    board = board_for(ScriptedSource(), started_at=0.0)
    board.apply([(0.1, quote(1, 100))])
    assert board.phase is BoardPhase.STREAMING
    assert board.age(3.1) == pytest.approx(3.0)
    assert board.is_stale(10.2)  # a minute-long stream never makes a price look new


def test_stopping_keeps_what_answered_and_marks_the_rest_stopped() -> None:
    board = board_for(ScriptedSource(), started_at=0.0)
    refs = tuple(ChannelRef("fake", i, f"Channel {i}") for i in (1, 2, 3))
    board.apply([(0.1, ChannelsExpected("fake", refs)), (0.2, quote(1, 100))])
    assert board.stop(0.4, "you")
    status = board.status()
    assert status.phase is BoardPhase.STOPPED
    assert (status.answered, status.pending, status.stopped, status.failed) == (1, 0, 2, 0)
    assert (status.stopped_by, status.ended_at, status.complete) == ("you", 0.4, False)
    assert [r.row.state for r in board.ranked()] == [
        RowState.QUOTED,
        RowState.STOPPED,
        RowState.STOPPED,
    ]
    assert board.index_of(("fake", 3)) == 2
    board.apply([(0.5, quote(2, 200)), (0.6, SourceFinished("fake", True))])  # late: ignored
    assert board.status().answered == 1
    assert board.phase is BoardPhase.STOPPED
    assert board.is_stale(10.3)  # ages keep counting after a stop
    assert not board.stop(0.7, "you")


def test_phases_and_errors_by_message() -> None:
    a, b = ScriptedSource(id="a", label="A"), ScriptedSource(id="b", label="B")
    complete = board_for(a)
    complete.apply([(0.1, quote(1, 5, source="a")), (0.2, SourceFinished("a", True))])
    assert complete.phase is BoardPhase.COMPLETE
    assert not complete.stop(0.3, "you")  # nothing left to stop
    board = board_for(a, b)
    board.apply([(0.1, ChannelFailed("a", 1, "upstream timeout"))])
    board.apply([(0.2, ChannelFailed("a", 2, "no route found"))])
    board.apply([(0.3, ChannelFailed("a", 3, "upstream timeout"))])
    board.apply([(0.4, SourceFinished("a", True))])
    assert board.phase is BoardPhase.STREAMING  # b has not finished
    board.apply([(0.5, SourceFinished("b", False, "HTTP 502"))])
    assert board.phase is BoardPhase.INCOMPLETE
    assert board.errors() == [("upstream timeout", 2), ("no route found", 1), ("HTTP 502", 1)]
    retried = board_for(a)
    retried.apply([(0.1, ChannelFailed("a", 1, "upstream timeout"))])
    retried.apply([(0.2, quote(1, 7, source="a"))])
    assert retried.errors() == []  # answered after failing: no longer an error


def test_rows_keep_their_key_while_ranks_move() -> None:
    board = board_for(ScriptedSource())
    board.apply([(1.0, quote(1, 10))])
    assert board.index_of(("fake", 1)) == 0
    board.apply([(2.0, quote(2, 20))])
    assert board.index_of(("fake", 1)) == 1
    assert board.version == 2
