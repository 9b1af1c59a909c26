"""SwapKit as a quote source: every route of its answer is a row.

A route is named by its providers (``THORCHAIN``, ``NEAR + ONEINCH``), the
row key across re-quotes. Each carries ``expectedBuyAmount`` in the bought
token's smallest units (exactly: digits beyond its precision are cut),
``expectedBuyAmountMaxSlippage`` as its minimum out, its fees by type,
``estimatedTime.total`` as its ETA, ``meta.tags`` and its warnings. Each
``providerErrors`` entry is an error row; a root error is the source's.
The key's per-minute budget is never exceeded: past it the source says it
is held back, and until when, instead of sending.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from pydantic import SecretStr

from a2a_tui.domain.amounts import percent_of
from a2a_tui.domain.quotes import (
    ChannelFailed,
    FeeLine,
    Quote,
    QuoteSpec,
    SourceUnavailable,
)
from a2a_tui.domain.text import inert
from a2a_tui.domain.tokens import AssetId
from a2a_tui.providers.direct import DirectSource, Event, Pair, usd_value

if TYPE_CHECKING:
    from a2a_tui.providers.assets import AssetRegistry
    from a2a_tui.providers.swapkit.client import SwapKitClient
    from a2a_tui.providers.swapkit.models import ProviderErrorInfo, Route

__all__ = ["SwapKitSource", "route_key", "route_quote"]

SOURCE_ID = "swapkit"


class SwapKitSource(DirectSource["SwapKitClient"]):
    id = SOURCE_ID
    label = "SwapKit"
    tag = "SWK"

    def required(self) -> tuple[str, ...]:
        return ("swapkit.api_key",)

    def build(self, secrets: dict[str, SecretStr | None]) -> SwapKitClient:
        from a2a_tui.providers.swapkit.check import per_minute
        from a2a_tui.providers.swapkit.client import SwapKitClient

        key = secrets["swapkit.api_key"]
        assert key is not None
        return SwapKitClient(self.context.base_url, key, per_minute=per_minute(self.settings),
                             timeouts=self.context.timeouts)  # fmt: skip

    async def quotes(
        self, client: SwapKitClient, spec: QuoteSpec, pair: Pair
    ) -> AsyncIterator[Event]:
        from a2a_tui.providers.http.errors import HeldBack
        from a2a_tui.providers.http.wire import human
        from a2a_tui.providers.swapkit.errors import ApiError, RateLimited
        from a2a_tui.providers.swapkit.models import QuoteRequest

        src, dst = pair.src.swapkit, pair.dst.swapkit
        assert src is not None
        assert dst is not None
        settings = self.settings
        request = QuoteRequest(
            sell_asset=src.id,
            buy_asset=dst.id,
            sell_amount=human(self.amount_for(spec, pair.src), pair.src.decimals_for(SOURCE_ID)),
            providers=tuple(settings.get("providers") or ()),
            slippage=Decimal(spec.slippage.numerator * 100) / Decimal(spec.slippage.denominator),
            affiliate_fee=settings.get("affiliate_fee_bps"),
            cf_boost=True if settings.get("cf_boost") else None,
            max_execution_time=settings.get("max_execution_time"),
        )
        try:
            answer = await client.quote(request)
        except HeldBack as exc:
            raise SourceUnavailable(inert(str(exc))) from None
        except RateLimited as exc:
            if exc.until is None:
                raise
            when = exc.until.strftime("%H:%M:%S")
            raise SourceUnavailable(f"rate limited by SwapKit: held back until {when}") from None
        except ApiError as exc:
            for failed in provider_failures(exc.provider_errors):
                yield failed
            raise
        assets = self.context.assets()
        seen: set[str] = set()
        for route in answer.routes:
            key = route_key(route, seen)
            yield route_quote(route, key, spec, pair, assets)
        for failed in provider_failures(answer.provider_errors):
            yield failed
        if answer.error:
            yield ChannelFailed(SOURCE_ID, None, inert(answer.error, limit=200))


def route_key(route: Route, seen: set[str]) -> str:
    """The route's providers: stable across re-quotes (the routeId is not)."""
    base = inert("+".join(route.providers), limit=64) or "route"
    key, n = base, 1
    while key in seen:
        n += 1
        key = f"{base}#{n}"
    seen.add(key)
    return key


def provider_failures(errors: list[ProviderErrorInfo]) -> list[ChannelFailed]:
    seen: set[str] = set()
    failed = []
    for error in errors:
        key = inert(error.provider, limit=64) or "provider"
        if key in seen:
            continue
        seen.add(key)
        text = inert(error.message, limit=200) or inert(error.error_code, limit=64)
        failed.append(ChannelFailed(SOURCE_ID, key, f"{inert(error.error_code, limit=64)}: {text}"))
    return failed


def _ticker(asset_id: str) -> str:
    """``ETH.USDT-0xdAC1…`` is USDT."""
    return inert(asset_id.partition(".")[2].partition("-")[0] or asset_id, limit=16)


def _decimals(assets: AssetRegistry, asset_id: str, amount: Decimal) -> int:
    for asset in assets.for_provider(SOURCE_ID):
        own = asset.swapkit
        if own is not None and own.id.lower() == asset_id.lower():
            return asset.decimals_for(SOURCE_ID)
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def route_quote(
    route: Route, key: str, spec: QuoteSpec, pair: Pair, assets: AssetRegistry
) -> Quote:
    from a2a_tui.providers.http.wire import units_of

    dst = pair.dst.swapkit
    assert dst is not None
    decimals = pair.dst.decimals_for(SOURCE_ID)
    out = route.expected_buy_units(decimals)
    fees: list[FeeLine] = []
    deducted = Fraction(0)
    for kind, group in route.fees_by_type().items():
        for fee in group:
            places = _decimals(assets, fee.asset, fee.amount)
            note = inert(fee.protocol or "", limit=32)
            fees.append(FeeLine(inert(kind, limit=16), units=units_of(fee.amount, places),
                                decimals=places, symbol=_ticker(fee.asset), note=note))  # fmt: skip
            if kind != "inbound" and fee.asset.lower() == route.buy_asset.lower():
                deducted += Fraction(fee.amount)  # taken from the output (the guide)
    gross = Fraction(route.expected_buy_amount) + deducted
    price = next(
        (a.price for a in route.meta.assets if a.asset.lower() == route.buy_asset.lower()), None
    )
    other = route.buy_asset.lower() != dst.id.lower()
    warnings = tuple(
        inert(f"{w.display} ({w.tooltip})" if w.tooltip else w.display, limit=200)
        for w in route.warnings
    )
    eta = route.estimated_time.total if route.estimated_time is not None else None
    legs = " → ".join(inert(leg.provider, limit=24) for leg in route.legs)
    return Quote(
        source=SOURCE_ID,
        route_id=key,
        name=inert(route.name, limit=48),
        out_amount=out,
        out_usd=usd_value(out, decimals, price if price is not None else spec.dst.usd_price),
        fee_pct=percent_of(deducted, gross) if gross else None,
        out_decimals=decimals,
        asset=AssetId(spec.dst.chain.key, inert(route.buy_asset, limit=96)) if other else None,
        asset_label=inert(route.buy_asset, limit=96) if other else "",
        min_out=route.max_slippage_units(decimals),
        eta=None if eta is None else float(eta),
        warnings=warnings,
        fees=tuple(fees),
        price_impact_pct=route.meta.price_impact,
        route_text=legs,
        provider_tags=tuple(inert(tag, limit=16) for tag in route.meta.tags),
        wire=route.model_dump(mode="json", by_alias=True, exclude={"next_actions"}),
    )
