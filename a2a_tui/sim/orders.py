"""Simulated orders: fee snapshots, the state machine and the refund rules.

Time-driven transitions (deposit expiry, execution, refund settlement) are
applied lazily by ``OrderBook.sync(now)`` before every read or write, each
stamped with the instant it logically happened, so advancing the clock by a
day walks an order through every step it would have taken.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from a2a_tui.domain.orders import FINAL_STATES, REFUNDABLE_STATES, OrderStatus
from a2a_tui.sim.clock import iso
from a2a_tui.sim.errors import bad_request
from a2a_tui.sim.requests import OrderBody

__all__ = [
    "Deposit",
    "FeeSnapshot",
    "LedgerEntry",
    "Order",
    "OrderBook",
    "Outcome",
    "Refund",
    "Timings",
]

Outcome = Literal["success", "slippage_failed", "chain_failed"]
_OUTCOME_STATUS = {
    "success": OrderStatus.COMPLETED,
    "slippage_failed": OrderStatus.SLIPPAGE_FAILED,
    "chain_failed": OrderStatus.CHAIN_FAILED,
}


def _rate(value: Decimal) -> str:
    return "0" if value == 0 else f"{value:.4f}"


@dataclass(frozen=True, slots=True)
class FeeSnapshot:
    """Guide 2.4: fees in source smallest units, rates in percent.

    The user-facing rate of an API-key order is the B2B tier fee plus the
    key's ``fee_rate``; ``fee_platform_original`` is that whole fee,
    ``fee_integrator`` the key's share and ``fee_platform`` what is left.
    """

    fee_platform: int
    fee_integrator: int
    fee_platform_original: int
    platform_fee_rate: Decimal
    integrator_fee_rate: Decimal

    @classmethod
    def compute(cls, amount_in: int, platform_pct: Decimal, integrator_pct: Decimal) -> FeeSnapshot:
        total = amount_in * Fraction(platform_pct + integrator_pct) / 100
        integrator = amount_in * Fraction(integrator_pct) / 100
        original, commission = int(total), int(integrator)  # floor: amounts are non-negative
        return cls(original - commission, commission, original, platform_pct, integrator_pct)

    def wire(self) -> dict[str, str]:
        return {
            "fee_platform": str(self.fee_platform),
            "fee_partner": "0",
            "fee_integrator": str(self.fee_integrator),
            "fee_platform_original": str(self.fee_platform_original),
            "platform_fee_rate": _rate(self.platform_fee_rate),
            "partner_fee_rate": "0",
            "integrator_fee_rate": _rate(self.integrator_fee_rate),
        }


@dataclass(slots=True)
class Deposit:
    amount: int
    received_at: datetime
    tx_hash: str
    late: bool


@dataclass(slots=True)
class Refund:
    refund_address: str
    handling: Literal["auto", "manual_review"]
    status: Literal["Processing", "UnderReview", "Completed", "Rejected"]
    requested_at: datetime
    refund_amount: int | None
    gas_fee: int | None
    due_at: datetime
    completed_at: datetime | None = None
    tx_hash: str | None = None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A row of ``integrator_commission_ledger``: written only for a settled success."""

    order_no: str
    integrator_id: int
    token_id: int
    amount: int
    status: str
    settled_at: datetime


@dataclass(frozen=True, slots=True)
class Timings:
    deposit_window: timedelta = timedelta(minutes=30)
    auto_cancel_after: timedelta = timedelta(hours=24)
    execution: timedelta = timedelta(seconds=30)
    refund_address_grace: timedelta = timedelta(hours=1)
    refund_settlement: timedelta = timedelta(minutes=2)
    manual_review: timedelta = timedelta(hours=1)


