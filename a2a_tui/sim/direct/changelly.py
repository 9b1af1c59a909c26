"""Changelly DeFi ``POST /changelly/v1/quotes/``, simulated.

Two kinds of key: the demo partner's (derived from its RSA public key; every
request must be signed, fresh and unreplayed) and a plain affiliate key (the
x-api-key-only form). The signature is verified with the simulator's own
code against the demo public key, over ``METHOD:PATH:QUERY:BODY`` rebuilt
from what was received (query sorted, body re-serialized with sorted keys).
Errors use the DeFi API's schema ``{code, type, message}``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import random
import uuid
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from a2a_tui.sim.catalog import SimToken
from a2a_tui.sim.direct.catalog import (
    CHANGELLY_AFFILIATE_BPS,
    CHANGELLY_AFFILIATE_KEY,
    CHANGELLY_BPS,
    CHANGELLY_DEMO_PEM,
    CHANGELLY_IDS,
    CHANGELLY_VENUE,
    PREFIXES,
    venue,
)
from a2a_tui.sim.direct.common import DirectContext, json_response
from a2a_tui.sim.market import QuoteRefused

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = ["PREFIX", "QUOTE_TTL_SECONDS", "TIMESTAMP_WINDOW", "ChangellySim", "demo_api_key"]

PREFIX = PREFIXES["changelly"]
#: How far x-api-timestamp may be from the server's clock (the guide gives no figure).
TIMESTAMP_WINDOW = 60
#: How long a quote stands (expires_at); the guide says quotes expire, not when.
QUOTE_TTL_SECONDS = 30
DEFAULT_SLIPPAGE_BPS = 50


class Failure(Exception):
    def __init__(self, status: int, type_: str, message: str) -> None:
        super().__init__(message)
        self.status, self.type, self.message = status, type_, message


def _public_key() -> RSAPublicKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = serialization.load_pem_private_key(CHANGELLY_DEMO_PEM.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key.public_key()


def demo_api_key() -> str:
    """base64(SHA-256(PKCS#1 DER of the demo public key)): the simulator's own derivation."""
    from cryptography.hazmat.primitives import serialization

    der = _public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def _verify(public: RSAPublicKey, signature: str, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        public.verify(base64.b64decode(signature, validate=True), message, padding.PKCS1v15(),
                      hashes.SHA256())  # fmt: skip
    except (InvalidSignature, ValueError):
        return False
    return True


def _validation(message: str) -> Failure:
    return Failure(400, "validation_error", message)


def _unprocessable(message: str) -> Failure:
    return Failure(422, "unprocessable_entity", message)


class ChangellySim:
    def __init__(self, context: DirectContext) -> None:
        self.context = context
        self.nonces: dict[str, float] = {}
        self.quotes = 0
        self._ids = random.Random(f"changelly:{context.seed}")

    @cached_property
    def partner_key(self) -> str:
        return demo_api_key()

    @cached_property
    def public_key(self) -> RSAPublicKey:
        return _public_key()

    def routes(self) -> list[Route]:
        return [Route(f"{PREFIX}/v1/quotes/", self.quote, methods=["POST"])]

    async def quote(self, request: Request) -> Response:
        raw = await request.body()
        try:
            affiliate = self._authenticate(request, raw)
            await self.context.think.wait("changelly", CHANGELLY_VENUE.latency_ms,
                                          self.context.faults, request)  # fmt: skip
            if self.context.faults.of("changelly") == "unavailable":
                raise Failure(500, "internal_error", "Internal error.")
            body = self._quote(raw, affiliate)
        except Failure as failure:
            return json_response({"code": failure.status, "type": failure.type,
                                  "message": failure.message}, status=failure.status)  # fmt: skip
        return json_response(body)

    def _authenticate(self, request: Request, raw: bytes) -> bool:
        """True for the affiliate key (no signature), False for the signed partner key."""
        headers = request.headers
        key = headers.get("x-api-key", "").strip()
        if key == CHANGELLY_AFFILIATE_KEY:
            return True
        if key != self.partner_key:
            raise Failure(401, "invalid_api_key", "Invalid x-api-key")
        signature = headers.get("x-api-signature", "")
        if not signature:
            raise Failure(401, "missing_signature", "Missing x-api-signature")
        stamp = headers.get("x-api-timestamp", "")
        if not (stamp.isascii() and stamp.isdigit()):
            raise Failure(401, "timestamp_expired", "Invalid x-api-timestamp")
        now = self.context.wall()
        if abs(int(stamp) - now) > TIMESTAMP_WINDOW:
            raise Failure(401, "timestamp_expired", "Expired x-api-timestamp")
        nonce = headers.get("x-api-nonce", "")
        if request.method == "POST" and not nonce:
            raise Failure(401, "missing_nonce", "Missing x-api-nonce")
        text = raw.decode("utf-8", "replace")  # not JSON: verified as received
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False) if raw else ""  # fmt: skip
        query = urlencode(sorted(request.query_params.multi_items(), key=lambda p: p[0]))
        message = f"{request.method}:{request.url.path}:{query}:{text}".encode()
        if not _verify(self.public_key, signature, message):
            raise Failure(401, "invalid_signature", "Invalid x-api-signature")
        for old, seen in list(self.nonces.items()):
            if seen < now - 2 * TIMESTAMP_WINDOW:  # stale ones fail the timestamp anyway
                del self.nonces[old]
        if nonce in self.nonces:
            raise Failure(401, "nonce_reused", "x-api-nonce already used")
        self.nonces[nonce] = now
        return False

    # -- quoting -----------------------------------------------------------------

    def _side(self, body: dict[str, Any], name: str) -> SimToken:
        side = body.get(name)
        if not isinstance(side, dict):
            raise _validation(f"body.{name} is required")
        token_id = side.get("token_id")
        market = self.context.market
        if token_id is not None:
            if isinstance(token_id, bool) or not isinstance(token_id, int):
                raise _validation(f"body.{name}.token_id must be a number")
            for sim_id, ids in CHANGELLY_IDS.items():
                if ids.token_id == token_id and sim_id in market.tokens:
                    return market.tokens[sim_id]
            raise _unprocessable("Network or token couldn't be processed.")
        network, contract = side.get("network_id"), side.get("contract_address")
        if network is None or contract is None:
            raise _validation(f"body.{name}.token_id is required")
        if (
            isinstance(network, bool)
            or not isinstance(network, int)
            or not isinstance(contract, str)
        ):
            raise _validation(f"body.{name}.network_id must be a number")
        for sim_id, ids in CHANGELLY_IDS.items():
            token = market.tokens.get(sim_id)
            if token is None or ids.network_id != network or token.contract_address is None:
                continue
            same = token.contract_address.lower() == contract.lower()
            if same if token.contract_address.startswith("0x") else (
                    token.contract_address == contract):  # fmt: skip
                return token
        raise _unprocessable("Network or token couldn't be processed.")

    def _wire_token(self, token: SimToken) -> dict[str, Any]:
        ids = CHANGELLY_IDS[token.token_id]
        return {"network_id": ids.network_id, "token_id": ids.token_id,
                "contract_address": token.contract_address, "decimals": token.decimals}  # fmt: skip

    def _quote(self, raw: bytes, affiliate: bool) -> dict[str, Any]:
        try:
            body = json.loads(raw)
        except ValueError:
            raise _validation("body must be a JSON object") from None
        if not isinstance(body, dict):
            raise _validation("body must be a JSON object")
        src, dst = self._side(body, "from"), self._side(body, "to")
        amount = body.get("amount")
        if amount is None or amount == "":
            raise _validation("body.amount is required")
        if isinstance(amount, bool) or not isinstance(amount, int | str):
            raise _validation("body.amount must be a decimal string")
        if isinstance(amount, str) and not (amount.isascii() and amount.isdigit()):
            raise _unprocessable("Invalid amount.")
        amount = int(amount)
        if amount <= 0 or src.token_id == dst.token_id:
            raise _unprocessable("Invalid amount." if amount <= 0 else
                                 "Network or token couldn't be processed.")  # fmt: skip
        slippage = body.get("slippage_bps", str(DEFAULT_SLIPPAGE_BPS))
        if not (isinstance(slippage, str) and slippage.isascii() and slippage.isdigit()) or (
            int(slippage) > 10_000):  # fmt: skip
            raise _validation("Slippage value couldn't be processed.")
        bps = int(slippage)
        market, now = self.context.market, self.context.clock.now()
        changelly_fee = amount * CHANGELLY_BPS // 10_000
        affiliate_fee = amount * CHANGELLY_AFFILIATE_BPS // 10_000 if affiliate else 0
        sell = amount - changelly_fee - affiliate_fee
        channel = venue("Changelly", "0", CHANGELLY_VENUE.spread_bps,
                        CHANGELLY_VENUE.impact_bps_per_musd, 0, chains=CHANGELLY_VENUE.chains,
                        min_usd="0")  # fmt: skip
        value = market.usd_value(src, amount, now)
        if value < CHANGELLY_VENUE.min_usd:
            raise _unprocessable("Swap amount is too small.")
        if value > CHANGELLY_VENUE.max_usd:
            raise _unprocessable("Swap amount is too large.")
        try:
            out = market.quote(channel, src, dst, sell, None, now).estimated_out
        except QuoteRefused:
            raise _unprocessable("Swap amount is too small.") from None
        self.quotes += 1
        fees: dict[str, Any] = {
            "changelly": {**self._wire_token(src), "amount": str(changelly_fee),
                          "bps": str(CHANGELLY_BPS)},
        }  # fmt: skip
        if affiliate:
            fees["affiliate"] = {**self._wire_token(src), "amount": str(affiliate_fee),
                                 "bps": str(CHANGELLY_AFFILIATE_BPS)}  # fmt: skip
        expires = math.floor((self.context.wall() + QUOTE_TTL_SECONDS) * 1_000_000)
        return {
            "id": str(uuid.UUID(int=self._ids.getrandbits(128), version=4)),
            "from": {**self._wire_token(src), "amount": str(amount)},
            "to": {**self._wire_token(dst), "amount": str(out),
                   "min_amount": str(out * (10_000 - bps) // 10_000)},
            "slippage_bps": str(bps),
            "expires_at": expires,
            "fees": fees,
        }  # fmt: skip
