"""Swapscanner Quote v2: EIP-712 signing against the specification's vector,
every mapped field and every response code, on loopback."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from conftest import MakeSim
from eth_hash.auto import keccak
from pydantic import SecretStr

from a2a_tui.providers.http.errors import TransportFailure
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.spec import CheckContext
from a2a_tui.providers.swapscanner import errors
from a2a_tui.providers.swapscanner.check import KAIA, KAIA_USDT
from a2a_tui.providers.swapscanner.client import SwapscannerClient
from a2a_tui.providers.swapscanner.models import QuoteRequest
from a2a_tui.providers.swapscanner.signing import sign_typed_data, typed_data
from a2a_tui.providers.swapscanner.spec import SPEC
from a2a_tui.sim.direct.catalog import SWAPSCANNER_REFERRERS, SWAPSCANNER_SIGNER_KEY
from a2a_tui.sim.server import SimServer

COW_KEY = "0xc85ef7d79691fe79573b1a7064c19c1a9819ebdbd1faaab1a8ec92344438aaf4"
COW = "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"
DEMO_KEY = SecretStr(SWAPSCANNER_SIGNER_KEY)
WALLET = next(iter(SWAPSCANNER_REFERRERS))  # the demo wallet holds KAIA and USDT
EMPTY = "0x" + "42" * 20  # holds nothing
FEE_TO = "0x" + "ab" * 20


def request(**changes: Any) -> QuoteRequest:
    fields = {"slippage": 100, "from": WALLET, "to": WALLET, "tokenInAddress": KAIA,
              "tokenOutAddress": KAIA_USDT, "amount": 1_000 * 10**18}  # fmt: skip
    return QuoteRequest.model_validate(fields | changes)


def client(
    server: SimServer, key: str = SWAPSCANNER_SIGNER_KEY, **kwargs: Any
) -> SwapscannerClient:
    return SwapscannerClient(f"{server.base_url}/swapscanner", SecretStr(key), **kwargs)


# -- signing -----------------------------------------------------------------------

MAIL = {
    "types": {
        "EIP712Domain": [
            {"name": "name", "type": "string"},
            {"name": "version", "type": "string"},
            {"name": "chainId", "type": "uint256"},
            {"name": "verifyingContract", "type": "address"},
        ],
        "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
        "Mail": [
            {"name": "from", "type": "Person"},
            {"name": "to", "type": "Person"},
            {"name": "contents", "type": "string"},
        ],
    },
    "primaryType": "Mail",
    "domain": {
        "name": "Ether Mail",
        "version": "1",
        "chainId": 1,
        "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
    },
    "message": {
        "from": {"name": "Cow", "wallet": COW},
        "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
        "contents": "Hello, Bob!",
    },
}


def test_the_eip712_mail_vector_through_the_clients_signer() -> None:
    """ethereum/EIPs assets/eip-712/Example.js: key keccak256("cow")."""
    from eth_account.messages import encode_typed_data

    assert keccak(b"cow").hex() == COW_KEY[2:]
    signable = encode_typed_data(full_message=MAIL)
    digest = keccak(b"\x19" + signable.version + signable.header + signable.body)
    assert digest.hex() == "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
    assert sign_typed_data(MAIL, SecretStr(COW_KEY)) == (
        "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d"
        "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b915621c"
    )


def test_the_request_types_are_the_guides() -> None:
    full = typed_data(request().message(1700000000), "0x" + "11" * 32)
    assert full["domain"] == {
        "name": "Swapscanner Navigator",
        "version": "v2",
        "chainId": 8217,
        "verifyingContract": "0x8888888888888888888888888888888888888888",
        "salt": "0x" + "11" * 32,
    }
    assert full["primaryType"] == "QuoteRequestV2"
    assert [(f["name"], f["type"]) for f in full["types"]["QuoteRequestV2"]] == [
        ("issuedAt", "uint256"), ("slippage", "uint16"), ("from", "address"),
        ("to", "address"), ("tokenInAddress", "address"), ("tokenOutAddress", "address"),
        ("amount", "uint256"), ("referrerFeeToken", "uint8"), ("referrerFee", "uint16"),
        ("referrerFeeTo", "address"), ("payWithSCNR", "bool"),
    ]  # fmt: skip
    assert full["types"]["EIP712Domain"][-1] == {"name": "salt", "type": "bytes32"}


async def test_each_request_has_a_fresh_salt_and_issued_at_just_behind() -> None:
    from eth_account import Account
    from eth_account.messages import encode_typed_data

    seen: list[dict[str, str]] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(dict(parse_qsl(req.url.query.decode())))
        return httpx.Response(503, json={"message": "quote_under_maintenance"})

    now = 1_700_000_000.9
    transport = httpx.MockTransport(handler)
    async with SwapscannerClient("https://ss.example", DEMO_KEY, transport=transport,
                                 clock=lambda: now) as ss:  # fmt: skip
        for _ in range(2):
            with pytest.raises(errors.UnderMaintenance):
                await ss.quote(request(referrerFeeToken=2, referrerFee=10, referrerFeeTo=FEE_TO))
    first, second = seen
    assert first["salt"] != second["salt"]
    assert len(bytes.fromhex(first["salt"][2:])) == 32
    assert first["issuedAt"] == "1699999999"  # floor(now) - 1: between 1 and 2 s back
    assert first["referrer"] == WALLET
    assert (first["payWithSCNR"], first["referrerFee"], first["referrerFeeTo"]) == (
        "false", "10", FEE_TO)  # fmt: skip
    message = {k: first[k] for k in ("from", "to", "tokenInAddress", "tokenOutAddress",
                                     "referrerFeeTo")}  # fmt: skip
    for name in ("issuedAt", "slippage", "amount", "referrerFeeToken", "referrerFee"):
        message[name] = int(first[name])  # type: ignore[assignment]
    message["payWithSCNR"] = False  # type: ignore[assignment]
    full = typed_data(message, first["salt"])
    signer = Account.recover_message(encode_typed_data(full_message=full),
                                     signature=first["signature"])  # fmt: skip
    assert signer.lower() == WALLET


# -- fields ------------------------------------------------------------------------


async def test_every_field_of_a_quote(make_sim: MakeSim) -> None:
    server = make_sim()
    async with client(server) as ss:
        quote = await ss.quote(request())
        usdt_in = await ss.quote(request(tokenInAddress=KAIA_USDT, tokenOutAddress=KAIA,
                                         amount=100 * 10**6, **{"from": EMPTY}))  # fmt: skip
    assert (quote.input.address, quote.input.amount) == (KAIA, 1_000 * 10**18)
    assert quote.input.balance == 50_000 * 10**18
    assert (quote.output.address, quote.output.balance) == (KAIA_USDT, 2_500 * 10**6)
    out = quote.quote.output
    assert out.recipient == WALLET
    assert 120_000_000 < out.estimated_amount_deducting_fee < 130_000_000  # 1,000 KAIA in USDT
    assert out.minimum_amount == out.estimated_amount_deducting_fee * 9_900 // 10_000
    assert 0 < quote.quote.price_impact < 1
    fee = quote.fee("swapscanner")
    assert fee is not None
    assert fee.address == KAIA_USDT
    assert quote.fee("referrer") is None
    assert quote.exchanges == ["KLAYswap", "ClaimSwap", "KokonutSwap"]
    assert (
        sum(s.fraction for r in quote.quote.routing for p in r.path[-1:] for s in p.sub_paths) == 1
    )
    assert quote.quote.errors == []
    txs = quote.quote.swap_tx.txs
    assert quote.quote.swap_tx.type == "swap"
    assert txs.eth is not None
    assert txs.eth.value == hex(1_000 * 10**18)  # native KAIA goes with the transaction
    assert txs.klay is not None
    assert txs.klay.type == "SMART_CONTRACT_EXECUTION"
    assert txs.klip is not None
    assert txs.klip.bapp_name == "Swapscanner"
    assert [e.message for e in usdt_in.quote.errors] == [
        "insufficient_input_token_balance", "insufficient_input_token_allowance"]  # fmt: skip
    allowance = usdt_in.quote.errors[1].tx
    assert allowance is not None
    assert allowance.type == "approve"


async def test_referrer_and_scnr_fees(make_sim: MakeSim) -> None:
    server = make_sim()
    async with client(server) as ss:
        plain = await ss.quote(request())
        on_input = await ss.quote(request(referrerFeeToken=1, referrerFee=10, referrerFeeTo=FEE_TO))
        on_output = await ss.quote(
            request(referrerFeeToken=2, referrerFee=10, referrerFeeTo=FEE_TO)
        )
        disabled = await ss.quote(request(referrerFeeToken=1, referrerFee=10))  # zero address
        scnr = await ss.quote(request(payWithSCNR=True))
    taken = on_input.fee("referrer")
    assert taken is not None
    assert (taken.address, taken.amount) == (KAIA, 10**18)  # 0.10 % of 1,000 KAIA
    given = on_output.fee("referrer")
    assert given is not None
    assert given.address == KAIA_USDT
    assert disabled.fee("referrer") is None
    plain_out = plain.quote.output.estimated_amount_deducting_fee
    assert on_output.quote.output.estimated_amount_deducting_fee < plain_out
    assert on_input.quote.output.estimated_amount_deducting_fee < plain_out
    paid = scnr.fee("swapscanner")
    assert paid is not None
    assert paid.address == "0x8888888888885b073f3c81258c27e83db228d5f3"  # SCNR, not the output
    assert scnr.quote.output.estimated_amount_deducting_fee > plain_out


# -- every code --------------------------------------------------------------------


async def test_every_response_code(make_sim: MakeSim) -> None:
    server = make_sim()
    sim = server.sim
    same_salt = [b"\x07" * 32] * 2
    async with client(server, salts=lambda n: same_salt.pop()) as ss:
        await ss.quote(request())
        with pytest.raises(errors.UsedSalt, match=r"^used_salt: the salt was already used"):
            await ss.quote(request())
    async with client(server, COW_KEY) as cow:
        with pytest.raises(errors.BadReferrer, match="bad_referrer") as caught:
            await cow.quote(request())
        assert caught.value.status == 403
        cow._referrer = WALLET  # sign as the cow, claim to be the demo referrer
        with pytest.raises(errors.InvalidSignature, match="invalid_signature"):
            await cow.quote(request())
    async with client(server, clock=lambda: time.time() + 5) as ahead:
        with pytest.raises(errors.BackToTheFuture, match="bttf: issuedAt is later"):
            await ahead.quote(request())
    async with client(server, clock=lambda: time.time() - 60) as behind:
        with pytest.raises(errors.SignatureExpired, match="signature_expired"):
            await behind.quote(request())
    async with client(server) as ss:
        server.call(lambda: sim.direct_faults.modes.update(swapscanner="rate_limited"))
        with pytest.raises(errors.RateLimited, match=r"rate_limited: too many requests \(HTTP 429"):
            await ss.quote(request())
        server.call(lambda: sim.direct_faults.modes.update(swapscanner="quote_under_maintenance"))
        with pytest.raises(errors.UnderMaintenance, match=r"HTTP 503"):
            await ss.quote(request())
        server.call(lambda: sim.direct_faults.modes.clear())
        with pytest.raises(errors.ApiError, match="unsupported_token"):
            await ss.quote(request(tokenOutAddress="0xdAC17F958D2ee523a2206206994597C13D831ec7"))


async def test_an_unrecoverable_signature_is_bad_signature(make_sim: MakeSim) -> None:
    server = make_sim()
    seen: list[httpx.Request] = []

    async def record(req: httpx.Request) -> None:
        seen.append(req)

    async with client(server) as ss:
        ss._http.event_hooks["request"] = [record]
        await ss.quote(request())
    params = dict(parse_qsl(seen[0].url.query.decode()))
    async with httpx.AsyncClient(base_url=f"{server.base_url}/swapscanner") as raw:
        answer = await raw.get("/v2/quote", params=params | {"signature": "0x" + "00" * 65})
    assert (answer.status_code, answer.json()) == (400, {"message": "bad_signature"})


async def test_the_per_minute_window(make_sim: MakeSim) -> None:
    server = make_sim()
    server.sim.swapscanner.per_minute = 3
    async with client(server) as ss:
        for _ in range(3):
            await ss.quote(request(amount=10**18))
        with pytest.raises(errors.RateLimited):
            await ss.quote(request(amount=10**18))


async def test_a_hanging_provider_is_cut_at_the_timeout(make_sim: MakeSim) -> None:
    server = make_sim()
    server.call(lambda: server.sim.direct_faults.modes.update(swapscanner="hang"))
    async with client(server, timeouts=Timeouts(connect=1, read=0.3)) as ss:
        started = time.perf_counter()
        with pytest.raises(TransportFailure, match="no answer"):
            await ss.quote(request())
    assert time.perf_counter() - started < 3


# -- the Test action ---------------------------------------------------------------


async def test_the_test_action_signs_a_real_request(make_sim: MakeSim) -> None:
    server = make_sim()
    base = f"{server.base_url}/swapscanner"

    async def check(key: str | None, where: str = base, **settings: str) -> tuple[bool, str]:
        def get(name: str) -> SecretStr | None:
            return SecretStr(key) if key is not None else None

        result = await SPEC.check(CheckContext(get, where, Timeouts(connect=1, read=3), settings))
        assert key is None or key[2:12] not in result.message
        return result.ok, result.message

    ok, text = await check(SWAPSCANNER_SIGNER_KEY)
    assert ok
    signer = "0xFbBD4ef7cF094cda0D9C3a8355989B217d59281a"
    assert text == f"signs as {signer}; accepted by {base} (a signed probe quote)"
    ok, text = await check(COW_KEY)
    assert not ok
    assert text.startswith(f"signs as {COW}: this signer is not an authorized referrer")
    assert await check(None) == (False, "missing: Referrer signing key")
    assert (await check("0x1234"))[1] == "not a valid private key (64 hex digits, 0x optional)"
    ok, text = await check(SWAPSCANNER_SIGNER_KEY, wallet_address="nowhere")
    assert (ok, text) == (False, "wallet_address nowhere is not an EVM address")
    skewed = make_sim(wall_clock=lambda: time.time() - 60)
    ok, text = await check(SWAPSCANNER_SIGNER_KEY, f"{skewed.base_url}/swapscanner")
    assert not ok
    assert "clock skew" in text
