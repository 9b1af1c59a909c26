"""Regenerate screenshots/*.svg from the demo: ``make screenshots``.

The simulator runs with a fixed seed and start time so the pictures change
only when the app does. ``python scripts/screenshots.py desk`` makes only the
support desk's pictures (``board`` only the others).
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Input

from a2a_tui.cli.demo import DEMO_QUOTE, demo_app
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.engine.board import Ranked
from a2a_tui.sim.simulator import SimConfig
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.deposit import DepositScreen
from a2a_tui.ui.screens.order import OrderScreen
from a2a_tui.ui.screens.orders import OrdersScreen
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.screens.refund import RefundScreen
from a2a_tui.ui.widgets.order_detail import OrderDetail
from a2a_tui.ui.widgets.quote_table import QuoteTable

TRON = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"
#: Orders pay out to a Tron address: a cross-chain pair.
TO_TRON = QuoteArgs("ETH@ethereum", "USDT@tron", "1.5")
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
    to_order: bool = False,
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
            if to_order:
                screen.query_one(QuoteTable).focus()
                for _ in range(screen.board.index_of(_best_any2any(screen).row.key) or 0):  # type: ignore[union-attr]
                    await pilot.press("down")
            await pilot.press(*keys)
            await pilot.pause(settle)
            if address is not None:
                field = app.screen.query_one("#address", Input)
                field.value = address
                await pilot.press("enter")
                await pilot.pause(1.0)
            app.save_screenshot(f"{name}.svg", str(OUT))
    print(f"screenshots/{name}.svg")


async def _settle(app: A2AApp, pilot: object, done: object, within: float = 20.0) -> None:
    """A script, not a test: poll until ``done()``."""
    for _ in range(int(within / 0.05)):
        if done():  # type: ignore[operator]
            return
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    raise RuntimeError("the demo did not get there")


def _best_any2any(board: QuoteScreen) -> Ranked:
    """Orders go through Any2Any: its best row (a direct provider's may rank above)."""
    assert board.board is not None
    return next(r for r in board.board.ranked() if r.row.key[0] == "any2any")


async def _order(app: A2AApp, pilot: object) -> str:
    """One order from the board's best row, through the order step."""
    board = app.screen
    assert isinstance(board, QuoteScreen)
    board.action_requote()
    await _settle(app, pilot, lambda: board.board is not None and board.board.status().complete
                  and not board._streaming)  # fmt: skip
    best = _best_any2any(board)
    board.open_order(best.row.key)
    await _settle(app, pilot, lambda: isinstance(app.screen, OrderScreen))
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    app.screen.query_one("#address", Input).value = TRON
    await pilot.press("enter")  # type: ignore[attr-defined]
    await _settle(app, pilot, lambda: isinstance(app.screen, DepositScreen))
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, DepositScreen)
    return screen.view.order_no


async def shoot_desk() -> None:
    """Three orders (completed, failed, waiting), the orders screen, its detail with
    the timeline, and a refund requested in the refund step."""
    now = CONFIG.start + timedelta(minutes=2)
    with demo_app(TO_TRON, CONFIG) as app:
        app.wall_clock = lambda: now  # type: ignore[method-assign]
        assert app.desk is not None
        assert app.tracker is not None
        app.desk.wall_clock = app.tracker.wall_clock = lambda: now
        app.desk.journal._wall = lambda: now  # the journal's stamps, in the same frozen time
        run = {title: act for title, _, act in app.extra_commands}
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert isinstance(screen, QuoteScreen)
            await _settle(app, pilot, lambda: screen.board is not None
                          and screen.board.status().complete)  # fmt: skip
            done = await _order(app, pilot)
            run["Simulator: deposit arrives; the swap succeeds 30 s (simulated) later"](app)
            await pilot.press("escape")
            failed = await _order(app, pilot)
            run["Simulator: deposit arrives; the swap fails on slippage"](app)
            await pilot.press("escape")
            waiting = await _order(app, pilot)
            await pilot.press("escape")
            run["Simulator: advance the clock 30 s"](app)
            await pilot.press("f3")
            tracker = app.tracker

            def read(number: str, status: str) -> bool:
                item = tracker.get(number)
                return (
                    item is not None and item.view is not None and str(item.view.status) == status
                )

            await _settle(app, pilot, lambda: read(done, "Completed") and read(failed,
                          "SlippageFailed") and read(waiting, "Depositing"))  # fmt: skip
            await pilot.pause(0.5)
            app.save_screenshot("orders-80x24.svg", str(OUT))
            print("screenshots/orders-80x24.svg")
            await pilot.resize_terminal(120, 40)
            await pilot.press("down")
            orders = app.screen
            assert isinstance(orders, OrdersScreen)
            await pilot.pause(1.0)
            orders.query_one(OrderDetail).scroll_end(animate=False)
            await pilot.pause(0.3)
            app.save_screenshot("orders-detail-120x40.svg", str(OUT))
            print("screenshots/orders-detail-120x40.svg")
            await pilot.resize_terminal(80, 24)
            await pilot.press("ctrl+r")
            await _settle(app, pilot, lambda: isinstance(app.screen, RefundScreen))
            refund = app.screen
            assert isinstance(refund, RefundScreen)
            refund.query_one("#refund-address", Input).value = (
                "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")  # fmt: skip
            await pilot.press("enter")
            await _settle(app, pilot, lambda: refund.result is not None)
            await pilot.pause(0.3)
            app.save_screenshot("refund-80x24.svg", str(OUT))
            print("screenshots/refund-80x24.svg")


async def main() -> None:
    # The pictures show the truecolor design, whatever terminal runs this: on a
    # 16-colour console (a bare TERM=xterm counts) the app picks other colours.
    os.environ |= {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
    os.environ.pop("NO_COLOR", None)
    OUT.mkdir(exist_ok=True)
    which = set(sys.argv[1:]) or {"board", "desk"}
    if "desk" in which:
        await shoot_desk()
    if "board" not in which:
        return
    await shoot("quote-streaming-80x24", (80, 24), streaming=True)
    await shoot("quote-complete-80x24", (80, 24))
    await shoot("quote-complete-120x40", (120, 40))
    await shoot("quote-details-80x24", (80, 24), keys=("down", "d"))
    await shoot("quote-light-200x60", (200, 60), theme="textual-light",
                quote=QuoteArgs("USDT@ethereum", "BTC", "25000", "0.5%", "WELCOME"))  # fmt: skip
    await shoot("settings-80x24", (80, 24), keys=("f2",), settle=0.5)
    await shoot("order-80x24", (80, 24), keys=("enter",), settle=0.5, quote=TO_TRON,
                to_order=True)  # fmt: skip
    await shoot("deposit-80x24", (80, 24), keys=("enter",), settle=0.5, address=TRON,
                quote=TO_TRON, to_order=True)  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
