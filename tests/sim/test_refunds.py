"""Order lifecycle and integrator refunds against the simulator (guide section 3)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import GUIDE_KEY
from helpers import ETH_ADDRESS, order_for, quote_request, quotes, sim_get, sim_post

from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.any2any.errors import ApiError

#: A valid Ethereum address to refund to (USDT on Ethereum is the source).
REFUND_TO = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
OTHER_REFUND_TO = "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"
EXPIRY, AUTO_CANCEL = 30 * 60, 24 * 3600 + 30 * 60


async def new_order(client: Any2AnyClient) -> str:
    request = quote_request()
    order = order_for(request, await quotes(client, request))
    return (await client.create_order(order)).order_no


async def refund_response(
    raw: httpx.AsyncClient, order_no: str, key: str | None = GUIDE_KEY, **body: Any
) -> httpx.Response:
    headers = {"X-Integrator-Api-Key": key} if key else {}
    return await raw.post(
        f"/api/v1/integrator/orders/{order_no}/request_refund",
        json=body if body else {"refund_address": REFUND_TO},
        headers=headers,
    )


async def expect_refund_error(
    raw: httpx.AsyncClient, order_no: str, status: int, msg: str, **kwargs: Any
) -> None:
    response = await refund_response(raw, order_no, **kwargs)
    assert (response.status_code, response.json()) == (
        status,
        {"code": status, "msg": msg, "data": None},
    )


async def deposit(raw: httpx.AsyncClient, order_no: str, outcome: str, **extra: Any) -> None:
    await sim_post(raw, f"/sim/orders/{order_no}/deposit", {"outcome": outcome, **extra})


async def advance(raw: httpx.AsyncClient, seconds: float) -> None:
    await sim_post(raw, "/sim/clock/advance", {"seconds": seconds})


async def status_of(client: Any2AnyClient, order_no: str) -> str:
    return (await client.get_order(order_no)).status


# -- authentication (3.2, 3.7) ---------------------------------------------------


async def test_guide_3_8_example_refunds_a_failed_swap(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    order_no = await new_order(client)
    await deposit(raw, order_no, "slippage_failed")
    await advance(raw, 30)
    response = await refund_response(raw, order_no)
    assert (response.status_code, response.json()) == (200, {"code": 0, "msg": "ok", "data": "ok"})
    assert await status_of(client, order_no) == "Refunding"


@pytest.mark.parametrize(
    ("headers", "status", "msg"),
    [
        ({}, 401, "unauthorized"),
        ({"X-Integrator-Api-Key": "no-such-key"}, 401, "unauthorized"),
        ({"Authorization": f"ApiKey {GUIDE_KEY}"}, 401, "unauthorized"),
        ({"X-Integrator-Api-Key": "a2a_demo_disabled_fedcba98765432"}, 401, "unauthorized"),
        ({"X-Integrator-Api-Key": "a2a_demo_suspended_0000000000001"}, 403, "integrator disabled"),
        ({"X-Integrator-Api-Key": "a2a_demo_other_000000000000000001"}, 403,
         "order does not belong to integrator"),
    ],
)  # fmt: skip
async def test_refund_auth_never_falls_back(
    client: Any2AnyClient,
    raw: httpx.AsyncClient,
    headers: dict[str, str],
    status: int,
    msg: str,
) -> None:
    order_no = await new_order(client)
    response = await raw.post(
        f"/api/v1/integrator/orders/{order_no}/request_refund",
        json={"refund_address": REFUND_TO},
        headers=headers,
    )
    assert (response.status_code, response.json()["msg"]) == (status, msg)


async def test_an_unbound_order_does_not_belong_to_any_integrator(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    request = quote_request()
    created = await client.create_public_order(order_for(request, await quotes(client, request)))
    await expect_refund_error(raw, created.order_no, 403, "order does not belong to integrator")


async def test_request_errors(client: Any2AnyClient, raw: httpx.AsyncClient) -> None:
    order_no = await new_order(client)
    await expect_refund_error(raw, "", 400, "order no required")
    await expect_refund_error(raw, " ", 400, "order no required")
    await expect_refund_error(raw, order_no, 400, "refund_address required", refund_address="")
    await expect_refund_error(raw, "OD2026052599999999", 400, "order not found")
    await expect_refund_error(raw, order_no, 400, "refund_address invalid", refund_address="bc1q")
    response = await raw.post(
        f"/api/v1/integrator/orders/{order_no}/request_refund",
        content=b"{oops",
        headers={"X-Integrator-Api-Key": GUIDE_KEY},
    )
    assert response.json()["msg"] == "invalid request body"


# -- state rules (3.4) -----------------------------------------------------------------


async def test_deposit_window_rules(client: Any2AnyClient, raw: httpx.AsyncClient) -> None:
    order_no = await new_order(client)
    await expect_refund_error(raw, order_no, 400, "order_not_expired_yet")
    await advance(raw, EXPIRY)
    assert await status_of(client, order_no) == "CancelledNoDeposit"
    await expect_refund_error(raw, order_no, 400, "no_amount_to_refund")  # nothing arrived
    await deposit(raw, order_no, "success")  # a late deposit to the expired address
    assert (await refund_response(raw, order_no)).status_code == 200
    assert await status_of(client, order_no) == "ManualReview"
    await sim_post(raw, f"/sim/orders/{order_no}/review", {"decision": "approve"})
    detail = await client.get_order(order_no)
    assert detail.status == "Refunded"
    assert detail.refund is not None
    assert detail.refund.handling == "manual_review"


async def test_after_auto_cancel_the_window_has_passed(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    order_no = await new_order(client)
    await advance(raw, AUTO_CANCEL)
    detail = await client.get_order(order_no)
    assert (detail.status, detail.settled) == ("CancelledNoDeposit", True)
    await expect_refund_error(raw, order_no, 400, "order_auto_cancel_window_passed")


async def test_a_failed_swap_is_refunded_minus_gas_and_pays_no_commission(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    order_no = await new_order(client)
    await deposit(raw, order_no, "chain_failed")
    assert await status_of(client, order_no) == "Swapping"
    await expect_refund_error(raw, order_no, 400, "order_not_in_refundable_state")
    await advance(raw, 30)
    assert await status_of(client, order_no) == "ChainFailed"
    assert (await refund_response(raw, order_no)).status_code == 200
    await advance(raw, 120)
    detail = await client.get_order(order_no)
    assert detail.status == "Refunded"
    assert detail.refund is not None
    assert detail.refund.gas_fee is not None
    assert detail.refund.refund_amount == detail.amount_in - detail.refund.gas_fee
    assert 0 < detail.refund.gas_fee < 3_000_000  # 2.40 USD of gas, in USDT units
    assert [h.status for h in detail.status_history] == [
        "Depositing",
        "Swapping",
        "ChainFailed",
        "Refunding",
        "Refunded",
    ]
    assert await sim_get(raw, "/sim/ledger") == []


async def test_a_successful_swap_is_final_and_earns_commission(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    order_no = await new_order(client)
    await deposit(raw, order_no, "success")
    await advance(raw, 30)
    assert await status_of(client, order_no) == "Completed"
    await expect_refund_error(raw, order_no, 400, "order_already_finalized")
    ledger = await sim_get(raw, "/sim/ledger")
    assert [(e["order_no"], e["integrator_id"], e["amount"]) for e in ledger] == [
        (order_no, 1001, "3000000")
    ]


async def test_failed_orders_wait_for_a_refund_address(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    order_no = await new_order(client)
    await deposit(raw, order_no, "slippage_failed")
    await advance(raw, 30 + 3600)
    assert await status_of(client, order_no) == "RefundAddressPending"
    assert (await refund_response(raw, order_no)).status_code == 200


async def test_missing_execution_details_need_manual_confirmation(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    order_no = await new_order(client)
    await deposit(raw, order_no, "chain_failed", execution_details=False)
    await advance(raw, 30)
    await expect_refund_error(raw, order_no, 400, "refund_requires_manual_confirmation")


async def test_dust_deposit_has_no_amount_to_refund(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    order_no = await new_order(client)
    await deposit(raw, order_no, "slippage_failed", amount="1000")  # 0.001 USDT, gas is 2.40
    await advance(raw, 30)
    await expect_refund_error(raw, order_no, 400, "no_amount_to_refund")


async def test_manual_review_can_reject(client: Any2AnyClient, raw: httpx.AsyncClient) -> None:
    order_no = await new_order(client)
    await advance(raw, EXPIRY)
    await deposit(raw, order_no, "success")
    await refund_response(raw, order_no)
    await sim_post(raw, f"/sim/orders/{order_no}/review", {"decision": "reject"})
    assert await status_of(client, order_no) == "FailedNoRefund"


# -- idempotency and concurrency (3.5, 3.7) ------------------------------------------------


async def test_same_address_is_idempotent_a_new_one_is_refused(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    order_no = await new_order(client)
    await deposit(raw, order_no, "slippage_failed")
    await advance(raw, 30)
    for _ in range(2):
        assert (await refund_response(raw, order_no)).json()["data"] == "ok"
    await expect_refund_error(
        raw, order_no, 400, "refund_address_cannot_be_changed", refund_address=OTHER_REFUND_TO
    )
    await advance(raw, 120)  # even once refunded, the same address still answers ok
    assert (await refund_response(raw, order_no)).status_code == 200


async def test_a_concurrent_state_change_asks_for_a_retry(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    order_no = await new_order(client)
    await deposit(raw, order_no, "chain_failed")
    await advance(raw, 30)
    await sim_post(raw, "/sim/faults", {"race_next_refund": True})
    with pytest.raises(ApiError) as caught:
        await client.request_refund(order_no, REFUND_TO)
    assert caught.value.msg == "order_state_changed_retry"
    assert caught.value.retryable
    await client.request_refund(order_no, REFUND_TO)  # the retry goes through
    assert await status_of(client, order_no) == "Refunding"


async def test_public_refund_endpoint_follows_the_same_rules(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    request = quote_request()
    order = order_for(request, await quotes(client, request), dst_address=ETH_ADDRESS)
    created = await client.create_public_order(order)
    with pytest.raises(ApiError, match="order_not_expired_yet"):
        await client.request_public_refund(created.order_no, REFUND_TO)
    await deposit(raw, created.order_no, "slippage_failed")
    await advance(raw, 30)
    await client.request_public_refund(created.order_no, REFUND_TO)
    assert await status_of(client, created.order_no) == "Refunding"


async def test_simulator_controls_reject_nonsense(
    client: Any2AnyClient, raw: httpx.AsyncClient
) -> None:
    order_no = await new_order(client)
    bad = [
        (f"/sim/orders/{order_no}/deposit", {"outcome": "maybe"}),
        (f"/sim/orders/{order_no}/deposit", {"amount": 5}),
        (f"/sim/orders/{order_no}/review", {"decision": "approve"}),
        ("/sim/clock/advance", {"seconds": -1}),
        ("/sim/faults", {"quote_service": "sometimes"}),
        ("/sim/market/move", {"token_id": 1}),
    ]
    for path, body in bad:
        response = await raw.post(path, json=body)
        assert response.status_code == 400, (path, response.text)
    await deposit(raw, order_no, "success")
    response = await raw.post(f"/sim/orders/{order_no}/deposit", json={"outcome": "success"})
    assert response.json()["msg"] == "order is not awaiting a deposit"
