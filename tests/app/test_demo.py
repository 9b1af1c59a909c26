"""``a2a-tui demo``: simulator and app in one process, the quote streaming at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from app_helpers import complete, until
from textual.widgets import Input, Label, Static

from a2a_tui.cli.demo import DEMO_QUOTE, demo_app, demo_sim_config
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.engine.board import RowState
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


async def test_the_demos_first_quote_ranks_every_source_together() -> None:
    """Issue 10: Any2Any's channels and the direct providers on one board, ranked
    together; Swapscanner, which quotes Kaia only, says so instead of vanishing."""
    with demo_app(config=SimConfig(latency_scale=0, failures=False)) as app:
        async with app.run_test(size=(80, 24)):
            screen = app.screen
            assert isinstance(screen, QuoteScreen)
            await until(screen, complete(screen))
            board = screen.board
            assert board is not None
            ranked = [r for r in board.ranked() if r.rank is not None]
            assert {r.row.key[0] for r in ranked} == {"any2any", "okx", "changelly", "swapkit"}
            assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
            outs = [r.row.quote.out_amount for r in ranked if r.row.quote is not None]
            assert outs == sorted(outs, reverse=True)
            swapscanner = board.find(("swapscanner", None))
            assert swapscanner is not None
            assert swapscanner.row.state is RowState.UNAVAILABLE
            assert swapscanner.row.error == "not available: Kaia only"
            status = board.status()
            assert (status.sources, status.unavailable, status.failed) == (5, 1, 0)
            line = str(screen.query_one(QuoteStatus).render())
            assert line.startswith(f"✓ 5 sources · {status.answered} of {status.answered} routes")


async def test_the_demos_first_quote_has_no_failed_row() -> None:
    """With the fixed seed every start used to open on "✗ Quill Cross upstream
    timeout" (issue 7, item 20): the first impression must not be a failure."""
    config = replace(demo_sim_config(), latency_scale=0, upstream_timeout=1.0)
    with demo_app(config=config) as app:
        async with app.run_test(size=(80, 24)):
            screen = app.screen
            assert isinstance(screen, QuoteScreen)
            await until(screen, complete(screen))
            assert screen.board is not None
            status = screen.board.status()
            assert status.failed == 0
            assert status.answered == status.expected
            assert str(screen.query_one(QuoteStatus).render()).startswith(
                f"✓ 5 sources · {status.answered} of {status.answered} routes answered"
            )


def test_later_demo_quotes_still_fail_sometimes() -> None:
    sim = Simulator(demo_sim_config())
    demo_pair = QuoteParams(3, 1, 15 * 10**17, Decimal("0.01"), None, None)  # DEMO_QUOTE
    modes = [{plan.mode for plan in sim.plan_quote(demo_pair)} for _ in range(6)]
    assert modes[0] == {"ok"}
    assert any(m != {"ok"} for m in modes[1:])
    assert "timeout" in set().union(*modes[1:])


@pytest.mark.parametrize("after", [0.4, 1.3, 6.0])
def test_every_demo_start_prices_the_same_first_board(after: float) -> None:
    """Three demo starts gave three boards: prices wobbled with the real clock. The
    demo's now move in steps counted from its start; the clock itself stays real."""
    demo_pair = QuoteParams(3, 9, 15 * 10**17, Decimal("0.01"), None, None)  # DEMO_QUOTE
    boards = []
    for start in (
        datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 1, 9, 2, 17, tzinfo=UTC),
    ):
        sim = Simulator(replace(demo_sim_config(), start=start, frozen_clock=True))
        sim.advance(after)  # the first quote, however long the app took to start
        assert sim.clock.now() == start + timedelta(seconds=after)  # real time, no offset
        boards.append(sim.pair(demo_pair).gross_out)
    assert boards[0] == boards[1]
    plain = [
        Simulator(SimConfig(start=start, frozen_clock=True)).pair(demo_pair).gross_out
        for start in (
            datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
            datetime(2026, 3, 1, 9, 2, 17, tzinfo=UTC),
        )
    ]
    assert plain[0] != plain[1]  # `a2a-tui sim` keeps its continuous, absolute wobble


def test_the_demo_market_still_moves_later() -> None:
    demo_pair = QuoteParams(3, 9, 15 * 10**17, Decimal("0.01"), None, None)
    sim = Simulator(replace(demo_sim_config(), frozen_clock=True))
    first = sim.pair(demo_pair).gross_out
    moved = set()
    for _ in range(12):
        sim.advance(10)
        moved.add(sim.pair(demo_pair).gross_out)
    assert moved - {first}  # a quote held for minutes drifts (guide FAQ Q4)


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
    pair = QuoteArgs("ETH@ethereum", "USDT@tron", "1.5")  # Any2Any alone: its rows order
    with demo_app(pair, config=config, direct=False) as app:
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


async def test_a_not_available_rows_message_uses_the_room_at_200_columns() -> None:
    """The message of a row without a price spans the empty tags and time columns too:
    at 200 columns "disabled in settings ([providers.okx] enabled)" is not cut."""
    from a2a_tui.ui.widgets.quote_table import QuoteTable

    said = "not available: disabled in settings ([providers.okx] enabled)"
    with demo_app(config=SimConfig(latency_scale=0, failures=False)) as app:
        async with app.run_test(size=(200, 50)) as pilot:
            screen = app.screen
            assert isinstance(screen, QuoteScreen)
            await until(screen, complete(screen))
            board = screen.board
            assert board is not None
            swapscanner = board.find(("swapscanner", None))
            assert swapscanner is not None
            swapscanner.row.error = said
            table = screen.query_one(QuoteTable)
            table.refresh()
            await pilot.pause()
            lines = [
                "".join(s.text for s in table.render_line(y)) for y in range(table.size.height)
            ]
            assert any(said in line for line in lines), [line for line in lines if "not av" in line]
