"""Guide 3.4's paths, what is refused up front and what is left to the host, the
commission rules of 3.6, the next step in words, the merged timeline, the polling
schedule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from a2a_tui.domain.orders import (
    DepositInfo,
    FeeSnapshot,
    OrderStatus,
    OrderView,
    RefundInfo,
    StatusSeen,
    TokenRef,
)
from a2a_tui.domain.refunds import RefundPath, RefundReason, assess_refund
from a2a_tui.domain.support import (
    Commission,
    TimelineEntry,
    commission_of,
    commission_summary,
    merge_timeline,
    next_step,
    short_status,
)
from a2a_tui.domain.tracking import PollPolicy, Urgency, urgency

T0 = datetime(2026, 5, 25, 10, 0, tzinfo=UTC)
ETH = TokenRef(3, "ETH", 18, "Ethereum", "evm")
USDT = TokenRef(9, "USDT", 6, "Tron", "tron")


def order(
    status: OrderStatus | str | None = OrderStatus.DEPOSITING, **changes: object
) -> OrderView:
    base = OrderView(
        order_no="OD2026052510000001", order_id=1, deposit_address="0xdep",
        expire_at=T0 + timedelta(minutes=30), auto_cancel_at=T0 + timedelta(hours=24, minutes=30),
        src=ETH, dst=USDT, amount_in=15 * 10**17, status=status, integrator_id=1001,
        verified=True, settled=False, fees=FeeSnapshot(fee_integrator=45 * 10**14),
        dst_address="TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", created_at=T0,
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


DEPOSIT = DepositInfo(15 * 10**17, T0 + timedelta(minutes=40), "0xtx", late=True)


@pytest.mark.parametrize(
    ("view", "now", "path", "allowed", "reason"),
    [
        # the deposit window: not open yet, about to open, open, closed
        (order(), T0 + timedelta(minutes=5), RefundPath.MANUAL_REVIEW, False,
         RefundReason.NOT_EXPIRED_YET),
        (order(), T0 + timedelta(minutes=29), RefundPath.MANUAL_REVIEW, None, None),
        (order(OrderStatus.CANCELLED_NO_DEPOSIT), T0 + timedelta(minutes=31),
         RefundPath.MANUAL_REVIEW, None, None),  # nothing deposited: the host decides
        (order(OrderStatus.CANCELLED_NO_DEPOSIT, deposit=DEPOSIT), T0 + timedelta(hours=1),
         RefundPath.MANUAL_REVIEW, True, None),
        # the host's state beats this clock: expired there, open here
        (order(OrderStatus.CANCELLED_NO_DEPOSIT, deposit=DEPOSIT), T0,
         RefundPath.MANUAL_REVIEW, True, None),
        (order(OrderStatus.CANCELLED_NO_DEPOSIT, settled=True), T0 + timedelta(days=2),
         RefundPath.MANUAL_REVIEW, False, RefundReason.WINDOW_PASSED),
        # past auto_cancel here, but the host has not settled it: doubtful
        (order(OrderStatus.CANCELLED_NO_DEPOSIT, deposit=DEPOSIT), T0 + timedelta(days=2),
         RefundPath.MANUAL_REVIEW, None, None),
        (order(), T0 + timedelta(days=200), RefundPath.MANUAL_REVIEW, None, None),
        # failed swaps
        (order(OrderStatus.SLIPPAGE_FAILED), T0, RefundPath.AUTOMATIC, True, None),
        (order(OrderStatus.CHAIN_FAILED), T0, RefundPath.AUTOMATIC, True, None),
        (order(OrderStatus.REFUND_ADDRESS_PENDING), T0, RefundPath.AUTOMATIC, True, None),
        # not refundable
        (order(OrderStatus.SWAPPING), T0, None, False, RefundReason.NOT_REFUNDABLE),
        (order(OrderStatus.COMPLETED), T0, None, False, RefundReason.FINALIZED),
        (order(OrderStatus.REFUNDED), T0, None, False, RefundReason.FINALIZED),
        (order(OrderStatus.FAILED_NO_REFUND), T0, None, False, RefundReason.FINALIZED),
        (order("Hibernating"), T0, None, None, None),
    ],
)  # fmt: skip
def test_assessment(
    view: OrderView, now: datetime, path: RefundPath | None, allowed: bool | None,
    reason: RefundReason | None,
) -> None:  # fmt: skip
    assessment = assess_refund(view, now)
    assert (assessment.path, assessment.allowed, assessment.reason) == (path, allowed, reason)
    assert assessment.why


def test_the_window_is_expire_at_to_auto_cancel_at() -> None:
    view = order(OrderStatus.CANCELLED_NO_DEPOSIT, deposit=DEPOSIT)
    assessment = assess_refund(view, T0 + timedelta(hours=1))
    assert assessment.window == (view.expire_at, view.auto_cancel_at)
    assert "until 2026-05-26 10:30:00 UTC (in 23 h 30 min)" in assessment.why
    early = assess_refund(order(), T0 + timedelta(minutes=12))
    assert "at 2026-05-25 10:30:00 UTC (in 18 min)" in early.why


def test_a_refund_record_pins_the_address() -> None:
    record = RefundInfo("0xrefund", "auto", "Processing", T0)
    assessment = assess_refund(order(OrderStatus.REFUNDING, refund=record), T0)
    assert (assessment.allowed, assessment.on_record, assessment.path) == (
        True, "0xrefund", RefundPath.AUTOMATIC,
    )  # fmt: skip


def test_known_manual_confirmation_changes_the_path() -> None:
    view = order(OrderStatus.CHAIN_FAILED)
    assessment = assess_refund(view, T0, manual_confirmation=True)
    assert (assessment.path, assessment.allowed) == (RefundPath.MANUAL_CONFIRMATION, None)
    assert "manual confirmation" in next_step(view, T0, manual_confirmation=True)


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (order(OrderStatus.COMPLETED, settled=True), Commission.EARNED),
        (order(OrderStatus.COMPLETED, settled=False), Commission.PENDING),
        (order(), Commission.PENDING),
        (order(OrderStatus.SWAPPING), Commission.PENDING),
        (order(OrderStatus.SLIPPAGE_FAILED), Commission.NONE),
        (order(OrderStatus.REFUNDED), Commission.NONE),
        (order(OrderStatus.CANCELLED_NO_DEPOSIT), Commission.NONE),
        (order(OrderStatus.COMPLETED, integrator_id=None), Commission.NONE),  # unbound
        (order(verified=False), Commission.UNKNOWN),
    ],
)
def test_commission_follows_guide_3_6(view: OrderView, expected: Commission) -> None:
    assert commission_of(view) is expected


def test_commission_summary_per_token() -> None:
    views = [order(OrderStatus.COMPLETED, settled=True), order(), order(OrderStatus.REFUNDED),
             order(OrderStatus.COMPLETED, settled=True, integrator_id=None)]  # fmt: skip
    (eth,) = commission_summary(views)
    assert eth.token == ETH
    assert eth.amounts == {
        Commission.EARNED: 45 * 10**14,
        Commission.PENDING: 45 * 10**14,
        Commission.NONE: 45 * 10**14,
    }  # the unbound one counts nothing
    assert eth.orders == {Commission.EARNED: 1, Commission.PENDING: 1, Commission.NONE: 2}


def test_next_steps_in_plain_words() -> None:
    assert next_step(order(), T0) == (
        "waiting for deposit: send 1.5 ETH (1500000000000000000 units) to 0xdep before "
        "2026-05-25 10:30:00 UTC (30 min left)"
    )
    assert "do not send" in next_step(order(), T0 + timedelta(hours=1))
    assert "eligible for an automatic refund of the principal minus gas" in next_step(
        order(OrderStatus.SLIPPAGE_FAILED), T0
    )
    assert next_step(order(OrderStatus.MANUAL_REVIEW), T0).startswith(
        "refund under manual review, decided within 1 h"
    )
    assert "late deposit" in next_step(order(OrderStatus.CANCELLED_NO_DEPOSIT, deposit=DEPOSIT), T0)
    assert "no refund is needed" in next_step(order(OrderStatus.CANCELLED_NO_DEPOSIT), T0)
    assert "does not know" in next_step(order("Hibernating"), T0)
    assert short_status(OrderStatus.CANCELLED_NO_DEPOSIT, settled=True) == "⌛ expired, settled"


def test_a_chain_failure_has_one_wording_in_its_badge_and_its_title() -> None:
    """The detail's title said "on-chain failure", the badge "✗ chain failed"."""
    assert OrderStatus.CHAIN_FAILED.label == "on-chain failure"
    assert short_status(OrderStatus.CHAIN_FAILED) == "✗ on-chain failure"


