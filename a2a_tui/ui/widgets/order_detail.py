"""The detail pane of the orders screen: the next step first, then every field of
the order, its fee snapshot, its refund record and its timeline.

Built from plain data the screen prepares; server text arrives inert and is
never parsed as markup (everything goes through `Content` spans).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from a2a_tui.domain import display
from a2a_tui.domain.orders import OrderView, status_label
from a2a_tui.domain.support import (
    TimelineEntry,
    amount_and_units,
    commission_of,
    short_status,
)
from a2a_tui.ui.glyphs import GLYPHS

__all__ = ["AgeLine", "DetailData", "OrderDetail", "age_text", "detail_content"]


@dataclass(frozen=True, slots=True)
class DetailData:
    key: str
    origin: str
    view: OrderView | None
    next_step: str
    refund_path: str | None
    refund_why: str
    refund_allowed: bool | None
    timeline: Sequence[TimelineEntry] = ()
    error: str | None = None
    created_with: str | None = None  # the key entry the journal created it with
    client_order_id: str | None = None


#: The pane's column is narrow: the units in brackets, without the word.
_amount = partial(amount_and_units, compact=True)


def _when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def detail_content(data: DetailData) -> Content:
    view = data.view
    parts: list[tuple[str, str] | str] = []

    def head(text: str) -> None:
        parts.append((("\n\n" if parts else "") + text, "bold $text-accent"))

    def line(label: str, value: object) -> None:
        parts.append((f"\n{label:<22}", "$text-muted"))
        if isinstance(value, bool):
            value = "yes" if value else "no"
        parts.append("—" if value is None else str(value))

    head("Next step")
    parts.append("\n" + data.next_step)
    if data.error:
        parts.append((f"\n⚠ last read failed: {data.error}", "$text-warning"))
    if view is None:
        head("Order")
        line("journal entry", data.key)
        line("client_order_id", data.client_order_id)
        line("state", "not confirmed by the host yet (checked at every start)")
        return _assemble(parts)
    src, dst, fees = view.src, view.dst, view.fees
    head("Order")
    line("order_no", view.order_no)
    line("order_id", view.order_id)
    line("status", f"{short_status(view.status, settled=view.settled)} ({view.status})")
    line("settled", view.settled)
    line("client_order_id", view.client_order_id or data.client_order_id)
    line("integrator_id", view.integrator_id if view.verified else "not verified")
    line("origin", {"created": "created here", "watched": "looked up (watch list)"}.get(
        data.origin, data.origin))  # fmt: skip
    if data.created_with is not None:
        line("created with key", data.created_with)
    line("created_at", _when(view.created_at))
    line("expire_at", _when(view.expire_at))
    line("auto_cancel_at", _when(view.auto_cancel_at))
    head("Amounts")
    line("pair", f"{src.label if src else '?'} → {dst.label if dst else '?'}")
    line("amount_in", _amount(view.amount_in, src))
    line("estimated out", _amount(view.estimated_out, dst))
    line("min_acceptable_out", _amount(view.min_out, dst))
    line("out_amount", _amount(view.out_amount, dst) if view.out_amount is not None else None)
    line("slippage", display.slippage_percent(view.slippage))
    line("chosen_channel_id", view.chosen_channel_id)
    line("promo_code", view.promo_code)
    head("Addresses")
    line("deposit_address", view.deposit_address)
    line("dst_address", view.dst_address)
    line("out_tx_hash", view.out_tx_hash)
    head("Fee snapshot")
    line("fee_integrator", _amount(fees.fee_integrator, src))
    line("fee_platform", _amount(fees.fee_platform, src))
    line("fee_platform_original", _amount(fees.fee_platform_original, src))
    line("fee_partner", _amount(fees.fee_partner, src))
    line("integrator_fee_rate", None if fees.integrator_fee_rate is None
         else display.percent(fees.integrator_fee_rate))  # fmt: skip
    line("platform_fee_rate", None if fees.platform_fee_rate is None
         else display.percent(fees.platform_fee_rate))  # fmt: skip
    line("partner_fee_rate", None if fees.partner_fee_rate is None
         else display.percent(fees.partner_fee_rate))  # fmt: skip
    line("commission", commission_of(view).value)
    if view.deposit is not None:
        deposit = view.deposit
        head("Deposit")
        line("amount", _amount(deposit.amount, src))
        line("received_at", _when(deposit.received_at))
        line("tx_hash", deposit.tx_hash)
        line("late", "yes: after expire_at" if deposit.late else "no")
    head("Refund")
    refund = view.refund
    if refund is None:
        line("record", "none")
    else:
        line("refund_address", refund.refund_address)
        line("handling", refund.handling)
        line("status", refund.status)
        line("refund_amount", _amount(refund.refund_amount, src))
        line("gas_fee", _amount(refund.gas_fee, src))
        line("requested_at", _when(refund.requested_at))
        line("completed_at", _when(refund.completed_at))
        line("tx_hash", refund.tx_hash)
    line("path (guide 3.4)", data.refund_path or "none")
    mark = {True: "✓ ", False: "✗ ", None: "? "}[data.refund_allowed]
    parts.append((f"\n{mark}", "bold"))
    parts.append(data.refund_why)
    head("Timeline (UTC; host = status_history, here = this journal)")
    for entry in data.timeline:
        seen = f"  (seen here {entry.seen.astimezone(UTC):%H:%M:%S})" if entry.seen else ""
        parts.append((f"\n{entry.at.astimezone(UTC):%m-%d %H:%M:%S} {entry.source:<5}",
                      "$text-muted"))  # fmt: skip
        parts.append(" " + entry.text)
        if seen:
            parts.append((seen, "$text-muted"))
    if not data.timeline:
        parts.append("\n(nothing recorded yet)")
    return _assemble(parts)


def _assemble(parts: Sequence[str | tuple[str, str]]) -> Content:
    """The parts in the terminal's glyphs (ASCII marks on the Linux console)."""
    return Content.assemble(*(
        GLYPHS.text(p) if isinstance(p, str) else (GLYPHS.text(p[0]), p[1]) for p in parts
    ))  # fmt: skip


def age_text(age: float | None) -> str:
    """In 5 s steps, as the table says it."""
    return "" if age is None else f"updated {int(age) // 5 * 5} s ago"


class AgeLine(Widget):
    """One line that changes every few seconds: a repaint, never a layout pass (the
    detail's own text is re-laid out only when the order changes)."""

    text: reactive[str] = reactive("", layout=False)

    def render(self) -> Content:
        return Content(self.text)


class OrderDetail(VerticalScroll):
    """Scrolls with the keys when focused; `show` replaces its content."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()

    def compose(self) -> ComposeResult:
        yield AgeLine(id="detail-age")
        yield Static(Content("Choose an order: its detail appears here."), id="detail-text")

    def show_age(self, age: float | None) -> None:
        self.query_one(AgeLine).text = age_text(age)

    def show(self, data: DetailData | None) -> None:
        text = self.query_one("#detail-text", Static)
        if data is None:
            text.update(Content("No order selected."))
            return
        text.update(detail_content(data))
        if data.view is not None and data.view.status is not None:
            self.border_title = f"{data.view.order_no} · {status_label(data.view.status)}"
        elif data.view is not None:
            self.border_title = data.view.order_no
        else:
            self.border_title = data.key
