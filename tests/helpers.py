"""Small helpers shared by the client and simulator tests."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx

from a2a_tui.domain.amounts import min_out
from a2a_tui.providers.any2any.client import Any2AnyClient, StreamEvent
from a2a_tui.providers.any2any.errors import StreamIncomplete
from a2a_tui.providers.any2any.models import (
    ChannelQuote,
    CreateOrderRequest,
    OrderChannel,
    QuoteRequest,
)

#: Valid recipients per destination chain (EIP-55, bech32, base58, base58check).
ETH_ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
BTC_ADDRESS = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
TRON_ADDRESS = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"
SOL_ADDRESS = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"

#: 1,000 USDT on Ethereum to USDC on Ethereum: every catalogue channel serves it.
USDT_ETH, USDC_ETH, ETH, BTC, USDT_TRON, LUNC = 1, 2, 3, 5, 9, 12


def quote_request(
    src: int = USDT_ETH, dst: int = USDC_ETH, amount: int = 1_000_000_000, **extra: Any
) -> QuoteRequest:
    return QuoteRequest(
        src_token_id=src, dst_token_id=dst, amount_in=amount, slippage="0.01", **extra
    )


async def collect(
    client: Any2AnyClient, request: QuoteRequest, **kwargs: Any
) -> tuple[list[StreamEvent], StreamIncomplete | None]:
    events: list[StreamEvent] = []
    async with client.stream_quotes(request, **kwargs) as stream:
        try:
            async for event in stream:
                events.append(event)
        except StreamIncomplete as incomplete:
            return events, incomplete
    return events, None


async def quotes(client: Any2AnyClient, request: QuoteRequest) -> list[ChannelQuote]:
    events, incomplete = await collect(client, request)
    assert incomplete is None
    return [e for e in events if isinstance(e, ChannelQuote)]


def order_for(
    request: QuoteRequest,
    channels: list[ChannelQuote],
    *,
    dst_address: str = ETH_ADDRESS,
    chosen: ChannelQuote | None = None,
    **extra: Any,
) -> CreateOrderRequest:
    """The order a careful integrator builds from a quote (guide section 4)."""
    best = chosen or max(channels, key=lambda q: q.estimated_out_str)
    return CreateOrderRequest(
        src_token_id=request.src_token_id,
        dst_token_id=request.dst_token_id,
        amount_in=request.amount_in,
        dst_address=dst_address,
        chosen_channel_id=best.channel_id,
        slippage=request.slippage,
        main_channel_estimated_out_amount=best.estimated_out_str,
        min_acceptable_out_amount=min_out(best.estimated_out_str, Fraction(request.slippage)),
        channels=[
            OrderChannel(channel_id=q.channel_id, estimated_out_str=q.estimated_out_str)
            for q in channels
        ],
        **extra,
    )


async def sim_get(raw: httpx.AsyncClient, path: str) -> Any:
    response = await raw.get(path)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def sim_post(raw: httpx.AsyncClient, path: str, body: Any = None) -> Any:
    """Call a ``/sim`` control (or any endpoint that must succeed) and unwrap it."""
    response = await raw.post(path, json=body if body is not None else {})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def machine(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment with nothing of this machine's: its own home, an empty config,
    no keyring chosen by variable and a D-Bus address where nothing listens."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("A2A_TUI_", "PYTHON_KEYRING", "DBUS_", "XDG_", "KEYRING"))
    }
    home = tmp_path / "home"
    run = tmp_path / "run"
    for path in (home, run):
        path.mkdir(exist_ok=True)
    run.chmod(0o700)
    env |= {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(run),
        "DBUS_SESSION_BUS_ADDRESS": f"unix:path={run / 'no-bus-here'}",
        "A2A_TUI_CONFIG": str(tmp_path / "config.toml"),
    }
    return env | extra
