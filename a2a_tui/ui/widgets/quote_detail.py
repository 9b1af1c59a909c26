"""Everything about the highlighted row: the exact amounts, the fee breakdown,
ETA, expiry and warnings a provider gives, and its answer as received."""

from __future__ import annotations

import textwrap
from pathlib import Path

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from a2a_tui.domain import display
from a2a_tui.domain.quotes import FeeLine, Quote, QuoteSpec
from a2a_tui.engine.board import Ranked, Row, RowState, Tag

__all__ = ["QuoteDetail", "describe_row"]

WARNING_MARK = "⚠"


def _route(row: Row) -> str:
    route = row.key[1]
    if route is None:
        return "" if row.quote is not None else "whole provider"  # a quote: its one route
    return f"channel {route}" if isinstance(route, int) else f"route {route}"


def _fee(fee: FeeLine) -> str:
    """One fee in the board's number rule: exact amount, USD in cents, the rate."""
    parts = []
    if fee.units is not None:
        if fee.decimals is None:
            parts.append(f"{fee.units} units of {fee.symbol}".strip())
        else:
            parts.append(display.amount_exact(fee.units, fee.decimals, fee.symbol or None))
    if fee.usd is not None:
        parts.append(display.usd(fee.usd))
    if fee.bps is not None:
        parts.append(f"{fee.bps.normalize():f} bps")
    return " · ".join(parts) or "—"


def _expiry(quote: Quote) -> str:
    """Absolute (the panel is not redrawn every second); the table marks the
    row STALE when the moment passes."""
    assert quote.expires_at is not None
    local = quote.expires_at.astimezone().strftime("%H:%M:%S")
    if quote.valid_for is None:
        return local
    return f"{local}, {display.duration(quote.valid_for)} after it was quoted"


#: The labels' column: a value starts after it, and so does each of its further lines.
LABEL = 9


def describe_row(
    ranked: Ranked | None,
    spec: QuoteSpec | None,
    width: int = 80,
) -> Content:
    """Plain spans only: every value here started life on a server.

    No line is wider than ``width``: a long value (an error, a warning, a
    field as received) is wrapped onto lines of its own, never cut, so the
    panel's height is its number of lines: an update that keeps it needs no
    layout pass.
    """
    if ranked is None or spec is None:
        return Content.styled("No row selected.", "$text-muted")
    row, quote = ranked.row, ranked.row.quote
    where = " · ".join(p for p in (row.source_label, _route(row)) if p)
    parts: list[Content | tuple[str, str] | str] = [
        (row.name or "(unnamed)", "bold"),
        (f"\n{_wrap(where, width)}\n", "$text-muted"),
    ]

    def line(label: str, value: str, style: str = "") -> None:
        """A labelled value; a long one continues under itself, not under its label."""
        value = _wrap(value, width - LABEL).replace("\n", "\n" + " " * LABEL)
        parts.extend([(f"\n{label:<{LABEL}}", "$text-muted"), (value, style) if style else value])

    if row.state not in (RowState.QUOTED, RowState.UNRANKED) or quote is None:
        state = {
            RowState.PENDING: "waiting for an answer",
            RowState.STOPPED: "stopped before it answered",
            RowState.UNAVAILABLE: "not asked",
        }.get(row.state, "failed")
        parts += [f"\n{state}", f"\n{_wrap(row.error or '', width)}" if row.error else ""]
        if ranked.latency is not None:
            parts.append(f"\nafter {display.duration(ranked.latency)}")
        return Content.assemble(*parts)
    dst = spec.dst
    decimals = quote.decimals(dst)
    symbol = dst.symbol if row.state is RowState.QUOTED else (quote.asset_label or "?")
    if row.state is RowState.UNRANKED:
        parts.append((f"\n{_wrap(row.error or '', width)}", "$text-warning"))
    line("Receive", display.amount_exact(quote.out_amount, decimals, symbol), "bold")
    line("", f"{quote.out_amount} units", "$text-muted")
    if ranked.min_out is not None:
        line("Min out", display.amount_exact(ranked.min_out, decimals, symbol))
        line("", f"{ranked.min_out} units", "$text-muted")
        if quote.min_out is None:
            line("", f"at {display.fraction_percent(spec.slippage)} slippage", "$text-muted")
        else:
            line("", "the provider's own minimum", "$text-muted")
    line("USD", display.usd(quote.out_usd))
    if quote.out_usd is not None and display.usd_exact(quote.out_usd) != display.usd(quote.out_usd):
        line("", f"{display.usd_exact(quote.out_usd)} as quoted", "$text-muted")
    line("Fee", display.percent(quote.fee_pct))
    if quote.promo_applied:
        discount = f" -{display.percent(quote.discount_pct)}" if quote.discount_pct else ""
        line("", f"promo{discount}, was {display.percent(quote.fee_pct_original)}", "$text-muted")
    for index, fee in enumerate(quote.fees):  # each on its own line: a number never wraps
        line("Fees" if index == 0 else "", f"{fee.label} {_fee(fee)}")
        if fee.note:
            line("", f"  {fee.note}", "$text-muted")
    if quote.price_impact_pct is not None:
        line("Impact", display.percent(quote.price_impact_pct))
    if ranked.rank is not None:
        rank = "best" if ranked.rank == 1 else f"{display.bps(ranked.shortfall_bps)} bps vs best"
        line("Rank", f"{ranked.rank} ({rank})")
    if ranked.tags:  # in full: a narrow table writes their initials
        line("Tags", " ".join(tag.value for tag in Tag if tag in ranked.tags))
    if quote.eta is not None:
        line("ETA", display.duration(quote.eta))
    if quote.expires_at is not None:
        line("Expires", _expiry(quote))
    line("Latency", display.duration(ranked.latency))
    if quote.route_text:
        line("Route", quote.route_text)  # wraps between words, never inside a number
    if quote.provider_tags:
        line("Own tags", " ".join(quote.provider_tags))
    if quote.warnings:
        parts.append(("\n\nWarnings", "bold"))
        for warning in quote.warnings:
            text = _wrap(warning, width - 2, indent="  ")
            parts.append((f"\n{WARNING_MARK} {text}", "$text-warning"))
    title = "Channel object" if quote.channel_id is not None else "As received"
    parts.append((f"\n\n{title}", "bold"))
    for name, value in quote.display_fields():
        room = width - 21
        if len(value) > room:  # on lines of its own, whole
            parts.extend([(f"\n{name}", "$text-muted"), f"\n  {_wrap(value, width - 2, '  ')}"])
        else:
            parts.extend([(f"\n{name:<21}", "$text-muted"), value])
    return Content.assemble(*parts)


def _wrap(text: str, width: int, indent: str = "") -> str:
    """``text`` on lines of at most ``width`` cells, between words where it
    can, inside a long one (a URL) where it must; later lines start with
    ``indent``. Every character is kept (it is shown as received)."""
    if cell_len(text) <= width:
        return text
    lines = textwrap.wrap(text, max(1, width), subsequent_indent=indent,
                          break_on_hyphens=False, replace_whitespace=False)  # fmt: skip
    return "\n".join(lines)


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
        width = max(1, self.scrollable_content_region.width)
        lines = sum(max(1, -(-cell_len(line) // width)) for line in content.plain.split("\n"))
        # a full layout pass costs tens of ms; only a change of height needs one
        self.query_one("#detail-body", Static).update(content, layout=lines != self._lines)
        self._content, self._lines = content, lines
