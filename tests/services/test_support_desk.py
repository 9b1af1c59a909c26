"""The support desk against the simulator, driven through its controls: every refund
path of guide 3.4, every answer of 3.7 as guidance, lookups and the watch list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from conftest import GUIDE_KEY, START, MakeSim
from order_helpers import quoted_draft, service_for

from a2a_tui.domain.orders import OrderStatus
from a2a_tui.domain.refunds import RefundPath, RefundReason
from a2a_tui.domain.support import Commission, commission_of
from a2a_tui.infra.journal import Journal
from a2a_tui.services.desk import RefundPolicy, SupportDesk
from a2a_tui.sim.server import SimServer

#: Refunds go to the SOURCE chain: ETH on Ethereum.
REFUND_TO = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
OTHER_REFUND_TO = "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"
OTHER_INTEGRATOR_KEY = "a2a_demo_other_000000000000000001"
EXPIRY = 30 * 60
FAST_REFUNDS = RefundPolicy(attempts=4, timeout=10.0, wait_initial=0.01, wait_max=0.02,
                            wait_jitter=0.0)  # fmt: skip


class SimClock:
    """This machine's wall clock in the test, kept beside the simulator's frozen one."""

    def __init__(self) -> None:
        self.now = START + timedelta(seconds=5)

    def __call__(self) -> datetime:
        return self.now


async def control(sim: SimServer, path: str, body: dict[str, Any] | None = None) -> Any:
    """A ``/sim`` control (or read) that must succeed."""
    async with httpx.AsyncClient(base_url=sim.base_url) as raw:
        if body is None and path == "/sim/ledger":
            response = await raw.get(path)
        else:
            response = await raw.post(path, json=body or {})
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def advance(sim: SimServer, clock: SimClock, seconds: float) -> None:
    await control(sim, "/sim/clock/advance", {"seconds": seconds})
    clock.now += timedelta(seconds=seconds)


async def deposit(sim: SimServer, order_no: str, outcome: str = "success", **extra: Any) -> None:
    await control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": outcome, **extra})


async def desk_with_order(
    sim: SimServer, *, key: str | None = GUIDE_KEY, journal: Journal | None = None,
    clock: Callable[[], datetime] | None = None,
) -> tuple[SupportDesk, str]:  # fmt: skip
    """An order created through the journal with the guide's key, and a desk on
    ``key`` (another integrator's, or none) sharing that journal."""
    journal = journal or Journal.in_memory()
    creator = service_for(sim.base_url, journal=journal)
    placed = await creator.place(await quoted_draft(creator))
    await creator.backend.close()
    service = service_for(sim.base_url, key=key, journal=journal)
    desk = SupportDesk(service, wall_clock=clock, refund_policy=FAST_REFUNDS)
    return desk, placed.view.order_no


async def test_success_earns_commission_and_a_refund_is_refused_as_final(
    make_sim: MakeSim,
) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, clock=clock)
    await deposit(sim, order_no, "success")
    await advance(sim, clock, 30)
    view = (await desk.poll(order_no)).view
    assert (view.status, view.final, view.settled) == (OrderStatus.COMPLETED, True, True)
    assert commission_of(view) is Commission.EARNED
    assert view.fees.fee_integrator == 45 * 10**14  # 0.30 % of 1.5 ETH, as the ledger says
    ledger = await control(sim, "/sim/ledger")
    assert [(e["order_no"], e["amount"]) for e in ledger] == [(order_no, str(45 * 10**14))]

    result = await desk.refund(order_no, REFUND_TO)
    assert (result.outcome, result.reason, result.up_front) == (
        "refused", RefundReason.FINALIZED, True,
    )  # fmt: skip
    assert "final (completed)" in result.message
    assert desk.journal.refunds(desk.host_url, order_no) == []  # nothing was sent


