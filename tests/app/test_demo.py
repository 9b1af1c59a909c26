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
