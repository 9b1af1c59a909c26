"""``a2a-tui demo``: simulator and app in one process, the quote streaming at once."""

from __future__ import annotations

from app_helpers import complete, until

from a2a_tui.cli.demo import DEMO_QUOTE, demo_app
from a2a_tui.sim.simulator import SimConfig
from a2a_tui.ui.screens.quote import QuoteScreen


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