async def test_expiry_window_before_inside_after(make_sim: MakeSim) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, clock=clock)

    early = await desk.refund(order_no, REFUND_TO)  # the window has not opened
    assert (early.reason, early.up_front, early.path) == (
        RefundReason.NOT_EXPIRED_YET, True, RefundPath.MANUAL_REVIEW,
    )  # fmt: skip
    assert "after it expires, at 2026-05-25 10:30:00 UTC (in 29 min)" in early.message

    clock.now += timedelta(minutes=29, seconds=30)  # this machine thinks it expired...
    ahead = await desk.refund(order_no, REFUND_TO)  # ... but the host's clock says not
    assert (ahead.reason, ahead.up_front) == (RefundReason.NOT_EXPIRED_YET, True)
    assert "(in 30 min)" in ahead.message  # the host is at START
    assert desk.clock_offset == -timedelta(minutes=29, seconds=35)

    await advance(sim, clock, 29 * 60 + 10)  # the host's clock 20 s before expire_at
    doubtful = await desk.refund(order_no, REFUND_TO)
    assert (doubtful.reason, doubtful.up_front) == (RefundReason.NOT_EXPIRED_YET, False)
    assert "has not expired yet (order_not_expired_yet)" in doubtful.message

    clock.now = START
    await advance(sim, clock, EXPIRY)  # no deposit, expired: inside the window
    view = (await desk.poll(order_no)).view
    assert view.status is OrderStatus.CANCELLED_NO_DEPOSIT
    assessment = desk.assess(view)
    assert assessment.allowed is None  # nothing deposited: the host decides
    assert assessment.window == (view.expire_at, view.auto_cancel_at)
    nothing = await desk.refund(order_no, REFUND_TO)
    assert (nothing.reason, nothing.up_front) == (RefundReason.NOTHING_TO_REFUND, False)
    assert "no deposit reached the order" in nothing.message

    await advance(sim, clock, 24 * 3600)  # after auto_cancel_at: settled
    late = await desk.refund(order_no, REFUND_TO)
    assert (late.reason, late.up_front) == (RefundReason.WINDOW_PASSED, True)
    assert "auto-cancel window has passed (2026-05-26 10:30:00 UTC)" in late.message
    assert [(r.outcome, r.error) for r in desk.journal.refunds(desk.host_url, order_no)] == [
        ("refused", "order_not_expired_yet"),
        ("refused", "no_amount_to_refund"),
    ]


async def test_a_late_deposit_after_expiry_goes_to_manual_review(make_sim: MakeSim) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, clock=clock)
    await advance(sim, clock, EXPIRY + 60)
    await deposit(sim, order_no)  # to the expired address
    view = (await desk.poll(order_no)).view
    assert view.deposit is not None
    assert view.deposit.late
    assert desk.assess(view).allowed is True
    assert "late deposit" in desk.next_step(view)

    result = await desk.refund(order_no, REFUND_TO)
    assert (result.outcome, result.path) == ("requested", RefundPath.MANUAL_REVIEW)
    assert result.view is not None
    assert result.view.status is OrderStatus.MANUAL_REVIEW
    assert result.view.refund is not None
    assert result.view.refund.refund_address == REFUND_TO
    assert "under manual review, decided within 1 h" in result.message
    await control(sim, f"/sim/orders/{order_no}/review", {"decision": "approve"})
    assert (await desk.poll(order_no)).view.status is OrderStatus.REFUNDED


@pytest.mark.parametrize("outcome", ["slippage_failed", "chain_failed"])
async def test_a_failed_swap_is_refunded_automatically_minus_gas(
    make_sim: MakeSim, outcome: str
) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, clock=clock)
    await deposit(sim, order_no, outcome)
    swapping = await desk.refund(order_no, REFUND_TO)
    assert (swapping.reason, swapping.up_front) == (RefundReason.NOT_REFUNDABLE, True)
    await advance(sim, clock, 30)
    view = (await desk.poll(order_no)).view
    assert desk.assess(view).path is RefundPath.AUTOMATIC
    assert "automatic refund of the principal minus gas" in desk.next_step(view)

    result = await desk.refund(order_no, REFUND_TO)
    assert (result.outcome, result.attempts) == ("requested", 1)
    assert result.view is not None
    assert result.view.status is OrderStatus.REFUNDING
    refund = result.view.refund
    assert refund is not None
    assert refund.gas_fee is not None
    assert refund.refund_amount == 15 * 10**17 - refund.gas_fee
    assert "requested to " + REFUND_TO in result.message
    assert "minus" in result.message
    assert commission_of(result.view) is Commission.NONE
    await advance(sim, clock, 120)
    assert (await desk.poll(order_no)).view.status is OrderStatus.REFUNDED


async def test_missing_execution_details_need_a_manual_confirmation(make_sim: MakeSim) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, clock=clock)
    await deposit(sim, order_no, "chain_failed", execution_details=False)
    await advance(sim, clock, 30)
    result = await desk.refund(order_no, REFUND_TO)
    assert (result.outcome, result.reason, result.path) == (
        "refused", RefundReason.MANUAL_CONFIRMATION, RefundPath.MANUAL_CONFIRMATION,
    )  # fmt: skip
    assert "ask Any2Any support to confirm it manually" in result.message
    view = (await desk.poll(order_no)).view
    assert desk.assess(view).path is RefundPath.MANUAL_CONFIRMATION  # the journal remembers
    assert "manual confirmation" in desk.next_step(view)