def test_the_timeline_joins_the_hosts_history_with_what_was_seen_here() -> None:
    history = (StatusSeen(OrderStatus.DEPOSITING, T0),
               StatusSeen(OrderStatus.SWAPPING, T0 + timedelta(minutes=3)))  # fmt: skip
    local = [
        TimelineEntry(T0 + timedelta(seconds=1), "here", "created on the host"),
        TimelineEntry(T0 + timedelta(seconds=2), "here", "seen", OrderStatus.DEPOSITING),
        TimelineEntry(T0 + timedelta(minutes=4), "here", "seen", OrderStatus.SWAPPING),
        TimelineEntry(T0 + timedelta(minutes=9), "here", "seen", OrderStatus.COMPLETED),
    ]
    merged = merge_timeline(history, local)
    assert [(e.source, e.text, e.seen) for e in merged] == [
        ("host", "waiting for deposit", T0 + timedelta(seconds=2)),
        ("here", "created on the host", None),
        ("host", "deposit received, swapping", T0 + timedelta(minutes=4)),
        ("here", "seen", None),  # seen here, not (yet) in the host's history
    ]


@pytest.mark.parametrize(
    ("view", "now", "level"),
    [
        (order(), T0, Urgency.ACTIVE),
        (order(), T0 + timedelta(minutes=26), Urgency.IMMINENT),  # the window is closing
        (order(OrderStatus.SWAPPING), T0, Urgency.IMMINENT),
        (order(OrderStatus.REFUNDING), T0, Urgency.IMMINENT),
        (order(OrderStatus.MANUAL_REVIEW), T0, Urgency.ACTIVE),
        (order(OrderStatus.CHAIN_FAILED), T0, Urgency.ACTIVE),  # a refund may follow any time
        (order(OrderStatus.SLIPPAGE_FAILED), T0, Urgency.ACTIVE),
        (order(OrderStatus.CANCELLED_NO_DEPOSIT), T0, Urgency.IDLE),
        (order(OrderStatus.CANCELLED_NO_DEPOSIT, settled=True), T0, Urgency.FINAL),
        (order(OrderStatus.COMPLETED), T0, Urgency.FINAL),
        (None, T0, Urgency.ACTIVE),
    ],
)
def test_urgency(view: OrderView | None, now: datetime, level: Urgency) -> None:
    assert urgency(view, now) is level


