"""The walk from the board to a deposit address, driven with keys against a real
simulator: choose a row, a bad then a good address, create, see the QR code and
the countdown, copy; the commission warning; refusals as guidance; stale quotes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from app_helpers import complete, type_into, until
from conftest import GUIDE_KEY, START, MakeSim
from fakes import CRYPTFILE, PasswordKeyring, Ticker
from helpers import ETH_ADDRESS, TRON_ADDRESS, sim_post
from order_helpers import ETH_TO_TRON, FAST, server_orders
from pydantic import SecretStr
from textual.app import App
from textual.widgets import Input, Static

import a2a_tui.services.orders as orders_module
from a2a_tui.infra.journal import Journal
from a2a_tui.infra.keystore import MemoryKeyring, SecretStore
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.orders import OrderService
from a2a_tui.sim.server import SimServer
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.deposit import DepositScreen, countdown
from a2a_tui.ui.screens.order import OrderScreen
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.qr_code import QRCode

USDT_TRON_ID = 9
#: One minute after the simulator's frozen start: 29 minutes left on a new order.
NOW = START + timedelta(minutes=1)


def sim_app(
    sim: SimServer, *, key: str | None = GUIDE_KEY, clock: Ticker | None = None,
    journal: Journal | None = None, wall: Callable[[], datetime] = lambda: NOW,
) -> A2AApp:  # fmt: skip
    store = SecretStore(MemoryKeyring(), env={})
    if key is not None:
        store.set("any2any.api_key", SecretStr(key), sim.base_url)
    backend = Backend.any2any(sim.base_url)
    clock = clock or Ticker()
    orders = OrderService(backend, journal or Journal.in_memory(), retry=FAST, clock=clock)
    return A2AApp(backend, credentials=CredentialService(store), initial=ETH_TO_TRON,
                  clock=clock, present_interval=0, orders=orders, wall_clock=wall,
                  subtitle="simulator")  # fmt: skip


async def until_app(app: App[Any], predicate: Callable[[], bool], within: float = 10) -> None:
    """Wait until ``predicate`` holds after a screen change or an app message."""
    if predicate():
        return
    reached = asyncio.Event()

    def check(_: object) -> None:
        if predicate():
            reached.set()

    app.screen_change_signal.subscribe(app, check, immediate=True)
    app.message_signal.subscribe(app, check, immediate=True)
    try:
        await asyncio.wait_for(reached.wait(), within)
    finally:
        app.screen_change_signal.unsubscribe(app)
        app.message_signal.unsubscribe(app)


async def board_ready(app: A2AApp) -> QuoteScreen:
    screen = app.screen
    assert isinstance(screen, QuoteScreen)
    await until(screen, complete(screen))
    await app.workers.wait_for_complete()  # the key is loaded, pending entries resolved
    return screen


def text(app: App[Any], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_order_step(app: A2AApp, pilot: Any) -> OrderScreen:
    await board_ready(app)
    await pilot.press("enter")
    await until_app(app, lambda: isinstance(app.screen, OrderScreen))
    screen = app.screen
    assert isinstance(screen, OrderScreen)
    return screen


async def create(app: A2AApp, pilot: Any, address: str) -> None:
    field = app.screen.query_one("#address", Input)
    field.value = ""
    field.focus()
    await type_into(pilot, address)
    await pilot.press("enter")


async def test_board_to_deposit_address_in_a_few_keys(make_sim: MakeSim) -> None:
    sim = make_sim()
    app = sim_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        order = await open_order_step(app, pilot)
        assert app.focused is order.query_one("#address", Input)
        summary = text(app, "#summary")
        assert "1.5 ETH on Ethereum" in summary
        assert "1500000000000000000 units" in summary
        assert "at 1% slippage" in summary
        out = order.draft.chosen.out_amount
        assert f"{out * 99 // 100} units" in summary  # the exact floor of guide section 4
        assert "key ••••1111" in summary

        await create(app, pilot, ETH_ADDRESS)  # an Ethereum address for a Tron token
        assert "not a Tron address" in text(app, "#address-problem")
        problem = text(app, "#address-problem")
        assert problem.count("expected a Tron address: T… (Base58Check, 34 characters)") == 1
        assert "Expected" not in problem  # the format is named once
        assert app.focused is order.query_one("#address", Input)
        assert server_orders(sim.base_url, order.draft.client_order_id) == []

        cid = app.screen.query_one("#client_order_id", Input).value
        await pilot.press("ctrl+u")  # editing: the problem was about the old text, it goes
        await pilot.pause()
        assert text(app, "#address-problem") == ""
        assert text(app, "#order-status").startswith("Enter (or ctrl+s) creates the order")
        await type_into(pilot, TRON_ADDRESS[:-1])  # half typed: no error flashes
        await pilot.press("enter")  # ... until Enter checks it again
        assert "not a Tron address" in text(app, "#address-problem")
        await create(app, pilot, TRON_ADDRESS)
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        deposit = app.screen
        assert isinstance(deposit, DepositScreen)
        (server_order,) = server_orders(sim.base_url, cid)
        assert deposit.view.order_no == server_order["order_no"]
        assert text(app, "#deposit-address") == server_order["deposit_address"]
        assert deposit.query_one(QRCode).data == server_order["deposit_address"]
        assert text(app, "#countdown") == "expires in 29:00 (at 10:30:00 UTC)"
        assert "commission applies" in text(app, "#commission")
        assert "1500000000000000000 units" in text(app, "#deposit-details")
        await pilot.press("c")
        assert app.clipboard == server_order["deposit_address"]
        await pilot.press("escape")
        assert isinstance(app.screen, QuoteScreen)  # the board, with its quote still there


async def test_the_deposit_countdown_runs_on_the_hosts_clock(make_sim: MakeSim) -> None:
    """The host's clock is 31 min ahead of this machine's: its 30-minute order has
    30 min left, not 60 (expire_at is on the host's clock)."""
    sim = make_sim()
    async with httpx.AsyncClient(base_url=sim.base_url) as raw:
        await sim_post(raw, "/sim/clock/advance", {"seconds": 31 * 60})
    app = sim_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_order_step(app, pilot)
        await create(app, pilot, TRON_ADDRESS)
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        assert text(app, "#countdown") == "expires in 30:00 (at 11:01:00 UTC)"


@pytest.mark.parametrize("key", [None, "a2a_demo_disabled_fedcba98765432"])
async def test_no_commission_is_a_prominent_warning_with_reasons(
    make_sim: MakeSim, key: str | None
) -> None:
    app = sim_app(make_sim(), key=key)
    async with app.run_test(size=(80, 24)) as pilot:
        order = await open_order_step(app, pilot)
        if key is None:
            assert "no key for this host" in text(app, "#summary")
        await create(app, pilot, TRON_ADDRESS)
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        warning = app.screen.query_one("#commission", Static)
        assert warning.has_class("-danger")
        said = str(warning.render())
        assert (
            "This order earns no commission: the host's order detail has no integrator_id" in said
        )
        if key is None:
            assert "No integrator API key was sent with it (none was set for this host)" in said
            assert "Next: set this host's key in F2 (Settings)" in said
        else:  # the host does not say which: no guess stated as fact, and how to tell
            assert (
                "The host does not say why: the key is unknown to this host, or disabled; "
                "or the integrator is disabled" in said
            )
            assert "Next: F2, Test (or `a2a-tui keys test any2any`) says whether" in said
        assert order.placed is not None


async def test_a_locked_keyring_sends_nothing_rather_than_a_plain_order(
    make_sim: MakeSim,
) -> None:
    """The key in a locked keyrings.cryptfile file was read as "no key": Enter made a
    plain order with no commission. Now nothing is sent, and the step says why."""
    sim = make_sim()
    backend = PasswordKeyring()
    backend.set_password("a2a-tui", f"any2any.api_key@{sim.base_url.split('//')[1]}", GUIDE_KEY)
    app = sim_app(sim, key=None)
    app.credentials = CredentialService(SecretStore(backend, env={}, chosen=CRYPTFILE))
    async with app.run_test(size=(80, 24)) as pilot:
        order = await open_order_step(app, pilot)
        assert "integrator key cannot be read: no order is sent" in text(app, "#summary")
        await create(app, pilot, TRON_ADDRESS)
        said = text(app, "#order-status")
        assert "cannot read this host's integrator key" in said
        assert "set $A2A_TUI_KEYRING_PASSWORD" in said
        assert isinstance(app.screen, OrderScreen)
        assert server_orders(sim.base_url, order.draft.client_order_id) == []


async def test_a_stale_quote_is_quoted_again_and_a_fall_is_confirmed_again(
    make_sim: MakeSim,
) -> None:
    sim = make_sim()
    clock = Ticker()
    app = sim_app(sim, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        order = await open_order_step(app, pilot)
        old = order.draft.chosen.out_amount
        opened = sim.sim.stats.opened
        async with httpx.AsyncClient(base_url=sim.base_url) as raw:
            await sim_post(raw, "/sim/market/move", {"token_id": USDT_TRON_ID, "bps": 300})
        clock.advance(10.5)  # past guide FAQ Q4's 10 seconds
        await create(app, pilot, TRON_ADDRESS)
        await until(order, lambda: order.awaiting_confirmation)
        assert sim.sim.stats.opened == opened + 1  # that channel, quoted again
        new = order.draft.chosen.out_amount
        assert new < old
        said = text(app, "#order-status")
        assert "The amount fell" in said
        fall_tenths = -((old - new) * 100_000 // -old)  # the fall in tenths of a bp, rounded up
        assert f"(-{fall_tenths // 10}.{fall_tenths % 10} bps)" in said, said  # one minus sign
        assert "creates the order at the new amount" in said
        assert server_orders(sim.base_url, order.draft.client_order_id) == []  # not yet
        await pilot.press("enter")
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        (created,) = server_orders(sim.base_url, order.draft.client_order_id)
        assert created["main_channel_estimated_out_amount"] == str(new)


async def test_a_mismatch_is_one_key_away_from_a_fresh_quote(make_sim: MakeSim) -> None:
    sim = make_sim()
    app = sim_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        order = await open_order_step(app, pilot)
        async with httpx.AsyncClient(base_url=sim.base_url) as raw:
            await sim_post(raw, "/sim/market/move", {"token_id": USDT_TRON_ID, "bps": -300})
        await create(app, pilot, TRON_ADDRESS)
        await until(order, lambda: order.guidance is not None)
        assert "quote amount mismatch" in text(app, "#order-status")
        assert "ctrl+r" in text(app, "#order-status")
        await pilot.press("ctrl+r")  # the amount rose: sent at once
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        assert len(server_orders(sim.base_url, order.draft.client_order_id)) == 1
        # let the new screen's Header finish mounting: leaving run_test inside that
        # frame ran Textual's title watcher on a header already torn down (NoMatches)
        await pilot.pause()


async def test_an_address_the_host_rejects_focuses_the_field(
    make_sim: MakeSim, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the local check and the host's agree; pretend the client knew less than the host
    monkeypatch.setattr(orders_module, "check_address", lambda fmt, value, chain: value.strip())
    app = sim_app(make_sim())
    async with app.run_test(size=(80, 24)) as pilot:
        order = await open_order_step(app, pilot)
        await create(app, pilot, ETH_ADDRESS)
        await until(order, lambda: order.guidance is not None)
        assert "rejected the destination address for Tron" in text(app, "#address-problem")
        assert app.focused is order.query_one("#address", Input)


async def test_a_reused_client_order_id_shows_the_existing_order(make_sim: MakeSim) -> None:
    sim = make_sim()
    app = sim_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        first = await open_order_step(app, pilot)
        cid = first.query_one("#client_order_id", Input).value
        await create(app, pilot, TRON_ADDRESS)
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        existing = app.screen.view.order_no  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.press("enter")
        await until_app(app, lambda: isinstance(app.screen, OrderScreen))
        second = app.screen
        assert isinstance(second, OrderScreen)
        second.query_one("#client_order_id", Input).value = cid
        opened = app.orders.journal.records()  # type: ignore[union-attr]
        await create(app, pilot, "TBhCfAytTEh52WFL6HYr64i2nmc3u3TCUp")
        await until(second, lambda: second.guidance is not None)
        said = text(app, "#order-status")
        assert f"client_order_id {cid} already belongs to order {existing}" in said
        assert (f"this request differs (address TBhCfAytTEh52WFL6HYr64i2nmc3u3TCUp, that order's "
                f"{TRON_ADDRESS})") in said  # fmt: skip
        assert "Nothing was sent" in said
        assert app.orders.journal.records() == opened  # type: ignore[union-attr]
        assert app.focused is second.query_one("#client_order_id", Input)
        await pilot.press("ctrl+o")
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        assert app.screen.view.order_no == existing  # type: ignore[attr-defined]
    assert len(server_orders(sim.base_url, cid)) == 1


async def test_a_reused_client_order_id_with_the_same_request_is_that_order(
    make_sim: MakeSim,
) -> None:
    """Guide 2.4: the same request again is the same order: shown, nothing sent."""
    sim = make_sim()
    app = sim_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        first = await open_order_step(app, pilot)
        cid = first.query_one("#client_order_id", Input).value
        await create(app, pilot, TRON_ADDRESS)
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        existing = app.screen.view.order_no  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.press("enter")
        await until_app(app, lambda: isinstance(app.screen, OrderScreen))
        app.screen.query_one("#client_order_id", Input).value = cid
        await create(app, pilot, TRON_ADDRESS)
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        assert app.screen.view.order_no == existing  # type: ignore[attr-defined]
    assert len(server_orders(sim.base_url, cid)) == 1


def footer_keys(app: App[Any]) -> set[str]:
    """The keys the footer offers now (check_action False hides a binding)."""
    return {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}


def footer_label(app: App[Any], key: str) -> str | None:
    """What the footer calls ``key`` now, if it offers it."""
    active = app.screen.active_bindings.get(key)
    return active.binding.description if active is not None and active.enabled else None


async def test_while_sending_the_footer_offers_neither_back_nor_create(
    make_sim: MakeSim,
) -> None:
    from faultproxy import FaultProxy

    sim = make_sim()
    with FaultProxy(sim.base_url, plan=["hold_after"]) as proxy:
        app = sim_app(sim)
        app.backend = Backend.any2any(proxy.base_url)
        app.orders = OrderService(app.backend, Journal.in_memory(), retry=FAST, clock=app.clock)
        async with app.run_test(size=(80, 24)) as pilot:
            order = await open_order_step(app, pilot)
            keys = footer_keys(app)
            assert {"back", "create"} <= keys
            assert "requote" not in keys  # nothing to retry yet
            await create(app, pilot, TRON_ADDRESS)
            await until(order, lambda: order.busy == "sending")
            keys = footer_keys(app)
            assert "back" not in keys
            assert "create" not in keys
            assert "requote" not in keys
            order.workers.cancel_group(order, "order-send")


async def test_retry_is_offered_only_where_a_retry_can_succeed(make_sim: MakeSim) -> None:
    sim = make_sim(upstream_timeout=0.3)
    clock = Ticker()
    app = sim_app(sim, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        order = await open_order_step(app, pilot)
        clock.advance(10.5)  # stale: it is quoted again before sending, not "retried"
        await pilot.pause()
        assert "requote" not in footer_keys(app)
        async with httpx.AsyncClient(base_url=sim.base_url) as raw:
            channel = str(order.draft.chosen.channel_id)
            await sim_post(raw, "/sim/faults", {"channels": {channel: "timeout"}})
        await create(app, pilot, TRON_ADDRESS)
        await until(order, lambda: order.busy is None and "Could not quote" in
                    text(app, "#order-status"))  # fmt: skip
        said = text(app, "#order-status")
        assert "upstream timeout" in said
        assert "ctrl+r to try again" in said, said  # a timeout: a retry can cure it
        assert "requote" in footer_keys(app)
        assert footer_label(app, "ctrl+r") == "Re-quote"  # it said "Retry" for a re-quote


async def test_the_deposit_screen_shows_where_the_swap_pays_out(make_sim: MakeSim) -> None:
    app = sim_app(make_sim())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_order_step(app, pilot)
        await create(app, pilot, TRON_ADDRESS)
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        payout = text(app, "#payout")
        assert payout == f"Pays out USDT on Tron to\n{TRON_ADDRESS}"


async def test_the_key_after_enter_lands_in_the_address_field(make_sim: MakeSim) -> None:
    """Typed at once after the board's Enter (a fast typist, a paste over SSH)."""
    app = sim_app(make_sim())
    async with app.run_test(size=(80, 24)) as pilot:
        await board_ready(app)
        await pilot.press("enter", *TRON_ADDRESS[:5])
        await until_app(app, lambda: isinstance(app.screen, OrderScreen))
        await pilot.pause()
        assert app.screen.query_one("#address", Input).value == TRON_ADDRESS[:5]


async def test_a_network_failure_says_the_order_may_exist_and_checks(make_sim: MakeSim) -> None:
    from faultproxy import FaultProxy

    sim = make_sim()
    with FaultProxy(sim.base_url, plan=["drop_after"] * 4) as proxy:
        app = sim_app(sim)
        app.backend = Backend.any2any(proxy.base_url)
        app.orders = OrderService(app.backend, Journal.in_memory(), retry=FAST, clock=app.clock)
        async with app.run_test(size=(80, 24)) as pilot:
            order = await open_order_step(app, pilot)
            seen: list[str] = []
            order.message_signal.subscribe(
                order, lambda m: seen.append(text(app, "#order-status")), immediate=True
            )
            await create(app, pilot, TRON_ADDRESS)
            await until(order, lambda: order.pending is not None)
            assert any("the order may exist; checking" in s for s in seen)
            assert "ctrl+r checks again" in text(app, "#order-status")
            assert footer_label(app, "ctrl+r") == "Check again"
            assert "requote" not in footer_keys(app)
            await pilot.press("ctrl+r")  # the proxy passes requests now
            await until_app(app, lambda: isinstance(app.screen, DepositScreen))
    assert len(server_orders(sim.base_url, order.draft.client_order_id)) == 1


async def test_rows_of_other_providers_are_for_comparison_only() -> None:
    from app_helpers import fake_app
    from fakes import ScriptedSource, quote

    app = fake_app(ScriptedSource([quote(1, 100)]), initial=ETH_TO_TRON)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuoteScreen)
        await until(screen, complete(screen))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuoteScreen)


async def test_a_pending_order_from_an_earlier_run_is_shown_at_start(make_sim: MakeSim) -> None:
    from order_helpers import quoted_draft, service_for

    sim = make_sim()
    journal = Journal.in_memory()
    earlier = service_for(sim.base_url, journal=journal)
    try:
        draft = await quoted_draft(earlier, client_order_id="from-before")
        body = earlier.backend.host.order_body(draft)  # type: ignore[union-attr]
    finally:
        await earlier.backend.close()
    entry = journal.journal_pending(
        host=sim.base_url, client_order_id="from-before", body=body,
        quote={"src": {"token_id": 3, "symbol": "ETH", "decimals": 18, "chain": "Ethereum"}},
        key_entry="any2any.api_key@x", key_fingerprint=earlier._fingerprint(),
    )  # fmt: skip
    journal.release(entry.id)  # as a process that died would leave it (after its lease)
    app = sim_app(sim, journal=journal)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        await pilot.pause()  # let it finish mounting before the app closes
        assert app.screen.view.client_order_id == "from-before"  # type: ignore[attr-defined]
    assert len(server_orders(sim.base_url, "from-before")) == 1


def test_the_countdown_turns_urgent_then_expired() -> None:
    expire = START + timedelta(minutes=30)
    assert countdown(expire, START) == ("expires in 30:00 (at 10:30:00 UTC)", "")
    assert countdown(expire, expire - timedelta(minutes=5)) == (
        "expires in 05:00 (at 10:30:00 UTC)", "urgent",
    )  # fmt: skip
    assert countdown(expire, expire) == ("expired at 10:30:00 UTC: do not send", "expired")
    assert countdown(expire, START - timedelta(hours=2))[0].startswith("expires in 2:30:00")


async def test_a_stale_row_on_the_board_opens_the_order_step(make_sim: MakeSim) -> None:
    """The board does not refuse a stale price: the order step re-quotes it before
    anything is sent (the test above), which saves the trader a whole re-quote."""
    sim = make_sim()
    clock = Ticker()
    app = sim_app(sim, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await board_ready(app)
        clock.advance(10.5)
        screen.refresh_clock()
        await pilot.press("enter")
        await until_app(app, lambda: isinstance(app.screen, OrderScreen))


@pytest.mark.parametrize(("term", "ascii_only"), [("linux", True), ("xterm-256color", False)])
async def test_the_order_and_deposit_screens_draw_their_marks_through_the_glyphs(
    make_sim: MakeSim, monkeypatch: pytest.MonkeyPatch, term: str, ascii_only: bool
) -> None:
    """The Linux console's font has no ⇄ ✓ ✗ ⚠ ≈: there the marks are ASCII."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "auto")
    monkeypatch.setenv("TERM", term)
    missing = set("⇄✓✗⚠≈")
    app = sim_app(make_sim(), key=None)  # no key: the no-commission warning's mark
    async with app.run_test(size=(80, 24)) as pilot:
        await open_order_step(app, pilot)
        await pilot.pause()
        order_step = set(app.export_screenshot())
        await create(app, pilot, TRON_ADDRESS)
        await until_app(app, lambda: isinstance(app.screen, DepositScreen))
        await pilot.pause()
        deposit = set(app.export_screenshot())
    seen = (order_step | deposit) & missing
    if ascii_only:
        assert seen == set()
    else:
        assert {"⇄", "≈", "⚠"} <= seen


async def test_the_address_format_is_never_cut(make_sim: MakeSim) -> None:
    """At 80x24 an Ethereum destination's hint ended `(EIP-55 checksum`: the label
    kept its one line and the screen cut it. It wraps instead."""
    app = sim_app(make_sim())
    async with app.run_test(size=(50, 24)) as pilot:
        await open_order_step(app, pilot)
        label = app.screen.query_one("#address-label")
        body = app.screen.query_one("#order-body")
        assert label.region.right <= body.content_region.right
        assert label.size.height > 1  # the Tron hint needs two lines at 50 columns


async def test_ctrl_u_then_an_address_in_one_burst_keeps_the_address(make_sim: MakeSim) -> None:
    """`C-u T…` sent at once (tmux, a paste over SSH) left the address field empty:
    Input's ctrl+u ran after the characters typed behind it."""
    from textual import events

    app = sim_app(make_sim())
    async with app.run_test(size=(80, 24)) as pilot:
        order = await open_order_step(app, pilot)
        field = order.query_one("#address", Input)
        field.value = "TR7NHq"
        app.post_message(events.Key("ctrl+u", None))
        for character in TRON_ADDRESS[:6]:
            app.post_message(events.Key(character, character))
        await until(order, lambda: field.value != "TR7NHq")
        await pilot.pause()
        assert field.value == TRON_ADDRESS[:6]