async def test_another_integrators_key_is_403_and_named(make_sim: MakeSim) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, key=OTHER_INTEGRATOR_KEY, clock=clock)
    await deposit(sim, order_no, "slippage_failed")
    await advance(sim, clock, 30)
    result = await desk.refund(order_no, REFUND_TO)
    assert (result.outcome, result.reason, result.up_front) == (
        "refused", RefundReason.NOT_OWNED, False,
    )  # fmt: skip
    assert "the key in use ($A2A_TUI_ANY2ANY_API_KEY)" in result.message
    assert "must belong to that key's integrator" in result.message
    assert "This journal created it with $A2A_TUI_ANY2ANY_API_KEY" in result.message
    assert OTHER_INTEGRATOR_KEY not in result.message
    assert GUIDE_KEY not in result.message


async def test_an_invalid_key_is_401_and_no_key_is_refused_up_front(make_sim: MakeSim) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, key="no-such-key-0000", clock=clock)
    await deposit(sim, order_no, "slippage_failed")
    await advance(sim, clock, 30)
    invalid = await desk.refund(order_no, REFUND_TO)
    assert (invalid.reason, invalid.up_front) == (RefundReason.UNAUTHORIZED, False)
    assert "refused the key in use ($A2A_TUI_ANY2ANY_API_KEY) as missing or invalid" in (
        invalid.message
    )
    assert "no-such-key" not in invalid.message

    keyless = SupportDesk(service_for(sim.base_url, key=None, journal=desk.journal),
                          wall_clock=clock)  # fmt: skip
    missing = await keyless.refund(order_no, REFUND_TO)
    assert (missing.reason, missing.up_front) == (RefundReason.UNAUTHORIZED, True)
    assert "needs an integrator key" in missing.message
    assert "none is set for " + sim.base_url in missing.message


async def test_a_concurrent_state_change_is_retried_then_succeeds(make_sim: MakeSim) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, clock=clock)
    await deposit(sim, order_no, "chain_failed")
    await advance(sim, clock, 30)
    await control(sim, "/sim/faults", {"race_next_refund": True})
    said: list[str] = []
    result = await desk.refund(order_no, REFUND_TO, progress=said.append)
    assert (result.outcome, result.attempts) == ("requested", 2)
    assert any("asking again (attempt 2 of 4)" in s for s in said)
    assert result.view is not None
    assert result.view.status is OrderStatus.REFUNDING
    (row,) = desk.journal.refunds(desk.host_url, order_no)
    assert (row.outcome, row.attempts, row.key_entry) == (
        "requested", 2, "$A2A_TUI_ANY2ANY_API_KEY",
    )  # fmt: skip


async def test_a_changed_address_is_refused_the_same_one_is_already_requested(
    make_sim: MakeSim,
) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, clock=clock)
    await deposit(sim, order_no, "slippage_failed")
    await advance(sim, clock, 30)
    assert (await desk.refund(order_no, REFUND_TO)).outcome == "requested"

    changed = await desk.refund(order_no, OTHER_REFUND_TO)
    assert (changed.outcome, changed.reason, changed.on_record) == (
        "refused", RefundReason.ADDRESS_LOCKED, REFUND_TO,
    )  # fmt: skip
    assert f"already requested to {REFUND_TO}" in changed.message

    again = await desk.refund(order_no, REFUND_TO)
    assert (again.outcome, again.ok) == ("already_requested", True)
    assert "Already requested to" in again.message


async def test_the_refund_address_is_checked_for_the_source_chain(make_sim: MakeSim) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, clock=clock)
    await deposit(sim, order_no, "slippage_failed")
    await advance(sim, clock, 30)
    result = await desk.refund(order_no, "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7")  # a Tron address
    assert (result.outcome, result.field) == ("bad_input", "address")
    assert "not an Ethereum address" in result.message or "not an Ethereum" in result.message
    assert desk.journal.refunds(desk.host_url, order_no) == []


