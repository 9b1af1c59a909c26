"""The support desk driven with keys against a real simulator: the orders screen
tracks a state change and notifies it, looks an order up, searches and filters,
opens the deposit screen and the refund step; the tracker outlives the screen,
slows off it, pauses while the app is suspended. Tracker time is manual."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
from app_helpers import until_shown as until
from conftest import GUIDE_KEY, START, MakeSim
from fakes import Ticker
from order_helpers import FAST, quoted_draft, service_for
from pydantic import SecretStr
from textual.widgets import Input, Static
from tracking_helpers import ManualTime

from a2a_tui.domain.orders import OrderStatus
from a2a_tui.infra.journal import Journal
from a2a_tui.infra.keystore import MemoryKeyring, SecretStore
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.desk import RefundPolicy, SupportDesk
from a2a_tui.services.orders import OrderService
from a2a_tui.services.tracker import Tracker
from a2a_tui.sim.server import SimServer
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.deposit import DepositScreen
from a2a_tui.ui.screens.lookup import LookupScreen
from a2a_tui.ui.screens.orders import OrdersScreen
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.screens.refund import RefundScreen
from a2a_tui.ui.widgets.order_table import OrderTable
from a2a_tui.ui.widgets.qr_code import QRCode

NOW = START + timedelta(minutes=1)
REFUND_TO = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
FAST_REFUNDS = RefundPolicy(attempts=4, timeout=10.0, wait_initial=0.01, wait_max=0.02,
                            wait_jitter=0.0)  # fmt: skip


def desk_app(
    sim: SimServer,
    journal: Journal,
    time: ManualTime,
    *,
    wall: Callable[[], datetime] = lambda: NOW,
) -> A2AApp:
    store = SecretStore(MemoryKeyring(), env={})
    store.set("any2any.api_key", SecretStr(GUIDE_KEY), sim.base_url)
    backend = Backend.any2any(sim.base_url)
    orders = OrderService(backend, journal, retry=FAST, clock=Ticker())
    desk = SupportDesk(orders, wall_clock=wall, refund_policy=FAST_REFUNDS)
    tracker = Tracker(desk, clock=time.clock, sleep=time.sleep, wall_clock=wall)
    return A2AApp(backend, credentials=CredentialService(store), clock=Ticker(),
                  present_interval=0, orders=orders, wall_clock=wall, tracker=tracker,
                  subtitle="simulator")  # fmt: skip


async def place(sim: SimServer, journal: Journal, client_order_id: str = "desk-1") -> str:
    creator = service_for(sim.base_url, journal=journal)
    try:
        placed = await creator.place(await quoted_draft(creator, client_order_id=client_order_id))
    finally:
        await creator.backend.close()
    return placed.view.order_no


async def place_failed(sim: SimServer, journal: Journal) -> str:
    """An order whose swap failed on slippage: a refund can be requested."""
    order_no = await place(sim, journal)
    await control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "slippage_failed"})
    await control(sim, "/sim/clock/advance", {"seconds": 30})
    return order_no


async def control(sim: SimServer, path: str, body: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as raw:
        response = await raw.post(path, json=body)
    assert response.status_code == 200, response.text


async def open_deposit(app: A2AApp, pilot: Any, order_no: str) -> DepositScreen:
    """The deposit screen of a waiting order, opened from the orders screen."""
    await open_orders(app, pilot)
    await until(app, lambda: "awaiting deposit" in cell(app, order_no, "status"))
    await pilot.press("ctrl+o")
    await until(app, lambda: isinstance(app.screen, DepositScreen))
    screen = app.screen
    assert isinstance(screen, DepositScreen)
    return screen


def cell(app: A2AApp, key: str, column: str) -> str:
    table = app.screen.query_one(OrderTable)
    return str(table.get_cell(key, column).plain)


async def open_orders(app: A2AApp, pilot: Any) -> OrdersScreen:
    tracker = app.tracker
    assert tracker is not None
    await until(app, lambda: tracker.running)
    await pilot.press("f3")
    await until(app, lambda: isinstance(app.screen, OrdersScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, OrdersScreen)
    return screen


def notes(app: A2AApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_state_change_shows_on_the_screen_with_a_notification(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_orders(app, pilot)
        assert screen.shown_keys == [order_no]
        await until(app, lambda: "awaiting deposit" in cell(app, order_no, "status"))
        assert cell(app, order_no, "time") == "29 min left"
        assert app.tracker is not None
        assert app.tracker.visible

        await control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "success"})
        time.advance(5)  # the selected order is read at the imminent rate
        await until(app, lambda: "swapping" in cell(app, order_no, "status"))
        await until(app, lambda: any("deposit received, swapping" in n for n in notes(app)))
        assert f"Order {order_no}: deposit received, swapping (was waiting for deposit)" in notes(
            app
        )
        detail = str(screen.query_one("#detail-text", Static).render())
        assert "the swap is under way" in detail
        record = journal.find_order(order_no)
        assert record is not None
        assert [e.status for e in journal.timeline(record.id) if e.kind == "status"] == [
            "Depositing", "Swapping",
        ]  # fmt: skip


async def test_the_tracker_outlives_the_screen_and_slows_off_it(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_orders(app, pilot)
        await until(app, lambda: "awaiting deposit" in cell(app, order_no, "status"))
        await pilot.press("escape")
        await until(app, lambda: isinstance(app.screen, QuoteScreen))
        tracker = app.tracker
        assert tracker is not None
        assert not tracker.visible
        item = tracker.get(order_no)
        assert item is not None
        assert item.due is not None
        assert item.last_try is not None
        assert item.due - item.last_try > 60  # off screen: slower than on it
        await control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "chain_failed"})
        time.advance(300)
        await until(app, lambda: any("deposit received, swapping" in n for n in notes(app)))


async def test_a_suspended_app_makes_no_request(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_orders(app, pilot)
        tracker = app.tracker
        assert tracker is not None
        await until(app, lambda: (t := tracker.get(order_no)) is not None and t.last_ok is not None)
        before = tracker.stats.requests
        app.app_suspend_signal.publish(app)  # what App.suspend and ctrl+z publish first
        assert tracker.paused
        time.advance(3600)
        await pilot.pause()
        assert tracker.stats.requests == before
        read = asyncio.get_running_loop().create_future()
        tracker.subscribe(lambda update: read.done() or read.set_result(update))
        app.app_resume_signal.publish(app)
        await asyncio.wait_for(read, 10)  # a read that changed nothing posts no message
        assert tracker.stats.requests > before
        assert not tracker.paused
        assert order_no in [t.order_no for t in tracker.orders()]


async def test_look_up_an_order_created_elsewhere(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    elsewhere = await place(sim, Journal.in_memory(), "made-elsewhere")
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(app, pilot)
        assert screen.shown_keys == []
        await pilot.press("ctrl+l")
        await until(app, lambda: isinstance(app.screen, LookupScreen))
        await pilot.press(*"OD 1", "enter")  # not an order number: said, not sent
        problem = str(app.screen.query_one("#lookup-problem", Static).render())
        assert "expected OD followed by 16 digits" in problem
        field = app.screen.query_one("#lookup-value", Input)
        field.value = ""
        field.insert_text_at_cursor(elsewhere.lower())  # any case finds it
        await pilot.press("enter")
        await until(app, lambda: screen.shown_keys == [elsewhere])
        assert cell(app, elsewhere, "status").strip().endswith("awaiting deposit")
        assert [w.order_no for w in journal.watched()] == [elsewhere]
        await pilot.press("ctrl+l")
        await until(app, lambda: isinstance(app.screen, LookupScreen))
        app.screen.query_one("#lookup-value", Input).insert_text_at_cursor("OD2026052599999999")
        await pilot.press("enter")

        def said() -> str:
            return str(app.screen.query_one("#lookup-problem", Static).render())

        # not found: the dialog stays open with the answer, the number still there to fix
        await until(app, lambda: "has no order OD2026052599999999" in said())
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#lookup-value", Input).value == "OD2026052599999999"
        await pilot.press("escape")
        assert app.screen is screen


async def test_type_to_search_filter_and_the_detail_at_80x24(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    first = await place(sim, journal, "alpha-1")
    second = await place(sim, journal, "beta-2")
    await control(sim, f"/sim/orders/{second}/deposit", {"outcome": "success"})
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(app, pilot)
        assert screen.shown_keys == [second, first]  # newest first
        await until(app, lambda: "swapping" in cell(app, second, "status"))
        screen.query_one(OrderTable).focus()
        await pilot.press(*"alpha")  # typed on the table: it goes to the search box
        assert screen.query_one("#orders-search", Input).value == "alpha"
        assert screen.shown_keys == [first]
        await pilot.press("escape")  # clears the search first
        assert screen.shown_keys == [second, first]
        await pilot.press("ctrl+t")  # active
        await pilot.press("ctrl+t")  # needs action
        assert screen.filter == "needs action"
        assert screen.shown_keys == []
        await pilot.press("ctrl+t")  # Depositing
        assert (screen.filter, screen.shown_keys) == ("Depositing", [first])
        await pilot.press("ctrl+t", "ctrl+t")  # Swapping, then all again
        assert screen.filter is None
        await pilot.press("ctrl+s")
        assert screen.sort == "status"
        assert screen.shown_keys == [first, second]  # Depositing before Swapping
        selected = screen.selected()
        assert selected is not None
        assert selected.key == second
        await pilot.press("up")  # from the search box: moves in the table
        await pilot.press("enter")  # at 80x24 the detail replaces the table
        detail = screen.query_one("#order-detail")
        assert detail.display
        assert not screen.query_one(OrderTable).display
        shown = str(screen.query_one("#detail-text", Static).render())
        assert "waiting for deposit: send 1.5 ETH" in shown
        # every time in the detail says its zone, as the next step's line does
        assert re.search(r"expire_at +2026-05-25 10:\d\d:\d\d UTC\n", shown), shown
        assert re.search(r"created_at +2026-05-25 10:\d\d:\d\d UTC\n", shown), shown
        await pilot.press("escape")
        assert not detail.display
        assert screen.query_one(OrderTable).display


async def test_deposit_screen_from_the_orders_screen_stays_live(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        deposit_screen = await open_deposit(app, pilot, order_no)
        await control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "success"})
        time.advance(5)
        await until(app, lambda: deposit_screen.view.status is OrderStatus.SWAPPING)
        countdown = str(deposit_screen.query_one("#countdown", Static).render())
        assert countdown.startswith("Do not send again. 1.5 ETH")  # and what comes next
        assert "the swap is under way" in countdown
        assert not deposit_screen.query_one(QRCode).display  # no address to pay any more
        title = deposit_screen.query_one("#address-box").border_title
        assert title == "Do not send to this address: deposit received, swapping"
        assert "copy" not in {b.binding.action for b in deposit_screen.active_bindings.values()
                              if b.enabled}  # fmt: skip


async def test_refund_step_requests_and_keeps_tracking(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place_failed(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_orders(app, pilot)
        await until(app, lambda: "slippage failed" in cell(app, order_no, "status"))
        await pilot.press("ctrl+r")
        await until(app, lambda: isinstance(app.screen, RefundScreen))
        refund = app.screen
        assert isinstance(refund, RefundScreen)
        path = str(refund.query_one("#refund-path", Static).render())
        assert "automatic refund of the principal minus gas" in path
        await pilot.press(*"TLa2", "enter")  # a Tron address for an Ethereum source
        assert "not an Ethereum address" in str(
            refund.query_one("#refund-problem", Static).render()
        )
        field = refund.query_one("#refund-address", Input)
        field.value = ""
        field.insert_text_at_cursor(REFUND_TO)
        await pilot.press("enter")
        await until(app, lambda: refund.result is not None)
        said = refund.query_one("#refund-result", Static)
        result = str(said.render())
        assert result.startswith("✓ Refund of")
        assert REFUND_TO in result
        assert said.has_class("-ok")  # green and bold, not the muted hint
        record = str(refund.query_one("#refund-record", Static).render())
        assert "Refund record · Processing · auto" in record
        await control(sim, "/sim/clock/advance", {"seconds": 120})
        time.advance(5)
        await until(app, lambda: refund.view.status is OrderStatus.REFUNDED)
        assert "Refund record · Completed" in str(
            refund.query_one("#refund-record", Static).render()
        )
        # refunded: the step says it is done and offers no submit
        assert str(said.render()).startswith("✓ Done: the order is refunded")
        assert "final" in str(refund.query_one("#refund-window", Static).render())
        assert refund.query_one("#refund-address", Input).disabled
        await until(app, lambda: any(f"Order {order_no}: refunded" in n for n in notes(app)))


async def test_a_final_order_is_refused_up_front_in_the_refund_step(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    await control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "success"})
    await control(sim, "/sim/clock/advance", {"seconds": 30})
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_orders(app, pilot)
        await until(app, lambda: "completed" in cell(app, order_no, "status"))
        tracker = app.tracker
        assert tracker is not None
        reads = tracker.stats.requests
        time.advance(3600)
        await pilot.pause()
        assert tracker.stats.requests == reads  # final: never read again
        await pilot.press("ctrl+r")
        await until(app, lambda: isinstance(app.screen, RefundScreen))
        path = str(app.screen.query_one("#refund-path", Static).render())
        assert "✗" in path
        assert "the order is final (completed)" in path
        assert "Nothing is sent: the host would refuse it." in path
        assert str(app.screen.query_one("#refund-result", Static).render()).startswith(
            "✓ Done: the order is completed"
        )
        assert app.screen.query_one("#refund-address", Input).disabled
        await pilot.press("ctrl+s")  # nothing to submit
        await pilot.pause()
        assert app.screen.result is None  # type: ignore[attr-defined]
        assert journal.refunds(sim.base_url, order_no) == []


async def test_the_refund_result_belongs_to_the_state_it_was_given_for(
    make_sim: MakeSim,
) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    await control(sim, "/sim/clock/advance", {"seconds": 30 * 60 + 60})  # expired, no deposit
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_orders(app, pilot)
        await until(app, lambda: "expired" in cell(app, order_no, "status"))
        await pilot.press("ctrl+r")
        await until(app, lambda: isinstance(app.screen, RefundScreen))
        refund = app.screen
        assert isinstance(refund, RefundScreen)
        refund.query_one("#refund-address", Input).insert_text_at_cursor(REFUND_TO)
        await pilot.press("enter")
        await until(app, lambda: refund.result is not None)
        said = refund.query_one("#refund-result", Static)
        assert "no_amount_to_refund" in str(said.render())
        await control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "success"})  # late
        time.advance(5)
        await until(app, lambda: refund.view.deposit is not None)
        assert "no_amount_to_refund" not in str(said.render())  # said of another situation
        assert str(said.render()).startswith("Enter (or ctrl+s) requests the refund")


async def test_a_refund_the_host_would_refuse_is_not_offered_as_a_key(
    make_sim: MakeSim,
) -> None:
    """Waiting for its deposit, an order has nothing to refund: the screen says why
    and does not end with "Enter requests the refund"."""
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_orders(app, pilot)
        await until(app, lambda: "awaiting deposit" in cell(app, order_no, "status"))
        await pilot.press("ctrl+r")
        await until(app, lambda: isinstance(app.screen, RefundScreen))
        assert "Nothing is sent: the host would refuse it." in str(
            app.screen.query_one("#refund-path", Static).render()
        )
        said = str(app.screen.query_one("#refund-result", Static).render())
        assert said.startswith("No refund can be requested now (why above) · esc goes back")
        assert "requests the refund" not in said


async def test_the_deposit_screen_says_when_its_status_cannot_be_confirmed(
    make_sim: MakeSim,
) -> None:
    """The host dies while the deposit screen is open: the screen that says "Send
    exactly" does not go on looking fresh."""
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        deposit_screen = await open_deposit(app, pilot, order_no)
        stale = deposit_screen.query_one("#stale", Static)
        assert not stale.display
        sim.stop()
        time.advance(300)  # the order is due
        await until(app, lambda: stale.display)
        said = str(stale.render())
        assert said.startswith("⚠ Status not confirmed: the host cannot be read (cannot connect")
        assert "r tries now" in said
