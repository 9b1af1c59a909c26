"""Pydantic models of SwapKit's ``POST /v3/quote``, field for field.

Assets are ``CHAIN.TICKER`` or ``CHAIN.TICKER-ADDRESS`` strings. Amounts are
human decimals (``"0.0123"``, "decimals separated with a dot"), held as exact
``Decimal``; `Route.expected_buy_units` converts to smallest units with the
token's decimals. Fields the guide names without a shape (fees, estimated
time, legs, warnings, meta) follow what SwapKit returns; unknown fields are
ignored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from a2a_tui.providers.http.wire import Amount, Dec, units_of

__all__ = [
    "AssetMeta",
    "EstimatedTime",
    "Fee",
    "Leg",
    "Meta",
    "NextAction",
    "ProviderErrorInfo",
    "QuoteRequest",
    "QuoteResponse",
    "Route",
    "RouteWarning",
]


class _Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)


def _number(value: Decimal) -> int | float:
    """A JSON number for a percentage: exact when integral, else the shortest float."""
    return int(value) if value == value.to_integral_value() else float(value)


class QuoteRequest(_Wire):
    sell_asset: str = Field(alias="sellAsset", min_length=3)
    buy_asset: str = Field(alias="buyAsset", min_length=3)
    sell_amount: Amount = Field(alias="sellAmount")
    providers: tuple[str, ...] = ()  # empty: every provider
    slippage: Dec | None = Field(None, ge=0, le=100)  # percent: 5 = 5 %
    affiliate_fee: int | None = Field(None, alias="affiliateFee", ge=0, le=1000)  # bps
    cf_boost: bool | None = Field(None, alias="cfBoost")
    max_execution_time: int | None = Field(None, alias="maxExecutionTime", gt=0)  # seconds

    def body(self) -> dict[str, Any]:
        body = self.model_dump(by_alias=True, mode="json", exclude_none=True)
        if not self.providers:
            body.pop("providers")
        if self.slippage is not None:
            body["slippage"] = _number(self.slippage)
        return body


class Fee(_Wire):
    type: str  # inbound, network, affiliate, service, outbound, liquidity
    amount: Amount
    asset: str
    chain: str | None = None
    protocol: str | None = None


class EstimatedTime(_Wire):
    """Seconds per phase; ``total`` is their sum."""

    inbound: Dec | None = None
    swap: Dec | None = None
    outbound: Dec | None = None
    total: Dec


class Leg(_Wire):
    provider: str
    sell_asset: str | None = Field(None, alias="sellAsset")
    sell_amount: Amount | None = Field(None, alias="sellAmount")
    buy_asset: str | None = Field(None, alias="buyAsset")
    buy_amount: Amount | None = Field(None, alias="buyAmount")
    buy_amount_max_slippage: Amount | None = Field(None, alias="buyAmountMaxSlippage")


class RouteWarning(_Wire):
    code: str
    display: str
    tooltip: str | None = None


class AssetMeta(_Wire):
    asset: str
    price: Dec | None = None  # USD
    image: str | None = None


class Meta(_Wire):
    tags: list[str] = Field(default_factory=list)  # RECOMMENDED, CHEAPEST, FASTEST
    assets: list[AssetMeta] = Field(default_factory=list)
    price_impact: Dec | None = Field(None, alias="priceImpact")


class NextAction(_Wire):
    method: str
    url: str
    payload: dict[str, Any] = Field(default_factory=dict)


class Route(_Wire):
    route_id: str = Field(alias="routeId")
    providers: list[str]
    sell_asset: str = Field(alias="sellAsset")
    buy_asset: str = Field(alias="buyAsset")
    sell_amount: Amount = Field(alias="sellAmount")
    expected_buy_amount: Amount = Field(alias="expectedBuyAmount")
    expected_buy_amount_max_slippage: Amount = Field(alias="expectedBuyAmountMaxSlippage")
    fees: list[Fee] = Field(default_factory=list)
    estimated_time: EstimatedTime | None = Field(None, alias="estimatedTime")
    total_slippage_bps: Dec | None = Field(None, alias="totalSlippageBps")
    legs: list[Leg] = Field(default_factory=list)
    warnings: list[RouteWarning] = Field(default_factory=list)
    meta: Meta = Field(default_factory=Meta)
    next_actions: list[NextAction] = Field(default_factory=list, alias="nextActions")

    @field_validator("next_actions", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        """The guide writes one object; SwapKit also sends a list of them."""
        return [value] if isinstance(value, dict) else value

    @property
    def name(self) -> str:
        return " + ".join(self.providers) or "SwapKit"

    def expected_buy_units(self, decimals: int) -> int:
        return units_of(self.expected_buy_amount, decimals)

    def max_slippage_units(self, decimals: int) -> int:
        return units_of(self.expected_buy_amount_max_slippage, decimals)

    def fees_by_type(self) -> dict[str, list[Fee]]:
        grouped: dict[str, list[Fee]] = {}
        for fee in self.fees:
            grouped.setdefault(fee.type, []).append(fee)
        return grouped


class ProviderErrorInfo(_Wire):
    provider: str
    error_code: str = Field(alias="errorCode")
    message: str = ""


class QuoteResponse(_Wire):
    quote_id: str = Field(alias="quoteId")
    routes: list[Route] = Field(default_factory=list)
    provider_errors: list[ProviderErrorInfo] = Field(default_factory=list, alias="providerErrors")
    error: str | None = None
