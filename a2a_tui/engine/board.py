"""The ranking board: every channel of one quote, ranked with integer math.

One model of a quote's life: the board is *streaming* until every source has
finished (then *complete*, or *incomplete* when a source ended without its
end marker) or until it is *stopped* (esc; what answered stays, what had not
answered is marked stopped). Each quoted row ages on its own, from the
moment its price arrived, and is stale past the guide's 10 seconds; the
board's age is its best row's.

Rows are keyed by (source, channel) and never move under a key, so a UI can
keep its cursor on a row while the ranking changes around it. The ranking is
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

from a2a_tui.domain.amounts import min_out
from a2a_tui.domain.quotes import (
    ChannelFailed,
    ChannelsExpected,
    Quote,
    QuoteEvent,
    QuoteSpec,
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

RowKey = tuple[str, int | None]


class RowState(StrEnum):
    PENDING = "pending"
    QUOTED = "quoted"
    FAILED = "failed"
    STOPPED = "stopped"  # was pending when the quote was stopped: it never answered


class BoardPhase(StrEnum):
    STREAMING = "streaming"  # some source has not finished
    COMPLETE = "complete"  # every source finished with its end marker
    INCOMPLETE = "incomplete"  # every source finished, some without it (see problems)
    STOPPED = "stopped"  # stopped before every source finished; nothing more is taken


class Tag(StrEnum):
    BEST = "BEST"  # largest net amount out
    CHEAPEST = "CHEAPEST"  # lowest effective fee
    FASTEST = "FASTEST"  # first to answer


@dataclass(slots=True)
class Row:
    key: RowKey
    source_label: str
    name: str
    state: RowState = RowState.PENDING
    quote: Quote | None = None
    error: str | None = None
    arrived_at: float | None = None  # first answer: latency
    quoted_at: float | None = None  # the current price's arrival: age and staleness
    seq: int = 0  # arrival order, for tie-breaks and FASTEST

    def rank_key(self) -> tuple[int, Decimal, int]:
        """Largest net out first, then the lower fee, then the earlier answer."""
        assert self.quote is not None
        return (-self.quote.out_amount, self.quote.fee_pct, self.seq)

    def pending_key(self) -> tuple[str, str, int]:
        return (self.key[0], self.name.lower(), -1 if self.key[1] is None else self.key[1])


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
    answered: int
    failed: int
    pending: int
    expected: int | None  # None until every source said how many channels it asks
    complete: bool  # every source finished (see phase for how)
    finished_at: float | None
    problems: tuple[str, ...]  # why a source is incomplete
    phase: BoardPhase = BoardPhase.STREAMING
    stopped: int = 0  # rows that had not answered when the quote was stopped
    stopped_by: str | None = None  # who or what stopped it ("you")
    ended_at: float | None = None  # finished or stopped: the elapsed clock stops here


class QuoteBoard:
    """Quoted rows best first, then pending (by name), then failed (by arrival)."""

    def __init__(self, spec: QuoteSpec, sources: Mapping[str, str], started_at: float) -> None:
        """``sources`` maps each source id to its label, in display order."""
        self.spec = spec
        self.started_at = started_at
        self.version = 0
        self._labels = dict(sources)
        self._rows: dict[RowKey, Row] = {}
        self._quoted: list[tuple[int, Decimal, int, RowKey]] = []  # sorted rank keys
        self._pending: list[tuple[str, str, int, RowKey]] = []  # sorted pending keys
        self._failed: list[RowKey] = []  # in order of failure
        self._failed_at: dict[RowKey, int] = {}
        self._cheapest: Row | None = None
        self._fastest: Row | None = None
        self._announced: set[str] = set()
        self._finished: dict[str, SourceFinished] = {}
        self._finished_at: float | None = None
        self._stopped_at: float | None = None
        self._stopped_by: str | None = None
        self._errors: Counter[str] = Counter()  # failed rows by message
        self._priced: list[float] = []  # every price's arrival time, in order
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
                row = self._take((event.source, event.channel_id), event.name)
                row.name, row.quote, row.error = event.name, event, None
                self._arrive(row, at)
                row.quoted_at = at
                insort(self._priced, at)  # in arrival order: an append
                self._enter_quoted(row)
            case ChannelFailed():
                name = "(whole provider)" if event.channel_id is None else ""
                row = self._take((event.source, event.channel_id), name)
                row.quote, row.error = None, event.message
                self._arrive(row, at)
                self._enter_failed(row)
            case ChannelsExpected():
                self._announced.add(event.source)
                for ref in event.channels:
                    key = (ref.source, ref.channel_id)
                    if key not in self._rows:
                        row = self._rows[key] = Row(key, self._label(ref.source), ref.name)
                        insort(self._pending, (*row.pending_key(), key))
            case SourceFinished():
                self._finish(at, event)

    def _label(self, source: str) -> str:
        return self._labels.get(source, source)

    def _take(self, key: RowKey, name: str) -> Row:
        """The row for ``key``, taken out of whatever list holds it now."""
        row = self._rows.get(key)
        if row is None:  # new: in no list yet
            row = self._rows[key] = Row(key, self._label(key[0]), name)
        elif row.state is RowState.PENDING:
            del self._pending[bisect_left(self._pending, (*row.pending_key(), key))]
        elif row.state is RowState.QUOTED:
            del self._quoted[bisect_left(self._quoted, (*row.rank_key(), key))]
            if row is self._cheapest or row is self._fastest:
                self._cheapest = self._fastest = None
                self._recompute_tags(exclude=row)
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
        row.state = RowState.QUOTED
        insort(self._quoted, (*row.rank_key(), row.key))
        self._enter_tags(row)

    def _enter_failed(self, row: Row) -> None:
        row.state = RowState.FAILED
        row.quoted_at = None
        self._errors[row.error or ""] += 1
        self._failed_at[row.key] = len(self._failed)
        self._failed.append(row.key)

    def _cheapest_key(self) -> tuple[Decimal, int]:
        assert self._cheapest is not None
        assert self._cheapest.quote is not None
        return (self._cheapest.quote.fee_pct, self._cheapest.seq)

    def _recompute_tags(self, exclude: Row) -> None:
        for *_, key in self._quoted:
            row = self._rows[key]
            if row is not exclude:
                self._enter_tags(row)

    def _enter_tags(self, row: Row) -> None:
        assert row.quote is not None
        if self._cheapest is None or (row.quote.fee_pct, row.seq) < self._cheapest_key():
            self._cheapest = row
        if self._fastest is None or row.seq < self._fastest.seq:
            self._fastest = row

    def _finish(self, at: float, event: SourceFinished) -> None:
        self._finished[event.source] = event
        reason = "no answer" if event.complete else (event.message or "stream incomplete")
        for *_, key in [p for p in self._pending if p[0] == event.source]:
            row = self._take(key, "")
            row.error = reason
            self._arrive(row, at)
            self._enter_failed(row)
        quoted = any(key[0] == event.source for *_, key in self._quoted)
        if not event.complete and not quoted:
            key = (event.source, None)
            if self._rows.get(key) is None or self._rows[key].state is not RowState.FAILED:
                row = self._take(key, "(whole provider)")
                row.error = reason
                self._arrive(row, at)
                self._enter_failed(row)
        if len(self._finished) == len(self._labels):
            self._finished_at = at

    # -- reading ----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._quoted) + len(self._pending) + len(self._failed)

    def row_at(self, index: int) -> Ranked:
        """The row at a display position, with its rank, shortfall and tags."""
        quoted, pending = len(self._quoted), len(self._pending)
        if index < quoted:
            key = self._quoted[index][-1]
            row = self._rows[key]
            assert row.quote is not None
            out, best = row.quote.out_amount, -self._quoted[0][0]
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
                min_out=min_out(out, self.spec.slippage),
                latency=self._latency(row),
                tags=frozenset(tags),
            )
        if index < quoted + pending:
            return Ranked(row=self._rows[self._pending[index - quoted][-1]])
        row = self._rows[self._failed[index - quoted - pending]]
        return Ranked(row=row, latency=self._latency(row))

    def _latency(self, row: Row) -> float | None:
        return None if row.arrived_at is None else row.arrived_at - self.started_at

    def index_of(self, key: RowKey) -> int | None:
        """Display position of a row: how a cursor follows its row through re-ranks."""
        row = self._rows.get(key)
        if row is None:
            return None
        if row.state is RowState.QUOTED:
            return bisect_left(self._quoted, (*row.rank_key(), key))
        if row.state in (RowState.PENDING, RowState.STOPPED):  # stopped rows stay in place
            found = bisect_left(self._pending, (*row.pending_key(), key))
            return len(self._quoted) + found
        return len(self._quoted) + len(self._pending) + self._failed_at[key]

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def find(self, key: RowKey) -> Ranked | None:
        index = self.index_of(key)
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
        if any(not f.complete for f in self._finished.values()):
            return BoardPhase.INCOMPLETE
        return BoardPhase.COMPLETE

    def status(self) -> BoardStatus:
        known = all(s in self._announced or s in self._finished for s in self._labels)
        stopped = self._stopped_at is not None
        return BoardStatus(
            answered=len(self._quoted),
            failed=len(self._failed),
            pending=0 if stopped else len(self._pending),
            expected=len(self) if known else None,
            complete=self._finished_at is not None,
            finished_at=self._finished_at,
            problems=tuple(
                f"{self._label(f.source)}: {f.message or 'incomplete'}"
                for f in self._finished.values()
                if not f.complete
            ),
            phase=self.phase,
            stopped=len(self._pending) if stopped else 0,
            stopped_by=self._stopped_by,
            ended_at=self._stopped_at if stopped else self._finished_at,
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
        return row.quoted_at is not None and now - row.quoted_at > STALE_AFTER

    def age(self, now: float) -> float | None:
        """The best row's age: what the board is worth now. None without a quote."""
        return None if not self._quoted else self.row_age(self._rows[self._quoted[0][-1]], now)

    def is_stale(self, now: float) -> bool:
        """The best price is older than the guide allows (whatever the phase)."""
        age = self.age(now)
        return age is not None and age > STALE_AFTER

    def stale_edge(self, now: float) -> int:
        """How many prices have turned stale by ``now`` (O(log n)): when this
        moves, some row changed from fresh to stale and needs a repaint."""
        return bisect_left(self._priced, now - STALE_AFTER)
