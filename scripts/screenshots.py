"""Regenerate screenshots/*.svg from the demo: ``make screenshots``.

The simulator runs with a fixed seed and start time so the pictures change
only when the app does.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Input

from a2a_tui.cli.demo import DEMO_QUOTE, demo_app
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.sim.simulator import SimConfig
from a2a_tui.ui.screens.quote import QuoteScreen

TRON = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"
OUT = Path(__file__).resolve().parent.parent / "screenshots"
CONFIG = SimConfig(seed=4, start=datetime(2026, 11, 2, 9, 30, tzinfo=UTC), frozen_clock=True,
                   upstream_timeout=4.0)  # fmt: skip


async def shoot(
    name: str,
    size: tuple[int, int],
    *,
    streaming: bool = False,
    theme: str | None = None,
    keys: tuple[str, ...] = (),
    quote: QuoteArgs = DEMO_QUOTE,
    settle: float = 0.1,
    address: str | None = None,
) -> None:
    """``address``: typed into the order step (opened by ``keys``), then Enter."""
    with demo_app(quote, CONFIG) as app:
        app.wall_clock = lambda: CONFIG.start + timedelta(minutes=2)  # type: ignore[operator]
        if theme:
            app.theme = theme
        async with app.run_test(size=size) as pilot:
            screen = app.screen
            assert isinstance(screen, QuoteScreen)
            while True:  # a script, not a test: polling the demo is fine here
                await pilot.pause(0.05)
                board = screen.board
                status = board.status() if board else None
                if status and (status.complete or (streaming and status.answered >= 3)):
                    break
            await pilot.press(*keys)
            await pilot.pause(settle)
            if address is not None:
                field = app.screen.query_one("#address", Input)
                field.value = address
                await pilot.press("enter")
                await pilot.pause(1.0)
            app.save_screenshot(f"{name}.svg", str(OUT))
    print(f"screenshots/{name}.svg")


async def main() -> None:
    # The pictures show the truecolor design, whatever terminal runs this: on a
    # 16-colour console (a bare TERM=xterm counts) the app picks other colours.
    os.environ |= {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
    os.environ.pop("NO_COLOR", None)
    OUT.mkdir(exist_ok=True)
    await shoot("quote-streaming-80x24", (80, 24), streaming=True)
    await shoot("quote-complete-80x24", (80, 24))
    await shoot("quote-complete-120x40", (120, 40))
    await shoot("quote-details-80x24", (80, 24), keys=("down", "d"))
    await shoot("quote-light-200x60", (200, 60), theme="textual-light",
                quote=QuoteArgs("USDT@ethereum", "BTC", "25000", "0.5%", "WELCOME"))  # fmt: skip
    await shoot("settings-80x24", (80, 24), keys=("f2",), settle=0.5)
    await shoot("order-80x24", (80, 24), keys=("enter",), settle=0.5)
    await shoot("deposit-80x24", (80, 24), keys=("enter",), settle=0.5, address=TRON)


if __name__ == "__main__":
    asyncio.run(main())
