"""Changelly DeFi quotes: RSA signatures checked with the public key, every mapped
field and every error, on loopback."""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from conftest import MakeSim
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pydantic import SecretStr

from a2a_tui.providers.changelly import errors
from a2a_tui.providers.changelly.client import ChangellyClient
from a2a_tui.providers.changelly.models import QuoteRequest
from a2a_tui.providers.changelly.signing import api_key_forms, changelly_api_key
from a2a_tui.providers.changelly.spec import SPEC
from a2a_tui.providers.http.errors import TransportFailure
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.spec import CheckContext
from a2a_tui.sim.direct.catalog import (
    CHANGELLY_AFFILIATE_KEY,
    CHANGELLY_DEMO_API_KEY,
    CHANGELLY_DEMO_PEM,
)
from a2a_tui.sim.direct.changelly import demo_api_key
from a2a_tui.sim.server import SimServer

PEM = SecretStr(CHANGELLY_DEMO_PEM)
USDT_ETH = "0xdAC17F958D2ee523a2206206994597C13D831ec7"


def other_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()  # fmt: skip


def request(**changes: Any) -> QuoteRequest:
    fields = {"from": {"token_id": 278}, "to": {"token_id": 678}, "amount": 250_000_000,
              "slippage_bps": 50}  # fmt: skip
    return QuoteRequest.model_validate(fields | changes)


def client(server: SimServer, **kwargs: Any) -> ChangellyClient:
    kwargs.setdefault("private_key", PEM)
    return ChangellyClient(f"{server.base_url}/changelly", **kwargs)


# -- keys and signatures -----------------------------------------------------------


def test_the_api_key_is_derived_from_the_public_key() -> None:
    assert changelly_api_key(PEM) == CHANGELLY_DEMO_API_KEY == demo_api_key()
    der_hex = serialization.load_pem_private_key(CHANGELLY_DEMO_PEM.encode(), None).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).hex()  # fmt: skip
    assert api_key_forms(SecretStr(der_hex)) == api_key_forms(PEM)  # Changelly's hex DER form
    one_line = " ".join(CHANGELLY_DEMO_PEM.split("\n"))  # a paste into a one-line input
    assert changelly_api_key(SecretStr(one_line)) == CHANGELLY_DEMO_API_KEY


async def test_signed_requests_verify_with_the_public_key() -> None:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(500, json={"code": 500, "type": "x", "message": "Internal error."})

    transport = httpx.MockTransport(handler)
    signed = ChangellyClient(
        "https://changelly.example/base", private_key=PEM, transport=transport,
        clock=lambda: 1_700_000_000.7,
    )  # fmt: skip
    async with signed:
        for _ in range(2):
            with pytest.raises(errors.ServerError, match=r"Internal error\. \(x, HTTP 500\)"):
                await signed.quote(request())
    first, second = seen
    body = first.content.decode()
    assert body == json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    assert json.loads(body) == {"amount": "250000000", "from": {"token_id": 278},
                                "slippage_bps": "50", "to": {"token_id": 678}}  # fmt: skip
    assert first.headers["x-api-key"] == CHANGELLY_DEMO_API_KEY
    assert first.headers["x-api-timestamp"] == "1700000000"
    assert first.headers["x-api-nonce"] != second.headers["x-api-nonce"]
    uuid.UUID(first.headers["x-api-nonce"])
    public = serialization.load_pem_private_key(CHANGELLY_DEMO_PEM.encode(), None).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(  # raises if the signature is not over exactly METHOD:PATH:QUERY:BODY
        base64.b64decode(first.headers["x-api-signature"]),
        f"POST:/base/v1/quotes/::{body}".encode(), padding.PKCS1v15(), hashes.SHA256(),
    )  # fmt: skip


