"""Pydantic models of OKX DEX v6 ``GET /api/v6/dex/aggregator/quote``, field for field.

Python names are snake_case; the wire names (the guide's camelCase) are the
aliases. Amounts in smallest units are ``int`` (digit strings on the wire),
prices, fees and percentages exact ``Decimal``. Unknown response fields are
ignored: OKX adds fields over time.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from a2a_tui.providers.http.wire import Dec, Units

__all__ = [
    "CommissionInfo",
    "DexProtocol",
    "DexRoute",
    "QuoteData",
    "QuoteRequest",
    "SignData",
    "SignDomain",
    "SignMessage",
    "TokenInfo",
    "TypedField",
]


class _Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)


def _flag(value: bool) -> str:
    return "true" if value else "false"


class QuoteRequest(_Wire):
    """The query parameters, in the guide's order. ``None`` (or an empty tuple)
    leaves a parameter out, so OKX applies its documented default."""

    chain_index: str = Field(alias="chainIndex")
    amount: Units
    swap_mode: Literal["exactIn", "exactOut"] = Field("exactIn", alias="swapMode")
    from_token_address: str = Field(alias="fromTokenAddress")
    to_token_address: str = Field(alias="toTokenAddress")
    dex_ids: tuple[str, ...] = Field((), alias="dexIds")
    exclude_dex_ids: tuple[str, ...] = Field((), alias="excludeDexIds")
    for_jito_bundle: bool | None = Field(None, alias="forJitoBundle")
    exclude_pool_addresses: tuple[str, ...] = Field((), alias="excludePoolAddresses",
                                                    max_length=20)  # fmt: skip
    direct_route: bool | None = Field(None, alias="directRoute")
    single_route_only: bool | None = Field(None, alias="singleRouteOnly")
    single_pool_per_hop: bool | None = Field(None, alias="singlePoolPerHop")
    asset_aware_routing: bool | None = Field(None, alias="assetAwareRouting")
    price_impact_protection_percent: Dec | None = Field(
        None, alias="priceImpactProtectionPercent", ge=0, le=100
    )
    fee_percent: Dec | None = Field(None, alias="feePercent", gt=0, le=10)
    mode: Literal["dex", "intent", "auto"] | None = None
    user_wallet_address: str | None = Field(None, alias="userWalletAddress")
    expiration: int | None = Field(None, ge=1, le=300)
    slippage_percent: Dec | None = Field(None, alias="slippagePercent", ge=0, le=100)
    swap_receiver_address: str | None = Field(None, alias="swapReceiverAddress")
    from_token_referrer_wallet_address: str | None = Field(
        None, alias="fromTokenReferrerWalletAddress"
    )
    to_token_referrer_wallet_address: str | None = Field(None, alias="toTokenReferrerWalletAddress")
    disable_rfq: bool | None = Field(None, alias="disableRFQ")

    def query(self) -> tuple[tuple[str, str], ...]:
        """``(name, value)`` pairs as sent; lists joined with commas, booleans
        as ``true``/``false``, decimals in positional notation."""
        pairs: list[tuple[str, str]] = []
        for name, value in self.model_dump(by_alias=True, mode="json").items():
            if value is None or value == []:
                continue
            if isinstance(value, bool):
                pairs.append((name, _flag(value)))
            elif isinstance(value, list):
                pairs.append((name, ",".join(value)))
            else:
                pairs.append((name, str(value)))
        return tuple(pairs)


class TokenInfo(_Wire):
    token_contract_address: str = Field(alias="tokenContractAddress")
    token_symbol: str = Field(alias="tokenSymbol")
    token_unit_price: Dec | None = Field(None, alias="tokenUnitPrice")  # null in special cases
    decimal: int
    is_honey_pot: bool = Field(False, alias="isHoneyPot")
    tax_rate: Dec = Field(alias="taxRate")  # 0..1, 0.01 = 1 %


class DexProtocol(_Wire):
    dex_name: str = Field(alias="dexName")
    percent: Dec


class DexRoute(_Wire):
    """One entry of ``dexRouterList`` (the guide says only "quote path data
    set"; these are the v6 fields as OKX returns them, all optional)."""

    dex_protocol: DexProtocol | list[DexProtocol] | None = Field(None, alias="dexProtocol")
    from_token: TokenInfo | None = Field(None, alias="fromToken")
    to_token: TokenInfo | None = Field(None, alias="toToken")
    from_token_index: str | None = Field(None, alias="fromTokenIndex")
    to_token_index: str | None = Field(None, alias="toTokenIndex")

    @property
    def protocols(self) -> list[DexProtocol]:
        if self.dex_protocol is None:
            return []
        return self.dex_protocol if isinstance(self.dex_protocol, list) else [self.dex_protocol]


class SignDomain(_Wire):
    name: str
    version: str
    chain_id: int = Field(alias="chainId")
    verifying_contract: str = Field(alias="verifyingContract")


class CommissionInfo(_Wire):
    fee_percent: str = Field(alias="feePercent")
    referrer_wallet_address: str = Field(alias="referrerWalletAddress")
    flag: str


class SignMessage(_Wire):
    app_data: str = Field(alias="appData")
    commission_infos: list[CommissionInfo] = Field(default_factory=list, alias="commissionInfos")
    from_token_address: str = Field(alias="fromTokenAddress")
    to_token_address: str = Field(alias="toTokenAddress")
    owner: str
    partially_fillable: bool = Field(alias="partiallyFillable")
    receiver: str
    from_token_amount: Units = Field(alias="fromTokenAmount")
    to_token_amount: Units = Field(alias="toTokenAmount")
    valid_to: int = Field(alias="validTo")
    swap_mode: str | None = Field(None, alias="swapMode")  # in the guide's example message


class TypedField(_Wire):
    name: str
    type: str


class SignData(_Wire):
    """EIP-712 data of an intent order (``mode`` intent or auto)."""

    domain: SignDomain
    message: SignMessage
    primary_type: str = Field(alias="primaryType")
    types: dict[str, list[TypedField]]


class QuoteData(_Wire):
    chain_index: str = Field(alias="chainIndex")
    swap_mode: str = Field(alias="swapMode")
    mode: str | None = None  # dex, intent, auto (the example writes INTENT)
    quote_id: str | None = Field(None, alias="quoteId")
    context_slot: int | None = Field(None, alias="contextSlot")
    dex_router_list: list[DexRoute] = Field(default_factory=list, alias="dexRouterList")
    from_token_amount: Units = Field(alias="fromTokenAmount")
    to_token_amount: Units = Field(alias="toTokenAmount")
    trade_fee: Dec = Field(alias="tradeFee")  # USD
    estimate_gas_fee: Units = Field(alias="estimateGasFee")  # the chain's smallest unit
    router: str = ""
    from_token: TokenInfo = Field(alias="fromToken")
    to_token: TokenInfo = Field(alias="toToken")
    price_impact_percent: Dec | None = Field(None, alias="priceImpactPercent")  # null: unknown
    sign_data: SignData | None = Field(None, alias="signData")

    @property
    def dex_names(self) -> list[str]:
        """The venues used, in route order, each once."""
        names: dict[str, None] = {}
        for route in self.dex_router_list:
            for protocol in route.protocols:
                names.setdefault(protocol.dex_name, None)
        return list(names)
