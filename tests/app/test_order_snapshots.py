"""Layout snapshots of the order step and the deposit screen at 80x24 and 120x40.

Deterministic: a hand-made draft and order view, a quote clock and a wall
clock that never move, a fixed client_order_id; nothing is sent anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fakes import ETH, SPEC, USDT_TRON, Ticker, quote
from pydantic import SecretStr
from textual.pilot import Pilot

from a2a_tui.domain.orders import FeeSnapshot, OrderDraft, OrderStatus, OrderView, TokenRef
from a2a_tui.infra.keystore import MemoryKeyring, SecretStore
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.orders import OrderService
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.deposit import DepositScreen
from a2a_tui.ui.screens.order import OrderScreen

SnapCompare = Callable[..., bool]
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
NOW = datetime(2026, 5, 25, 10, 1, 0, tzinfo=UTC)
KEY = "aaaabbbbccccddddeeeeffff00001111"


def _quotes() -> tuple[Any, ...]:
    return (
        quote(105, 4_718_901_233, "0.16", source="any2any", name="Quill Cross"),
        quote(103, 4_716_190_851, "0.1", source="any2any", name="Helix Router"),
        quote(101, 4_715_557_551, "0.3", source="any2any", name="Arbor Bridge"),
    )


def app_with(
    screen: Callable[[A2AApp, OrderService, Ticker], Any], key: str | None = KEY
) -> A2AApp:
    clock = Ticker()
    backend = Backend.any2any("http://127.0.0.1:9", None if key is None else SecretStr(key))
    service = OrderService.in_memory(backend, clock=clock)
    service.new_client_order_id = lambda: "a2a-20260525-100100-5f1e2d3c4b5a"  # type: ignore[method-assign]
    store = SecretStore(MemoryKeyring(), env={})
    if key is not None:
        store.set("any2any.api_key", SecretStr(key), backend.base_url)
    app = A2AApp(backend, clock=clock, orders=service, wall_clock=lambda: NOW,
                 credentials=CredentialService(store), subtitle="snapshot",
                 present_interval=0)  # fmt: skip

    async def no_tokens() -> list[Any]:
        return []

    backend.load_tokens = no_tokens  # the board underneath stays empty
    app.snapshot_screen = lambda: screen(app, service, clock)  # type: ignore[attr-defined]
    return app


def show(pilot: Pilot[Any]) -> Any:
    async def run() -> None:
        app = pilot.app
        await app.workers.wait_for_complete()  # the key is loaded from the keyring
        if isinstance(app, A2AApp) and app.tracker is not None:
            app.tracker.pause()  # the host (port 9) is not read: no "cannot be read" line
        await app.push_screen(app.snapshot_screen())  # type: ignore[attr-defined]
        await pilot.pause()

    return run()


def order_step(app: A2AApp, service: OrderService, clock: Ticker) -> OrderScreen:
    quotes = _quotes()
    draft = OrderDraft(SPEC, quotes[0], quotes, quoted_at=clock.now - 2.3)
    return OrderScreen(draft, service, clock=clock)


def view(*, bound: bool = True) -> OrderView:
    src, dst = TokenRef.of(ETH), TokenRef.of(USDT_TRON)
    fees = FeeSnapshot(1_500_000_000_000_000, 0, 4_500_000_000_000_000, 6_000_000_000_000_000,
                       Decimal("0.1000"), Decimal("0"), Decimal("0.3000"))  # fmt: skip
    return OrderView(
        order_no="OD2026052510000001", order_id=1234567,
        deposit_address="0xAd3AB7485f9bA10061f4f9604784B75DB2D8F75A",
        expire_at=NOW + timedelta(minutes=29), src=src, dst=dst, amount_in=15 * 10**17,
        fees=fees if bound else FeeSnapshot(4_500_000_000_000_000, 0, 0, 4_500_000_000_000_000,
                                            Decimal("0.3000"), Decimal("0"), Decimal("0")),
        status=OrderStatus.DEPOSITING, integrator_id=1001 if bound else None, verified=True,
        client_order_id="a2a-20260525-100100-5f1e2d3c4b5a", min_out=4_671_712_220,
        key_sent=bound, dst_address="TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
    )  # fmt: skip


@pytest.mark.parametrize("size", SIZES)
def test_order_step(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(app_with(order_step), terminal_size=size, run_before=show)


@pytest.mark.parametrize("size", SIZES)
def test_deposit(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = app_with(lambda app, service, clock: DepositScreen(view(), service=service))
    assert snap_compare(app, terminal_size=size, run_before=show)


def test_deposit_without_commission(snap_compare: SnapCompare) -> None:
    app = app_with(lambda app, service, clock: DepositScreen(view(bound=False), service=service),
                   key=None)  # fmt: skip
    assert snap_compare(app, terminal_size=(80, 24), run_before=show)
