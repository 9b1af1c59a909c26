"""OKX DEX v6: the signature recipe, every mapped field and every code, on loopback."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from decimal import Decimal

import httpx
import pytest
from conftest import MakeSim
from pydantic import SecretStr

from a2a_tui.providers.http.client import new_client, send
from a2a_tui.providers.http.errors import TransportFailure
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.okx import errors
from a2a_tui.providers.okx.client import QUOTE_PATH, OkxClient
from a2a_tui.providers.okx.models import QuoteRequest
from a2a_tui.providers.okx.signing import OkxAuth, OkxCredentials, sign, timestamp
from a2a_tui.providers.okx.spec import SPEC
from a2a_tui.providers.spec import CheckContext
from a2a_tui.sim.direct.catalog import OKX_DEMO, OKX_DEXES, OKX_GAS_USD
from a2a_tui.sim.server import SimServer

USDC = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"
USDT = "0xdac17f958d2ee523a2206206994597c13d831ec7"
NATIVE = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
DEMO = OkxCredentials(
    SecretStr(OKX_DEMO.api_key), SecretStr(OKX_DEMO.secret_key), SecretStr(OKX_DEMO.passphrase)
)


def request(**changes: object) -> QuoteRequest:
    fields: dict[str, object] = {"chainIndex": "1", "amount": 1_500_000_000_000_000_000,
                                 "fromTokenAddress": NATIVE, "toTokenAddress": USDC}  # fmt: skip
    return QuoteRequest.model_validate(fields | changes)


def client(server: SimServer, credentials: OkxCredentials = DEMO, **kwargs: object) -> OkxClient:
    return OkxClient(f"{server.base_url}/okx", credentials, **kwargs)  # type: ignore[arg-type]


def with_(credentials: OkxCredentials, **changes: str) -> OkxCredentials:
    values = {
        "api_key": credentials.api_key,
        "secret_key": credentials.secret_key,
        "passphrase": credentials.passphrase,
    }
    return OkxCredentials(**(values | {k: SecretStr(v) for k, v in changes.items()}))


# -- the recipe --------------------------------------------------------------------


def test_signature_matches_a_vector_computed_with_openssl() -> None:
    """printf '%s' "$prehash" | openssl dgst -sha256 -hmac "$secret" -binary | base64,
    for the guide's request example at a fixed timestamp."""
    path = (
        "/api/v6/dex/aggregator/quote?amount=10000000000000000000&chainIndex=1"
        f"&toTokenAddress={USDC}&fromTokenAddress={NATIVE}"
    )
    stamp = "2020-12-08T09:08:57.715Z"
    secret = "22582BD0CFF14C41EDBF1AB98506286D"
    assert sign(secret, stamp, "GET", path) == "7bw2uAX06ecayk6zWsY49aPpuCreh8N/YIjVybRopHk="
    assert timestamp(1607418537.715) == stamp


async def test_the_auth_flow_signs_the_final_url_and_sends_project_only_when_set() -> None:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={"code": "0", "data": [], "msg": ""})

    at = 1_700_000_000.25
    for project in (None, SecretStr("proj-1")):
        credentials = OkxCredentials(SecretStr("k"), SecretStr("s3cret"), SecretStr("pp"), project)
        http = new_client("https://okx.example/base", Timeouts(),
                          transport=httpx.MockTransport(handler),
                          auth=OkxAuth(credentials, clock=lambda: at))  # fmt: skip
        built = http.build_request("GET", "/api/v6/dex/aggregator/quote",
                                   params=request(dexIds=("1", "50")).query())  # fmt: skip
        await send(http, built, budget=5)
        await http.aclose()
    plain, projected = seen
    target = plain.url.raw_path.decode()
    assert target.startswith("/base/api/v6/dex/aggregator/quote?chainIndex=1&amount=")
    assert "dexIds=1%2C50" in target  # the comma as httpx encodes it: signed as sent
    by_hand = base64.b64encode(hmac.new(
        b"s3cret", f"2023-11-14T22:13:20.250ZGET{target}".encode(), hashlib.sha256
    ).digest()).decode()  # fmt: skip
    assert plain.headers["OK-ACCESS-SIGN"] == by_hand
    assert plain.headers["OK-ACCESS-TIMESTAMP"] == "2023-11-14T22:13:20.250Z"
    assert plain.headers["OK-ACCESS-KEY"] == "k"
    assert plain.headers["OK-ACCESS-PASSPHRASE"] == "pp"
    assert "OK-ACCESS-PROJECT" not in plain.headers
    assert projected.headers["OK-ACCESS-PROJECT"] == "proj-1"


# -- fields ------------------------------------------------------------------------