async def test_the_affiliate_form_sends_only_the_key() -> None:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(401, json={"code": 401, "type": "invalid_api_key",
                                         "message": "Invalid x-api-key"})  # fmt: skip

    plain = ChangellyClient(
        "https://c.example", api_key=SecretStr("affiliate-1"), mode="api_key",
        transport=httpx.MockTransport(handler),
    )  # fmt: skip
    async with plain:
        with pytest.raises(errors.InvalidApiKey):
            await plain.quote(request())
    sent = {k for k in seen[0].headers if k.startswith("x-api")}
    assert sent == {"x-api-key"}
    with pytest.raises(ValueError, match="RSA private key"):
        ChangellyClient("https://c.example")
    with pytest.raises(ValueError, match="needs the API key"):
        ChangellyClient("https://c.example", mode="api_key")


# -- fields ------------------------------------------------------------------------


async def test_every_field_of_a_quote(make_sim: MakeSim) -> None:
    server = make_sim()
    before = datetime.now(UTC)
    async with client(server) as signed:
        quote = await signed.quote(request())
        by_contract = await signed.quote(
            request(**{"from": {"network_id": 3, "contract_address": USDT_ETH}})
        )
    uuid.UUID(quote.id)
    assert (quote.from_.token_id, quote.from_.network_id, quote.from_.decimals) == (278, 3, 6)
    assert (quote.from_.contract_address, quote.from_.amount) == (USDT_ETH, 250_000_000)
    assert (quote.to.token_id, quote.to.network_id, quote.to.decimals) == (678, 177, 9)
    assert quote.to.contract_address is None  # a native coin
    assert 1_200_000_000 < quote.to.amount < 1_400_000_000  # 250 USDT in SOL units
    assert quote.to.min_amount == quote.to.amount * 9_950 // 10_000
    assert quote.slippage_bps == 50
    expires = quote.expires
    assert expires is not None
    assert 25 < (expires - before).total_seconds() < 35
    fee = quote.fees.changelly
    assert fee is not None
    assert (fee.token_id, fee.decimals, fee.bps, fee.amount) == (278, 6, 100, 2_500_000)
    assert quote.fees.affiliate is None  # the partner key pays no affiliate
    assert by_contract.to.amount == quote.to.amount


async def test_the_affiliate_key_gets_an_affiliate_fee(make_sim: MakeSim) -> None:
    server = make_sim()
    async with client(server, mode="api_key", api_key=SecretStr(CHANGELLY_AFFILIATE_KEY),
                      private_key=None) as plain:  # fmt: skip
        quote = await plain.quote(request())
    affiliate = quote.fees.affiliate
    assert affiliate is not None
    assert (affiliate.bps, affiliate.amount) == (50, 1_250_000)


# -- every error -------------------------------------------------------------------


async def test_authentication_failures(make_sim: MakeSim) -> None:
    server = make_sim()
    cases: list[tuple[dict[str, Any], type[errors.ApiError], str]] = [
        ({"api_key": SecretStr("nobody"), "mode": "api_key", "private_key": None},
         errors.InvalidApiKey, r"Invalid x-api-key \(invalid_api_key, HTTP 401\)"),
        ({"api_key": SecretStr(CHANGELLY_DEMO_API_KEY), "mode": "api_key", "private_key": None},
         errors.SignatureRequired, "Missing x-api-signature"),
        ({"api_key": SecretStr(CHANGELLY_DEMO_API_KEY), "private_key": SecretStr(other_pem())},
         errors.InvalidSignature, "Invalid x-api-signature"),
        ({"clock": lambda: time.time() - 61}, errors.TimestampExpired, "Expired x-api-timestamp"),
        ({"clock": lambda: time.time() + 61}, errors.TimestampExpired, "Expired x-api-timestamp"),
    ]  # fmt: skip
    for kwargs, kind, text in cases:
        async with client(server, **kwargs) as c:
            with pytest.raises(kind, match=text) as caught:
                await c.quote(request())
        assert caught.value.status == 401
    async with client(server, nonces=lambda: "the-same-nonce") as replaying:
        await replaying.quote(request())
        with pytest.raises(errors.NonceReused, match="x-api-nonce already used"):
            await replaying.quote(request())


