"""The simulated quote stream, as curl sees it (guide 1.3-1.5) and as the client sees it."""

from __future__ import annotations

import asyncio
import json
import time
from decimal import Decimal

import httpx
import pytest
from conftest import MakeSim
from helpers import (
    BTC,
    ETH,
    LUNC,
    USDC_ETH,
    USDT_ETH,
    collect,
    quote_request,
    quotes,
    sim_get,
    sim_post,
)

from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.any2any.errors import ApiError
from a2a_tui.providers.any2any.models import ChannelError, ChannelQuote, Done
from a2a_tui.sim.catalog import CHANNELS, SimChannel
from a2a_tui.sim.requests import QuoteParams
from a2a_tui.sim.server import SimServer

CHANNEL_FIELDS = {
    "channel_id",
    "name",
    "symbol",
    "channel_icon",
    "estimated_out_str",
    "estimated_out_usd",
    "channel_fee",
    "channel_fee_original",
    "promo_applied",
    "discount_pct",
}

GUIDE_QUERY = "src_token_id=1&dst_token_id=2&amount_in=1000000&slippage=0.01"


def blocks(text: str) -> list[tuple[str, dict[str, object]]]:
    """Split an event stream the way the guide's fetch example does."""
    out = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith(":")]
        if not lines:
            continue
        fields = dict(line.split(": ", 1) for line in lines)
        out.append((fields["event"], json.loads(fields["data"])))
    return out


