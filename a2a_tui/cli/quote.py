"""``a2a-tui quote``: the quote board without a screen, for scripts and support.

With ``--json`` every event is one JSON line the moment it arrives, carrying
the channel's rank at that moment; without it, a ranked table at the end.
Exit status: 0 if at least one channel answered, 1 if none did (or the
host failed), 2 for bad input (a ``--channel`` that does not quote the pair
included). On a terminal, stderr carries a one-line progress while waiting.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from fractions import Fraction
from typing import Any, TextIO

from a2a_tui.domain import display
from a2a_tui.domain.quote_input import QuoteArgs, QuoteInputError, resolve_args
from a2a_tui.domain.quotes import (
    ChannelFailed,
    ChannelsExpected,
    FeeLine,
    Quote,
    QuoteEvent,
    QuoteSpec,
    SourceFinished,
)
from a2a_tui.engine.board import QuoteBoard, Ranked, RowKey, RowState
from a2a_tui.engine.merger import QuoteRun
from a2a_tui.engine.promo import PromoOutcome, promo_outcome
from a2a_tui.providers.http.errors import ProviderError, describe
from a2a_tui.services.backend import Backend

__all__ = ["run_quote"]

EXIT_OK, EXIT_NO_QUOTE, EXIT_USAGE = 0, 1, 2


async def resolve(backend: Backend, args: QuoteArgs) -> QuoteSpec:
    return resolve_args(args, await backend.load_tokens())


async def run_quote(
    backend: Backend,
    args: QuoteArgs,
    *,
    as_json: bool,
    out: TextIO,
    err: TextIO,
    within: float | None = None,
) -> int:
    """``within``: stop waiting after that many seconds (``--timeout``); what
    has not answered by then is reported as unanswered, the rest is the result."""
    try:
        spec = await resolve(backend, args)
    except QuoteInputError as exc:
        print(f"a2a-tui quote: {exc}", file=err)
        return EXIT_USAGE
    except ProviderError as exc:
        print(f"a2a-tui quote: cannot load tokens from {backend.base_url}: {describe(exc)}",
              file=err)  # fmt: skip
        return EXIT_NO_QUOTE
    if spec.channel_id is not None and (problem := await unknown_channel(backend, spec)):
        print(f"a2a-tui quote: {problem}", file=err)
        return EXIT_USAGE
    gc.freeze()  # what lives now lives to the end: keep it out of the collector's passes
    labels = {source.id: source.label for source in backend.sources}
    tags = {source.id: source.tag for source in backend.sources}
    for notice in backend.notices:
        print(f"a2a-tui quote: {notice}", file=err)
    progress = _Progress(err) if err.isatty() else None
    unanswered: dict[RowKey, str] = {}  # rows still waiting when their source finished
    async with QuoteRun(backend.sources, spec, source_timeout=within) as run:
        board = QuoteBoard(spec, labels, run.started_at, tags=tags)
        ticking = progress.tick(board) if progress else None
        try:
            async for batch in run:
                for arrival in batch:
                    finished = arrival[1]
                    if isinstance(finished, SourceFinished) and finished.available:
                        unanswered |= _waiting(board, finished.source)
                    board.apply([arrival])
                    if as_json:
                        if progress:
                            progress.clear()
                        _print_json(_event_json(board, arrival[1]), out)
                if progress:
                    progress.show(board)
        finally:
            if ticking is not None:
                ticking.cancel()
            if progress:
                progress.clear()
    status = board.status()
    promo = promo_outcome(board)
    if as_json:
        _print_json(_summary_json(board, unanswered, promo), out)
    else:
        _print_table(board, out, unanswered)
        for problem in status.problems:
            print(f"incomplete: {problem}", file=err)
    if promo is not None and (message := promo.message()):
        print(f"a2a-tui quote: {message}", file=err)
    return EXIT_OK if status.answered else EXIT_NO_QUOTE


async def unknown_channel(backend: Backend, spec: QuoteSpec) -> str | None:
    """Why ``--channel`` cannot be quoted for this pair, before anything is asked.

    If the host cannot list its channels, the quote goes ahead and the
    server's own answer (``channel not found``) is reported.
    """
    try:
        channels = await backend.list_channels(spec.src, spec.dst)
    except ProviderError:
        return None
    if channels is None or any(c.channel_id == spec.channel_id for c in channels):
        return None
    pair = f"{spec.src.symbol} ({spec.src.chain.name}) → {spec.dst.symbol} ({spec.dst.chain.name})"
    known = ", ".join(f"{c.channel_id} {c.name}" for c in channels) or "none"
    return f"channel {spec.channel_id} does not quote {pair}; its channels: {known}"


def _waiting(board: QuoteBoard, source: str) -> dict[RowKey, str]:
    return {
        ranked.row.key: ranked.row.name
        for ranked in board.ranked()
        if ranked.row.state is RowState.PENDING and ranked.row.key[0] == source
    }


class _Progress:
    """One line on a terminal's stderr (``3 of 6 answered…``), rewritten in
    place and erased when the quote ends. Never used when stderr is not a
    terminal: scripts get nothing extra there."""

    _ERASE = "\r\x1b[2K"

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.shown = False

    def show(self, board: QuoteBoard) -> None:
        status = board.status()
        total = f" of {status.expected}" if status.expected is not None else ""
        failed = f" · {status.failed} failed" if status.failed else ""
        elapsed = time.monotonic() - board.started_at
        self.err.write(f"{self._ERASE}{status.answered}{total} answered{failed} · {elapsed:.0f} s…")
        self.err.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.err.write(self._ERASE)
            self.err.flush()
            self.shown = False

    def tick(self, board: QuoteBoard) -> asyncio.Task[None]:
        """Keep the elapsed time moving while nothing arrives."""

        async def every_half_second() -> None:
            while True:
                self.show(board)
                await asyncio.sleep(0.5)

        return asyncio.create_task(every_half_second())


def _print_json(payload: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()


def _fee_json(fee: FeeLine) -> dict[str, Any]:
    return {
        "label": fee.label,
        "amount": None if fee.units is None else str(fee.units),
        "decimals": fee.decimals,
        "symbol": fee.symbol or None,
        "usd": None if fee.usd is None else str(fee.usd),
        "bps": None if fee.bps is None else str(fee.bps),
        "note": fee.note or None,
    }


def _quote_json(board: QuoteBoard, ranked: Ranked) -> dict[str, Any]:
    """One route's answer. ``provider`` is the source's name, ``route`` its own
    id for the route (Any2Any: the channel id, also in ``channel_id``)."""
    row, quote = ranked.row, ranked.row.quote
    assert quote is not None
    dst = board.spec.dst
    decimals = quote.decimals(dst)
    return {
        "source": quote.source,
        "provider": row.source_label,
        "route": quote.route_id,
        "channel_id": quote.channel_id,
        "name": quote.name,
        "estimated_out": str(quote.out_amount),
        "estimated_out_human": display.amount_exact(quote.out_amount, decimals),
        "decimals": decimals,
        "symbol": dst.symbol if row.state is RowState.QUOTED else quote.asset_label,
        "estimated_out_usd": None if quote.out_usd is None else str(quote.out_usd),
        "fee_pct": None if quote.fee_pct is None else str(quote.fee_pct),
        "fee_pct_original": None if quote.fee_pct_original is None else str(quote.fee_pct_original),
        "promo_applied": quote.promo_applied,
        "min_out": None if ranked.min_out is None else str(ranked.min_out),
        "shortfall_bps": _bps_json(ranked.shortfall_bps),
        "latency_ms": None if ranked.latency is None else round(ranked.latency * 1000),
        "eta_s": quote.eta,
        "price_impact_pct": None if quote.price_impact_pct is None else str(quote.price_impact_pct),
        "expires_at": None if quote.expires_at is None else quote.expires_at.isoformat(),
        "warnings": list(quote.warnings),
        "fees": [_fee_json(fee) for fee in quote.fees],
        "provider_tags": list(quote.provider_tags),
        "comparable": row.state is RowState.QUOTED,
        "rank": ranked.rank,
        "tags": sorted(ranked.tags),
    }


def _event_json(board: QuoteBoard, event: QuoteEvent) -> dict[str, Any]:
    match event:
        case Quote():
            ranked = board.find(event.key)
            assert ranked is not None
            best = board.best()
            return {
                "event": "channel",
                **_quote_json(board, ranked),
                "best_channel_id": None if best is None else best.row.key[1],
                "best_provider": None if best is None else best.row.source_label,
            }
        case ChannelFailed():
            return {
                "event": "error",
                "source": event.source,
                "provider": _label(board, event.source),
                "route": event.route_id,
                "channel_id": event.channel_id,
                "message": event.message,
            }
        case ChannelsExpected():
            return {
                "event": "expecting",
                "source": event.source,
                "provider": _label(board, event.source),
                "channel_ids": [c.route_id for c in event.channels],
            }
        case SourceFinished():
            return {
                "event": "source_done",
                "source": event.source,
                "provider": _label(board, event.source),
                "complete": event.complete,
                "available": event.available,
                "message": event.message,
            }


def _label(board: QuoteBoard, source: str) -> str:
    return board.label(source)


def _summary_json(
    board: QuoteBoard, unanswered: dict[RowKey, str], promo: PromoOutcome | None
) -> dict[str, Any]:
    status = board.status()
    best = board.best()
    return {
        "event": "done",
        "complete": status.complete,
        "answered": status.answered,
        "failed": status.failed,
        "problems": list(status.problems),
        "unanswered": [
            {
                "source": key[0],
                "provider": _label(board, key[0]),
                "channel_id": key[1],
                "name": name,
            }
            for key, name in unanswered.items()
        ],
        "sources": status.sources,
        "unavailable": [
            {"source": r.row.key[0], "provider": r.row.source_label, "reason": r.row.error}
            for r in board.ranked()
            if r.row.state is RowState.UNAVAILABLE
        ],
        "promo": None
        if promo is None
        else {
            "code": promo.code,
            "applied": len(promo.applied),
            "answered": len(promo.applied) + len(promo.declined),
            "message": promo.message(),
        },
        "best": None if best is None else _quote_json(board, best),
    }


def _print_table(board: QuoteBoard, out: TextIO, unanswered: dict[RowKey, str]) -> None:
    dst = board.spec.dst
    header = ("#", "Channel", "Provider", f"Receive ({dst.symbol})", "USD", "Fee", "Δ bps",
              "Time", "Tags")  # fmt: skip
    rows: list[tuple[str, ...]] = []
    for ranked in board.ranked():
        row, quote = ranked.row, ranked.row.quote
        name = f"⚠{row.name}" if quote is not None and quote.warnings else row.name
        if row.state is RowState.QUOTED and quote is not None:
            amount = display.amount(quote.out_amount, quote.decimals(dst),
                                    token_decimals=dst.decimals)  # fmt: skip
            rows.append((
                str(ranked.rank), name, row.source_label, amount, display.usd(quote.out_usd),
                display.percent(quote.fee_pct), display.bps(ranked.shortfall_bps),
                display.duration(ranked.latency), " ".join(sorted(ranked.tags)),
            ))  # fmt: skip
        else:
            if row.key in unanswered or row.state in (RowState.UNAVAILABLE, RowState.UNRANKED):
                what = row.error or ""
            else:
                what = f"failed: {row.error}"
            latency = "" if ranked.latency is None else display.duration(ranked.latency)
            rows.append(("-", name, row.source_label, what, "", "", "", latency, ""))
    # a row without a price writes its message across the number columns: it
    # does not widen them (a long "not available: ..." would push every number right)
    priced = [cells for cells in rows if cells[0] != "-"]
    widths = [max(len(cells[i]) for cells in [header, *priced]) for i in range(len(header))]
    for cells in [header, *rows]:
        if cells is not header and cells[0] == "-":
            widths[1] = max(widths[1], len(cells[1]))
            widths[2] = max(widths[2], len(cells[2]))
    right = {0, 3, 4, 5, 6, 7}
    for cells in [header, *rows]:
        if cells is not header and cells[0] == "-":
            head = "  ".join(c.ljust(w) for c, w in zip(cells[:3], widths[:3], strict=True))
            span = sum(widths[3:7]) + 2 * 3
            message, latency = cells[3], cells[7]
            tail = f"  {latency.rjust(widths[7])}" if latency and len(message) <= span else ""
            line = f"{head}  {message.ljust(span) if tail else message}{tail}"
        else:
            line = "  ".join(
                cell.rjust(w) if i in right and cells is not header else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
            )
        out.write(line.rstrip() + "\n")
    status = board.status()
    missing = f", {len(unanswered)} did not answer" if unanswered else ""
    off = f", {status.unavailable} not available" if status.unavailable else ""
    out.write(f"{status.answered} answered, {status.failed - len(unanswered)} failed"
              f"{missing}{off}\n")  # fmt: skip


def _bps_json(shortfall: Fraction | None) -> str | None:
    """Basis points below the best, rounded exactly to 0.01 (``"12.35"``, ``"0"``)."""
    if shortfall is None:
        return None
    whole, part = divmod(round(shortfall * 100), 100)  # never negative: at or below the best
    return f"{whole}.{part:02d}".rstrip("0") if part else str(whole)
