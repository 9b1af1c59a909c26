"""The board with several sources, driven like a user: the first price shows at
once, the sources warm up for a chosen pair, the cursor follows a route."""

from __future__ import annotations

from typing import Any

from app_helpers import answered, complete, fake_app, until
from fakes import TOKENS, Gate, ScriptedSource, Ticker, quote

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelRef, ChannelsExpected
from a2a_tui.domain.tokens import Token
from a2a_tui.services.backend import Backend
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.quote_table import QuoteTable

ARGS = QuoteArgs("ETH", "USDT@ethereum", "1.5")


def placeholder(source: str) -> ChannelsExpected:
    return ChannelsExpected(source, (ChannelRef(source, None, source.upper()),))


async def test_the_first_price_is_painted_at_once_after_the_placeholders() -> None:
    """Several sources announce themselves at the start; the paint of those
    placeholders must not make the first price wait for the throttle."""
    gate = Gate()
    okx = ScriptedSource([placeholder("okx"), gate, quote(None, 4_700_000_000, source="okx")],
                         id="okx", label="OKX DEX")  # fmt: skip
    slow = ScriptedSource([placeholder("swapkit"), Gate()], id="swapkit", label="SwapKit")

    async def load() -> list[Token]:
        return list(TOKENS)

    backend = Backend("http://127.0.0.1:9", [okx, slow], load)
    app = A2AApp(backend, initial=ARGS, clock=Ticker(), present_interval=60.0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuoteScreen)
        await until(screen, gate.reached.is_set)
        await pilot.pause()
        table = screen.query_one(QuoteTable)
        before = table.updates
        gate.open()
        await until(screen, answered(screen, 1))
        assert table.updates > before  # presented now, not 60 s later


class Warming(ScriptedSource):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.warmed: list[tuple[str, str]] = []

    def warm(self, src: Token, dst: Token) -> None:
        self.warmed.append((src.label, dst.label))


async def test_the_sources_warm_up_once_for_the_pair_chosen() -> None:
    source = Warming(script=[quote(None, 1)], id="okx", label="OKX DEX")
    app = fake_app(source, initial=ARGS)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuoteScreen)
        await until(screen, complete(screen))
        await pilot.press("s")  # swapped: another pair
        await pilot.press("s")  # and back: warmed already
        await app.workers.wait_for_complete()
    # once per pair; their order is the threads' (the build gate may hold the first)
    assert sorted(source.warmed) == [
        ("ETH@ethereum", "USDT@ethereum"),
        ("USDT@ethereum", "ETH@ethereum"),
    ]


async def test_the_cursor_follows_a_swapkit_route_across_a_requote() -> None:
    routes = [quote("THORCHAIN", 4_700_000_000, source="swapkit", name="THORCHAIN"),
              quote("NEAR", 4_690_000_000, source="swapkit", name="NEAR")]  # fmt: skip
    again = [quote("NEAR", 4_710_000_000, source="swapkit", name="NEAR"),
             quote("THORCHAIN", 4_700_000_000, source="swapkit", name="THORCHAIN")]  # fmt: skip
    source = ScriptedSource([placeholder("swapkit"), *routes], id="swapkit", label="SwapKit")
    app = fake_app(source, initial=ARGS)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuoteScreen)
        await until(screen, complete(screen))
        table = screen.query_one(QuoteTable)
        await pilot.press("down")
        assert table.cursor_key == ("swapkit", "NEAR")
        source.script = [placeholder("swapkit"), *again]
        await pilot.press("r")
        await until(screen, complete(screen))
        await pilot.pause()
        assert table.cursor_key == ("swapkit", "NEAR")  # now the best, still the user's row
        assert screen.board is not None
        assert screen.board.index_of(("swapkit", "NEAR")) == 0
