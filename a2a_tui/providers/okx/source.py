"""OKX DEX as a quote source: one signed quote per request, one row.

OKX's aggregator swaps within one chain, so a pair across chains is not
available. The row carries ``toTokenAmount`` (in the decimals OKX reports
for the bought token), the route's network cost ``tradeFee`` (USD) and
``estimateGasFee`` (the chain's smallest unit) in the fee breakdown,
``priceImpactPercent``, the venues of ``dexRouterList`` as its name, and a
warning for a honeypot or a taxed token. A ``code``/``msg`` refusal is the
source's error. Wire types are imported on first use, off the event loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from pydantic import SecretStr

from a2a_tui.domain.amounts import percent_of
from a2a_tui.domain.quotes import FeeLine, Quote, QuoteSpec
from a2a_tui.domain.text import inert
from a2a_tui.domain.tokens import AssetId
from a2a_tui.providers.direct import DirectSource, Event, Pair, usd_value

if TYPE_CHECKING:
    from a2a_tui.providers.okx.client import OkxClient
    from a2a_tui.providers.okx.models import QuoteData, TokenInfo

__all__ = ["OkxSource", "to_quote"]

SOURCE_ID = "okx"


class OkxSource(DirectSource["OkxClient"]):
    id = SOURCE_ID
    label = "OKX DEX"
    tag = "OKX"

    def required(self) -> tuple[str, ...]:
        return ("okx.api_key", "okx.secret_key", "okx.passphrase")

    def optional(self) -> tuple[str, ...]:
        return ("okx.project_id",)

    def pair_reason(self, spec: QuoteSpec) -> str | None:
        if spec.src.chain.key != spec.dst.chain.key:
            return "same-chain swaps only"
        return None

    def build(self, secrets: dict[str, SecretStr | None]) -> OkxClient:
        from a2a_tui.providers.okx.client import OkxClient
        from a2a_tui.providers.okx.signing import OkxCredentials

        key, secret, passphrase = (secrets[name] for name in self.required())
        assert key is not None
        assert secret is not None
        assert passphrase is not None
        credentials = OkxCredentials(key, secret, passphrase, secrets.get("okx.project_id"))
        return OkxClient(self.context.base_url, credentials, timeouts=self.context.timeouts)

    async def quotes(self, client: OkxClient, spec: QuoteSpec, pair: Pair) -> AsyncIterator[Event]:
        from a2a_tui.providers.okx.models import QuoteRequest

        src, dst = pair.src.okx, pair.dst.okx
        assert src is not None
        assert dst is not None
        settings = self.settings
        slippage = settings.get("slippage_percent")
        request = QuoteRequest(
            chain_index=src.chain_index,
            amount=self.amount_for(spec, pair.src),
            from_token_address=src.address,
            to_token_address=dst.address,
            dex_ids=tuple(settings.get("dex_ids") or ()),
            exclude_dex_ids=tuple(settings.get("exclude_dex_ids") or ()),
            slippage_percent=_decimal(slippage) if slippage is not None else _percent(spec),
            fee_percent=_decimal(settings.get("fee_percent")),
            from_token_referrer_wallet_address=settings.get("from_token_referrer_wallet_address"),
            price_impact_protection_percent=_decimal(
                settings.get("price_impact_protection_percent")
            ),
        )
        data = await client.quote(request)
        native = self.context.assets().find(spec.src.chain.key, None)
        yield to_quote(
            data,
            spec,
            asked=dst.address,
            delivered=self.asset_name(
                self.context.assets, spec.dst.chain.key, data.to_token.token_contract_address
            ),
            native=None if native is None else (native.symbol, native.decimals),
            commission=_decimal(settings.get("fee_percent")),
        )


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _percent(spec: QuoteSpec) -> Decimal:
    return Decimal(spec.slippage.numerator * 100) / Decimal(spec.slippage.denominator)


def _warnings(token: TokenInfo, side: str) -> list[str]:
    symbol = inert(token.token_symbol, limit=24)
    found = []
    if token.is_honey_pot:
        found.append(f"OKX flags {symbol} as a honeypot: it may not be sellable")
    if token.tax_rate > 0:
        tax = f"{(token.tax_rate * 100).normalize():f}%"
        found.append(f"{symbol} has a {tax} {side} tax")
    return found


def route_summary(data: QuoteData) -> tuple[str, str]:
    """(a short name from the venues, the route in words with each share)."""
    names = data.dex_names
    short = " + ".join(inert(n, limit=24) for n in names[:2]) or "OKX DEX"
    if len(names) > 2:
        short += f" +{len(names) - 2}"
    shares = []
    for route in data.dex_router_list:
        for protocol in route.protocols:
            name = inert(protocol.dex_name, limit=24)
            shares.append(f"{name} {protocol.percent.normalize():f}%")
    path = " · ".join(shares)
    router = inert(data.router, limit=120)
    return short, " · ".join(p for p in (path, router and f"router {router}") if p)


def to_quote(
    data: QuoteData,
    spec: QuoteSpec,
    *,
    asked: str,
    delivered: str,
    native: tuple[str, int] | None,
    commission: Decimal | None = None,
) -> Quote:
    """One OKX answer as a row. ``asked`` is the destination address sent;
    ``delivered`` names the token OKX says it delivers (a registry key)."""
    to_token = data.to_token
    decimals = to_token.decimal
    out = data.to_token_amount
    price = to_token.token_unit_price if to_token.token_unit_price is not None else None
    name, route = route_summary(data)
    paid_usd = usd_value(spec.amount_in, spec.src.decimals, spec.src.usd_price)
    fee_pct = None
    if paid_usd is not None:
        fee_pct = percent_of(Fraction(data.trade_fee), Fraction(paid_usd))
        if fee_pct is not None and commission is not None:
            fee_pct += commission
    fees = [FeeLine("network", usd=data.trade_fee, note="tradeFee: the route's network cost")]
    if native is not None:
        symbol, native_decimals = native
        fees.append(
            FeeLine("gas", units=data.estimate_gas_fee, decimals=native_decimals,
                    symbol=symbol, note="estimateGasFee")
        )  # fmt: skip
    else:
        fees.append(FeeLine("gas", units=data.estimate_gas_fee, note="estimateGasFee"))
    if commission is not None:
        fees.append(FeeLine("commission", bps=commission * 100, note="feePercent, yours"))
    other = to_token.token_contract_address.lower() != asked.lower()
    return Quote(
        source=SOURCE_ID,
        route_id=None,
        name=name,
        out_amount=out,
        out_usd=usd_value(out, decimals, price if price is not None else spec.dst.usd_price),
        fee_pct=fee_pct,
        out_decimals=decimals,
        asset=AssetId.of(spec.dst.chain.key, to_token.token_contract_address) if other else None,
        asset_label=inert(delivered, limit=64) if other else "",
        warnings=(*_warnings(data.from_token, "sell"), *_warnings(to_token, "buy")),
        fees=tuple(fees),
        price_impact_pct=data.price_impact_percent,
        route_text=route,
        wire=data.model_dump(mode="json", by_alias=True, exclude={"sign_data"}),
    )