@dataclass(slots=True)
class Order:
    order_id: int
    order_no: str
    integrator_id: int | None
    body: OrderBody
    created_at: datetime
    deposit_address: str
    expire_at: datetime
    auto_cancel_at: datetime
    fees: FeeSnapshot
    refund_gas_fee: int
    status: OrderStatus = OrderStatus.DEPOSITING
    history: list[dict[str, str]] = field(default_factory=list)
    version: int = 0
    settled: bool = False
    deposit: Deposit | None = None
    outcome: Outcome | None = None
    execution_details: bool = True
    swap_due_at: datetime | None = None
    failed_at: datetime | None = None
    out_amount: int | None = None
    out_tx_hash: str | None = None
    refund: Refund | None = None

    def move(self, status: OrderStatus, at: datetime, note: str | None = None) -> None:
        self.status = status
        self.version += 1
        entry = {"status": status.value, "at": iso(at)}
        if note:
            entry["note"] = note
        self.history.append(entry)

    def creation_wire(self, *, short: bool = False) -> dict[str, Any]:
        head = {
            "order_id": self.order_id,
            "order_no": self.order_no,
            "deposit_address": self.deposit_address,
            "expire_at": iso(self.expire_at),
        }
        return head if short else head | self.fees.wire()

    def detail_wire(self) -> dict[str, Any]:
        body = self.body
        refund = self.refund
        return {
            "order_id": self.order_id,
            "order_no": self.order_no,
            "status": self.status.value,
            "settled": self.settled or self.status in FINAL_STATES,
            "integrator_id": self.integrator_id,
            "client_order_id": body.client_order_id,
            "src_token_id": body.src_token_id,
            "dst_token_id": body.dst_token_id,
            "amount_in": str(body.amount_in),
            "dst_address": body.dst_address,
            "chosen_channel_id": body.chosen_channel_id,
            "slippage": float(body.slippage),
            "main_channel_estimated_out_amount": str(body.main_channel_estimated_out_amount),
            "min_acceptable_out_amount": str(body.min_acceptable_out_amount),
            "promo_code": body.promo_code,
            "deposit_address": self.deposit_address,
            "created_at": iso(self.created_at),
            "expire_at": iso(self.expire_at),
            "auto_cancel_at": iso(self.auto_cancel_at),
            **self.fees.wire(),
            "deposit": None
            if self.deposit is None
            else {
                "amount": str(self.deposit.amount),
                "tx_hash": self.deposit.tx_hash,
                "received_at": iso(self.deposit.received_at),
                "late": self.deposit.late,
            },
            "out_amount": None if self.out_amount is None else str(self.out_amount),
            "out_tx_hash": self.out_tx_hash,
            "refund": None
            if refund is None
            else {
                "refund_address": refund.refund_address,
                "handling": refund.handling,
                "status": refund.status,
                "refund_amount": None
                if refund.refund_amount is None
                else str(refund.refund_amount),
                "gas_fee": None if refund.gas_fee is None else str(refund.gas_fee),
                "requested_at": iso(refund.requested_at),
                "completed_at": None if refund.completed_at is None else iso(refund.completed_at),
                "tx_hash": refund.tx_hash,
            },
            "status_history": list(self.history),
        }


