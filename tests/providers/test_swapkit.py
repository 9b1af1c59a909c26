"""SwapKit v3: every mapped field and every error code on loopback, and the
per-minute budget that holds requests back instead of hammering."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from conftest import MakeSim
from pydantic import SecretStr

from a2a_tui.providers.http.errors import HeldBack, TransportFailure
from a2a_tui.providers.http.ratelimit import RateLimiter, shared_limiter
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.spec import CheckContext
from a2a_tui.providers.swapkit import errors
from a2a_tui.providers.swapkit.client import SwapKitClient
from a2a_tui.providers.swapkit.models import QuoteRequest
from a2a_tui.providers.swapkit.spec import SPEC
from a2a_tui.sim.direct.catalog import SWAPKIT_KEYS
from a2a_tui.sim.server import SimServer

KEY = next(iter(SWAPKIT_KEYS))
USDC = "ETH.USDC-0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"


def request(**changes: Any) -> QuoteRequest:
    fields = {"sellAsset": "ETH.ETH", "buyAsset": "BTC.BTC", "sellAmount": Decimal("1.5")}
    return QuoteRequest.model_validate(fields | changes)


def client(server: SimServer, key: str = KEY, **kwargs: Any) -> SwapKitClient:
    kwargs.setdefault("limiter", RateLimiter(1000))  # the server's window is under test
    return SwapKitClient(f"{server.base_url}/swapkit", SecretStr(key), **kwargs)


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


# -- the budget --------------------------------------------------------------------


def test_the_limiter_holds_back_the_eleventh_request_in_a_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(10, clock=clock)
    for second in range(10):
        clock.now = 1_700_000_000.0 + second
        limiter.acquire()
    with pytest.raises(HeldBack) as caught:
        limiter.acquire()
    expected = datetime.fromtimestamp(1_700_000_060.0).astimezone()
    assert caught.value.until == expected
    assert str(caught.value) == f"held back until {expected:%H:%M:%S} (10 requests a minute)"
    clock.now = 1_700_000_060.0  # the first request leaves the window
    limiter.acquire()
    with pytest.raises(HeldBack):
        limiter.acquire()
    held = limiter.block_for(120, "rate limited by SwapKit")
    assert held.until == datetime.fromtimestamp(1_700_000_180.0).astimezone()
    clock.now = 1_700_000_179.0
    with pytest.raises(HeldBack, match=r"rate limited|requests a minute"):
        limiter.acquire()
    clock.now = 1_700_000_180.0
    limiter.acquire()


def test_one_window_per_host_and_key() -> None:
    a = shared_limiter("http://h/", "key-a", 10)
    assert shared_limiter("http://h", "key-a", 10) is a
    assert shared_limiter("http://h", "key-b", 10) is not a
    assert shared_limiter("http://other", "key-a", 10) is not a


async def test_the_client_sends_nothing_past_its_budget(make_sim: MakeSim) -> None:
    server = make_sim()
    async with SwapKitClient(f"{server.base_url}/swapkit", SecretStr(KEY)) as kit:
        for _ in range(10):
            await kit.quote(request())
        with pytest.raises(
            HeldBack, match=r"held back until \d\d:\d\d:\d\d \(10 requests a minute"
        ):
            await kit.quote(request())
    assert server.call(lambda: server.sim.swapkit.quotes) == 10  # the 11th never left


async def test_a_429_blocks_the_window_until_retry_after(make_sim: MakeSim) -> None:
    server = make_sim()
    async with client(server) as kit:
        for _ in range(10):
            await kit.quote(request())
        before = time.time()
        with pytest.raises(errors.RateLimited, match="10 requests per minute") as caught:
            await kit.quote(request())
        until = caught.value.until
        assert until is not None
        assert 50 < until.timestamp() - before <= 61
        with pytest.raises(HeldBack, match="rate limited by SwapKit"):
            await kit.quote(request())


# -- fields ------------------------------------------------------------------------


async def test_the_request_body_and_key() -> None:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={"quoteId": "q", "routes": []})

    transport = httpx.MockTransport(handler)
    async with SwapKitClient("https://sk.example", SecretStr(" k-1 "), transport=transport,
                             limiter=RateLimiter(5)) as kit:  # fmt: skip
        await kit.quote(request())
        await kit.quote(request(providers=("CHAINFLIP",), slippage=Decimal("0.5"),
                                affiliateFee=25, cfBoost=True, maxExecutionTime=900))  # fmt: skip
    assert seen[0].headers["x-api-key"] == "k-1"
    assert json.loads(seen[0].content) == {"sellAsset": "ETH.ETH", "buyAsset": "BTC.BTC",
                                           "sellAmount": "1.5"}  # fmt: skip
    assert json.loads(seen[1].content) == {
        "sellAsset": "ETH.ETH", "buyAsset": "BTC.BTC", "sellAmount": "1.5",
        "providers": ["CHAINFLIP"], "slippage": 0.5, "affiliateFee": 25, "cfBoost": True,
        "maxExecutionTime": 900,
    }  # fmt: skip


async def test_every_field_of_a_quote(make_sim: MakeSim) -> None:
    server = make_sim()
    async with client(server) as kit:
        answer = await kit.quote(request(slippage=Decimal(1)))
    assert answer.quote_id
    assert answer.provider_errors == []
    names = [r.name for r in answer.routes]
    assert set(names) == {"THORCHAIN", "CHAINFLIP", "MAYACHAIN", "NEAR"}  # ONEINCH: same chain
    outs = [r.expected_buy_units(8) for r in answer.routes]
    assert outs == sorted(outs, reverse=True)
    assert 4_700_000 < outs[0] < 4_900_000  # 1.5 ETH in satoshis
    tags = {tag: r.name for r in answer.routes for tag in r.meta.tags}
    assert set(tags) == {"RECOMMENDED", "CHEAPEST", "FASTEST"}
    assert tags["CHEAPEST"] == names[0]
    totals = {r.name: r.estimated_time.total for r in answer.routes if r.estimated_time}
    assert totals[tags["FASTEST"]] == min(totals.values())
    route = answer.routes[0]
    assert (route.sell_asset, route.buy_asset, route.sell_amount) == ("ETH.ETH", "BTC.BTC", 1.5)
    assert route.max_slippage_units(8) == route.expected_buy_units(8) * 99 // 100
    time_ = route.estimated_time
    assert time_ is not None
    assert time_.total == (time_.inbound or 0) + (time_.swap or 0) + (time_.outbound or 0)
    fees = route.fees_by_type()
    assert {"liquidity", "service", "outbound"} <= set(fees)
    assert all(f.asset == "BTC.BTC" and f.amount > 0 for f in fees["service"])
    assert route.total_slippage_bps is not None
    assert route.total_slippage_bps > 0
    assert [leg.provider for leg in route.legs] == route.providers
    assert route.legs[0].buy_amount == route.expected_buy_amount
    assert [a.asset for a in route.meta.assets] == ["ETH.ETH", "BTC.BTC"]
    assert route.meta.assets[0].price is not None
    assert route.meta.assets[0].price > 1000
    assert route.next_actions[0].url == "/v3/swap"
    assert route.next_actions[0].payload["routeId"] == route.route_id


async def test_filters_fees_warnings_and_provider_errors(make_sim: MakeSim) -> None:
    server = make_sim()
    async with client(server) as kit:
        one = await kit.quote(request(providers=("CHAINFLIP",)))
        quick = await kit.quote(request(maxExecutionTime=700))
        plain = await kit.quote(request(providers=("NEAR",)))
        paid = await kit.quote(request(providers=("NEAR",), affiliateFee=50))
        big = await kit.quote(request(sellAmount=Decimal("300"), providers=("NEAR",)))
        small = await kit.quote(request(sellAmount=Decimal("0.004")))  # about 12 USD
        same_chain = await kit.quote(request(buyAsset=USDC))
    assert [r.name for r in one.routes] == ["CHAINFLIP"]
    assert all(r.estimated_time and r.estimated_time.total <= 700 for r in quick.routes)
    assert len(quick.routes) < 4
    assert "affiliate" not in plain.routes[0].fees_by_type()
    assert paid.routes[0].fees_by_type()["affiliate"][0].amount > 0
    assert paid.routes[0].expected_buy_amount < plain.routes[0].expected_buy_amount
    assert [w.code for w in big.routes[0].warnings] == ["highPriceImpact"]
    failed = {e.provider: e for e in small.provider_errors}
    assert set(failed) == {"CHAINFLIP"}  # its minimum is 20 USD
    assert failed["CHAINFLIP"].error_code == "noRoutesFound"
    assert "ONEINCH" in [r.name for r in same_chain.routes]


async def test_every_error_code(make_sim: MakeSim) -> None:
    server = make_sim()
    sim = server.sim
    async with client(server, "") as nobody:
        with pytest.raises(errors.InvalidApiKey, match=r"Unauthorized \(unauthorized, HTTP 401"):
            await nobody.quote(request())
    async with client(server, "not-a-key") as stranger:
        with pytest.raises(errors.InvalidApiKey, match=r"Invalid API key \(apiKeyInvalid"):
            await stranger.quote(request())
    async with client(server, timeouts=Timeouts(connect=1, read=0.3)) as kit:
        scam = "ETH.SCAM-0x00000000000000000000000000000000deadbeef"
        with pytest.raises(
            errors.BlacklistedAsset, match=re.escape(f"Asset {scam} is blacklisted")
        ):
            await kit.quote(request(buyAsset=scam))
        no_route = re.escape("No routes found for swap from ETH.ETH to KAIA.KAIA")
        with pytest.raises(errors.NoRoutesFound, match=no_route) as caught:
            await kit.quote(request(buyAsset="KAIA.KAIA"))
        assert caught.value.status == 404
        with pytest.raises(errors.NoRoutesFound) as caught:
            await kit.quote(request(sellAmount=Decimal("0.0001")))  # under every minimum
        assert {e.provider for e in caught.value.provider_errors} == {
            "THORCHAIN", "CHAINFLIP", "MAYACHAIN", "NEAR"}  # fmt: skip
        with pytest.raises(errors.InvalidRequest, match="Missing or invalid: sellAmount"):
            await kit.quote(request(sellAmount=Decimal("0.0000000000000000001")))  # > 18 places
        server.call(lambda: sim.direct_faults.modes.update(swapkit="unavailable"))
        with pytest.raises(errors.ServerError, match="HTTP 500"):
            await kit.quote(request())
        server.call(lambda: sim.direct_faults.modes.update(swapkit="hang"))
        started = time.perf_counter()
        with pytest.raises(TransportFailure, match="no answer"):
            await kit.quote(request())
        assert time.perf_counter() - started < 3
        server.call(lambda: sim.direct_faults.modes.update(swapkit="rate_limited"))
        with pytest.raises(errors.RateLimited):
            await kit.quote(request())
    server.call(lambda: sim.direct_faults.modes.clear())
    server.call(lambda: sim.swapkit.windows.clear())  # a new minute
    async with httpx.AsyncClient(base_url=f"{server.base_url}/swapkit") as raw:
        for body in (b"null", b"[1]", b"{not json"):
            answer = await raw.post("/v3/quote", content=body, headers={"x-api-key": KEY})
            assert answer.status_code == 400
            assert answer.json() == {"error": "invalidRequest", "message": "Request body is "
                                     "required and must be a valid JSON object"}  # fmt: skip
        answer = await raw.post("/v3/quote", headers={"x-api-key": KEY}, json={
            "sellAsset": "ETH.ETH", "buyAsset": "BTC.BTC", "sellAmount": "1", "affiliateFee": 5000,
            "slippage": "five"})  # fmt: skip
        assert answer.json()["message"].endswith("Missing or invalid: affiliateFee, slippage")


# -- the Test action ---------------------------------------------------------------


async def test_the_test_action_asks_for_a_real_quote(make_sim: MakeSim) -> None:
    server = make_sim()
    base = f"{server.base_url}/swapkit"

    async def check(key: str | None, **settings: Any) -> tuple[bool, str]:
        def get(name: str) -> SecretStr | None:
            return SecretStr(key) if key is not None else None

        result = await SPEC.check(CheckContext(get, base, Timeouts(connect=1, read=3), settings))
        assert key is None or key not in result.message
        return result.ok, result.message

    assert await check(KEY) == (True, f"API key accepted by {base} (a probe quote)")
    ok, text = await check("not-a-key-0000")
    assert not ok
    assert text.startswith("unknown or expired API key (Invalid API key")
    assert await check(None) == (False, "missing: API key")
    ok, text = await check(KEY, rate_limit_per_minute=1)  # a fresh window of one, now spent
    assert ok
    ok, text = await check(KEY, rate_limit_per_minute=1)
    assert not ok
    assert text.startswith("not sent: held back until ")