def test_intervals() -> None:
    policy = PollPolicy()
    assert policy.interval(Urgency.IMMINENT, visible=True) == 5
    assert policy.interval(Urgency.ACTIVE, visible=True) == 60
    assert policy.interval(Urgency.ACTIVE, visible=False) == 240
    assert policy.interval(Urgency.IDLE, visible=False) == 240  # capped
    assert policy.interval(Urgency.IDLE, visible=False, closely=True) == 5
    assert policy.interval(Urgency.FINAL, visible=True, closely=True) is None
    # the first retry comes soon, whatever the state's interval (not 2 x 120 s)
    assert [policy.backoff(n) for n in (1, 2, 3, 9)] == [5, 10, 20, 300]


def test_a_settled_expiry_window_says_closed_with_no_time_left() -> None:
    from a2a_tui.ui.screens.refund import window_text

    settled = order(OrderStatus.CANCELLED_NO_DEPOSIT, settled=True)
    text = window_text(settled, T0 + timedelta(hours=1))  # a clock behind the host's
    assert text.startswith("Window closed: the order is settled")
    assert " in " not in text


def test_the_timeline_is_on_the_hosts_clock_and_nothing_precedes_the_request() -> None:
    history = (StatusSeen(OrderStatus.DEPOSITING, T0 - timedelta(seconds=1)),)  # a second of skew
    local = [
        TimelineEntry(T0, "here", "order request journaled"),
        TimelineEntry(T0 + timedelta(seconds=2), "here", "seen", OrderStatus.DEPOSITING),
    ]
    merged = merge_timeline(history, local, floor=T0)
    assert [e.text for e in merged] == ["order request journaled", "waiting for deposit"]
    # the host's clock an hour ahead: what was stamped here is shown on the host's clock
    ahead = merge_timeline(history, local, offset=timedelta(hours=1), floor=T0)
    assert ahead[0].at == T0 + timedelta(hours=1)
    assert ahead[1].seen == T0 + timedelta(hours=1, seconds=2)
