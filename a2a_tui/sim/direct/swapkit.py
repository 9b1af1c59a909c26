"""SwapKit v3 ``POST /swapkit/v3/quote``, simulated.

Checks: the x-api-key (``unauthorized`` when missing, ``apiKeyInvalid`` when
unknown), the key's per-minute window (429 with ``Retry-After``), the body
(``invalidRequest``), the blacklist (``blackListAsset``), then each liquidity
provider behind SwapKit quotes the pair or says why not (``providerErrors``);
no route at all is ``noRoutesFound`` (404). Each route carries its fees by
type, estimated times, legs, warnings and the RECOMMENDED / CHEAPEST /
FASTEST tags.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from a2a_tui.sim.catalog import SimToken
from a2a_tui.sim.direct.catalog import (
    PREFIXES,
    SWAPKIT_BLACKLIST,
    SWAPKIT_CHAIN_SECONDS,
    SWAPKIT_CHAINS,
    SWAPKIT_KEYS,
    SWAPKIT_LATENCY_MS,
    SWAPKIT_SERVICE_BPS,
    SWAPKIT_VENUES,
    SwapKitVenue,
    swapkit_id,
)
from a2a_tui.sim.direct.common import DirectContext, Window, json_response, plain
from a2a_tui.sim.market import QuoteRefused

__all__ = ["PREFIX", "SwapKitSim"]

PREFIX = PREFIXES["swapkit"]
INVALID_BODY = "Request body is required and must be a valid JSON object"
DEFAULT_SLIPPAGE = Decimal(3)
#: How often a provider fails at random (seeded; off with --no-failures).
PROVIDER_FAILURE_RATE = 0.05
_IMAGE = "https://static.swapkit.example/assets/{}.png"


class Failure(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None,
        provider_errors: list[dict[str, str]] | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers
        self.provider_errors = provider_errors


def _invalid(fields: list[str]) -> Failure:
    return Failure(
        400, "invalidRequest", f"{INVALID_BODY}. Missing or invalid: {', '.join(fields)}"
    )


class SwapKitSim:
    def __init__(self, context: DirectContext, *, failures: bool = True) -> None:
        self.context = context
        self.failures = failures
        self.windows: dict[str, Window] = {}
        self.quotes = 0
        self._rng = random.Random(f"swapkit:{context.seed}")

    def routes(self) -> list[Route]:
        return [Route(f"{PREFIX}/v3/quote", self.quote, methods=["POST"])]

    async def quote(self, request: Request) -> Response:
        raw = await request.body()
        try:
            self._admit(request.headers.get("x-api-key", "").strip())
            await self.context.think.wait("swapkit", SWAPKIT_LATENCY_MS, self.context.faults,
                                          request)  # fmt: skip
            if self.context.faults.of("swapkit") == "unavailable":
                raise Failure(500, "internalError", "Internal server error")
            body = self._quote(raw)
        except Failure as failure:
            answer: dict[str, Any] = {"error": failure.code, "message": failure.message}
            if failure.provider_errors:
                answer["providerErrors"] = failure.provider_errors
            return json_response(answer, status=failure.status, headers=failure.headers)
        return json_response(body)

    def _admit(self, key: str) -> None:
        if not key:
            raise Failure(401, "unauthorized", "Unauthorized")
        limit = SWAPKIT_KEYS.get(key)
        if limit is None:
            raise Failure(401, "apiKeyInvalid", "Invalid API key")
        window = self.windows.setdefault(key, Window(limit, self.context.wall))
        wait = window.admit()
        if wait is None and self.context.faults.of("swapkit") == "rate_limited":
            wait = 60.0
        if wait is not None:
            raise Failure(429, "rateLimited", f"Rate limit exceeded: {limit} requests per minute",
                          headers={"Retry-After": str(max(1, math.ceil(wait)))})  # fmt: skip

    def _asset(self, identifier: str) -> SimToken | None:
        market = self.context.market
        wanted = identifier.upper()
        for token in market.tokens.values():
            chain = market.chains[token.chain_id]
            known = chain.enabled and chain.key in SWAPKIT_CHAINS
            if known and swapkit_id(token, chain.key).upper() == wanted:
                return token
        return None

    def _parse(self, raw: bytes) -> dict[str, Any]:
        try:
            body = json.loads(raw, parse_float=Decimal) if raw else None
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise Failure(400, "invalidRequest", INVALID_BODY)
        bad = [name for name in ("sellAsset", "buyAsset", "sellAmount")
               if not isinstance(body.get(name), str) or not body[name].strip()]  # fmt: skip
        try:
            amount = Decimal(str(body.get("sellAmount", "")).strip())
            if not amount.is_finite() or amount <= 0:
                raise InvalidOperation
        except InvalidOperation:
            bad.append("sellAmount")
        checks: dict[str, Callable[[Any], bool]] = {
            "providers": lambda v: isinstance(v, list) and all(isinstance(p, str) for p in v),
            "slippage": lambda v: isinstance(v, int | Decimal) and not isinstance(v, bool)
            and 0 <= v <= 100,
            "affiliateFee": lambda v: isinstance(v, int) and not isinstance(v, bool)
            and 0 <= v <= 1000,
            "cfBoost": lambda v: isinstance(v, bool),
            "maxExecutionTime": lambda v: isinstance(v, int | Decimal) and not isinstance(v, bool)
            and v > 0,
        }  # fmt: skip
        bad += [name for name, ok in checks.items() if name in body and not ok(body[name])]
        if bad:
            raise _invalid(sorted(set(bad)))
        return body

    def _quote(self, raw: bytes) -> dict[str, Any]:
        body = self._parse(raw)
        sell_id, buy_id = body["sellAsset"].strip(), body["buyAsset"].strip()
        for asset in (sell_id, buy_id):
            if asset.upper() in SWAPKIT_BLACKLIST:
                raise Failure(400, "blackListAsset", f"Asset {asset} is blacklisted")
        no_routes = f"No routes found for swap from {sell_id} to {buy_id}"
        src, dst = self._asset(sell_id), self._asset(buy_id)
        if src is None or dst is None or src.token_id == dst.token_id:
            raise Failure(404, "noRoutesFound", no_routes)
        amount = Decimal(str(body["sellAmount"]).strip())
        units = amount.scaleb(src.decimals)
        if units != units.to_integral_value():
            raise _invalid(["sellAmount"])
        wanted = {p.upper() for p in body.get("providers") or []}
        slippage = Decimal(body.get("slippage", DEFAULT_SLIPPAGE))
        affiliate_bps = int(body.get("affiliateFee", 0))
        max_time = body.get("maxExecutionTime")
        routes: list[dict[str, Any]] = []
        errors: list[dict[str, str]] = []
        for v in SWAPKIT_VENUES:
            name = v.channel.name
            if (wanted and name not in wanted) or not self._serves(v, src, dst):
                continue
            try:
                route = self._route(v, src, dst, int(units), slippage, affiliate_bps,
                                    bool(body.get("cfBoost")))  # fmt: skip
            except QuoteRefused as refused:
                errors.append({"provider": name, "errorCode": "noRoutesFound",
                               "message": f"{no_routes}: {refused}"})  # fmt: skip
                continue
            if max_time is not None and route["estimatedTime"]["total"] > max_time:
                continue
            routes.append(route)
        if not routes:
            raise Failure(404, "noRoutesFound", no_routes, provider_errors=errors)
        self._tag(routes)
        self.quotes += 1
        quote_id = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        answer: dict[str, Any] = {"quoteId": quote_id, "routes": routes}
        if errors:
            answer["providerErrors"] = errors
        return answer

    def _serves(self, v: SwapKitVenue, src: SimToken, dst: SimToken) -> bool:
        market = self.context.market
        src_chain, dst_chain = market.chains[src.chain_id].key, market.chains[dst.chain_id].key
        if v.same_chain_only and src_chain != dst_chain:
            return False
        if v.cross_chain_only and src_chain == dst_chain:
            return False
        return market.serves(v.channel, src, dst)

    def _route(self, v: SwapKitVenue, src: SimToken, dst: SimToken, units: int, slippage: Decimal,
               affiliate_bps: int, cf_boost: bool) -> dict[str, Any]:  # fmt: skip
        market, now = self.context.market, self.context.clock.now()
        name = v.channel.name
        if self.failures and self._rng.random() < PROVIDER_FAILURE_RATE:
            raise QuoteRefused(f"{name} is temporarily unavailable")
        pair = market.pair(src, dst, units, now)
        after_venue = market.quote_pair(v.channel, pair, None).estimated_out
        dst_price = market.price(dst, now)
        outbound = math.ceil(Fraction(v.outbound_usd) / dst_price * 10**dst.decimals)
        service = after_venue * SWAPKIT_SERVICE_BPS // 10_000
        affiliate = after_venue * affiliate_bps // 10_000
        out = after_venue - outbound - service - affiliate
        if out <= 0:
            raise QuoteRefused("amount too small after fees")
        liquidity = max(0, math.floor(pair.gross_out) - after_venue)
        keep = 1 - Fraction(slippage) / 100
        worst = math.floor(out * keep)
        src_chain = market.chains[src.chain_id].key
        dst_chain = market.chains[dst.chain_id].key
        same_chain = src_chain == dst_chain
        inbound_s = SWAPKIT_CHAIN_SECONDS[src_chain]
        if cf_boost and name == "CHAINFLIP" and src_chain == "bitcoin":
            inbound_s //= 6  # boosted deposits are credited before full confirmation
        outbound_s = 0 if same_chain else SWAPKIT_CHAIN_SECONDS[dst_chain]
        times = {"inbound": inbound_s, "swap": v.swap_seconds, "outbound": outbound_s}
        times["total"] = sum(times.values())
        impact_bps = Fraction(v.channel.impact_bps_per_musd) * pair.value_usd / 1_000_000
        slippage_bps = round(v.channel.spread_bps + impact_bps)
        sell, buy = swapkit_id(src, src_chain), swapkit_id(dst, dst_chain)

        def human(amount: int, token: SimToken) -> str:
            return plain(Decimal(amount).scaleb(-token.decimals))

        fees = [
            {"type": "liquidity", "amount": human(liquidity, dst), "asset": buy,
             "chain": SWAPKIT_CHAINS[dst_chain], "protocol": name},
            {"type": "service", "amount": human(service, dst), "asset": buy,
             "chain": SWAPKIT_CHAINS[dst_chain], "protocol": name},
        ]  # fmt: skip
        if outbound:
            fees.append({"type": "outbound", "amount": human(outbound, dst), "asset": buy,
                         "chain": SWAPKIT_CHAINS[dst_chain], "protocol": name})  # fmt: skip
        if affiliate:
            fees.append({"type": "affiliate", "amount": human(affiliate, dst), "asset": buy,
                         "chain": SWAPKIT_CHAINS[dst_chain], "protocol": name})  # fmt: skip
        warnings = []
        if slippage_bps > 100:
            warnings.append({"code": "highPriceImpact", "display": "High price impact",
                             "tooltip": f"This swap moves the price by about "
                                        f"{Decimal(slippage_bps) / 100}%"})  # fmt: skip
        if times["total"] > 1800:
            warnings.append({"code": "longSwapTime", "display": "This route takes over 30 minutes",
                             "tooltip": "Confirmations on the source chain are slow"})  # fmt: skip
        route_id = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        return {
            "routeId": route_id,
            "providers": [name],
            "sellAsset": sell,
            "buyAsset": buy,
            "sellAmount": human(units, src),
            "expectedBuyAmount": human(out, dst),
            "expectedBuyAmountMaxSlippage": human(worst, dst),
            "fees": fees,
            "estimatedTime": times,
            "totalSlippageBps": slippage_bps,
            "legs": [{"provider": name, "sellAsset": sell, "sellAmount": human(units, src),
                      "buyAsset": buy, "buyAmount": human(out, dst),
                      "buyAmountMaxSlippage": human(worst, dst)}],
            "warnings": warnings,
            "meta": {
                "tags": [],
                "assets": [
                    {"asset": sell, "price": _usd(market.price(src, now)),
                     "image": _IMAGE.format(sell.lower())},
                    {"asset": buy, "price": _usd(dst_price), "image": _IMAGE.format(buy.lower())},
                ],
                "priceImpact": -Decimal(slippage_bps) / 100,
            },
            "nextActions": {"method": "POST", "url": "/v3/swap",
                            "payload": {"routeId": route_id, "sourceAddress": "",
                                        "destinationAddress": ""}},
            "_out": out,  # removed by _tag
        }  # fmt: skip

    def _tag(self, routes: list[dict[str, Any]]) -> None:
        """CHEAPEST: the most output; FASTEST: the least time; RECOMMENDED: output
        weighed against time (1 % an hour); most output first."""
        cheapest = max(routes, key=lambda r: r["_out"])
        fastest = min(routes, key=lambda r: (r["estimatedTime"]["total"], -r["_out"]))
        recommended = max(
            routes, key=lambda r: r["_out"] * (1 - Fraction(r["estimatedTime"]["total"], 360_000))
        )
        for tag, route in (("RECOMMENDED", recommended), ("CHEAPEST", cheapest),
                           ("FASTEST", fastest)):  # fmt: skip
            route["meta"]["tags"].append(tag)
        routes.sort(key=lambda r: -r["_out"])
        for route in routes:
            del route["_out"]


def _usd(price: Fraction) -> Decimal:
    return (Decimal(price.numerator) / Decimal(price.denominator)).quantize(Decimal("0.000001"))