async def test_request_and_pair_failures(make_sim: MakeSim) -> None:
    server = make_sim()
    sim = server.sim
    cases: list[tuple[QuoteRequest, type[errors.ApiError], str]] = [
        (request(to={"token_id": 999_999}), errors.UnsupportedToken, "Network or token"),
        (request(to={"network_id": 3, "contract_address": "0x" + "12" * 20}),
         errors.UnsupportedToken, "HTTP 422"),
        (request(amount=0), errors.InvalidAmount, "Invalid amount."),
        (request(amount=100), errors.AmountTooSmall, "Swap amount is too small."),
        (request(amount=10**13), errors.AmountTooLarge, "Swap amount is too large."),
    ]  # fmt: skip
    async with client(server, timeouts=Timeouts(connect=1, read=0.3)) as signed:
        for wanted, kind, text in cases:
            with pytest.raises(kind, match=text):
                await signed.quote(wanted)
        server.call(lambda: sim.direct_faults.modes.update(changelly="unavailable"))
        with pytest.raises(errors.ServerError, match=r"Internal error\. \(internal_error"):
            await signed.quote(request())
        server.call(lambda: sim.direct_faults.modes.update(changelly="hang"))
        started = time.perf_counter()
        with pytest.raises(TransportFailure, match="no answer"):
            await signed.quote(request())
        assert time.perf_counter() - started < 3
    server.call(lambda: sim.direct_faults.modes.clear())
    async with httpx.AsyncClient(base_url=f"{server.base_url}/changelly") as raw:
        headers = {"x-api-key": CHANGELLY_AFFILIATE_KEY}
        bad = {"from": {"token_id": 278}, "to": {"token_id": 678}, "amount": "1000000",
               "slippage_bps": "a lot"}  # fmt: skip
        answer = await raw.post("/v1/quotes/", json=bad, headers=headers)
        assert answer.status_code == 400
        assert answer.json() == {"code": 400, "type": "validation_error",
                                 "message": "Slippage value couldn't be processed."}  # fmt: skip
        answer = await raw.post("/v1/quotes/", json={"to": {"token_id": 1}}, headers=headers)
        assert answer.json()["message"] == "body.from is required"


# -- the Test action ---------------------------------------------------------------


async def test_the_test_action_signs_a_real_request(make_sim: MakeSim) -> None:
    server = make_sim()
    base = f"{server.base_url}/changelly"

    async def check(values: dict[str, str], where: str = base, **settings: str) -> tuple[bool, str]:
        def get(name: str) -> SecretStr | None:
            return SecretStr(values[name]) if name in values else None

        result = await SPEC.check(CheckContext(get, where, Timeouts(connect=1, read=3), settings))
        assert "PRIVATE KEY" not in result.message
        return result.ok, result.message

    prefix = f"x-api-key {CHANGELLY_DEMO_API_KEY[:8]}…, "
    assert await check({"changelly.private_key": CHANGELLY_DEMO_PEM}) == (
        True, f"{prefix}accepted by {base} (a signed probe quote)")  # fmt: skip
    ok, text = await check({"changelly.private_key": other_pem()})
    assert not ok
    assert "unknown API key" in text
    ok, text = await check({"changelly.private_key": CHANGELLY_DEMO_PEM,
                            "changelly.api_key": "someone-else"})  # fmt: skip
    assert (ok, text) == (False, "the API key does not belong to this RSA key")
    affiliate = {"changelly.api_key": CHANGELLY_AFFILIATE_KEY}
    assert await check(affiliate, auth="api_key") == (
        True, f"accepted by {base} (a probe quote with the API key only)")  # fmt: skip
    ok, text = await check({"changelly.api_key": CHANGELLY_DEMO_API_KEY}, auth="api_key")
    assert not ok
    assert text.startswith('this API key needs signed requests (auth = "signed"')
    ok, text = await check(affiliate)
    assert (ok, text) == (False, 'missing: RSA private key; or set [providers.changelly] '
                                 'auth = "api_key"')  # fmt: skip
    skewed = make_sim(wall_clock=lambda: time.time() + 300)
    ok, text = await check({"changelly.private_key": CHANGELLY_DEMO_PEM},
                           f"{skewed.base_url}/changelly")  # fmt: skip
    assert not ok
    assert "clock skew" in text
