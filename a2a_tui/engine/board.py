"""The ranking board: every channel of one quote, ranked with integer math.

Rows are keyed by (source, channel) and never move under a key, so a UI can
keep its cursor on a row while the ranking changes around it. Ranking is
lazy: `apply` only records, `ranked()` sorts once per change, however many
events arrived in between.
"""

from __future__ import annotations

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

__all__ = ["STALE_AFTER", "BoardStatus", "QuoteBoard", "Ranked", "Row", "RowKey", "RowState", "Tag"]

#: Guide FAQ Q4: keep quote-to-order under 10 seconds.
STALE_AFTER = 10.0

RowKey = tuple[str, int | None]


class RowState(StrEnum):
    PENDING = "pending"
    QUOTED = "quoted"
    FAILED = "failed"


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
    arrived_at: float | None = None
    seq: int = 0  # arrival order, for tie-breaks and FASTEST


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
    complete: bool
    finished_at: float | None
    problems: tuple[str, ...]  # why a source is incomplete


class QuoteBoard:
    def __init__(self, spec: QuoteSpec, sources: Mapping[str, str], started_at: float) -> None:
        """``sources`` maps each source id to its label, in display order."""
        self.spec = spec
        self.started_at = started_at
        self.version = 0
        self._labels = dict(sources)
        self._rows: dict[RowKey, Row] = {}
        self._announced: set[str] = set()
        self._finished: dict[str, SourceFinished] = {}
        self._finished_at: float | None = None
        self._seq = 0
        self._ranked: list[Ranked] = []
        self._index: dict[RowKey, int] = {}
        self._ranked_version = -1

    # -- recording --------------------------------------------------------------

    def apply(self, batch: Iterable[Arrival]) -> None:
        for at, event in batch:
            self._apply(at, event)
        self.version += 1

    def _row(self, key: RowKey, name: str) -> Row:
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = Row(key, self._labels.get(key[0], key[0]), name)
        return row

    def _apply(self, at: float, event: QuoteEvent) -> None:
        match event:
            case Quote():
                row = self._row((event.source, event.channel_id), event.name)
                row.name, row.state, row.quote, row.error = event.name, RowState.QUOTED, event, None
                self._arrive(row, at)
            case ChannelFailed():
                row = self._row((event.source, event.channel_id), "")
                row.state, row.error = RowState.FAILED, event.message
                if event.channel_id is None:
                    row.name = "(whole provider)"
                self._arrive(row, at)
            case ChannelsExpected():
                self._announced.add(event.source)
                for ref in event.channels:
                    row = self._row((ref.source, ref.channel_id), ref.name)
                    row.name = row.name or ref.name
            case SourceFinished():
                self._finish(at, event)

    def _arrive(self, row: Row, at: float) -> None:
        if row.arrived_at is None:
            self._seq += 1
            row.seq, row.arrived_at = self._seq, at

    def _finish(self, at: float, event: SourceFinished) -> None:
        self._finished[event.source] = event
        mine = [r for r in self._rows.values() if r.key[0] == event.source]
        reason = "no answer" if event.complete else (event.message or "stream incomplete")
        for row in mine:
            if row.state is RowState.PENDING:
                row.state, row.error = RowState.FAILED, reason
                self._arrive(row, at)
        if not event.complete and not any(r.state is RowState.QUOTED for r in mine):
            row = self._row((event.source, None), "(whole provider)")
            if row.state is not RowState.FAILED:
                row.state, row.error = RowState.FAILED, reason
                self._arrive(row, at)
        if len(self._finished) == len(self._labels):
            self._finished_at = at

    # -- reading ----------------------------------------------------------------

    def ranked(self) -> list[Ranked]:
        """Quoted rows best first, then pending, then failed; cached per version."""
        if self._ranked_version != self.version:
            self._ranked = self._rank()
            self._index = {ranked.row.key: i for i, ranked in enumerate(self._ranked)}
            self._ranked_version = self.version
        return self._ranked

    def index_of(self, key: RowKey) -> int | None:
        """Position of a row in `ranked()`: how a cursor follows its row."""
        self.ranked()
        return self._index.get(key)

    def _rank(self) -> list[Ranked]:
        quoted: list[tuple[int, Decimal, int, Row]] = []
        pending: list[Row] = []
        failed: list[Row] = []
        for row in self._rows.values():
            if row.quote is not None and row.state is RowState.QUOTED:
                quoted.append((-row.quote.out_amount, row.quote.fee_pct, row.seq, row))
            elif row.state is RowState.PENDING:
                pending.append(row)
            else:
                failed.append(row)
        quoted.sort(key=lambda item: (item[0], item[1], item[2]))
        result: list[Ranked] = []
        if quoted:
            best = -quoted[0][0]
            cheapest = min(quoted, key=lambda item: (item[1], item[2]))[3]
            fastest = min(quoted, key=lambda item: item[2])[3]
            slippage, started = self.spec.slippage, self.started_at
            for rank, (negative_out, _, _, row) in enumerate(quoted, start=1):
                out = -negative_out
                tags = set()
                if rank == 1:
                    tags.add(Tag.BEST)
                if row is cheapest:
                    tags.add(Tag.CHEAPEST)
                if row is fastest:
                    tags.add(Tag.FASTEST)
                result.append(
                    Ranked(
                        row=row,
                        rank=rank,
                        shortfall_bps=Fraction((best - out) * 10_000, best) if best else None,
                        min_out=min_out(out, slippage),
                        latency=None if row.arrived_at is None else row.arrived_at - started,
                        tags=frozenset(tags),
                    )
                )
        pending.sort(key=lambda row: (row.key[0], row.name.lower()))
        failed.sort(key=lambda row: row.seq)
        started = self.started_at
        result.extend(Ranked(row=row) for row in pending)
        result.extend(
            Ranked(row=row, latency=None if row.arrived_at is None else row.arrived_at - started)
            for row in failed
        )
        return result

    def status(self) -> BoardStatus:
        counts = dict.fromkeys(RowState, 0)
        for row in self._rows.values():
            counts[row.state] += 1
        announced_or_done = self._announced | set(self._finished)
        known = all(source in announced_or_done for source in self._labels)
        return BoardStatus(
            answered=counts[RowState.QUOTED],
            failed=counts[RowState.FAILED],
            pending=counts[RowState.PENDING],
            expected=len(self._rows) if known else None,
            complete=self._finished_at is not None,
            finished_at=self._finished_at,
            problems=tuple(
                f"{self._labels.get(f.source, f.source)}: {f.message or 'incomplete'}"
                for f in self._finished.values()
                if not f.complete
            ),
        )

    def best(self) -> Ranked | None:
        ranked = self.ranked()
        return ranked[0] if ranked and ranked[0].rank == 1 else None

    def find(self, key: RowKey) -> Ranked | None:
        index = self.index_of(key)
        return None if index is None else self._ranked[index]

    def age(self, now: float) -> float | None:
        """Seconds since the quote completed; None while it is still running."""
        return None if self._finished_at is None else now - self._finished_at

    def is_stale(self, now: float) -> bool:
        age = self.age(now)
        return age is not None and age > STALE_AFTER