@dataclass
class OrderBook:
    timings: Timings
    rng: random.Random
    orders: dict[str, Order] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    _by_client_id: dict[tuple[int | None, str], Order] = field(default_factory=dict)
    _next_id: int = 1234567
    _next_no: int = 10000001

    def tx_hash(self, prefix: str = "0x") -> str:
        return prefix + f"{self.rng.getrandbits(256):064x}"

    def by_client_id(self, integrator_id: int | None, client_order_id: str) -> Order | None:
        return self._by_client_id.get((integrator_id, client_order_id))

    def add(
        self,
        body: OrderBody,
        *,
        integrator_id: int | None,
        fees: FeeSnapshot,
        deposit_address: str,
        refund_gas_fee: int,
        now: datetime,
    ) -> Order:
        expire_at = now + self.timings.deposit_window
        order = Order(
            order_id=self._next_id,
            order_no=f"OD{now:%Y%m%d}{self._next_no:08d}",
            integrator_id=integrator_id,
            body=body,
            created_at=now,
            deposit_address=deposit_address,
            expire_at=expire_at,
            auto_cancel_at=expire_at + self.timings.auto_cancel_after,
            fees=fees,
            refund_gas_fee=refund_gas_fee,
        )
        self._next_id += 1
        self._next_no += 1
        order.move(OrderStatus.DEPOSITING, now)
        self.orders[order.order_no] = order
        if body.client_order_id:
            self._by_client_id[(integrator_id, body.client_order_id)] = order
        return order

    # -- time -----------------------------------------------------------------

    def sync(self, now: datetime) -> None:
        for order in self.orders.values():
            self._sync_order(order, now)

    def _sync_order(self, order: Order, now: datetime) -> None:
        t = self.timings
        while True:
            status = order.status
            if status is OrderStatus.DEPOSITING and now >= order.expire_at:
                order.move(OrderStatus.CANCELLED_NO_DEPOSIT, order.expire_at)
            elif status is OrderStatus.SWAPPING and order.swap_due_at and now >= order.swap_due_at:
                self._finish_swap(order, order.swap_due_at)
            elif (
                status in (OrderStatus.SLIPPAGE_FAILED, OrderStatus.CHAIN_FAILED)
                and order.failed_at
                and now >= order.failed_at + t.refund_address_grace
            ):
                at = order.failed_at + t.refund_address_grace
                order.move(OrderStatus.REFUND_ADDRESS_PENDING, at)
            elif (
                status in (OrderStatus.REFUNDING, OrderStatus.MANUAL_REVIEW)
                and order.refund
                and now >= order.refund.due_at
            ):
                self._complete_refund(order, order.refund.due_at)
            elif (
                status is OrderStatus.CANCELLED_NO_DEPOSIT
                and not order.settled
                and now >= order.auto_cancel_at
            ):
                order.settled = True
                order.move(OrderStatus.CANCELLED_NO_DEPOSIT, order.auto_cancel_at, "settled")
            else:
                return

    def _finish_swap(self, order: Order, at: datetime) -> None:
        assert order.outcome is not None
        status = _OUTCOME_STATUS[order.outcome]
        if status is OrderStatus.COMPLETED:
            order.out_amount = max(
                order.body.main_channel_estimated_out_amount,
                order.body.min_acceptable_out_amount,
            )
            order.out_tx_hash = self.tx_hash()
            if order.integrator_id is not None:
                self.ledger.append(
                    LedgerEntry(
                        order.order_no,
                        order.integrator_id,
                        order.body.src_token_id,
                        order.fees.fee_integrator,
                        "Settled",
                        at,
                    )
                )
        else:
            order.failed_at = at
        order.move(status, at)

    def _complete_refund(self, order: Order, at: datetime) -> None:
        refund = order.refund
        assert refund is not None
        if refund.refund_amount is None:  # manual review approved: the same gas rule applies
            deposited = order.deposit.amount if order.deposit else 0
            refund.gas_fee = order.refund_gas_fee
            refund.refund_amount = max(deposited - order.refund_gas_fee, 0)
        refund.status, refund.completed_at, refund.tx_hash = "Completed", at, self.tx_hash()
        order.move(OrderStatus.REFUNDED, at)

    # -- events ---------------------------------------------------------------

    def deposit(
        self,
        order: Order,
        *,
        outcome: Outcome,
        amount: int | None,
        execution_details: bool,
        now: datetime,
    ) -> None:
        late = order.status is OrderStatus.CANCELLED_NO_DEPOSIT and not order.settled
        if order.status is not OrderStatus.DEPOSITING and not late:
            raise bad_request("order is not awaiting a deposit")
        order.deposit = Deposit(
            amount=order.body.amount_in if amount is None else amount,
            received_at=now,
            tx_hash=self.tx_hash(),
            late=late,
        )
        if late:  # the address expired: funds wait for a refund request and manual review
            order.version += 1
            return
        order.outcome = outcome
        order.execution_details = execution_details
        order.swap_due_at = now + self.timings.execution
        order.move(OrderStatus.SWAPPING, now)

    def review(self, order: Order, *, approve: bool, now: datetime) -> None:
        if order.status is not OrderStatus.MANUAL_REVIEW or order.refund is None:
            raise bad_request("order is not under manual review")
        if approve:
            self._complete_refund(order, now)
        else:
            order.refund.status = "Rejected"
            order.move(OrderStatus.FAILED_NO_REFUND, now, "manual review rejected the refund")

    def check_refund(self, order: Order, address: str, now: datetime) -> bool:
        """Apply guide 3.4 and 3.5; return False when it is an idempotent repeat."""
        if order.refund is not None:
            if order.refund.refund_address == address:
                return False
            raise bad_request("refund_address_cannot_be_changed")
        status = order.status
        if status in FINAL_STATES:
            raise bad_request("order_already_finalized")
        if status in (OrderStatus.DEPOSITING, OrderStatus.CANCELLED_NO_DEPOSIT):
            if now < order.expire_at:
                raise bad_request("order_not_expired_yet")
            if order.settled or now >= order.auto_cancel_at:
                raise bad_request("order_auto_cancel_window_passed")
            if order.deposit is None:
                raise bad_request("no_amount_to_refund")
        elif status in REFUNDABLE_STATES:
            if not order.execution_details:
                raise bad_request("refund_requires_manual_confirmation")
            assert order.deposit is not None
            if order.deposit.amount <= order.refund_gas_fee:
                raise bad_request("no_amount_to_refund")
        else:
            raise bad_request("order_not_in_refundable_state")
        return True

    def start_refund(self, order: Order, address: str, now: datetime) -> None:
        if order.status in REFUNDABLE_STATES:
            assert order.deposit is not None
            order.refund = Refund(
                refund_address=address,
                handling="auto",
                status="Processing",
                requested_at=now,
                refund_amount=order.deposit.amount - order.refund_gas_fee,
                gas_fee=order.refund_gas_fee,
                due_at=now + self.timings.refund_settlement,
            )
            order.move(OrderStatus.REFUNDING, now)
        else:
            order.refund = Refund(
                refund_address=address,
                handling="manual_review",
                status="UnderReview",
                requested_at=now,
                refund_amount=None,
                gas_fee=None,
                due_at=now + self.timings.manual_review,
            )
            order.move(OrderStatus.MANUAL_REVIEW, now)

    def touch(self, order: Order, now: datetime) -> None:
        """A concurrent writer: the settlement job reaching this order first."""
        if order.status in (OrderStatus.SLIPPAGE_FAILED, OrderStatus.CHAIN_FAILED):
            order.move(OrderStatus.REFUND_ADDRESS_PENDING, now, "settlement job")
        else:
            order.version += 1
