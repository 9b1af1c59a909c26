"""Integrator order creation against the simulator (guide section 2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from conftest import GUIDE_KEY, START
from helpers import (
    BTC,
    BTC_ADDRESS,
    ETH,
    ETH_ADDRESS,
    LUNC,
    TRON_ADDRESS,
    USDT_TRON,
    order_for,
    quote_request,
    quotes,
    sim_get,
    sim_post,
)
from pydantic import SecretStr

from a2a_tui.domain.addresses import AddressFormat, address_problem
from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.any2any.errors import ApiError
from a2a_tui.providers.any2any.models import CreateOrderRequest, QuoteRequest
from a2a_tui.sim.server import SimServer

ORDER_FIELDS = {
    "order_id",
    "order_no",
    "deposit_address",
    "expire_at",
    "fee_platform",
    "fee_partner",
    "fee_integrator",
    "fee_platform_original",
    "platform_fee_rate",
    "partner_fee_rate",
    "integrator_fee_rate",
}


async def ready_order(
    client: Any2AnyClient, **extra: Any
) -> tuple[QuoteRequest, CreateOrderRequest]:
    request = quote_request()
    return request, order_for(request, await quotes(client, request), **extra)


async def post(raw: httpx.AsyncClient, body: dict[str, Any], **headers: str) -> httpx.Response:
    return await raw.post("/api/v1/integrator/orders", json=body, headers=headers)


async def test_guide_2_6_example_creates_an_integrator_order(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    _, order = await ready_order(client, client_order_id="biz-order-20260525-001")
    response = await post(raw, order.body(), **{"X-Integrator-Api-Key": GUIDE_KEY})
    assert response.status_code == 200
    envelope = response.json()
    assert (envelope["code"], envelope["msg"]) == (0, "ok")
    data = envelope["data"]
    assert set(data) == ORDER_FIELDS
    assert data["order_no"].startswith("OD20260525")
    assert len(data["order_no"]) == len("OD2026052510000001")
    assert data["expire_at"] == "2026-05-25T10:30:00Z"
    assert address_problem(AddressFormat.EVM, data["deposit_address"]) is None
    # 1,000 USDT; tier 0.10 % + key 0.30 %: 4 USDT fee, 3 of it the integrator's
    assert data["fee_platform_original"] == "4000000"
    assert data["fee_integrator"] == "3000000"
    assert data["fee_platform"] == "1000000"
    assert data["fee_partner"] == "0"
    assert data["platform_fee_rate"] == "0.1000"
    assert data["partner_fee_rate"] == "0"
    assert data["integrator_fee_rate"] == "0.3000"
    detail = await client.get_order(data["order_no"])
    assert detail.integrator_id == 1001
    assert detail.status == "Depositing"
    assert detail.client_order_id == "biz-order-20260525-001"
    assert detail.auto_cancel_at == START + timedelta(minutes=30, hours=24)


async def test_authorization_apikey_form_binds_the_integrator(make_sim: Any) -> None:
    server: SimServer = make_sim()
    async with Any2AnyClient(server.base_url, api_key=SecretStr(GUIDE_KEY)) as client:
        _, order = await ready_order(client)
        created = await client.create_order(order, auth="authorization")
        assert (await client.get_order(created.order_no)).integrator_id == 1001


@pytest.mark.parametrize(
    "key",
    [
        None,
        "no-such-key",
        "a2a_demo_disabled_fedcba98765432",  # disabled key
        "a2a_demo_suspended_0000000000001",  # enabled key, disabled integrator
    ],
)
async def test_without_a_valid_key_the_order_falls_back_to_a_plain_order(
    make_sim: Any, key: str | None
) -> None:
    server: SimServer = make_sim()
    async with Any2AnyClient(server.base_url, api_key=SecretStr(key) if key else None) as client:
        _, order = await ready_order(client)
        created = await client.create_order(order)
        assert created.fee_integrator == 0
        assert created.integrator_fee_rate == 0
        assert created.platform_fee_rate == Decimal("0.3")
        assert (await client.get_order(created.order_no)).integrator_id is None


async def test_public_endpoint_creates_an_unbound_order(client: Any2AnyClient) -> None:
    _, order = await ready_order(client)
    created = await client.create_public_order(order)
    assert (await client.get_order(created.order_no)).integrator_id is None


def _drop(field: str) -> Any:
    return lambda body: {k: v for k, v in body.items() if k != field}


def _set(**fields: Any) -> Any:
    return lambda body: body | fields


@pytest.mark.parametrize(
    ("mutate", "msg"),
    [
        (_drop("src_token_id"), "src_token_id/dst_token_id required"),
        (_drop("dst_token_id"), "src_token_id/dst_token_id required"),
        (_set(src_token_id=0), "src_token_id/dst_token_id required"),
        (_set(src_token_id="1"), "invalid request body"),
        (_set(amount_in=1000000000), "invalid request body"),
        (_set(slippage="0.01"), "invalid request body"),
        (_set(channels={"channel_id": 101}), "invalid request body"),
        (_drop("amount_in"), "amount_in required"),
        (_drop("dst_address"), "dst_address required"),
        (_drop("chosen_channel_id"), "chosen_channel_id required"),
        (_drop("slippage"), "slippage required"),
        (_drop("channels"), "channels required"),
        (_set(channels=[]), "channels required"),
        (_set(channels=[{"channel_id": 101}]),
         "channels[].channel_id and estimated_out_str required"),
        (_drop("main_channel_estimated_out_amount"), "main_channel_estimated_out_amount required"),
        (_drop("min_acceptable_out_amount"), "min_acceptable_out_amount required"),
        (_set(src_token_id=999), "token not found"),
        (_set(dst_token_id=LUNC), "chain not found"),
        (_set(dst_address="0xRecipient..."), "dst_address invalid"),
        (_set(dst_address=TRON_ADDRESS), "dst_address invalid"),
        (_set(dst_address="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"), "dst_address invalid"),
        (_set(chosen_channel_id=999), "chosen_channel_id not in channels"),
        (_set(slippage=0), "slippage out of range"),
        (_set(slippage=1), "slippage out of range"),
        (_set(slippage=-0.5), "slippage out of range"),
        (_set(amount_in="900000"), "amount_in below minimum"),
        (_set(split_count=2), "split orders are not supported for integrator orders"),
        (_set(is_risk=True), "split orders are not supported for integrator orders"),
    ],
)  # fmt: skip
async def test_validation_errors_use_the_guides_words(
    client: Any2AnyClient, raw: httpx.AsyncClient, mutate: Any, msg: str
) -> None:
    _, order = await ready_order(client)
    response = await post(raw, mutate(order.body()), **{"X-Integrator-Api-Key": GUIDE_KEY})
    assert response.status_code == 400
    assert response.json() == {"code": 400, "msg": msg, "data": None}


async def test_unparseable_json_is_invalid_request_body(raw: httpx.AsyncClient) -> None:
    for content in (b"{not json", b"[1, 2]", b"", b'"text"'):
        response = await raw.post("/api/v1/integrator/orders", content=content)
        assert response.json()["msg"] == "invalid request body", content


async def test_min_acceptable_below_the_slippage_floor_is_too_low(
    client: Any2AnyClient,
) -> None:
    _, order = await ready_order(client)
    low = order.model_copy(
        update={"min_acceptable_out_amount": order.min_acceptable_out_amount - 1}
    )
    with pytest.raises(ApiError, match="min_acceptable_out_amount too low"):
        await client.create_order(low)
    # exactly floor(estimate * (1 - slippage)) is accepted
    assert (await client.create_order(order)).order_no


async def test_main_estimate_must_match_the_chosen_channels_entry(client: Any2AnyClient) -> None:
    _, order = await ready_order(client)
    inflated = order.main_channel_estimated_out_amount + 1
    edited = order.model_copy(
        update={"main_channel_estimated_out_amount": inflated, "min_acceptable_out_amount": 1}
    )
    with pytest.raises(ApiError, match="quote amount mismatch"):
        await client.create_order(edited)


async def test_a_quote_the_market_moved_away_from_is_a_mismatch(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    request = quote_request(src=ETH, dst=USDT_TRON, amount=10**18)
    order = order_for(request, await quotes(client, request), dst_address=TRON_ADDRESS)
    await sim_post(raw, "/sim/market/move", {"token_id": ETH, "bps": 20})  # within 50 bps
    assert (await client.create_order(order.model_copy(update={"client_order_id": "a"}))).order_no
    await sim_post(raw, "/sim/market/move", {"token_id": ETH, "bps": -120})
    with pytest.raises(ApiError) as caught:
        await client.create_order(order.model_copy(update={"client_order_id": "b"}))
    assert (caught.value.status, caught.value.code, caught.value.msg) == (
        400,
        400,
        "quote amount mismatch",
    )


async def test_same_client_order_id_and_request_returns_the_same_order_briefly(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    _, order = await ready_order(client, client_order_id="retry-me")
    first = await client.create_order(order)
    # a retry minutes later would fail the fresh-quote check; idempotency must win
    await sim_post(raw, "/sim/market/move", {"token_id": 1, "bps": 500})
    response = await post(raw, order.body(), **{"X-Integrator-Api-Key": GUIDE_KEY})
    again = response.json()["data"]
    assert set(again) == {"order_id", "order_no", "deposit_address", "expire_at"}
    assert again["order_no"] == first.order_no
    assert again["deposit_address"] == first.deposit_address
    orders = await sim_get(raw, "/sim/orders?client_order_id=retry-me")
    assert len(orders) == 1


async def test_same_client_order_id_for_a_different_request_is_a_duplicate(
    client: Any2AnyClient,
) -> None:
    _, order = await ready_order(client, client_order_id="once")
    await client.create_order(order)
    other = order.model_copy(update={"dst_address": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"})
    with pytest.raises(ApiError, match="duplicate client_order_id"):
        await client.create_order(other)


async def test_client_order_id_is_unique_per_integrator(make_sim: Any) -> None:
    server: SimServer = make_sim()
    keys = (GUIDE_KEY, "a2a_demo_other_000000000000000001")
    numbers = set()
    for key in keys:
        async with Any2AnyClient(server.base_url, api_key=SecretStr(key)) as client:
            _, order = await ready_order(client, client_order_id="shared-id")
            numbers.add((await client.create_order(order)).order_no)
    assert len(numbers) == 2


@pytest.mark.parametrize(
    ("src", "dst", "amount", "address", "fmt"),
    [
        (BTC, ETH, 10_000_000, ETH_ADDRESS, AddressFormat.BITCOIN),
        (USDT_TRON, BTC, 5_000_000_000, BTC_ADDRESS, AddressFormat.TRON),
        (7, 1, 50_000_000, ETH_ADDRESS, AddressFormat.SOLANA),
    ],
)
async def test_deposit_address_is_in_the_source_chains_format(
    client: Any2AnyClient, src: int, dst: int, amount: int, address: str, fmt: AddressFormat
) -> None:
    request = quote_request(src=src, dst=dst, amount=amount)
    order = order_for(request, await quotes(client, request), dst_address=address)
    created = await client.create_order(order)
    assert address_problem(fmt, created.deposit_address) is None
    assert created.expire_at == datetime(2026, 5, 25, 10, 30, tzinfo=UTC)
