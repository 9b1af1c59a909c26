"""Everything about the highlighted row: the exact amounts and the raw channel object."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from a2a_tui.domain import display
from a2a_tui.domain.quotes import QuoteSpec
from a2a_tui.engine.board import Ranked, RowState

__all__ = ["QuoteDetail", "describe_row"]


def describe_row(ranked: Ranked | None, spec: QuoteSpec | None, width: int = 80) -> Content:
    """Plain spans only: every value here started life on a server.

    No line is wider than ``width`` (long values are cut with an ellipsis), so
    the panel's height depends only on the number of lines: an update that
    keeps it needs no layout pass.
    """
    if ranked is None or spec is None:
        return Content.styled("No row selected.", "$text-muted")
    row, quote = ranked.row, ranked.row.quote
    channel = "whole provider" if row.key[1] is None else f"channel {row.key[1]}"
    parts: list[Content | tuple[str, str] | str] = [
        (row.name or "(unnamed)", "bold"),
        (f"\n{row.source_label} · {channel}\n", "$text-muted"),
    ]
    if row.state is not RowState.QUOTED or quote is None:
        state = {
            RowState.PENDING: "waiting for an answer",
            RowState.STOPPED: "stopped before it answered",
        }.get(row.state, "failed")
        parts += [f"\n{state}", f"\n{row.error}" if row.error else ""]
        if ranked.latency is not None:
            parts.append(f"\nafter {display.duration(ranked.latency)}")
        return Content.assemble(*parts)
    dst = spec.dst

    def line(label: str, value: str, style: str = "") -> None:
        parts.extend([(f"\n{label:<9}", "$text-muted"), (value, style) if style else value])

    line("Receive", display.amount_exact(quote.out_amount, dst.decimals, dst.symbol), "bold")
    line("", f"{quote.out_amount} units", "$text-muted")
    if ranked.min_out is not None:
        line("Min out", display.amount_exact(ranked.min_out, dst.decimals, dst.symbol))
        line("", f"{ranked.min_out} units", "$text-muted")
        line("", f"at {display.fraction_percent(spec.slippage)} slippage", "$text-muted")
    line("USD", display.usd(quote.out_usd))
    if quote.out_usd is not None and display.usd_exact(quote.out_usd) != display.usd(quote.out_usd):
        line("", f"{display.usd_exact(quote.out_usd)} as quoted", "$text-muted")
    line("Fee", display.percent(quote.fee_pct))
    if quote.promo_applied:
        discount = f" -{display.percent(quote.discount_pct)}" if quote.discount_pct else ""
        line("", f"promo{discount}, was {display.percent(quote.fee_pct_original)}", "$text-muted")
    rank = "best" if ranked.rank == 1 else f"{display.bps(ranked.shortfall_bps)} bps vs best"
    line("Rank", f"{ranked.rank} ({rank})")
    line("Latency", display.duration(ranked.latency))
    parts.append(("\n\nChannel object", "bold"))
    for name, value in quote.display_fields():
        room = width - 21
        if len(value) > room:  # its own line, cut to fit
            parts.extend([(f"\n{name}", "$text-muted"), f"\n  {_cut(value, width - 2)}"])
        else:
            parts.extend([(f"\n{name:<21}", "$text-muted"), value])
    return Content.assemble(*parts)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class QuoteDetail(VerticalScroll):
    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = describe_row(None, None)
        self._lines = 1

    def compose(self) -> ComposeResult:
        yield Static(self._content, id="detail-body")

    def show(self, ranked: Ranked | None, spec: QuoteSpec | None) -> None:
        content = describe_row(ranked, spec, max(20, self.scrollable_content_region.width - 1))
        if content == self._content:  # a re-rank elsewhere changed nothing here
            return
        lines = content.plain.count("\n") + 1
        # a full layout pass costs tens of ms; only a change of height needs one
        self.query_one("#detail-body", Static).update(content, layout=lines != self._lines)
        self._content, self._lines = content, lines
