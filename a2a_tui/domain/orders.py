"""Order states of the Any2Any guide, with the rules the UI and simulator share."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FINAL_STATES", "REFUNDABLE_STATES", "OrderStatus"]


class OrderStatus(StrEnum):
    """The guide's named states plus the two in-flight ones it implies.

    ``Swapping`` (deposit seen, executing) and ``Refunding`` (refund sent,
    not yet confirmed) are this project's names; the guide only says orders
    are "executed automatically" and principal is "refunded".
    """

    DEPOSITING = "Depositing"
    SWAPPING = "Swapping"
    COMPLETED = "Completed"
    CANCELLED_NO_DEPOSIT = "CancelledNoDeposit"
    REFUND_ADDRESS_PENDING = "RefundAddressPending"
    CHAIN_FAILED = "ChainFailed"
    SLIPPAGE_FAILED = "SlippageFailed"
    MANUAL_REVIEW = "ManualReview"
    REFUNDING = "Refunding"
    REFUNDED = "Refunded"
    FAILED_NO_REFUND = "FailedNoRefund"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    OrderStatus.DEPOSITING: "waiting for deposit",
    OrderStatus.SWAPPING: "deposit received, swapping",
    OrderStatus.COMPLETED: "completed",
    OrderStatus.CANCELLED_NO_DEPOSIT: "deposit expired",
    OrderStatus.REFUND_ADDRESS_PENDING: "failed, refund address needed",
    OrderStatus.CHAIN_FAILED: "on-chain failure",
    OrderStatus.SLIPPAGE_FAILED: "swap failed (slippage)",
    OrderStatus.MANUAL_REVIEW: "refund under manual review",
    OrderStatus.REFUNDING: "refund in progress",
    OrderStatus.REFUNDED: "refunded",
    OrderStatus.FAILED_NO_REFUND: "failed, no refund",
}

#: States that never change again (a settled CancelledNoDeposit is final too,
#: but that depends on time, not on the state name).
FINAL_STATES = frozenset(
    {OrderStatus.COMPLETED, OrderStatus.REFUNDED, OrderStatus.FAILED_NO_REFUND}
)

#: Failed swaps whose principal is refunded automatically on request (guide 3.4).
REFUNDABLE_STATES = frozenset(
    {
        OrderStatus.REFUND_ADDRESS_PENDING,
        OrderStatus.CHAIN_FAILED,
        OrderStatus.SLIPPAGE_FAILED,
    }
)
