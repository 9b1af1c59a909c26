"""Refunds as guide 3 defines them: which path applies, and what the host will refuse.

`assess_refund` reads an order view and a wall-clock instant and says which
handling guide 3.4 gives the order (manual review of an expired deposit, an
automatic refund of a failed swap, or a manual confirmation when the host
lacks execution details), whether the host would certainly refuse it (and
why, in the words of 3.7), or whether only the host can tell. The host's
clock is the authority: a state the host reported beats this machine's clock,
and a clock reading within `CLOCK_MARGIN` of a boundary is left to the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from a2a_tui.domain.orders import FINAL_STATES, REFUNDABLE_STATES, OrderStatus, OrderView

__all__ = [
    "CLOCK_MARGIN",
    "RefundAssessment",
    "RefundPath",
    "RefundReason",
    "assess_refund",
    "parse_reason",
    "refund_is_next",
]

#: How far this machine's clock may be off the host's before a window edge is
#: called for certain: closer than this, the host decides.
CLOCK_MARGIN = timedelta(minutes=2)


class RefundReason(StrEnum):
    """Guide 3.7's messages, verbatim, plus the simulator's ``refund_address invalid``."""

    UNAUTHORIZED = "unauthorized"
    INTEGRATOR_DISABLED = "integrator disabled"
    NOT_OWNED = "order does not belong to integrator"
    ORDER_NO_REQUIRED = "order no required"
    ADDRESS_REQUIRED = "refund_address required"
    ADDRESS_INVALID = "refund_address invalid"
    NOT_FOUND = "order not found"
    FINALIZED = "order_already_finalized"
    NOT_REFUNDABLE = "order_not_in_refundable_state"
    NOT_EXPIRED_YET = "order_not_expired_yet"
    WINDOW_PASSED = "order_auto_cancel_window_passed"
    MANUAL_CONFIRMATION = "refund_requires_manual_confirmation"
    NOTHING_TO_REFUND = "no_amount_to_refund"
    ADDRESS_LOCKED = "refund_address_cannot_be_changed"
    STATE_CHANGED = "order_state_changed_retry"


def parse_reason(message: str) -> RefundReason | None:
    try:
        return RefundReason(message)
    except ValueError:
        return None


class RefundPath(StrEnum):
    """Guide 3.4's handling, as the host chooses it from the order's state."""

    MANUAL_REVIEW = "manual_review"  # the deposit window expired
    AUTOMATIC = "automatic"  # a failed swap: principal minus gas
    MANUAL_CONFIRMATION = "manual_confirmation"  # a failed swap without execution details

    @property
    def label(self) -> str:
        return _PATH_LABELS[self]


_PATH_LABELS = {
    RefundPath.MANUAL_REVIEW: "expired deposit: manual review",
    RefundPath.AUTOMATIC: "failed swap: automatic refund of the principal minus gas",
    RefundPath.MANUAL_CONFIRMATION: "failed swap without execution details: manual confirmation",
}


@dataclass(frozen=True, slots=True)
class RefundAssessment:
    """What a refund request for this order would meet.

    ``allowed`` is False when the host would certainly refuse (``reason`` is
    the 3.7 message it would answer, ``why`` the sentence), None when only the
    host can tell (``why`` says what is doubtful), True when the rules allow it.
    ``window`` is the manual-review window (``expire_at``, ``auto_cancel_at``).
    ``on_record`` is the refund address already on record: a repeat with it is
    idempotent (guide 3.5), any other is refused.
    """

    path: RefundPath | None
    allowed: bool | None
    why: str
    reason: RefundReason | None = None
    window: tuple[datetime, datetime | None] | None = None
    on_record: str | None = None


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _in(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 0:
        return f"{_span(-seconds)} ago"
    return f"in {_span(seconds)}"


def _span(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def assess_refund(
    view: OrderView, now: datetime, *, manual_confirmation: bool = False
) -> RefundAssessment:
    """Guide 3.4 and 3.5 applied to what the host last reported.

    ``manual_confirmation``: the host already answered
    ``refund_requires_manual_confirmation`` for this order (the journal knows),
    so the failed-swap path is the manual one.
    """
    status = view.status
    refund = view.refund
    if refund is not None:
        return RefundAssessment(
            _path_of(view, manual_confirmation),
            True,
            f"a refund was requested on {_at(refund.requested_at)} to {refund.refund_address} "
            f"({refund.handling.replace('_', ' ')}, {refund.status}): asking again with that "
            "address is the same request; another address is refused (guide 3.5)",
            on_record=refund.refund_address,
        )
    if status is None or not isinstance(status, OrderStatus):
        return RefundAssessment(
            None, None, f"the order's state ({status or 'unknown'}) is not one this client "
            "knows: the host decides",
        )  # fmt: skip
    if status in FINAL_STATES:
        return RefundAssessment(
            None, False, f"the order is final ({status.label}): it cannot be refunded",
            RefundReason.FINALIZED,
        )  # fmt: skip
    if status in (OrderStatus.DEPOSITING, OrderStatus.CANCELLED_NO_DEPOSIT):
        return _expired_deposit(view, status, now)
    if status in REFUNDABLE_STATES:
        if manual_confirmation:
            return RefundAssessment(
                RefundPath.MANUAL_CONFIRMATION,
                None,
                "the host answered that this swap has no execution details: it needs a "
                "manual confirmation by Any2Any support (send them the support bundle); "
                "asking again lets the host check whether it was confirmed",
            )
        return RefundAssessment(
            RefundPath.AUTOMATIC,
            True,
            f"{status.label}: the principal is refunded automatically, minus the source "
            "chain's gas; if the host has no execution details it asks for a manual "
            "confirmation instead",
        )
    if status is OrderStatus.SWAPPING:
        why = "the deposit arrived and the swap is under way: wait for its outcome"
    else:  # ManualReview or Refunding without a record: the host's business
        why = f"the order is {status.label}: a refund is already being handled"
    return RefundAssessment(None, False, why, RefundReason.NOT_REFUNDABLE)


def refund_is_next(view: OrderView, assessment: RefundAssessment) -> bool:
    """Requesting a refund is what this order needs now (what a notification may tell
    the user to do): none is on record yet (one requested, in progress or done is
    not asked for again), a path applies, the host would not certainly refuse, and
    something was received (an expired order with no deposit needs none)."""
    if view.final or view.refund is not None or assessment.on_record is not None:
        return False
    if assessment.path is None or assessment.allowed is False:
        return False
    return assessment.path is not RefundPath.MANUAL_REVIEW or view.deposit is not None


def _path_of(view: OrderView, manual_confirmation: bool) -> RefundPath | None:
    refund = view.refund
    if refund is not None:
        return RefundPath.MANUAL_REVIEW if refund.handling == "manual_review" else (
            RefundPath.AUTOMATIC
        )  # fmt: skip
    if view.status in REFUNDABLE_STATES:
        return RefundPath.MANUAL_CONFIRMATION if manual_confirmation else RefundPath.AUTOMATIC
    if view.status in (OrderStatus.DEPOSITING, OrderStatus.CANCELLED_NO_DEPOSIT):
        return RefundPath.MANUAL_REVIEW
    return None


def _expired_deposit(view: OrderView, status: OrderStatus, now: datetime) -> RefundAssessment:
    """Manual review, only between ``expire_at`` and ``auto_cancel_at`` (guide 3.4)."""
    opens, closes = view.expire_at, view.auto_cancel_at
    window = (opens, closes)
    path = RefundPath.MANUAL_REVIEW
    if status is OrderStatus.CANCELLED_NO_DEPOSIT and view.settled:
        return RefundAssessment(
            path, False,
            "the auto-cancel window has passed"
            + (f" ({_at(closes)})" if closes else "") + ": the order is settled",
            RefundReason.WINDOW_PASSED, window,
        )  # fmt: skip
    if status is OrderStatus.DEPOSITING and now < opens - CLOCK_MARGIN:
        return RefundAssessment(
            path, False,
            f"the deposit window is still open: a refund can be requested only after it "
            f"expires, at {_at(opens)} ({_in(opens - now)})",
            RefundReason.NOT_EXPIRED_YET, window,
        )  # fmt: skip
    if closes is not None and now > closes + CLOCK_MARGIN:
        # the host has not settled it: its clock and this one disagree, it decides
        return RefundAssessment(
            path, None,
            f"by this machine's clock the refund window closed at {_at(closes)} "
            f"({_in(closes - now)}), but the host still reports {status.label}: the host decides",
            None, window,
        )  # fmt: skip
    if status is OrderStatus.DEPOSITING:
        return RefundAssessment(
            path, None,
            f"the deposit window ends at {_at(opens)} ({_in(opens - now)} by this machine's "
            "clock) and the host still reports it open: the host decides whether it expired",
            None, window,
        )  # fmt: skip
    if view.deposit is None:
        return RefundAssessment(
            path, None,
            "the deposit window expired, but the host reports no deposit: with nothing "
            "received it will answer no_amount_to_refund (a late deposit not seen yet "
            "would go to manual review)",
            None, window,
        )  # fmt: skip
    closing = f", until {_at(closes)} ({_in(closes - now)})" if closes else ""
    return RefundAssessment(
        path, True,
        "a deposit reached the address after it expired: a refund goes to manual review"
        + closing,
        None, window,
    )  # fmt: skip