async def test_lookup_watches_an_order_created_elsewhere(make_sim: MakeSim) -> None:
    sim = make_sim()
    desk, order_no = await desk_with_order(sim)  # created in another journal
    support = SupportDesk(service_for(sim.base_url, journal=Journal.in_memory()))
    entry = await support.lookup(order_no)
    assert (entry.origin, entry.order_no) == ("watched", order_no)
    assert entry.view is not None
    assert entry.view.src is not None
    assert entry.view.src.symbol == "ETH"  # from the host's token list
    assert [e.key for e in await support.entries()] == [order_no]
    (watch,) = support.journal.watched()
    assert watch.last_status == "Depositing"
    assert (await desk.lookup(order_no)).origin == "created"  # the journal's own stays its own
    timeline = await support.timeline(entry)
    assert [t.text for t in timeline][:2] == [
        "waiting for deposit", "looked up and added to the watch list",
    ]  # fmt: skip
    assert timeline[0].seen is not None  # the host's status, seen here


async def test_timeline_merges_the_hosts_history_with_the_journal(make_sim: MakeSim) -> None:
    sim, clock = make_sim(), SimClock()
    desk, order_no = await desk_with_order(sim, clock=clock)
    await deposit(sim, order_no, "slippage_failed")
    await desk.poll(order_no)
    await advance(sim, clock, 30)
    await desk.poll(order_no)
    await desk.refund(order_no, REFUND_TO)
    entry = await desk.entry(order_no)
    assert entry is not None
    view = (await desk.poll(order_no)).view
    lines = [(t.source, t.text) for t in await desk.timeline(entry, view)]
    host = [text for source, text in lines if source == "host"]
    assert host == ["waiting for deposit", "deposit received, swapping",
                    "swap failed (slippage)", "refund in progress"]  # fmt: skip
    here = [text for source, text in lines if source == "here"]
    assert here[0] == "order request journaled"
    assert any(text.startswith(f"refund to {REFUND_TO} ($A2A_TUI_ANY2ANY_API_KEY): requested")
               for text in here)  # fmt: skip


async def test_a_reset_host_reusing_a_number_is_never_merged_into_the_old_entry(
    make_sim: MakeSim,
) -> None:
    """The host was reset and gave an old order's number to a new one (another
    client_order_id): the new one's detail is not written into the old entry, and
    the orders list shows both, the old one on its own row."""
    old_host, host = make_sim(), make_sim()
    journal = Journal.in_memory()
    creator = service_for(old_host.base_url, journal=journal)
    old = await creator.place(await quoted_draft(creator, client_order_id="before-reset"))
    await creator.backend.close()
    # the old order was made on this host before its reset (same address, same number)
    journal._db.execute("UPDATE orders SET host = ? WHERE client_order_id = 'before-reset'",
                        (host.base_url,))  # fmt: skip
    other = service_for(host.base_url, journal=Journal.in_memory())
    new = await other.place(await quoted_draft(other, client_order_id="after-reset"))
    await other.backend.close()
    assert new.view.order_no == old.view.order_no  # the number came round again
    order_no = new.view.order_no
    await deposit(host, order_no, "success")
    await control(host, "/sim/clock/advance", {"seconds": 30})

    desk = SupportDesk(service_for(host.base_url, journal=journal), refund_policy=FAST_REFUNDS)
    view = (await desk.poll(order_no)).view
    assert view.client_order_id == "after-reset"
    (record,) = journal.records(host=host.base_url)
    assert record.client_order_id == "before-reset"
    assert record.last_status != "Completed"  # not the new order's state
    entries = await desk.entries()
    assert [(e.origin, e.client_order_id) for e in entries] == [("replaced", "before-reset")]


async def test_two_journal_entries_under_one_number_are_two_rows(make_sim: MakeSim) -> None:
    sim = make_sim()
    journal = Journal.in_memory()
    creator = service_for(sim.base_url, journal=journal)
    first = await creator.place(await quoted_draft(creator, client_order_id="first"))
    second = await creator.place(await quoted_draft(creator, client_order_id="second"))
    await creator.backend.close()
    # as if the host had been reset between them: the second got the first's number
    journal._db.execute("UPDATE orders SET order_no = ? WHERE client_order_id = 'second'",
                        (first.view.order_no,))  # fmt: skip
    assert second.view.order_no != first.view.order_no
    desk = SupportDesk(service_for(sim.base_url, journal=journal))
    entries = await desk.entries()
    assert [(e.origin, e.client_order_id) for e in entries] == [
        ("created", "second"), ("replaced", "first"),
    ]  # fmt: skip
    assert entries[1].order_no is None  # never read: the number is another order's now