async def test_every_field_of_a_quote(make_sim: MakeSim) -> None:
    server = make_sim()
    async with client(server) as okx:
        quote = await okx.quote(request())
    assert (quote.chain_index, quote.swap_mode, quote.mode) == ("1", "exactIn", "dex")
    assert quote.quote_id
    assert quote.context_slot == 0
    assert quote.from_token_amount == 1_500_000_000_000_000_000
    assert 4_600_000_000 < quote.to_token_amount < 4_800_000_000  # 1.5 ETH in USDC units
    assert quote.trade_fee == OKX_GAS_USD["ethereum"]
    assert quote.estimate_gas_fee > 0
    assert quote.router == f"{NATIVE}--{USDC}"
    assert quote.price_impact_percent is not None
    assert quote.price_impact_percent < 0
    assert quote.sign_data is None
    src, dst = quote.from_token, quote.to_token
    assert (src.token_symbol, src.decimal, src.token_contract_address) == ("ETH", 18, NATIVE)
    assert (dst.token_symbol, dst.decimal, dst.token_contract_address) == ("USDC", 6, USDC)
    assert src.token_unit_price is not None
    assert src.token_unit_price > 1000
    assert not src.is_honey_pot
    assert src.tax_rate == 0
    assert dst.tax_rate == 0
    best = sorted(OKX_DEXES["ethereum"], key=lambda d: d.spread_bps)
    assert quote.dex_names == [best[0].name, best[1].name]
    assert sum(p.percent for r in quote.dex_router_list for p in r.protocols) == 100
    route = quote.dex_router_list[0]
    assert (route.from_token_index, route.to_token_index) == ("0", "1")
    assert route.to_token is not None
    assert route.to_token.token_symbol == "USDC"


async def test_dex_filters_and_the_referrer_fee_change_the_route(make_sim: MakeSim) -> None:
    server = make_sim()
    async with client(server) as okx:
        plain = await okx.quote(request())
        only = await okx.quote(request(dexIds=("1", "40")))
        without = await okx.quote(request(excludeDexIds=("2",)))
        fee = await okx.quote(request(feePercent=Decimal("1")))
        with pytest.raises(
            errors.InsufficientLiquidity, match=r"Insufficient liquidity \(code 82000"
        ):
            await okx.quote(request(dexIds=("999",)))
    assert only.dex_names == ["Saltmarsh", "Orchard V2"]
    assert "Orchard V3" not in without.dex_names
    assert only.to_token_amount < plain.to_token_amount  # worse venues
    assert fee.to_token_amount < plain.to_token_amount * Decimal("0.991")


async def test_intent_mode_returns_the_eip712_sign_data(make_sim: MakeSim) -> None:
    server = make_sim()
    owner = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4"
    async with client(server) as okx:
        quote = await okx.quote(
            request(mode="intent", userWalletAddress=owner, slippagePercent=Decimal("0.5"))
        )
        with pytest.raises(errors.BadParameter, match="userWalletAddress cannot be empty"):
            await okx.quote(request(mode="intent", slippagePercent=Decimal("0.5")))
    sign_data = quote.sign_data
    assert sign_data is not None
    assert (sign_data.primary_type, sign_data.domain.chain_id) == ("Order", 1)
    assert sign_data.message.owner == owner == sign_data.message.receiver
    assert sign_data.message.to_token_amount == quote.to_token_amount * 995 // 1000
    assert [f.name for f in sign_data.types["CommissionInfo"]] == [
        "feePercent", "referrerWalletAddress", "flag"]  # fmt: skip


# -- every code --------------------------------------------------------------------


async def test_the_gateway_refuses_with_okx_codes(make_sim: MakeSim) -> None:
    server = make_sim()
    cases = [
        (with_(DEMO, api_key="nobody"), errors.UnknownKey, "50111", "Invalid OK-ACCESS-KEY"),
        (with_(DEMO, passphrase="wrong"), errors.BadPassphrase, "50105", "incorrect"),
        (with_(DEMO, secret_key="wrong"), errors.BadSignature, "50113", "Invalid signature"),
    ]
    for credentials, kind, code, text in cases:
        async with client(server, credentials) as okx:
            with pytest.raises(kind, match=text) as caught:
                await okx.quote(request())
        assert (caught.value.code, caught.value.status) == (code, 401)
    for skew in (-31, 31):
        async with client(server, clock=lambda s=skew: time.time() + s) as okx:
            with pytest.raises(errors.ClockSkew, match="Timestamp request expired"):
                await okx.quote(request())
    async with client(server, clock=lambda: time.time() + 25) as okx:
        await okx.quote(request())  # inside the 30 s window


async def test_empty_headers_and_a_malformed_timestamp(make_sim: MakeSim) -> None:
    server = make_sim()
    async with httpx.AsyncClient(base_url=f"{server.base_url}/okx") as raw:
        good = {"OK-ACCESS-KEY": "k", "OK-ACCESS-PASSPHRASE": "p", "OK-ACCESS-SIGN": "s",
                "OK-ACCESS-TIMESTAMP": timestamp(time.time())}  # fmt: skip
        empties = (("OK-ACCESS-KEY", "50103"), ("OK-ACCESS-PASSPHRASE", "50104"),
                   ("OK-ACCESS-SIGN", "50106"), ("OK-ACCESS-TIMESTAMP", "50107"))  # fmt: skip
        for header, code in empties:
            answer = await raw.get(QUOTE_PATH, headers=good | {header: ""})
            assert (answer.status_code, answer.json()["code"]) == (401, code)
            assert answer.json()["msg"] == f'Request header "{header}" cannot be empty'
        answer = await raw.get(QUOTE_PATH, headers=good | {"OK-ACCESS-TIMESTAMP": "yesterday"})
        assert answer.json() == {"code": "50112", "data": [], "msg": "Invalid OK-ACCESS-TIMESTAMP"}


