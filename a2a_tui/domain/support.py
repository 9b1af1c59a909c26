"""What support staff read about an order: its commission, its next step in plain
words, its timeline, and the plain-text bundle for a ticket. Pure functions.

Commission follows guide 3.6: earned only once a swap succeeded and settled;
a failed swap or an expired deposit earns none; an order in flight may still.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from a2a_tui.domain import display
from a2a_tui.domain.orders import OrderStatus, OrderView, StatusSeen, TokenRef, status_label
from a2a_tui.domain.refunds import assess_refund

__all__ = [
    "BADGE_LABELS",
    "Commission",
    "CommissionTotals",
    "TimelineEntry",
    "amount_and_units",
    "bundle_text",
    "commission_of",
    "commission_summary",
    "merge_timeline",
    "next_step",
    "short_status",
]


class Commission(StrEnum):
    EARNED = "earned"  # completed and settled: fee_integrator is the integrator's
    PENDING = "pending"  # in flight: earned if the swap succeeds
    NONE = "none"  # failed, refunded, expired, or not bound to an integrator
    UNKNOWN = "unknown"  # binding not verified, or a state this client does not know


_IN_FLIGHT = frozenset({OrderStatus.DEPOSITING, OrderStatus.SWAPPING})


def commission_of(view: OrderView) -> Commission:
    if view.integrator_bound is False:
        return Commission.NONE
    status = view.status
    if view.integrator_bound is None or not isinstance(status, OrderStatus):
        return Commission.UNKNOWN
    if status is OrderStatus.COMPLETED:
        return Commission.EARNED if view.settled is not False else Commission.PENDING
    if status in _IN_FLIGHT:
        return Commission.PENDING
    return Commission.NONE


@dataclass
class CommissionTotals:
    """``fee_integrator`` summed per source token, by commission state."""

    token: TokenRef | None
    amounts: dict[Commission, int] = field(default_factory=dict)
    orders: dict[Commission, int] = field(default_factory=dict)


def commission_summary(views: Iterable[OrderView]) -> list[CommissionTotals]:
    """Per token (by id; unknown tokens together), in first-seen order."""
    totals: dict[int | None, CommissionTotals] = {}
    for view in views:
        key = view.src.token_id if view.src is not None else None
        entry = totals.setdefault(key, CommissionTotals(view.src))
        state = commission_of(view)
        amount = view.fees.fee_integrator or 0
        if state is Commission.NONE and view.integrator_bound is False:
            amount = 0  # nothing was ever due
        entry.amounts[state] = entry.amounts.get(state, 0) + amount
        entry.orders[state] = entry.orders.get(state, 0) + 1
    return list(totals.values())


#: One or two words and a mark per state, so a badge reads without colour.
_SHORT = {
    OrderStatus.DEPOSITING: "◷ awaiting deposit",
    OrderStatus.SWAPPING: "⇄ swapping",
    OrderStatus.COMPLETED: "✓ completed",
    OrderStatus.CANCELLED_NO_DEPOSIT: "⌛ expired",
    OrderStatus.REFUND_ADDRESS_PENDING: "✗ refund address?",
    OrderStatus.CHAIN_FAILED: "✗ on-chain failure",  # the words of its label (the title)
    OrderStatus.SLIPPAGE_FAILED: "✗ slippage failed",
    OrderStatus.MANUAL_REVIEW: "⚑ manual review",
    OrderStatus.REFUNDING: "↺ refunding",
    OrderStatus.REFUNDED: "↺ refunded",
    OrderStatus.FAILED_NO_REFUND: "✗ no refund",
}


_SETTLED = "⌛ expired, settled"
#: Every badge a known state can have (the table sizes its status column by them).
BADGE_LABELS = (*_SHORT.values(), _SETTLED, "? not read yet", "… not confirmed")


def short_status(status: OrderStatus | str | None, *, settled: bool | None = None) -> str:
    if status is None:
        return "? not read yet"
    if not isinstance(status, OrderStatus):
        return f"? {status}"
    if status is OrderStatus.CANCELLED_NO_DEPOSIT and settled:
        return _SETTLED
    return _SHORT[status]


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _left(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{max(seconds, 0)} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def amount_and_units(units: int | None, token: TokenRef | None, *, compact: bool = False) -> str:
    """An order's own amount: exact, trailing zeros trimmed, with its smallest units
    (``1.5 ETH (1500000000000000000 units)``; ``compact``: ``1.5 ETH  (1500…)``, for
    the detail pane's narrow column); ``—`` when the host gave none."""
    if units is None:
        return "—"
    if token is None:
        return f"{units} units"
    human = display.amount_to_send(units, token.decimals, token.symbol)
    return f"{human}  ({units})" if compact else f"{human} ({units} units)"


_amount = amount_and_units


def next_step(view: OrderView, now: datetime, *, manual_confirmation: bool = False) -> str:
    """What happens next, or what to do, in one sentence."""
    status = view.status
    src, dst = view.src, view.dst
    refund = view.refund
    match status:
        case None:
            return "not read from the host yet: the detail comes with the next poll"
        case OrderStatus.DEPOSITING:
            left = (view.expire_at - now).total_seconds()
            if left <= 0:
                return (
                    f"the deposit window closed at {_when(view.expire_at)}: do not send; "
                    "the host marks the order expired"
                )
            return (
                f"waiting for deposit: send {_amount(view.amount_in, src)} to "
                f"{view.deposit_address} before {_when(view.expire_at)} ({_left(left)} left)"
            )
        case OrderStatus.SWAPPING:
            got = _amount(view.deposit.amount, src) if view.deposit else "the deposit"
            return f"{got} received: the swap is under way; its outcome comes next"
        case OrderStatus.COMPLETED:
            out = _amount(view.out_amount, dst) if view.out_amount is not None else "the output"
            earned = commission_of(view)
            tail = (
                f"; commission {_amount(view.fees.fee_integrator, src)} earned"
                if earned is Commission.EARNED
                else "; no commission (not bound to an integrator)"
                if view.integrator_bound is False
                else ""
            )
            return f"completed: {out} delivered to {view.dst_address or 'the destination'}{tail}"
        case OrderStatus.CANCELLED_NO_DEPOSIT:
            if view.settled:
                return "expired and settled: nothing more will happen to this order"
            if view.deposit is None:
                until = f" at {_when(view.auto_cancel_at)}" if view.auto_cancel_at else ""
                return (
                    "the deposit window expired with nothing received: the order is "
                    f"cancelled automatically{until}; no refund is needed"
                )
            until = f" before {_when(view.auto_cancel_at)}" if view.auto_cancel_at else ""
            return (
                f"a late deposit of {_amount(view.deposit.amount, src)} reached the expired "
                f"address: request a refund{until} (it goes to manual review)"
            )
        case (
            OrderStatus.CHAIN_FAILED | OrderStatus.SLIPPAGE_FAILED
            | OrderStatus.REFUND_ADDRESS_PENDING
        ):  # fmt: skip
            if manual_confirmation:
                return (
                    f"{status_label(status)}: the host has no execution details, so the "
                    "refund needs a manual confirmation by Any2Any support: send them the "
                    "support bundle"
                )
            chain = src.chain if src else "the source chain"
            return (
                f"{status_label(status)}: eligible for an automatic refund of the principal "
                f"minus gas; request it with an address on {chain}"
            )
        case OrderStatus.MANUAL_REVIEW:
            since = f" (requested {_when(refund.requested_at)})" if refund else ""
            return f"refund under manual review, decided within 1 h{since}"
        case OrderStatus.REFUNDING:
            if refund is not None:
                gas = f", minus {_amount(refund.gas_fee, src)} gas" if refund.gas_fee else ""
                return (
                    f"refund of {_amount(refund.refund_amount, src)}{gas} being sent to "
                    f"{refund.refund_address}; it settles within minutes"
                )
            return "a refund is being sent; it settles within minutes"
        case OrderStatus.REFUNDED:
            if refund is not None:
                tx = f" (tx {refund.tx_hash})" if refund.tx_hash else ""
                return (
                    f"refunded {_amount(refund.refund_amount, src)} to {refund.refund_address}{tx}"
                )
            return "refunded"
        case OrderStatus.FAILED_NO_REFUND:
            return "failed without a refund: contact Any2Any support with the support bundle"
        case _:
            return f"the host reports '{status}', a state this version does not know"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of an order's story. ``source``: ``host`` (its status_history),
    ``here`` (what this journal saw or did); ``seen`` is when this machine first
    saw a host status."""

    at: datetime
    source: str
    text: str
    status: OrderStatus | str | None = None
    seen: datetime | None = None


def merge_timeline(
    history: Sequence[StatusSeen],
    local: Sequence[TimelineEntry],
    *,
    offset: timedelta = timedelta(0),
    floor: datetime | None = None,
) -> list[TimelineEntry]:
    """The host's status changes, each joined with the moment this journal first
    saw it, and everything the journal did, in time order, on the host's clock:
    what was stamped here is moved by ``offset`` (the host's clock less this
    machine's). ``floor``: when this journal asked for the order (stamped here):
    nothing of the host's comes before it, whatever a second of skew says."""
    unused = [e for e in local if e.status is not None]
    merged: list[tuple[datetime, int, TimelineEntry]] = []
    start = None if floor is None else floor + offset
    for change in history:
        seen = next((e for e in unused if str(e.status) == str(change.status)), None)
        if seen is not None:
            unused.remove(seen)
        note = f" ({change.note})" if change.note else ""
        seen_at = None if seen is None else seen.at + offset
        entry = TimelineEntry(change.at, "host", status_label(change.status) + note,
                              change.status, seen_at)  # fmt: skip
        merged.append((change.at if start is None else max(change.at, start), 1, entry))
    for entry in local:
        if entry.status is None or entry in unused:
            moved = replace(entry, at=entry.at + offset)
            merged.append((moved.at, 0, moved))
    return [entry for _, _, entry in sorted(merged, key=lambda m: (m[0], m[1]))]


def _rate(value: Decimal | None) -> str | None:
    """A fee rate snapshot as the rest of the app writes it: percent (0.3%)."""
    return None if value is None else display.percent(value)


def _lines(pairs: Sequence[tuple[str, object]]) -> list[str]:
    return [f"  {label:<24}{'—' if value is None else value}" for label, value in pairs]


def bundle_text(
    view: OrderView,
    timeline: Sequence[TimelineEntry],
    *,
    host: str,
    version: str,
    now: datetime,
    key_entry: str | None,
    source: str = "host",
    extra: Mapping[str, object] | None = None,
) -> str:
    """A plain-text summary for a support ticket. Never a secret: the key is
    named by its entry, never shown."""
    src, dst, fees = view.src, view.dst, view.fees
    assessment = assess_refund(view, now)
    lines = [
        f"a2a-tui {version} support bundle · {_when(now)}",
        f"host: {host}" + ("" if source == "host" else f" ({source})"),
        f"integrator key in use: {key_entry or 'none'} (the key itself is never included)",
        "",
        "Order",
        *_lines([
            ("order_no", view.order_no),
            ("order_id", view.order_id),
            ("client_order_id", view.client_order_id),
            ("status", f"{view.status} ({status_label(view.status)})" if view.status else None),
            ("settled", None if view.settled is None else "yes" if view.settled else "no"),
            ("integrator_id", view.integrator_id if view.verified else "not verified"),
            ("created_at", None if view.created_at is None else _when(view.created_at)),
            ("expire_at", _when(view.expire_at)),
            ("auto_cancel_at", None if view.auto_cancel_at is None else _when(view.auto_cancel_at)),
            ("next step", next_step(view, now)),
        ]),
        "",
        "Amounts",
        *_lines([
            ("source", src.label if src else "unknown token"),
            ("destination", dst.label if dst else "unknown token"),
            ("amount_in", _amount(view.amount_in, src)),
            ("estimated out", _amount(view.estimated_out, dst)),
            ("min_acceptable_out", _amount(view.min_out, dst)),
            ("out_amount", _amount(view.out_amount, dst) if view.out_amount is not None else None),
            ("slippage", display.slippage_percent(view.slippage)),
            ("chosen_channel_id", view.chosen_channel_id),
            ("promo_code", view.promo_code),
        ]),
        "",
        "Addresses",
        *_lines([
            ("deposit_address", view.deposit_address),
            ("dst_address", view.dst_address),
            ("out_tx_hash", view.out_tx_hash),
        ]),
        "",
        "Fee snapshot",
        *_lines([
            ("fee_integrator", _amount(fees.fee_integrator, src)),
            ("fee_platform", _amount(fees.fee_platform, src)),
            ("fee_platform_original", _amount(fees.fee_platform_original, src)),
            ("fee_partner", _amount(fees.fee_partner, src)),
            ("integrator_fee_rate", _rate(fees.integrator_fee_rate)),
            ("platform_fee_rate", _rate(fees.platform_fee_rate)),
            ("partner_fee_rate", _rate(fees.partner_fee_rate)),
            ("commission", commission_of(view).value),
        ]),
    ]  # fmt: skip
    if view.deposit is not None:
        deposit = view.deposit
        lines += ["", "Deposit", *_lines([
            ("amount", _amount(deposit.amount, src)),
            ("received_at", _when(deposit.received_at)),
            ("tx_hash", deposit.tx_hash),
            ("late", "yes: after expire_at" if deposit.late else "no"),
        ])]  # fmt: skip
    refund = view.refund
    lines += ["", "Refund"]
    if refund is None:
        path = assessment.path.label if assessment.path else "none"
        lines += _lines([("record", "none"), ("path", path), ("assessment", assessment.why)])
    else:
        lines += _lines([
            ("refund_address", refund.refund_address),
            ("handling", refund.handling),
            ("status", refund.status),
            ("refund_amount", _amount(refund.refund_amount, src)),
            ("gas_fee", _amount(refund.gas_fee, src)),
            ("requested_at", _when(refund.requested_at)),
            ("completed_at", None if refund.completed_at is None else _when(refund.completed_at)),
            ("tx_hash", refund.tx_hash),
        ])  # fmt: skip
    for label, value in (extra or {}).items():
        lines += _lines([(label, value)])
    lines += ["", "Timeline (UTC; host = the host's status_history, here = this journal)"]
    for entry in timeline:
        seen = f" · seen here {entry.seen.astimezone(UTC):%H:%M:%S}" if entry.seen else ""
        lines.append(
            f"  {entry.at.astimezone(UTC):%Y-%m-%d %H:%M:%S}  {entry.source:<5} {entry.text}{seen}"
        )
    if not timeline:
        lines.append("  (nothing recorded)")
    return "\n".join(lines) + "\n"