async def test_guide_1_5_curl_example_streams_channels_then_done(raw: httpx.AsyncClient) -> None:
    response = await raw.get(f"/api/v2/quote/stream?{GUIDE_QUERY}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    events = blocks(response.text)
    assert events[-1] == ("done", {})
    channels = [data for name, data in events if name == "channel"]
    errors = [data for name, data in events if name == "error"]
    # Quill Cross has a 25 USD minimum: on the guide's 1 USDT it answers with an error event
    assert errors == [{"channel_id": 105, "msg": "amount below channel minimum (25 USD)"}]
    assert {c["channel_id"] for c in channels} == {c.channel_id for c in CHANNELS} - {105}
    for channel in channels:
        assert set(channel) == CHANNEL_FIELDS
        assert isinstance(channel["estimated_out_str"], str)
        assert channel["estimated_out_str"].isdigit()
        assert isinstance(channel["channel_fee"], float | int)
        assert channel["symbol"] == "USDC"
        assert channel["promo_applied"] is False
        assert channel["discount_pct"] is None


async def test_post_variant_takes_a_json_body_with_numeric_channel_id(
    raw: httpx.AsyncClient,
) -> None:
    body = {"src_token_id": 1, "dst_token_id": 2, "amount_in": "1000000", "slippage": 0.01}
    response = await raw.post("/api/v2/quote/stream", json=body | {"channel_id": 103})
    assert [name for name, _ in blocks(response.text)] == ["channel", "done"]
    assert blocks(response.text)[0][1]["channel_id"] == 103


async def test_estimated_out_is_net_of_fees_in_destination_smallest_units(
    client: Any2AnyClient,
) -> None:
    small = {q.channel_id: q for q in await quotes(client, quote_request(amount=1_000_000_000))}
    large = {q.channel_id: q for q in await quotes(client, quote_request(amount=100_000_000_000))}
    for cid, quote in small.items():
        # 1,000 USDT at ~1.0002 buys at most ~1,000.3 USDC (6 decimals) before fees
        assert 990_000_000 < quote.estimated_out_str < 1_000_300_000
        # price impact grows with size: the large order gets less per unit
        assert large[cid].estimated_out_str < quote.estimated_out_str * 100


async def test_decimals_follow_the_destination_token(client: Any2AnyClient) -> None:
    one_btc_worth = await quotes(client, quote_request(src=BTC, dst=ETH, amount=100_000_000))
    for quote in one_btc_worth:  # ~30.9 ETH in wei (18 decimals)
        assert 29 * 10**18 < quote.estimated_out_str < 31 * 10**18
        assert quote.symbol == "ETH"


@pytest.mark.parametrize(
    ("query", "status", "msg"),
    [
        ("dst_token_id=2&amount_in=1&slippage=0.01", 400, "src_token_id/dst_token_id required"),
        ("src_token_id=1&amount_in=1&slippage=0.01", 400, "src_token_id/dst_token_id required"),
        ("src_token_id=x&dst_token_id=2&amount_in=1&slippage=0.01", 400,
         "src_token_id/dst_token_id required"),
        ("src_token_id=1&dst_token_id=2&slippage=0.01", 400, "amount_in required"),
        ("src_token_id=1&dst_token_id=2&amount_in=1.5&slippage=0.01", 400, "invalid amount_in"),
        ("src_token_id=1&dst_token_id=2&amount_in=1000", 400, "slippage required"),
        ("src_token_id=1&dst_token_id=2&amount_in=1000&slippage=1", 400, "slippage out of range"),
        ("src_token_id=1&dst_token_id=2&amount_in=1000&slippage=0", 400, "slippage out of range"),
        ("src_token_id=999&dst_token_id=2&amount_in=1000&slippage=0.01", 400, "token not found"),
        (f"src_token_id={LUNC}&dst_token_id=2&amount_in=1000&slippage=0.01", 400,
         "chain not found"),
        (f"{GUIDE_QUERY}&channel_id=999", 400, "channel not found"),
        (f"src_token_id={BTC}&dst_token_id=2&amount_in=100000&slippage=0.01&channel_id=103",
         400, "no available channels"),
        ("src_token_id=1&dst_token_id=1&amount_in=1000&slippage=0.01", 400,
         "no available channels"),
    ],
)  # fmt: skip
async def test_errors_before_the_stream_are_json_envelopes(
    raw: httpx.AsyncClient, query: str, status: int, msg: str
) -> None:
    response = await raw.get(f"/api/v2/quote/stream?{query}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"code": status, "msg": msg, "data": None}


@pytest.mark.parametrize(
    ("fault", "msg"),
    [("timeout", "quote service timed out"), ("unavailable", "quote service unavailable")],
)
async def test_quote_service_outage_is_a_502_envelope(
    raw: httpx.AsyncClient, client: Any2AnyClient, fault: str, msg: str
) -> None:
    await sim_post(raw, "/sim/faults", {"quote_service": fault})
    with pytest.raises(ApiError) as caught:
        await collect(client, quote_request())
    assert (caught.value.status, caught.value.code, caught.value.msg) == (502, 502, msg)


async def test_channel_filter_quotes_one_channel(client: Any2AnyClient) -> None:
    events, incomplete = await collect(client, quote_request(channel_id=101), method="POST")
    assert incomplete is None
    assert [type(e) for e in events] == [ChannelQuote, Done]
    assert isinstance(events[0], ChannelQuote)
    assert events[0].channel_id == 101


async def test_promo_code_discounts_eligible_channels(client: Any2AnyClient) -> None:
    plain = {q.channel_id: q for q in await quotes(client, quote_request())}
    promo = {q.channel_id: q for q in await quotes(client, quote_request(promo_code="WELCOME"))}
    for cid, quote in promo.items():
        if cid == 104:  # Nimbus Relay takes no promos
            assert not quote.promo_applied
            assert quote.discount_pct is None
            assert quote.channel_fee == quote.channel_fee_original
            continue
        assert quote.promo_applied
        assert quote.discount_pct == Decimal(20)
        assert quote.channel_fee == quote.channel_fee_original * Decimal("0.8")
        assert quote.estimated_out_str > plain[cid].estimated_out_str


async def test_unknown_promo_code_is_ignored(client: Any2AnyClient) -> None:
    for quote in await quotes(client, quote_request(promo_code="NOPE")):
        assert not quote.promo_applied


async def test_upstream_timeout_is_an_error_event_then_done(make_sim: MakeSim) -> None:
    server = make_sim(upstream_timeout=0.2)
    async with Any2AnyClient(server.base_url) as client:
        await sim_post(client._http, "/sim/faults", {"channels": {"102": "timeout"}})
        events, incomplete = await collect(client, quote_request())
    assert incomplete is None
    errors = [e for e in events if isinstance(e, ChannelError)]
    assert errors == [ChannelError(channel_id=102, msg="upstream timeout")]
    assert events.index(errors[0]) == len(events) - 2
    assert isinstance(events[-1], Done)


async def test_a_failed_channel_does_not_stop_the_others(
    raw: httpx.AsyncClient, client: Any2AnyClient
) -> None:
    await sim_post(raw, "/sim/faults", {"channels": {"101": "error", "105": "error"}})
    events, _ = await collect(client, quote_request())
    failed = {e.channel_id for e in events if isinstance(e, ChannelError)}
    answered = {e.channel_id for e in events if isinstance(e, ChannelQuote)}
    assert failed == {101, 105}
    assert answered == {c.channel_id for c in CHANNELS} - failed


async def test_channels_arrive_as_they_answer_not_all_at_the_end(make_sim: MakeSim) -> None:
    fast = SimChannel(201, "Fast", "", Decimal("0.1"), 5, 10, 20, 0.0, 0.0, 0.0)
    slow = SimChannel(202, "Slow", "", Decimal("0.1"), 5, 10, 700, 0.0, 0.0, 0.0)
    server = make_sim(channels=(slow, fast), latency_scale=1.0)
    async with Any2AnyClient(server.base_url) as client:
        started = time.perf_counter()
        arrivals = []
        async with client.stream_quotes(quote_request()) as stream:
            async for event in stream:
                arrivals.append((type(event).__name__, time.perf_counter() - started))
    assert [name for name, _ in arrivals] == ["ChannelQuote", "ChannelQuote", "Done"]
    first, second = arrivals[0][1], arrivals[1][1]
    assert first < 0.5 <= second  # fast is delivered while slow is still thinking


def test_same_seed_same_market_different_seed_different_fates(make_sim: MakeSim) -> None:
    def fates(server: SimServer) -> list[tuple[int, str, float]]:
        params = QuoteParams(USDT_ETH, USDC_ETH, 10**9, Decimal("0.01"), None, None)
        plans = server.call(lambda: server.sim.plan_quote(params))
        return [(p.channel.channel_id, p.mode, round(p.delay, 6)) for p in plans]

    a, b, c = (make_sim(seed=seed, failures=True, latency_scale=1.0) for seed in (7, 7, 8))
    assert fates(a) == fates(b)
    assert fates(a) != fates(c)


async def test_disconnect_is_seen_by_the_simulator(make_sim: MakeSim) -> None:
    slow = SimChannel(202, "Slow", "", Decimal("0.1"), 5, 10, 30_000, 0.0, 0.0, 0.0)
    fast = SimChannel(201, "Fast", "", Decimal("0.1"), 5, 10, 1, 0.0, 0.0, 0.0)
    server = make_sim(channels=(fast, slow), latency_scale=1.0)
    async with Any2AnyClient(server.base_url) as client:
        async with client.stream_quotes(quote_request()) as stream:
            first = await anext(stream)
            assert isinstance(first, ChannelQuote)
        stats = await _settled_stats(client)
    assert stats == {"opened": 1, "completed": 0, "disconnected": 1, "active": 0}


async def _settled_stats(client: Any2AnyClient) -> dict[str, int]:
    """The server learns of a disconnect asynchronously; poll its counters briefly."""
    deadline = time.monotonic() + 5
    while True:
        stats: dict[str, int] = (await sim_get(client._http, "/sim/stats"))["streams"]
        if stats["active"] == 0 or time.monotonic() > deadline:
            return stats
        await asyncio.sleep(0.01)


async def test_catalogue_endpoints(client: Any2AnyClient) -> None:
    tokens = await client.list_tokens()
    assert {t.decimals for t in tokens} >= {6, 8, 9, 18}
    usdt = next(t for t in tokens if t.token_id == USDT_ETH)
    assert (usdt.symbol, usdt.decimals, usdt.chain_id) == ("USDT", 6, 1)
    assert usdt.usd_price is not None
    chains = {c.key: c for c in await client.list_chains()}
    assert {"ethereum", "bitcoin", "solana", "tron"} <= set(chains)
    assert chains["bitcoin"].address_format == "bitcoin"
    assert not chains["terra"].enabled
    served = await client.list_channels(BTC, ETH)
    assert 103 not in {c.channel_id for c in served}  # Helix Router has no Bitcoin
    assert len(await client.list_channels()) == len(CHANNELS)
