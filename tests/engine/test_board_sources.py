"""The board with several sources: exact ranking across decimals, quotes of another
asset, placeholders, sources not available, a quote's own expiry."""

from __future__ import annotations

from fractions import Fraction

from fakes import SPEC, quote

from a2a_tui.domain.quotes import ChannelRef, ChannelsExpected, QuoteEvent, SourceFinished
from a2a_tui.domain.tokens import AssetId
from a2a_tui.engine.board import STALE_AFTER, BoardPhase, QuoteBoard, RowState, Tag
from a2a_tui.ui.widgets.quote_status import StatusView, status_line

SOURCES = {"any2any": "Any2Any", "okx": "OKX DEX", "swapkit": "SwapKit", "changelly": "Changelly"}


def board_of(*events: QuoteEvent, at: float = 1.0) -> QuoteBoard:
    board = QuoteBoard(SPEC, SOURCES, 0.0)
    board.apply([(at, e) for e in events])
    return board


def test_amounts_in_different_decimals_rank_exactly() -> None:
    """USDT counted in 6 decimals by one source and 18 by another: the 18-decimal
    amount one wei above 4,700 USDT is the best; the exact equal ties on the fee."""
    six = quote(101, 4_700_000_000, "0.2", source="any2any")
    above = quote(None, 4_700 * 10**18 + 1, "0.3", source="okx", out_decimals=18)
    equal = quote("NEAR", 4_700 * 10**18, "0.1", source="swapkit", out_decimals=18)
    below = quote(None, 4_699_999_999, "0.0", source="changelly")
    board = board_of(six, above, equal, below)
    keys = [r.row.key for r in board.ranked()]
    assert keys == [("okx", None), ("swapkit", "NEAR"), ("any2any", 101), ("changelly", None)]
    best, tie, *_ = board.ranked()
    assert best.shortfall_bps == 0
    assert tie.shortfall_bps is not None
    assert 0 < tie.shortfall_bps < 10**-15
    # exact: 4,700 USDT and one wei against 4,699.999999 USDT
    assert board.ranked()[3].shortfall_bps == Fraction((10**12 + 1) * 10_000, 4_700 * 10**18 + 1)
    assert best.min_out == (4_700 * 10**18 + 1) * 99 // 100  # in the quote's own units


def test_a_quote_of_another_asset_is_shown_but_not_ranked() -> None:
    wrapped = quote(None, 9 * 10**9, "0.1", source="okx",
                    asset=AssetId("tron", "twrapped"), asset_label="WUSDT@tron")  # fmt: skip
    plain = quote(101, 4_700_000_000, source="any2any")
    board = board_of(wrapped, plain)
    first, second = board.ranked()
    assert (first.row.key, first.rank) == (("any2any", 101), 1)
    assert second.row.state is RowState.UNRANKED
    assert second.rank is None
    assert second.row.error == "not comparable: delivers WUSDT@tron"
    assert board.best() is not None
    assert board.best().row.key == ("any2any", 101)
    status = board.status()
    assert (status.answered, status.unranked) == (2, 1)
    assert board.index_of(("okx", None)) == 1


def test_the_asked_asset_by_its_own_identity_ranks() -> None:
    same = quote(None, 5_000_000_000, source="okx", asset=SPEC.dst.asset, asset_label="x")
    board = board_of(same, quote(101, 4_700_000_000, source="any2any"))
    assert board.ranked()[0].row.key == ("okx", None)


def test_a_placeholder_makes_way_for_the_routes() -> None:
    board = QuoteBoard(SPEC, SOURCES, 0.0)
    board.apply([(0.1, ChannelsExpected("swapkit", (ChannelRef("swapkit", None, "SwapKit"),)))])
    assert [r.row.state for r in board.ranked()] == [RowState.PENDING]
    board.apply([(0.5, quote("THORCHAIN", 4_700_000_000, source="swapkit", name="THORCHAIN")),
                 (0.5, quote("NEAR", 4_690_000_000, source="swapkit", name="NEAR"))])  # fmt: skip
    assert [r.row.key for r in board.ranked()] == [("swapkit", "THORCHAIN"), ("swapkit", "NEAR")]
    assert len(board) == 2


