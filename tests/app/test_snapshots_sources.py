"""Snapshots of a board with all five sources: Any2Any's channels and OKX,
Changelly and SwapKit's routes ranked together, Swapscanner not available, a
SwapKit provider error; the detail panel of a route with fees, ETA and tags.
Between them they show every column a board of several sources adds.

Scripted sources and a clock that moves only when told: deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from app_helpers import complete, fake_app, until
from fakes import ScriptedSource, Tick, Ticker, quote
from textual.pilot import Pilot

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelFailed, ChannelRef, ChannelsExpected, FeeLine
from a2a_tui.ui.screens.quote import QuoteScreen

SnapCompare = Callable[..., bool]
ARGS = QuoteArgs("ETH", "USDT@ethereum", "1.5")
#: 200x50: from 160 columns the detail panel widens rather than the Route column.
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40"),
         pytest.param((200, 50), id="200x50")]  # fmt: skip


def placeholder(source: str, label: str) -> ChannelsExpected:
    return ChannelsExpected(source, (ChannelRef(source, None, label),))


def five_sources(clock: Ticker) -> list[ScriptedSource]:
    any2any = ScriptedSource([
        ChannelsExpected("any2any", tuple(
            ChannelRef("any2any", cid, name)
            for cid, name in ((101, "Arbor Bridge"), (103, "Helix Router"), (104, "Nimbus Relay"))
        )),
        Tick(clock, 0.120), quote(103, 4_705_102_004, "0.1", source="any2any", name="Helix Router"),
        Tick(clock, 0.300), quote(101, 4_702_190_851, "0.3", source="any2any", name="Arbor Bridge"),
        Tick(clock, 0.500), ChannelFailed("any2any", 104, "upstream rate limited"),
    ], id="any2any", label="Any2Any", tag="A2A")  # fmt: skip
    okx = ScriptedSource([
        placeholder("okx", "OKX DEX"),
        Tick(clock, 0.280),
        quote(None, 4_709_393_538, "0.0446", source="okx", name="Basalt Stable + Orchard V3",
              out_decimals=6, price_impact_pct=Decimal("-0.05"),
              fees=(FeeLine("network", usd=Decimal("2.1"), note="tradeFee"),
                    FeeLine("gas", units=668_449_448_082_682, decimals=18, symbol="ETH",
                            note="estimateGasFee")),
              warnings=("USDT has a 0.5% buy tax",),
              route_text="Basalt Stable 60% · Orchard V3 40%",
              wire={"toTokenAmount": "4709393538", "tradeFee": "2.1"}),
    ], id="okx", label="OKX DEX", tag="OKX")  # fmt: skip
    swapscanner = ScriptedSource(id="swapscanner", label="Swapscanner", tag="SSC",
                                 unsupported="Kaia only")  # fmt: skip
    changelly = ScriptedSource([
        placeholder("changelly", "Changelly"),
        Tick(clock, 0.650),
        quote(None, 4_657_213_015, "1", source="changelly", name="Changelly", out_decimals=6,
              min_out=4_610_640_884, valid_for=30.0,
              expires_at=datetime(2026, 5, 25, 10, 0, 30, tzinfo=UTC),
              fees=(FeeLine("Changelly", units=15_000_000_000_000_000, decimals=18,
                            symbol="ETH", bps=Decimal(100)),),
              wire={"id": "e3c25822", "expires_at": 1779703230000000}),
    ], id="changelly", label="Changelly", tag="CHG")  # fmt: skip
    swapkit = ScriptedSource([
        placeholder("swapkit", "SwapKit"),
        Tick(clock, 1.100),
        quote("ONEINCH", 4_701_409_640, "0.2132", source="swapkit", name="ONEINCH",
              out_decimals=6, min_out=4_654_395_543, eta=60.0,
              provider_tags=("RECOMMENDED", "CHEAPEST", "FASTEST"),
              fees=(FeeLine("liquidity", units=2_355_000, decimals=6, symbol="USDT",
                            note="ONEINCH"),
                    FeeLine("service", units=7_063_000, decimals=6, symbol="USDT",
                            note="ONEINCH")),
              wire={"routeId": "0f9c", "providers": ["ONEINCH"]}),
        quote("THORCHAIN", 4_693_584_039, "0.3793", source="swapkit", name="THORCHAIN",
              out_decimals=6, min_out=4_646_648_198, eta=66.0,
              warnings=("High price impact (This swap moves the price by about 1.2%)",),
              wire={"routeId": "51aa", "providers": ["THORCHAIN"]}),
        ChannelFailed("swapkit", "CHAINFLIP", "noRoutesFound: CHAINFLIP is temporarily "
                      "unavailable"),
    ], id="swapkit", label="SwapKit", tag="SWK")  # fmt: skip
    return [any2any, okx, swapscanner, changelly, swapkit]


def board_app() -> Any:
    clock = Ticker()
    return fake_app(*five_sources(clock), initial=ARGS, clock=clock)


async def _complete(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, QuoteScreen)
    await until(screen, complete(screen))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_five_sources_ranked_together(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(board_app(), terminal_size=size, run_before=_complete)


def test_a_swapkit_route_in_the_detail_panel(snap_compare: SnapCompare) -> None:
    """Its fees by type, ETA, SwapKit's own tags: the panel beside the table at 120."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _complete(pilot)
        await pilot.press("down", "down", "down")  # ONEINCH, fourth on the board
        await pilot.pause()

    assert snap_compare(board_app(), terminal_size=(120, 40), run_before=run_before)
