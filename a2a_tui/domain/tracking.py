"""How often an order is worth asking about: the tracker's schedule, as data.

Fast when something is about to happen (the deposit window closing, a swap or
a refund under way), at the waiting rate for a review or a failed swap (its refund request may come
from anyone, any time), slow when only a day moves it on (an expired order
waiting to settle),
never once it is final. Slower again while no orders view is on screen: the
notifications still come, later. Errors back off exponentially.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from a2a_tui.domain.orders import OrderStatus, OrderView

__all__ = ["PollPolicy", "Urgency", "urgency"]


class Urgency(StrEnum):
    IMMINENT = "imminent"  # a swap or a refund is moving, or the deposit window is closing
    ACTIVE = "active"  # waiting for a deposit, a review
    IDLE = "idle"  # only a person (or a day) moves it on
    FINAL = "final"  # never polled again


#: The deposit window's last minutes: the deposit (or the expiry) is imminent.
CLOSING = timedelta(minutes=5)


def urgency(view: OrderView | None, now: datetime) -> Urgency:
    if view is None or view.status is None:
        return Urgency.ACTIVE  # unknown: find out
    if view.final:
        return Urgency.FINAL
    match view.status:
        case OrderStatus.SWAPPING | OrderStatus.REFUNDING:
            return Urgency.IMMINENT
        case OrderStatus.DEPOSITING:
            return Urgency.IMMINENT if view.expire_at - now <= CLOSING else Urgency.ACTIVE
        case (
            OrderStatus.MANUAL_REVIEW
            | OrderStatus.REFUND_ADDRESS_PENDING
            | OrderStatus.CHAIN_FAILED
            | OrderStatus.SLIPPAGE_FAILED
        ):
            return Urgency.ACTIVE  # a review, or a failed swap a refund request may follow
        case _:  # an expired order, a state this client does not know
            return Urgency.IDLE


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """Seconds between two reads of one order.

    ``background`` multiplies every interval while no orders view is on
    screen (capped at ``background_max``); ``jitter`` spreads reads by up to
    that fraction, so orders added together do not stay in step; errors wait
    ``retry * 2**(failures - 1)`` up to ``backoff_max``, plus the jitter,
    whatever the state's interval (a failed read of a slow order is not a
    reason to wait twice as long: the first retry comes soon).
    """

    imminent: float = 5.0
    active: float = 60.0
    idle: float = 120.0
    background: float = 4.0
    background_max: float = 240.0
    jitter: float = 0.2
    backoff_max: float = 300.0
    retry: float = 5.0
    concurrency: int = 4

    def interval(self, level: Urgency, *, visible: bool, closely: bool = False) -> float | None:
        """None for a final order: it is never read again. ``closely``: the order
        is on screen by itself (its deposit screen, its refund step, the
        selected row), read as often as an imminent one wherever it is."""
        if level is Urgency.FINAL:
            return None
        if closely:
            return self.imminent
        base = {
            Urgency.IMMINENT: self.imminent,
            Urgency.ACTIVE: self.active,
            Urgency.IDLE: self.idle,
        }.get(level)
        if base is None:
            return None
        if visible:
            return base
        return min(base * self.background, max(self.background_max, base))

    def backoff(self, failures: int) -> float:
        return float(min(self.retry * 2 ** max(failures - 1, 0), self.backoff_max))
