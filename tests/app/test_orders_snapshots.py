"""Layout snapshots of the support desk: the orders screen, the detail pane with its
timeline, and the refund step, at 80x24 and 120x40.

Deterministic: a journal in memory stamped by a frozen wall clock, order details
written by hand, a tracker that never runs (its reads are seeded), nothing sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fakes import ETH, TOKENS, USDT_TRON, Ticker
from pydantic import SecretStr
from textual.pilot import Pilot

from a2a_tui.domain.orders import TokenRef
from a2a_tui.infra.journal import Journal, key_fingerprint
from a2a_tui.infra.keystore import MemoryKeyring, SecretStore
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.desk import SupportDesk
from a2a_tui.services.orders import OrderService
from a2a_tui.services.tracker import Tracker
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.orders import OrdersScreen
from a2a_tui.ui.screens.refund import RefundScreen
from a2a_tui.ui.widgets.order_detail import OrderDetail
from a2a_tui.ui.widgets.order_table import OrderTable

SnapCompare = Callable[..., bool]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
T0 = datetime(2026, 5, 25, 10, 0, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=12)
HOST = "http://127.0.0.1:9"
KEY = "aaaabbbbccccddddeeeeffff00001111"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def detail(
    number: int, status: str, history: list[tuple[str, int]], **extra: Any
) -> dict[str, Any]:
    """An order detail as the host writes it (README: the order detail endpoint)."""
    created = T0 + timedelta(minutes=number - 1)
    return {
        "order_id": 1234566 + number, "order_no": f"OD20260525{10000000 + number}",
        "status": status, "settled": status in ("Completed", "Refunded"), "integrator_id": 1001,
        "client_order_id": f"shop-{1000 + number}", "src_token_id": 3, "dst_token_id": 9,
        "amount_in": str(15 * 10**17), "dst_address": "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
        "chosen_channel_id": 105, "slippage": 0.01,
        "main_channel_estimated_out_amount": "4718901233",
        "min_acceptable_out_amount": "4671712220", "promo_code": None,
        "deposit_address": f"0xAd3AB7485f9bA10061f4f9604784B75DB2D8F7{number:02d}",
        "created_at": _iso(created), "expire_at": _iso(created + timedelta(minutes=30)),
        "auto_cancel_at": _iso(created + timedelta(hours=24, minutes=30)),
        "fee_platform": "1500000000000000", "fee_partner": "0",
        "fee_integrator": "4500000000000000", "fee_platform_original": "6000000000000000",
        "platform_fee_rate": "0.1000", "partner_fee_rate": "0", "integrator_fee_rate": "0.3000",
        "deposit": None, "out_amount": None, "out_tx_hash": None, "refund": None,
        "status_history": [{"status": s, "at": _iso(created + timedelta(seconds=at))}
                           for s, at in history],
        **extra,
    }  # fmt: skip


def _token(token: Any) -> dict[str, Any]:
    ref = TokenRef.of(token)
    return {"token_id": ref.token_id, "symbol": ref.symbol, "decimals": ref.decimals,
            "chain": ref.chain, "address_format": ref.address_format}  # fmt: skip


DEPOSIT = {"amount": str(15 * 10**17), "tx_hash": "0x5e1f" + "0" * 60,
           "received_at": _iso(T0 + timedelta(minutes=2)), "late": False}  # fmt: skip
ORDERS = [
    detail(1, "Depositing", [("Depositing", 0)]),
    detail(2, "SlippageFailed", [("Depositing", 0), ("Swapping", 60), ("SlippageFailed", 90)],
           deposit=DEPOSIT),
    detail(3, "Completed", [("Depositing", 0), ("Swapping", 40), ("Completed", 70)],
           deposit=DEPOSIT, out_amount="4718901233", out_tx_hash="0x77aa" + "0" * 60),
]  # fmt: skip
WATCHED = detail(4, "ManualReview", [("Depositing", 0), ("CancelledNoDeposit", 1800),
                                     ("ManualReview", 2400)], integrator_id=1001)  # fmt: skip


def journal_with_orders() -> Journal:
    moments = iter(T0 + timedelta(minutes=3, seconds=s) for s in range(0, 10_000, 7))
    journal = Journal.in_memory(wall_clock=lambda: next(moments))
    for wire in ORDERS:
        record = journal.journal_pending(
            host=HOST, client_order_id=wire["client_order_id"],
            body={"amount_in": wire["amount_in"]},
            quote={"src": _token(ETH), "dst": _token(USDT_TRON),
                   "chosen": {"name": "Quill Cross", "channel_id": 105}},
            key_entry="any2any.api_key@127.0.0.1:9", key_fingerprint=key_fingerprint(KEY),
        )  # fmt: skip
        journal.record_created(record.id, order_no=wire["order_no"], response=wire)
        for change in wire["status_history"]:
            journal.record_status(record.id, change["status"])
    journal.watch(HOST, WATCHED["order_no"], WATCHED, WATCHED["status"])
    return journal


def desk_app() -> A2AApp:
    store = SecretStore(MemoryKeyring(), env={})
    store.set("any2any.api_key", SecretStr(KEY), HOST)
    backend = Backend.any2any(HOST, SecretStr(KEY))

    async def tokens() -> list[Any]:
        return list(TOKENS)

    backend.load_tokens = tokens
    orders = OrderService(backend, journal_with_orders(), clock=Ticker())
    desk = SupportDesk(orders, wall_clock=lambda: NOW)
    tracker = Tracker(desk, clock=lambda: 1000.0, wall_clock=lambda: NOW)
    return A2AApp(backend, clock=Ticker(), orders=orders, wall_clock=lambda: NOW,
                  credentials=CredentialService(store), subtitle="snapshot", present_interval=0,
                  tracker=tracker, track=False)  # fmt: skip


async def _orders(pilot: Pilot[Any]) -> OrdersScreen:
    app = pilot.app
    assert isinstance(app, A2AApp)
    await app.workers.wait_for_complete()
    assert app.desk is not None
    assert app.tracker is not None
    for entry in await app.desk.entries():  # as if the tracker had read them 6 s ago
        item = app.tracker.track(entry.key, entry.view)
        item.last_ok = 994.0
    await pilot.press("f3")
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, OrdersScreen)
    await screen.workers.wait_for_complete()
    await pilot.pause()
    return screen


def orders_screen(pilot: Pilot[Any]) -> Any:
    return _orders(pilot)


def detail_with_timeline(pilot: Pilot[Any]) -> Any:
    async def run() -> None:
        screen = await _orders(pilot)
        await pilot.press("down")  # the failed swap
        if screen.has_class("-narrow"):
            await pilot.press("enter")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        screen.query_one(OrderDetail).scroll_end(animate=False)  # the timeline is last
        await pilot.pause()

    return run()


def refund_step(pilot: Pilot[Any]) -> Any:
    async def run() -> None:
        screen = await _orders(pilot)
        await pilot.press("down")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(pilot.app.screen, RefundScreen)
        await pilot.press(*"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
        await pilot.pause()
        assert screen is not None

    return run()


@pytest.mark.parametrize("size", SIZES)
def test_orders_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(desk_app(), terminal_size=size, run_before=orders_screen)


@pytest.mark.parametrize("size", SIZES)
def test_detail_with_timeline(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(desk_app(), terminal_size=size, run_before=detail_with_timeline)


@pytest.mark.parametrize("size", SIZES)
def test_refund_step(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(desk_app(), terminal_size=size, run_before=refund_step)


async def test_many_orders_page_and_the_cursor_keeps_its_order() -> None:
    """60 looked-up orders at 80x24: paging moves the cursor, the rows painted are
    the rows scrolled to, a read repaints its row in place."""
    app = desk_app()
    assert app.orders is not None
    for number in range(10, 70):
        wire = detail(number, "Depositing", [("Depositing", 0)])
        app.orders.journal.watch(HOST, wire["order_no"], wire, "Depositing")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _orders(pilot)
        table = screen.query_one(OrderTable)
        assert table.row_count == 64
        first = table.highlighted_key()
        await pilot.press("pagedown", "pagedown", "down")
        key = table.highlighted_key()
        assert key is not None
        assert key != first
        assert table.cursor_row == 2 * (table.size.height - 2) + 1
        top = int(table.scroll_offset.y)
        assert top <= table.cursor_row < top + table.size.height - 1
        painted = [table.render_line(y).text for y in range(1, table.size.height)]
        assert any(key in line for line in painted)
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s")  # order no: rows move, cursor stays
        assert screen.sort == "order no"
        assert table.highlighted_key() == key
        table.focus()  # in the search box, Home moves its cursor instead
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_the_hosts_story_follows_the_journals_own_request() -> None:
    """The host's clock here is behind this journal's by less than the skew that is
    corrected: its "waiting for deposit" was listed before "order request journaled"."""
    app = desk_app()
    assert app.orders is not None
    desk = SupportDesk(app.orders, wall_clock=lambda: NOW)
    (entry,) = [e for e in await desk.entries() if e.order_no == ORDERS[2]["order_no"]]
    texts = [line.text for line in await desk.timeline(entry)]
    journaled = texts.index("order request journaled")
    created = next(i for i, t in enumerate(texts) if t.startswith("created on the host"))
    first_host = texts.index("waiting for deposit")
    assert journaled < created < first_host
