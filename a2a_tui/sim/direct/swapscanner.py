"""Swapscanner Quote v2 ``GET /swapscanner/v2/quote``, simulated.

The request is the signed ``QuoteRequestV2`` message as query parameters
beside ``salt``, ``referrer`` and ``signature``. Checks, in this order (the
guide gives the codes, not their order): maintenance and rate limit; a
readable request; the signer recovered from the EIP-712 signature
(``bad_signature``); the referrer authorized (``bad_referrer``) and equal to
the signer (``invalid_signature``); ``issuedAt`` not ahead of the clock
(``bttf``) nor older than the TTL (``signature_expired``); the salt never
seen (``used_salt``). The recovery is the simulator's own, with eth-account
imported on the first request, in a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from a2a_tui.sim.catalog import SimToken
from a2a_tui.sim.direct.catalog import (
    PREFIXES,
    SWAPSCANNER_EXCHANGES,
    SWAPSCANNER_NATIVE,
    SWAPSCANNER_REFERRERS,
    SWAPSCANNER_VENUE,
    venue,
)
from a2a_tui.sim.direct.common import DirectContext, Window, json_response
from a2a_tui.sim.market import QuoteRefused

__all__ = ["PREFIX", "TTL_SECONDS", "SwapscannerSim", "recover_signer"]

PREFIX = PREFIXES["swapscanner"]
#: How old an issuedAt may be (the guide has a TTL but does not give it).
TTL_SECONDS = 30
#: Requests per referrer per minute before ``rate_limited`` (not in the guide).
PER_MINUTE = 60
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_SALT = re.compile(r"0x[0-9a-fA-F]{64}")
_SIGNATURE = re.compile(r"0x[0-9a-fA-F]{130}")
_UINT_FIELDS = {"issuedAt": 2**256, "slippage": 2**16, "amount": 2**256,
                "referrerFeeToken": 2**8, "referrerFee": 2**16}  # fmt: skip
_ADDRESS_FIELDS = ("from", "to", "tokenInAddress", "tokenOutAddress", "referrerFeeTo")
_ROUTER = "0x" + hashlib.sha256(b"swapscanner naep router").hexdigest()[:40]
_SCNR = "0x8888888888885b073f3c81258c27e83db228d5f3"
_SCNR_DECIMALS, _SCNR_USD = 25, Fraction(2, 1000)
_WKAIA = "0x19aac5f612f524b754ca7e7c41cbfa2e981a4432"
_GAS_PRICE = "0xba43b7400"
#: Balances of the demo wallet (the demo referrer's address); everyone else has none.
_BALANCES: dict[str, dict[str, int]] = {
    next(iter(SWAPSCANNER_REFERRERS)): {
        SWAPSCANNER_NATIVE: 50_000 * 10**18,
        "0xd077a400968890eacc75cdc901f0356c943e4fdb": 2_500 * 10**6,
    }
}


class Refusal(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


def _typed_data(message: dict[str, Any], salt: str) -> dict[str, Any]:
    """The simulator's own copy of the guide's domain and types."""
    return {
        "domain": {"name": "Swapscanner Navigator", "version": "v2", "chainId": 8217,
                   "verifyingContract": "0x8888888888888888888888888888888888888888",
                   "salt": salt},
        "primaryType": "QuoteRequestV2",
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
                {"name": "salt", "type": "bytes32"},
            ],
            "QuoteRequestV2": [
                {"name": "issuedAt", "type": "uint256"}, {"name": "slippage", "type": "uint16"},
                {"name": "from", "type": "address"}, {"name": "to", "type": "address"},
                {"name": "tokenInAddress", "type": "address"},
                {"name": "tokenOutAddress", "type": "address"},
                {"name": "amount", "type": "uint256"},
                {"name": "referrerFeeToken", "type": "uint8"},
                {"name": "referrerFee", "type": "uint16"},
                {"name": "referrerFeeTo", "type": "address"},
                {"name": "payWithSCNR", "type": "bool"},
            ],
        },
        "message": message,
    }  # fmt: skip


def recover_signer(full_message: dict[str, Any], signature: str) -> str | None:
    """The lowercase address that signed, or None when none can be recovered."""
    from eth_account import Account
    from eth_account.messages import encode_typed_data

    try:
        signable = encode_typed_data(full_message=full_message)
        return str(Account.recover_message(signable, signature=signature)).lower()
    except Exception:  # any malformed signature: the guide's bad_signature
        return None


def _message(q: QueryParams) -> dict[str, Any]:
    message: dict[str, Any] = {}
    for name, bound in _UINT_FIELDS.items():
        text = q.get(name, "")
        if not (text.isascii() and text.isdigit()) or int(text) >= bound:
            raise Refusal(400, "invalid_request")
        message[name] = int(text)
    for name in _ADDRESS_FIELDS:
        text = q.get(name, "")
        if not _ADDRESS.fullmatch(text):
            raise Refusal(400, "invalid_request")
        message[name] = text.lower()
    flag = q.get("payWithSCNR", "false")
    if flag not in ("true", "false"):
        raise Refusal(400, "invalid_request")
    message["payWithSCNR"] = flag == "true"
    if message["referrerFeeToken"] > 2 or message["slippage"] > 10_000 or not message["amount"]:
        raise Refusal(400, "invalid_request")
    order = ("issuedAt", "slippage", "from", "to", "tokenInAddress", "tokenOutAddress", "amount",
             "referrerFeeToken", "referrerFee", "referrerFeeTo", "payWithSCNR")  # fmt: skip
    return {key: message[key] for key in order}


class SwapscannerSim:
    def __init__(self, context: DirectContext) -> None:
        self.context = context
        self.used_salts: dict[str, float] = {}
        self.windows: dict[str, Window] = {}
        self.per_minute = PER_MINUTE
        self.quotes = 0

    def routes(self) -> list[Route]:
        return [Route(f"{PREFIX}/v2/quote", self.quote, methods=["GET"])]

    async def quote(self, request: Request) -> Response:
        await request.body()
        try:
            await self.context.think.wait("swapscanner", SWAPSCANNER_VENUE.latency_ms,
                                          self.context.faults, request)  # fmt: skip
            message = await self._verify(request.query_params)
            body = self._quote(message)
        except Refusal as refusal:
            return json_response({"message": refusal.code}, status=refusal.status)
        return json_response(body)

    async def _verify(self, q: QueryParams) -> dict[str, Any]:
        fault = self.context.faults.of("swapscanner")
        if fault == "quote_under_maintenance":
            raise Refusal(503, "quote_under_maintenance")
        referrer = q.get("referrer", "").lower()
        window = self.windows.setdefault(referrer, Window(self.per_minute, self.context.wall))
        if fault == "rate_limited" or window.admit() is not None:
            raise Refusal(429, "rate_limited")
        salt, signature = q.get("salt", ""), q.get("signature", "")
        message = _message(q)
        if not _SALT.fullmatch(salt):
            raise Refusal(400, "invalid_request")
        if not _SIGNATURE.fullmatch(signature):
            raise Refusal(400, "bad_signature")
        signer = await asyncio.to_thread(recover_signer, _typed_data(message, salt), signature)
        if signer is None:
            raise Refusal(400, "bad_signature")
        referrer = referrer or signer
        if referrer not in SWAPSCANNER_REFERRERS:
            raise Refusal(403, "bad_referrer")
        if signer != referrer:
            raise Refusal(403, "invalid_signature")
        now = self.context.wall()
        if message["issuedAt"] > now:
            raise Refusal(400, "bttf")
        if message["issuedAt"] < now - TTL_SECONDS:
            raise Refusal(400, "signature_expired")
        for old, seen in list(self.used_salts.items()):
            if seen < now - 2 * TTL_SECONDS:  # older salts fail signature_expired anyway
                del self.used_salts[old]
        if salt.lower() in self.used_salts:
            raise Refusal(400, "used_salt")
        self.used_salts[salt.lower()] = now
        return message

    def _token(self, address: str) -> SimToken:
        market = self.context.market
        for token in market.tokens.values():
            chain = market.chains[token.chain_id]
            if chain.key != "kaia" or not chain.enabled:
                continue
            if (token.contract_address or SWAPSCANNER_NATIVE).lower() == address:
                return token
        raise Refusal(400, "unsupported_token")

    def _quote(self, m: dict[str, Any]) -> dict[str, Any]:
        src, dst = self._token(m["tokenInAddress"]), self._token(m["tokenOutAddress"])
        if src.token_id == dst.token_id:
            raise Refusal(400, "invalid_request")
        market, now = self.context.market, self.context.clock.now()
        amount = m["amount"]
        referrer_on = m["referrerFeeToken"] != 0 and m["referrerFee"] > 0 and (
            int(m["referrerFeeTo"], 16) != 0)  # fmt: skip
        fees: list[dict[str, Any]] = []
        sell = amount
        if referrer_on and m["referrerFeeToken"] == 1:
            cut = amount * m["referrerFee"] // 10_000
            sell -= cut
            fees.append({"type": "referrer", "fee": {"address": m["tokenInAddress"],
                         "amount": str(cut)}, "recipient": m["referrerFeeTo"]})  # fmt: skip
        plain = venue("Navigator", "0", SWAPSCANNER_VENUE.spread_bps,
                      SWAPSCANNER_VENUE.impact_bps_per_musd, 0, chains=SWAPSCANNER_VENUE.chains,
                      min_usd="0.01")  # fmt: skip
        try:
            out = market.quote(plain, src, dst, sell, None, now).estimated_out
        except QuoteRefused:
            raise Refusal(400, "insufficient_liquidity") from None
        ss_fee = out * int(SWAPSCANNER_VENUE.fee_pct * 100) // 10_000
        if m["payWithSCNR"]:  # paid in SCNR at a 20 % discount, not from the output
            usd = Fraction(ss_fee, 10**dst.decimals) * market.price(dst, now) * Fraction(4, 5)
            scnr = math.floor(usd / _SCNR_USD * 10**_SCNR_DECIMALS)
            fees.append({"type": "swapscanner", "fee": {"address": _SCNR, "amount": str(scnr)}})
        else:
            out -= ss_fee
            own = {"address": m["tokenOutAddress"], "amount": str(ss_fee)}
            fees.append({"type": "swapscanner", "fee": own})
        if referrer_on and m["referrerFeeToken"] == 2:
            cut = out * m["referrerFee"] // 10_000
            out -= cut
            fees.append({"type": "referrer", "fee": {"address": m["tokenOutAddress"],
                         "amount": str(cut)}, "recipient": m["referrerFeeTo"]})  # fmt: skip
        value = market.usd_value(src, sell, now)
        impact = (Fraction(SWAPSCANNER_VENUE.impact_bps_per_musd) * value / 1_000_000
                  + SWAPSCANNER_VENUE.spread_bps) / 10_000  # fmt: skip
        self.quotes += 1
        return {
            "input": {"address": m["tokenInAddress"], "amount": str(amount),
                      "balance": str(self._balance(m["from"], m["tokenInAddress"]))},
            "output": {"address": m["tokenOutAddress"],
                       "balance": str(self._balance(m["to"], m["tokenOutAddress"]))},
            "quote": {
                "priceImpact": Decimal(impact.numerator) / Decimal(impact.denominator),
                "output": {
                    "recipient": m["to"],
                    "estimatedAmountDeductingFee": str(out),
                    "minimumAmount": str(out * (10_000 - m["slippage"]) // 10_000),
                },
                "fees": fees,
                "routing": self._routing(m["tokenOutAddress"]),
                "errors": self._errors(m, src),
                "swapTx": {"type": "swap", "txs": self._txs(m, _ROUTER, self._calldata(m))},
            },
        }  # fmt: skip

    def _balance(self, holder: str, token: str) -> int:
        return _BALANCES.get(holder, {}).get(token, 0)

    def _routing(self, out_token: str) -> list[dict[str, Any]]:
        first, second, third = SWAPSCANNER_EXCHANGES
        return [
            {"path": [{"token": out_token,
                       "subPaths": [{"exchange": first, "fraction": Decimal("0.6")},
                                    {"exchange": third, "fraction": Decimal("0.1")}]}]},
            {"path": [{"token": _WKAIA,
                       "subPaths": [{"exchange": second, "fraction": Decimal("0.3")}]},
                      {"token": out_token,
                       "subPaths": [{"exchange": first, "fraction": Decimal("0.3")}]}]},
        ]  # fmt: skip

    def _errors(self, m: dict[str, Any], src: SimToken) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = []
        if self._balance(m["from"], m["tokenInAddress"]) < m["amount"]:
            errors.append({"message": "insufficient_input_token_balance"})
        if src.contract_address is not None:  # no allowance is ever given in the simulator
            approve = "0x095ea7b3" + _ROUTER[2:].rjust(64, "0") + "f" * 64
            txs = self._txs(m, m["tokenInAddress"], approve, value=0)
            errors.append({"message": "insufficient_input_token_allowance",
                           "tx": {"type": "approve", "txs": txs}})  # fmt: skip
        return errors

    def _calldata(self, m: dict[str, Any]) -> str:
        digest = hashlib.sha256(repr(sorted(m.items())).encode()).hexdigest()
        return "0x3e3c58e6" + digest * 2

    def _txs(
        self, m: dict[str, Any], to: str, data: str, value: int | None = None
    ) -> dict[str, Any]:
        if value is None:
            value = m["amount"] if m["tokenInAddress"] == SWAPSCANNER_NATIVE else 0
        return {
            "eth": {"from": m["from"], "to": to, "data": data, "value": hex(value),
                    "type": "0x2", "maxPriorityFeePerGas": _GAS_PRICE,
                    "maxFeePerGas": _GAS_PRICE},
            "klay": {"from": m["from"], "to": to, "data": data, "value": hex(value),
                     "type": "SMART_CONTRACT_EXECUTION", "gasPrice": _GAS_PRICE},
            "klip": {"bappName": "Swapscanner", "from": m["from"], "to": to, "value": str(value),
                     "abi": '{"name":"swap_3e3c58e6","type":"function"}',
                     "params": f'["{data}"]'},
        }  # fmt: skip