def test_a_source_not_available_is_a_row_not_an_error() -> None:
    board = QuoteBoard(SPEC, {"any2any": "Any2Any", "swapscanner": "Swapscanner"}, 0.0)
    board.apply([
        (0.0, SourceFinished("swapscanner", False, "not available: Kaia only", False)),
        (0.2, quote(101, 4_700_000_000, source="any2any")),
        (0.3, SourceFinished("any2any", True)),
    ])  # fmt: skip
    last = board.ranked()[-1]
    assert (last.row.state, last.row.name, last.row.error) == (
        RowState.UNAVAILABLE,
        "Swapscanner",
        "not available: Kaia only",
    )
    status = board.status()
    assert board.phase is BoardPhase.COMPLETE
    assert status.problems == ()
    assert (status.sources, status.unavailable, status.failed, status.expected) == (2, 1, 0, 1)
    line = status_line(StatusView(status=status, age=0.5))
    assert line == "✓ 2 sources · 1 of 1 routes answered · 0 errors · best quote 0 s old"


def test_a_placeholder_becomes_the_not_available_row() -> None:
    board = QuoteBoard(SPEC, SOURCES, 0.0)
    board.apply(
        [
            (0.0, ChannelsExpected("okx", (ChannelRef("okx", None, "OKX DEX"),))),
            (0.1, SourceFinished("okx", False, "not available: no API key", False)),
        ]
    )
    (only,) = board.ranked()
    assert (only.row.state, only.row.error) == (RowState.UNAVAILABLE, "not available: no API key")


def test_a_quote_with_its_own_expiry_goes_stale_at_it() -> None:
    """Changelly's quote stands 30 s: fresh at 11 s (past the guide's 10), stale at 31."""
    changelly = quote(None, 4_700_000_000, source="changelly", valid_for=30.0)
    channel = quote(101, 4_600_000_000, source="any2any")
    board = board_of(changelly, channel, at=100.0)
    own, guide = board.ranked()
    assert not board.is_row_stale(own.row, 100.0 + STALE_AFTER + 1)
    assert board.is_row_stale(guide.row, 100.0 + STALE_AFTER + 1)
    assert not board.is_stale(111.0)
    assert board.is_stale(130.5)
    assert board.best_stale_at() == 130.0
    assert board.stale_edge(111.0) == 1
    assert board.stale_edge(130.5) == 2
    view = StatusView(status=board.status(), age=30.5, stale_now=True, lifetime=30.0)
    assert status_line(view).startswith(
        "⚠ stale: best quoted 30.5 s ago (past its own 30 s expiry) · r to re-quote"
    )


def test_cheapest_is_among_the_rows_that_state_a_fee() -> None:
    board = board_of(quote(None, 4_800_000_000, None, source="okx"),
                     quote(101, 4_700_000_000, "0.3", source="any2any"))  # fmt: skip
    best, other = board.ranked()
    assert best.tags == {Tag.BEST, Tag.FASTEST}
    assert other.tags == {Tag.CHEAPEST}


def test_a_narrow_status_line_gives_up_the_sources_count_first() -> None:
    board = QuoteBoard(SPEC, SOURCES, 0.0)
    board.apply([(0.1, quote(101, 4_700_000_000, source="any2any"))])
    view = StatusView(status=board.status(), elapsed=2.7, age=0.4, request=("1.5 ETH", "x units"))
    wide = status_line(view, 200)
    assert wide.startswith("quoting 1.5 ETH (x units) · 4 sources · 1 answered · 0 errors")
    narrow = status_line(view, 60)
    assert narrow == "quoting 1.5 ETH · 1 answered · 2.7 s · best quote 0 s old"
