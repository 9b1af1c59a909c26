"""The ranking board: every channel of one quote, ranked with integer math.

One model of a quote's life: the board is *streaming* until every source has
finished (then *complete*, or *incomplete* when a source ended without its
end marker) or until it is *stopped* (esc; what answered stays, what had not
answered is marked stopped). Each quoted row ages on its own, from the
moment its price arrived, and is stale past the guide's 10 seconds; the
board's age is its best row's.

Rows are keyed by route (`RouteId`: source and the source's own route id)
and never move under a key, so a UI can keep its cursor on a row while the
ranking changes around it. Quotes rank together only when they deliver the
asked-for asset; amounts counted in different decimals compare exactly (as
integers at one scale). A quote of another asset is shown apart, unranked; a
source that cannot be asked at all has one "not available" row. The ranking is
an index kept sorted as events arrive (bisect), counters are kept as they
change, and a `Ranked` view of a row is built only when someone reads it: a
table showing twenty rows of a thousand-channel quote does twenty rows of
work per repaint, and an event costs O(log n) however long the board is.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from a2a_tui.domain.amounts import min_out, scaled
from a2a_tui.domain.quotes import (
    ChannelFailed,
    ChannelsExpected,
    Quote,
    QuoteEvent,
    QuoteSpec,
    RouteId,
    RouteKey,
    SourceFinished,
)
from a2a_tui.engine.merger import Arrival

__all__ = [
    "STALE_AFTER",
    "BoardPhase",
    "BoardStatus",
    "QuoteBoard",
    "Ranked",
    "Row",
    "RowKey",
    "RowState",
    "Tag",
]

#: Guide FAQ Q4: keep quote-to-order under 10 seconds. A price older than
#: this (counted from its own arrival) is stale.
STALE_AFTER = 10.0

RowKey = RouteId

#: A quote with no stated fee rate sorts after every rate in a tie.
_NO_FEE = Decimal("Infinity")


class RowState(StrEnum):
    PENDING = "pending"
    QUOTED = "quoted"
    UNRANKED = "unranked"  # answered with another asset than asked: shown, not ranked
    FAILED = "failed"
    STOPPED = "stopped"  # was pending when the quote was stopped: it never answered
    UNAVAILABLE = "unavailable"  # the source could not be asked (see `Row.error`)


class BoardPhase(StrEnum):
    STREAMING = "streaming"  # some source has not finished
    COMPLETE = "complete"  # every source finished with its end marker
    INCOMPLETE = "incomplete"  # every source finished, some without it (see problems)
    STOPPED = "stopped"  # stopped before every source finished; nothing more is taken


class Tag(StrEnum):
    BEST = "BEST"  # largest net amount out
    CHEAPEST = "CHEAPEST"  # lowest effective fee
    FASTEST = "FASTEST"  # first to answer


def _route_order(route: RouteKey) -> tuple[int, int, str]:
    """Routes of one source in a stable order: the whole source, numbers, names."""
    if route is None:
        return (0, 0, "")
    if isinstance(route, int):
        return (1, route, "")
    return (2, 0, route)


@dataclass(slots=True)
class Row:
    key: RowKey
    source_label: str
    name: str
    state: RowState = RowState.PENDING
    quote: Quote | None = None
    error: str | None = None  # why it failed, is unranked or not available
    arrived_at: float | None = None  # first answer: latency
    quoted_at: float | None = None  # the current price's arrival: age
    stale_at: float | None = None  # when the current price turns stale
    seq: int = 0  # arrival order, for tie-breaks and FASTEST
    source_tag: str = ""  # the provider in 3 characters
    rank: tuple[int, Decimal, int] | None = None  # its place in the ranking, while quoted

    def pending_key(self) -> tuple[str, str, tuple[int, int, str]]:
        return (self.key[0], self.name.lower(), _route_order(self.key[1]))


@dataclass(frozen=True, slots=True)
class Ranked:
    row: Row
    rank: int | None = None  # 1-based among quoted rows
    shortfall_bps: Fraction | None = None  # below the best, in basis points
    min_out: int | None = None  # at the requested slippage, exact floor
    latency: float | None = None  # seconds since the request
    tags: frozenset[Tag] = frozenset()


@dataclass(frozen=True, slots=True)
class BoardStatus:
    answered: int  # routes with a price (ranked, and unranked ones of another asset)
    failed: int
    pending: int
    expected: int | None  # None until every source said how many routes it asks
    complete: bool  # every source finished (see phase for how)
    finished_at: float | None
    problems: tuple[str, ...]  # why a source is incomplete
    phase: BoardPhase = BoardPhase.STREAMING
    stopped: int = 0  # rows that had not answered when the quote was stopped
    stopped_by: str | None = None  # who or what stopped it ("you")
    ended_at: float | None = None  # finished or stopped: the elapsed clock stops here
    sources: int = 1  # sources on the board, asked or not
    unavailable: int = 0  # sources that could not be asked (their rows say why)
    unranked: int = 0  # answers of another asset than asked (counted in answered)


class QuoteBoard:
    """Quoted rows best first, then pending (by name), then failed (by arrival)."""

    def __init__(
        self,
        spec: QuoteSpec,
        sources: Mapping[str, str],
        started_at: float,
        *,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """``sources`` maps each source id to its label, in display order;
        ``tags`` to its short tag (at most 3 characters)."""
        self.spec = spec
        self.started_at = started_at
        self.version = 0
        self._labels = dict(sources)
        self._tags = dict(tags or {})
        self._rows: dict[RowKey, Row] = {}
        self._quoted: list[tuple[int, Decimal, int, RowKey]] = []  # sorted rank keys
        self._pending: list[tuple[str, str, tuple[int, int, str], RowKey]] = []  # sorted
        self._failed: list[RowKey] = []  # in order of failure
        self._failed_at: dict[RowKey, int] = {}
        self._unranked: list[RowKey] = []  # in order of arrival
        self._unavailable: list[RowKey] = []  # in order of finishing
        self._cheapest: Row | None = None
        self._fastest: Row | None = None
        self._announced: set[str] = set()
        self._finished: dict[str, SourceFinished] = {}
        self._finished_at: float | None = None
        self._stopped_at: float | None = None
        self._stopped_by: str | None = None
        self._errors: Counter[str] = Counter()  # failed rows by message
        self._stale_times: list[float] = []  # when each price turns stale, sorted
        self._seq = 0

    # -- recording --------------------------------------------------------------

    def apply(self, batch: Iterable[Arrival]) -> None:
        """Take a batch of arrivals; a stopped board takes nothing more."""
        if self._stopped_at is not None:
            return
        for at, event in batch:
            self._apply(at, event)
        self.version += 1

    def stop(self, at: float, by: str) -> bool:
        """Stop a streaming board: what answered stays as it is, rows still
        waiting become `RowState.STOPPED`. False if it was not streaming."""
        if self._stopped_at is not None or self._finished_at is not None:
            return False
        self._stopped_at, self._stopped_by = at, by
        for *_, key in self._pending:  # once, on a user's action: O(pending) is fine
            self._rows[key].state = RowState.STOPPED
        self.version += 1
        return True

    def _apply(self, at: float, event: QuoteEvent) -> None:
        match event:
            case Quote():
                key = RouteId(event.source, event.route_id)
                self._drop_placeholder(key)
                row = self._take(key, event.name)
                row.name, row.quote, row.error = event.name, event, None
                self._arrive(row, at)
                row.quoted_at = at
                life = STALE_AFTER if event.valid_for is None else max(0.0, event.valid_for)
                row.stale_at = at + life
                insort(self._stale_times, row.stale_at)
                other = self._other_asset(event)
                if other is None:
                    self._enter_quoted(row)
                else:
                    row.error = other
                    row.state = RowState.UNRANKED
                    self._unranked.append(key)
            case ChannelFailed():
                key = RouteId(event.source, event.route_id)
                self._drop_placeholder(key)
                route = event.route_id
                if route is None:
                    name = self._whole(event.source)
                else:  # a named route keeps its name (SwapKit's providers)
                    name = route if isinstance(route, str) else ""
                row = self._take(key, name)
                row.quote, row.error = None, event.message
                self._arrive(row, at)
                self._enter_failed(row)
            case ChannelsExpected():
                self._announced.add(event.source)
                for ref in event.channels:
                    key = RouteId(ref.source, ref.route_id)
                    if key not in self._rows:
                        row = self._rows[key] = self._new_row(key, ref.name)
                        insort(self._pending, (*row.pending_key(), key))
            case SourceFinished():
                self._finish(at, event)

    def _other_asset(self, quote: Quote) -> str | None:
        """Why ``quote`` cannot rank with the others, or None if it can."""
        if quote.asset is None or quote.asset == self.spec.dst.asset:
            return None
        return f"not comparable: delivers {quote.asset_label or quote.asset}"

    def _label(self, source: str) -> str:
        return self._labels.get(source, source)

    def label(self, source: str) -> str:
        """A source's name as the board shows it."""
        return self._label(source)

    def _whole(self, source: str) -> str:
        """The name of a row that stands for a whole source: the source's own."""
        return self._label(source)

    def _new_row(self, key: RowKey, name: str) -> Row:
        return Row(key, self._label(key[0]), name, source_tag=self._tags.get(key[0], ""))

    def _drop_placeholder(self, key: RowKey) -> None:
        """A source that announced itself as one pending row (it cannot tell its
        routes in advance) answers with its routes: the placeholder goes."""
        if key[1] is None:
            return
        whole = RouteId(key[0], None)
        row = self._rows.get(whole)
        if row is not None and row.state is RowState.PENDING:
            del self._pending[bisect_left(self._pending, (*row.pending_key(), whole))]
            del self._rows[whole]

    def _take(self, key: RowKey, name: str) -> Row:
        """The row for ``key``, taken out of whatever list holds it now."""
        row = self._rows.get(key)
        if row is None:  # new: in no list yet
            row = self._rows[key] = self._new_row(key, name)
        elif row.state is RowState.PENDING:
            del self._pending[bisect_left(self._pending, (*row.pending_key(), key))]
        elif row.state is RowState.QUOTED:
            assert row.rank is not None
            del self._quoted[bisect_left(self._quoted, (*row.rank, key))]
            row.rank = None
            if row is self._cheapest or row is self._fastest:
                self._cheapest = self._fastest = None
                self._recompute_tags(exclude=row)
        elif row.state is RowState.UNRANKED:  # rare, as below
            self._unranked.remove(key)
        elif row.state is RowState.UNAVAILABLE:
            self._unavailable.remove(key)
        else:  # failed before, answering now: rare, so the O(n) repair is fine
            self._errors[row.error or ""] -= 1
            self._failed.remove(key)
            self._failed_at = {k: i for i, k in enumerate(self._failed)}
        return row

    def _arrive(self, row: Row, at: float) -> None:
        if row.arrived_at is None:
            self._seq += 1
            row.seq, row.arrived_at = self._seq, at

    def _enter_quoted(self, row: Row) -> None:
        """Largest net out first (exactly, whatever decimals it counts in), then
        the lower fee, then the earlier answer."""
        quote = row.quote
        assert quote is not None
        out = scaled(quote.out_amount, quote.decimals(self.spec.dst))
        fee = _NO_FEE if quote.fee_pct is None else quote.fee_pct
        row.state, row.rank = RowState.QUOTED, (-out, fee, row.seq)
        insort(self._quoted, (*row.rank, row.key))
        self._enter_tags(row)

    def _enter_failed(self, row: Row) -> None:
        row.state = RowState.FAILED
        row.quoted_at = row.stale_at = None
        self._errors[row.error or ""] += 1
        self._failed_at[row.key] = len(self._failed)
        self._failed.append(row.key)

    def _cheapest_key(self) -> tuple[Decimal, int]:
        assert self._cheapest is not None
        assert self._cheapest.quote is not None
        assert self._cheapest.quote.fee_pct is not None
        return (self._cheapest.quote.fee_pct, self._cheapest.seq)

    def _recompute_tags(self, exclude: Row) -> None:
        for *_, key in self._quoted:
            row = self._rows[key]
            if row is not exclude:
                self._enter_tags(row)

    def _enter_tags(self, row: Row) -> None:
        """CHEAPEST among the rows that state a fee rate; FASTEST among all."""
        assert row.quote is not None
        fee = row.quote.fee_pct
        if fee is not None and (self._cheapest is None or (fee, row.seq) < self._cheapest_key()):
            self._cheapest = row
        if self._fastest is None or row.seq < self._fastest.seq:
            self._fastest = row

    def _finish(self, at: float, event: SourceFinished) -> None:
        self._finished[event.source] = event
        if not event.available:  # one row says why, in the place of its placeholder
            row = self._take(RouteId(event.source, None), self._whole(event.source))
            row.quote, row.error = None, event.message or "not available"
            row.state = RowState.UNAVAILABLE
            self._unavailable.append(row.key)
        reason = "no answer" if event.complete else (event.message or "stream incomplete")
        # a route still waiting when its source broke off did not fail itself; a
        # reason that says so already (the merger's timeout) is not said twice
        said = event.complete or reason.startswith("no answer")
        unanswered = reason if said else f"no answer · {reason}"
        for *_, key in [p for p in self._pending if p[0] == event.source]:
            row = self._take(key, "")
            row.error = unanswered
            self._arrive(row, at)
            self._enter_failed(row)
        answered = any(key[0] == event.source for *_, key in self._quoted) or any(
            key[0] == event.source for key in self._unranked
        )
        if not event.complete and event.available and not answered:
            key = RouteId(event.source, None)
            if self._rows.get(key) is None or self._rows[key].state is not RowState.FAILED:
                row = self._take(key, self._whole(event.source))
                row.error = reason
                self._arrive(row, at)
                self._enter_failed(row)
        if len(self._finished) == len(self._labels):
            self._finished_at = at

    # -- reading ----------------------------------------------------------------

    def __len__(self) -> int:
        return (
            len(self._quoted)
            + len(self._unranked)
            + len(self._pending)
            + len(self._failed)
            + len(self._unavailable)
        )

    def row_at(self, index: int) -> Ranked:
        """The row at a display position, with its rank, shortfall and tags.

        Display order: ranked quotes, quotes of another asset, rows waiting,
        failed rows, sources not available.
        """
        quoted = len(self._quoted)
        if index < quoted:
            key = self._quoted[index][-1]
            row = self._rows[key]
            assert row.quote is not None
            assert row.rank is not None
            out, best = -row.rank[0], -self._quoted[0][0]
            tags = set()
            if index == 0:
                tags.add(Tag.BEST)
            if row is self._cheapest:
                tags.add(Tag.CHEAPEST)
            if row is self._fastest:
                tags.add(Tag.FASTEST)
            return Ranked(
                row=row,
                rank=index + 1,
                shortfall_bps=Fraction((best - out) * 10_000, best) if best else None,
                min_out=self._min_out(row.quote),
                latency=self._latency(row),
                tags=frozenset(tags),
            )
        index -= quoted
        if index < len(self._unranked):
            row = self._rows[self._unranked[index]]
            assert row.quote is not None
            return Ranked(row=row, min_out=self._min_out(row.quote), latency=self._latency(row))
        index -= len(self._unranked)
        if index < len(self._pending):
            return Ranked(row=self._rows[self._pending[index][-1]])
        index -= len(self._pending)
        if index < len(self._failed):
            row = self._rows[self._failed[index]]
            return Ranked(row=row, latency=self._latency(row))
        return Ranked(row=self._rows[self._unavailable[index - len(self._failed)]])

    def _min_out(self, quote: Quote) -> int:
        """The provider's own worst case when it states one; else the exact
        floor at the requested slippage (what an Any2Any order carries)."""
        if quote.min_out is not None:
            return quote.min_out
        return min_out(quote.out_amount, self.spec.slippage)

    def _latency(self, row: Row) -> float | None:
        return None if row.arrived_at is None else row.arrived_at - self.started_at

    def index_of(self, key: tuple[str, RouteKey]) -> int | None:
        """Display position of a row: how a cursor follows its row through re-ranks."""
        key = RouteId(*key)
        row = self._rows.get(key)
        if row is None:
            return None
        if row.state is RowState.QUOTED:
            assert row.rank is not None
            return bisect_left(self._quoted, (*row.rank, key))
        before = len(self._quoted)
        if row.state is RowState.UNRANKED:  # a handful at most: O(k) is fine
            return before + self._unranked.index(key)
        before += len(self._unranked)
        if row.state in (RowState.PENDING, RowState.STOPPED):  # stopped rows stay in place
            return before + bisect_left(self._pending, (*row.pending_key(), key))
        before += len(self._pending)
        if row.state is RowState.FAILED:
            return before + self._failed_at[key]
        return before + len(self._failed) + self._unavailable.index(key)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def find(self, key: tuple[str, RouteKey]) -> Ranked | None:
        index = self.index_of(RouteId(*key))
        return None if index is None else self.row_at(index)

    def ranked(self) -> list[Ranked]:
        """Every row in display order (O(n): for reports and tests, not repaints)."""
        return [self.row_at(i) for i in range(len(self))]

    def best(self) -> Ranked | None:
        return self.row_at(0) if self._quoted else None

    @property
    def phase(self) -> BoardPhase:
        if self._stopped_at is not None:
            return BoardPhase.STOPPED
        if self._finished_at is None:
            return BoardPhase.STREAMING
        if any(not f.complete and f.available for f in self._finished.values()):
            return BoardPhase.INCOMPLETE
        return BoardPhase.COMPLETE

    def status(self) -> BoardStatus:
        known = all(s in self._announced or s in self._finished for s in self._labels)
        stopped = self._stopped_at is not None
        return BoardStatus(
            answered=len(self._quoted) + len(self._unranked),
            failed=len(self._failed),
            pending=0 if stopped else len(self._pending),
            expected=len(self) - len(self._unavailable) if known else None,
            complete=self._finished_at is not None,
            finished_at=self._finished_at,
            problems=tuple(
                f"{self._label(f.source)}: {f.message or 'incomplete'}"
                for f in self._finished.values()
                if not f.complete and f.available
            ),
            phase=self.phase,
            stopped=len(self._pending) if stopped else 0,
            stopped_by=self._stopped_by,
            ended_at=self._stopped_at if stopped else self._finished_at,
            sources=len(self._labels),
            unavailable=len(self._unavailable),
            unranked=len(self._unranked),
        )

    def errors(self) -> list[tuple[str, int]]:
        """Failed rows' messages with their counts, most frequent first."""
        return [(message, n) for message, n in self._errors.most_common() if n > 0]

    # -- freshness ----------------------------------------------------------------

    @staticmethod
    def row_age(row: Row, now: float) -> float | None:
        """Seconds since this row's price arrived; None for a row without one."""
        return None if row.quoted_at is None else now - row.quoted_at

    @staticmethod
    def is_row_stale(row: Row, now: float) -> bool:
        """Past the guide's 10 s since its price arrived, or past the quote's
        own expiry when the provider states one."""
        return row.stale_at is not None and now > row.stale_at

    def _best_row(self) -> Row | None:
        return self._rows[self._quoted[0][-1]] if self._quoted else None

    def age(self, now: float) -> float | None:
        """The best row's age: what the board is worth now. None without a quote."""
        best = self._best_row()
        return None if best is None else self.row_age(best, now)

    def is_stale(self, now: float) -> bool:
        """The best price is stale (whatever the phase)."""
        best = self._best_row()
        return best is not None and self.is_row_stale(best, now)

    def best_stale_at(self) -> float | None:
        """When the best price turns stale; None without one."""
        best = self._best_row()
        return None if best is None else best.stale_at

    def best_lifetime(self) -> float | None:
        """The best quote's own stated lifetime (seconds), if its provider gave one."""
        best = self._best_row()
        return None if best is None or best.quote is None else best.quote.valid_for

    def stale_edge(self, now: float) -> int:
        """How many prices have turned stale by ``now`` (O(log n)): when this
        moves, some row changed from fresh to stale and needs a repaint."""
        return bisect_left(self._stale_times, now)