async def test_parameters_are_checked_after_the_signature(make_sim: MakeSim) -> None:
    server = make_sim()
    async with client(server) as okx:
        cases = [
            (request(chainIndex="999"), errors.BadParameter, "Parameter chainIndex error"),
            (request(toTokenAddress="0x" + "12" * 20), errors.UnsupportedToken, "82104"),
            (request(toTokenAddress=NATIVE), errors.BadParameter, "toTokenAddress error"),
            (request(swapMode="exactOut"), errors.BadParameter, "swapMode error"),
            (request(feePercent=Decimal("5")), errors.BadParameter, "feePercent error"),
            (request(amount=0), errors.BadParameter, "amount error"),
            (request(amount=10**30), errors.InsufficientLiquidity, "82000"),
        ]
        for wanted, kind, text in cases:
            with pytest.raises(kind, match=text):
                await okx.quote(wanted)
    http = new_client(f"{server.base_url}/okx", Timeouts(), auth=OkxAuth(DEMO))
    answer = await send(http, http.build_request("GET", QUOTE_PATH, params={"amount": "1"}),
                        budget=5)  # fmt: skip
    await http.aclose()
    assert (answer.status, answer.body["code"]) == (400, "50014")
    assert answer.body["msg"] == "Parameter chainIndex cannot be empty"


async def test_faults_rate_limit_outage_and_a_hang_cut_at_the_timeout(make_sim: MakeSim) -> None:
    server = make_sim()
    sim = server.sim
    async with client(server, timeouts=Timeouts(connect=1, read=0.3)) as okx:
        server.call(lambda: sim.direct_faults.modes.update(okx="rate_limited"))
        with pytest.raises(errors.RateLimited, match=r"Rate limit reached.*code 50011, HTTP 429"):
            await okx.quote(request())
        server.call(lambda: sim.direct_faults.modes.update(okx="unavailable"))
        with pytest.raises(errors.ServiceError, match="50026"):
            await okx.quote(request())
        server.call(lambda: sim.direct_faults.modes.update(okx="hang"))
        started = time.perf_counter()
        with pytest.raises(TransportFailure, match="no answer"):
            await okx.quote(request())
        assert time.perf_counter() - started < 3
        server.call(lambda: sim.direct_faults.modes.clear())
        await okx.quote(request())


async def test_answers_that_are_not_okx_are_unexpected() -> None:
    async def hostile(req: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)
        if "chainIndex=1" in str(req.url):
            return httpx.Response(502, text="<html>bad gateway</html>")
        return httpx.Response(200, json={"code": "0", "data": [{"chainIndex": "1"}], "msg": ""})

    transport = httpx.MockTransport(hostile)
    async with OkxClient("https://okx.example", DEMO, transport=transport) as okx:
        with pytest.raises(errors.UnexpectedResponse, match="HTTP 502: not an OKX answer"):
            await okx.quote(request())
        with pytest.raises(errors.UnexpectedResponse, match="unexpected OKX quote"):
            await okx.quote(request(chainIndex="56"))


# -- the Test action ---------------------------------------------------------------


async def test_the_test_action_makes_a_signed_call(make_sim: MakeSim) -> None:
    server = make_sim()
    base = f"{server.base_url}/okx"
    good = {"okx.api_key": OKX_DEMO.api_key, "okx.secret_key": OKX_DEMO.secret_key,
            "okx.passphrase": OKX_DEMO.passphrase}  # fmt: skip

    async def check(values: dict[str, str], where: str = base) -> tuple[bool, str]:
        def get(name: str) -> SecretStr | None:
            return SecretStr(values[name]) if name in values else None

        result = await SPEC.check(CheckContext(get, where, Timeouts(connect=1, read=2)))
        for secret in values.values():
            assert secret not in result.message
        return result.ok, result.message

    assert await check(good) == (True, f"credentials accepted by {base} (a signed probe quote)")
    ok, text = await check(good | {"okx.secret_key": "not-the-secret"})
    assert not ok
    assert text.startswith("bad signature: the secret key does not belong")
    ok, text = await check(good | {"okx.api_key": "no-such-key-4242"})
    assert not ok
    assert text.startswith("unknown API key")
    ok, text = await check({"okx.api_key": "x"})
    assert (ok, text) == (False, "missing: Secret key, Passphrase")
    ok, text = await check(good, "http://127.0.0.1:9")
    assert not ok
    assert text.startswith("cannot check with http://127.0.0.1:9: cannot connect")
    skewed = make_sim(wall_clock=lambda: time.time() - 120)
    ok, text = await check(good, f"{skewed.base_url}/okx")
    assert not ok
    assert text.startswith("clock skew: OKX accepts a timestamp within 30 s")
