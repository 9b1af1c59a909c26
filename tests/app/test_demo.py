"""``a2a-tui demo``: simulator and app in one process, the quote streaming at once."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from app_helpers import complete, until
from textual.widgets import Input, Label, Static

from a2a_tui.cli.demo import DEMO_CONFIG, DEMO_QUOTE, demo_app
from a2a_tui.sim.requests import QuoteParams
from a2a_tui.sim.simulator import SimConfig, Simulator
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.screens.settings import SettingsScreen
from a2a_tui.ui.widgets.quote_status import QuoteStatus


async def test_demo_opens_on_a_streaming_quote() -> None:
    with demo_app(config=SimConfig(latency_scale=0.05, failures=False)) as app:
        async with app.run_test(size=(80, 24)):
            screen = app.screen
            assert isinstance(screen, QuoteScreen)
            await until(screen, complete(screen))
            assert screen.board is not None
            assert screen.board.spec.src.label == "ETH@ethereum"
            assert screen.board.spec.dst.label == DEMO_QUOTE.dst
            assert screen.board.status().answered >= 5
            assert "demo · simulator on http://127.0.0.1:" in app.sub_title


async def test_the_demos_first_quote_has_no_failed_row() -> None:
    """With the fixed seed every start used to open on "✗ Quill Cross upstream
    timeout" (issue 7, item 20): the first impression must not be a failure."""
    config = replace(DEMO_CONFIG, latency_scale=0, upstream_timeout=1.0)
    with demo_app(config=config) as app:
        async with app.run_test(size=(80, 24)):
            screen = app.screen
            assert isinstance(screen, QuoteScreen)
            await until(screen, complete(screen))
            assert screen.board is not None
            status = screen.board.status()
            assert status.failed == 0
            assert status.answered == status.expected == 6
            assert str(screen.query_one(QuoteStatus).render()).startswith("✓ 6 of 6")


def test_later_demo_quotes_still_fail_sometimes() -> None:
    sim = Simulator(DEMO_CONFIG)
    demo_pair = QuoteParams(3, 9, 15 * 10**17, Decimal("0.01"), None, None)  # DEMO_QUOTE
    modes = [{plan.mode for plan in sim.plan_quote(demo_pair)} for _ in range(6)]
    assert modes[0] == {"ok"}
    assert any(m != {"ok"} for m in modes[1:])
    assert "timeout" in set().union(*modes[1:])


async def test_the_demo_settings_show_the_simulators_host_as_not_saved() -> None:
    """Issue 7.18: the settings showed 127.0.0.1:8787 while the demo talked to its own port."""
    with demo_app(config=SimConfig(latency_scale=0.05, failures=False)) as app:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f2")
            screen = app.screen
            assert isinstance(screen, SettingsScreen)
            host = app.backend.base_url
            assert host != "http://127.0.0.1:8787"
            where = str(screen.query_one("#where", Static).render())
            assert where.startswith(f"Host in use: {host} (the demo's simulator; not saved)")
            field = screen.query_one("#base-url", Input)
            assert (field.value, field.disabled) == (host, True)
            hint = str(screen.query_one("#host-hint", Label).render())
            assert "demo's own simulator" in hint
            assert hint.endswith("not saved")


async def test_the_demo_tests_every_provider_against_its_simulator() -> None:
    """The demo's key store holds every provider's demo credentials, and each
    provider's settings point at its simulated endpoint: every Test passes."""
    with demo_app(config=SimConfig(latency_scale=0, failures=False)) as app:
        host = app.backend.base_url
        providers = app.preferences.settings.providers
        assert providers.okx.enabled
        assert providers.okx.base_url == f"{host}/okx"
        assert providers.swapkit.base_url == f"{host}/swapkit"
        for spec in app.credentials.providers:
            result = await app.credentials.test(spec.id, host)
            assert result.ok, (spec.id, result.message)
            assert "accepted by" in result.message


async def test_the_demos_palette_drives_the_simulator_on_the_order_on_screen() -> None:
    """Issue 9's demo: create an order, fail it through the simulator, see it change."""
    from app_helpers import type_into, until_shown

    from a2a_tui.ui.screens.deposit import DepositScreen
    from a2a_tui.ui.screens.order import OrderScreen

    config = SimConfig(latency_scale=0, failures=False, frozen_clock=True)
    with demo_app(config=config) as app:
        commands = {title: run for title, _, run in app.extra_commands}
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert isinstance(screen, QuoteScreen)
            await until(screen, complete(screen))
            commands["Simulator: advance the clock 31 min"](app)  # no order: harmless
            commands["Simulator: deposit arrives; the swap fails on slippage"](app)
            await until_shown(app, lambda: any("Open an order first" in str(n.message)
                                               for n in app._notifications))  # fmt: skip
            await app.workers.wait_for_complete()
            await pilot.press("o")
            await until_shown(app, lambda: isinstance(app.screen, OrderScreen))
            await type_into(pilot, "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7")
            await pilot.press("enter")
            await until_shown(app, lambda: isinstance(app.screen, DepositScreen))
            deposit = app.screen
            assert isinstance(deposit, DepositScreen)
            commands["Simulator: deposit arrives; the swap fails on slippage"](app)
            await until(deposit, lambda: str(deposit.view.status) == "Swapping")
            commands["Simulator: advance the clock 30 s"](app)
            await until(deposit, lambda: str(deposit.view.status) == "SlippageFailed")
            said = [str(n.message) for n in app._notifications]
            assert any("swap failed (slippage) (was deposit received, swapping)" in s for s in said)
