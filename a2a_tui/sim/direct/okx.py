"""OKX DEX v6 ``GET /okx/api/v6/dex/aggregator/quote``, simulated.

The gateway checks come first, in OKX's order (an empty header, the
timestamp's form, its 30 s window, the key, the passphrase, the signature),
each with OKX's documented code, message and HTTP status; then the
parameters; then the route. The signature is recomputed here from the raw
request target and body exactly as received.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
from datetime import datetime
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from fractions import Fraction

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from a2a_tui.domain.addresses import AddressFormat
from a2a_tui.sim.catalog import SimChain, SimToken
from a2a_tui.sim.direct.catalog import (
    OKX_CHAINS,
    OKX_DEMO,
    OKX_DEXES,
    OKX_GAS_USD,
    OKX_IMPACT_BPS_PER_MUSD,
    OKX_LATENCY_MS,
    OKX_VENUE_FEE,
    PREFIXES,
    OkxDex,
    okx_address,
    venue,
)
from a2a_tui.sim.direct.common import DirectContext, json_response, plain
from a2a_tui.sim.market import QuoteRefused

__all__ = ["PREFIX", "OkxSim", "expected_signature"]

PREFIX = PREFIXES["okx"]
WINDOW_SECONDS = 30
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z")
_INTENT_CONTRACT = "0x1111111254fb6c44bac0bed2854e76f90643097d"


class OkxFailure(Exception):
    def __init__(self, status: int, code: str, msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


def expected_signature(secret: str, stamp: str, method: str, target: str, body: str) -> str:
    """The simulator's own OK-ACCESS-SIGN recipe (deliberately not the client's)."""
    message = (stamp + method.upper() + target + body).encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def _empty(name: str) -> OkxFailure:
    return OkxFailure(400, "50014", f"Parameter {name} cannot be empty")


def _wrong(name: str) -> OkxFailure:
    return OkxFailure(400, "51000", f"Parameter {name} error")


def _decimal(text: str, name: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _wrong(name) from None
    if not value.is_finite():
        raise _wrong(name)
    return value


def _flag(text: str | None, name: str) -> bool:
    if text in (None, "", "false"):
        return False
    if text == "true":
        return True
    raise _wrong(name)


class OkxSim:
    def __init__(self, context: DirectContext) -> None:
        self.context = context
        self.keys = {OKX_DEMO.api_key: OKX_DEMO}
        self.quotes = 0

    def routes(self) -> list[Route]:
        return [Route(f"{PREFIX}/api/v6/dex/aggregator/quote", self.quote, methods=["GET"])]

    async def quote(self, request: Request) -> Response:
        try:
            self._authenticate(request, await request.body())
            await self.context.think.wait("okx", OKX_LATENCY_MS, self.context.faults, request)
            fault = self.context.faults.of("okx")
            if fault == "rate_limited":
                raise OkxFailure(429, "50011", "Rate limit reached. Please refer to API "
                                 "documentation and throttle requests accordingly")  # fmt: skip
            if fault == "unavailable":
                raise OkxFailure(500, "50026", "System error. Try again later")
            data = self._quote(request)
        except OkxFailure as failure:
            return json_response({"code": failure.code, "data": [], "msg": failure.msg},
                                 status=failure.status)  # fmt: skip
        return json_response({"code": "0", "data": [data], "msg": ""})

    # -- the gateway -------------------------------------------------------------

    def _authenticate(self, request: Request, body: bytes) -> None:
        headers = request.headers
        key = headers.get("ok-access-key", "")
        passphrase = headers.get("ok-access-passphrase", "")
        signature = headers.get("ok-access-sign", "")
        stamp = headers.get("ok-access-timestamp", "")
        for value, code, name in (
            (key, "50103", "OK-ACCESS-KEY"),
            (passphrase, "50104", "OK-ACCESS-PASSPHRASE"),
            (signature, "50106", "OK-ACCESS-SIGN"),
            (stamp, "50107", "OK-ACCESS-TIMESTAMP"),
        ):
            if not value:
                raise OkxFailure(401, code, f'Request header "{name}" cannot be empty')
        if not _STAMP.fullmatch(stamp):
            raise OkxFailure(401, "50112", "Invalid OK-ACCESS-TIMESTAMP")
        sent = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if abs(sent.timestamp() - self.context.wall()) > WINDOW_SECONDS:
            raise OkxFailure(401, "50102", "Timestamp request expired")
        account = self.keys.get(key)
        if account is None:
            raise OkxFailure(401, "50111", "Invalid OK-ACCESS-KEY")
        if not hmac.compare_digest(passphrase, account.passphrase):
            raise OkxFailure(401, "50105", 'Request header "OK-ACCESS-PASSPHRASE" incorrect')
        target = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")
        if query:
            target += "?" + query
        text = body.decode("utf-8", "replace") if request.method != "GET" else ""
        wanted = expected_signature(account.secret_key, stamp, request.method, target, text)
        if not hmac.compare_digest(signature, wanted):
            raise OkxFailure(401, "50113", "Invalid signature")

    # -- the aggregator ----------------------------------------------------------

    def _chain(self, chain_index: str) -> SimChain:
        for chain in self.context.market.chains.values():
            if chain.enabled and OKX_CHAINS.get(chain.key) == chain_index:
                return chain
        raise _wrong("chainIndex")

    def _token(self, chain: SimChain, address: str) -> SimToken:
        for token in self.context.market.tokens.values():
            if token.chain_id != chain.chain_id:
                continue
            mine = okx_address(token, chain.key)
            if mine == address or (mine.startswith("0x") and mine.lower() == address.lower()):
                return token
        raise OkxFailure(200, "82104", "This token is not supported")

    def _quote(self, request: Request) -> dict[str, object]:
        q = request.query_params
        for name in ("chainIndex", "amount", "fromTokenAddress", "toTokenAddress"):
            if not q.get(name):
                raise _empty(name)
        chain = self._chain(q["chainIndex"])
        amount_text = q["amount"]
        if not (amount_text.isascii() and amount_text.isdigit()) or int(amount_text) == 0:
            raise _wrong("amount")
        amount = int(amount_text)
        swap_mode = q.get("swapMode") or "exactIn"
        if swap_mode != "exactIn":  # exactOut: not simulated (see README)
            raise _wrong("swapMode")
        src = self._token(chain, q["fromTokenAddress"])
        dst = self._token(chain, q["toTokenAddress"])
        if src.token_id == dst.token_id:
            raise _wrong("toTokenAddress")
        mode = q.get("mode") or "dex"
        if mode not in ("dex", "intent", "auto"):
            raise _wrong("mode")
        for name in ("forJitoBundle", "directRoute", "singleRouteOnly", "singlePoolPerHop",
                     "assetAwareRouting", "disableRFQ"):  # fmt: skip
            _flag(q.get(name), name)
        if q.get("slippagePercent"):
            slippage = _decimal(q["slippagePercent"], "slippagePercent")
            if not 0 <= slippage <= 100:
                raise _wrong("slippagePercent")
        if q.get("priceImpactProtectionPercent"):
            protection = _decimal(q["priceImpactProtectionPercent"], "priceImpactProtectionPercent")
            if not 0 <= protection <= 100:
                raise _wrong("priceImpactProtectionPercent")
        if mode != "dex":
            for name in ("userWalletAddress", "slippagePercent"):
                if not q.get(name):
                    raise _empty(name)
            if chain.address_format is not AddressFormat.EVM:
                raise _wrong("mode")
        commission = 0
        if q.get("feePercent"):
            fee = _decimal(q["feePercent"], "feePercent")
            ceiling = 10 if chain.key == "solana" else 3
            if not 0 < fee <= ceiling:
                raise _wrong("feePercent")
            fee = fee.quantize(Decimal("0.000000001"), rounding=ROUND_CEILING)  # 9 places, up
            commission = math.ceil(Fraction(amount) * Fraction(fee) / 100)
        dexes = self._dexes(chain.key, q.get("dexIds"), q.get("excludeDexIds"))
        split = dexes[:2] if len(dexes) > 1 else dexes
        shares = (60, 40) if len(split) == 2 else (100,)
        spread = round(sum(d.spread_bps * s for d, s in zip(split, shares, strict=True)) / 100)
        channel = venue("OKX DEX", OKX_VENUE_FEE, spread, OKX_IMPACT_BPS_PER_MUSD, 0,
                        chains=frozenset({chain.key}), min_usd="0")  # fmt: skip
        market, now = self.context.market, self.context.clock.now()
        sell = amount - commission
        try:
            price = market.quote(channel, src, dst, sell, None, now)
        except QuoteRefused:
            raise OkxFailure(200, "82000", "Insufficient liquidity") from None
        value_usd = market.usd_value(src, sell, now)
        impact_bps = Fraction(OKX_IMPACT_BPS_PER_MUSD) * value_usd / 1_000_000 + spread
        native = next(t for t in market.tokens.values()
                      if t.chain_id == chain.chain_id and t.contract_address is None)  # fmt: skip
        gas_units = Fraction(OKX_GAS_USD[chain.key]) / market.price(native, now)
        self.quotes += 1
        data: dict[str, object] = {
            "chainIndex": q["chainIndex"],
            "contextSlot": 0,
            "dexRouterList": [
                {
                    "dexProtocol": {"dexName": dex.name, "percent": str(share)},
                    "fromToken": self._token_wire(src, chain),
                    "fromTokenIndex": "0",
                    "toToken": self._token_wire(dst, chain),
                    "toTokenIndex": "1",
                }
                for dex, share in zip(split, shares, strict=True)
            ],
            "estimateGasFee": str(math.ceil(gas_units * 10**native.decimals)),
            "fromToken": self._token_wire(src, chain),
            "fromTokenAmount": str(amount),
            "mode": mode,
            "priceImpactPercent": plain(-_decimal_of(impact_bps) / 100, 2),
            "quoteId": f"{self.context.seed:04d}{self.quotes:013d}",
            "router": f"{okx_address(src, chain.key)}--{okx_address(dst, chain.key)}".lower()
            if chain.address_format is AddressFormat.EVM
            else f"{okx_address(src, chain.key)}--{okx_address(dst, chain.key)}",
            "swapMode": "exactIn",
            "toToken": self._token_wire(dst, chain),
            "toTokenAmount": str(price.estimated_out),
            "tradeFee": str(OKX_GAS_USD[chain.key]),
        }
        if mode != "dex":
            data["signData"] = self._sign_data(q, chain, src, dst, amount, price.estimated_out)
        return data

    def _dexes(self, chain_key: str, only: str | None, exclude: str | None) -> list[OkxDex]:
        dexes = list(OKX_DEXES[chain_key])
        if only:
            wanted = {part.strip() for part in only.split(",")}
            dexes = [d for d in dexes if d.dex_id in wanted]
        if exclude:
            unwanted = {part.strip() for part in exclude.split(",")}
            dexes = [d for d in dexes if d.dex_id not in unwanted]
        if not dexes:
            raise OkxFailure(200, "82000", "Insufficient liquidity")
        return sorted(dexes, key=lambda d: d.spread_bps)

    def _token_wire(self, token: SimToken, chain: SimChain) -> dict[str, object]:
        address = okx_address(token, chain.key)
        price = self.context.market.price(token, self.context.clock.now())
        return {
            "decimal": str(token.decimals),
            "isHoneyPot": False,
            "taxRate": "0",
            "tokenContractAddress": address.lower() if address.startswith("0x") else address,
            "tokenSymbol": token.symbol,
            "tokenUnitPrice": plain(_decimal_of(price), 12),
        }

    def _sign_data(
        self, params: QueryParams, chain: SimChain, src: SimToken, dst: SimToken, amount: int,
        out: int,
    ) -> dict[str, object]:  # fmt: skip
        owner = params["userWalletAddress"]
        expiration = int(params.get("expiration") or 180)
        if not 1 <= expiration <= 300:
            raise _wrong("expiration")
        keep = 1 - Fraction(_decimal(params["slippagePercent"], "slippagePercent")) / 100
        address = [
            {"name": "fromTokenAddress", "type": "address"},
            {"name": "toTokenAddress", "type": "address"},
            {"name": "owner", "type": "address"},
            {"name": "receiver", "type": "address"},
            {"name": "fromTokenAmount", "type": "uint256"},
            {"name": "toTokenAmount", "type": "uint256"},
            {"name": "validTo", "type": "uint32"},
            {"name": "appData", "type": "bytes32"},
            {"name": "swapMode", "type": "bytes32"},
            {"name": "partiallyFillable", "type": "bool"},
            {"name": "commissionInfos", "type": "CommissionInfo[]"},
        ]
        return {
            "domain": {
                "chainId": int(OKX_CHAINS[chain.key]),
                "name": "OKX Intent Swap",
                "verifyingContract": _INTENT_CONTRACT,
                "version": "v1.0.0",
            },
            "message": {
                "appData": "0x" + hashlib.sha256(f"{self.quotes}".encode()).hexdigest(),
                "commissionInfos": [],
                "fromTokenAddress": okx_address(src, chain.key).lower(),
                "fromTokenAmount": str(amount),
                "owner": owner,
                "partiallyFillable": False,
                "receiver": params.get("swapReceiverAddress") or owner,
                "swapMode": "0x" + "00" * 31 + "01",
                "toTokenAddress": okx_address(dst, chain.key).lower(),
                "toTokenAmount": str(math.floor(out * keep)),
                "validTo": int(self.context.wall()) + expiration,
            },
            "primaryType": "Order",
            "types": {
                "Order": address,
                "CommissionInfo": [
                    {"name": "feePercent", "type": "uint256"},
                    {"name": "referrerWalletAddress", "type": "address"},
                    {"name": "flag", "type": "uint256"},
                ],
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
            },
        }


def _decimal_of(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)
