"""Swapscanner as a quote source: Kaia only, one EIP-712 signed quote, one row.

The row carries ``estimatedAmountDeductingFee``, ``minimumAmount`` as its
minimum out, ``priceImpact`` (a fraction of one on the wire, a percentage
here), the Swapscanner and referrer fees, the exchanges of its routing as
its name, and each entry of the quote's ``errors`` as a warning (the quote
stands; the swap may revert until it is addressed). Every response code is
the source's error, in words. eth-account is imported on a worker thread
when the first request is signed (`warm` does it ahead of time).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from fractions import Fraction
from typing import TYPE_CHECKING

from pydantic import SecretStr

from a2a_tui.domain.amounts import percent_of
from a2a_tui.domain.quotes import FeeLine, Quote, QuoteSpec
from a2a_tui.domain.text import inert
from a2a_tui.domain.tokens import AssetId
from a2a_tui.providers.direct import DirectSource, Event, Pair, usd_value

if TYPE_CHECKING:
    from a2a_tui.providers.assets import Asset, AssetRegistry
    from a2a_tui.providers.swapscanner.client import SwapscannerClient
    from a2a_tui.providers.swapscanner.models import QuoteResponse

__all__ = ["SwapscannerSource", "to_quote"]

SOURCE_ID = "swapscanner"
CHAIN = "kaia"

#: The quote's own ``errors`` in words; others are shown as Swapscanner writes them.
_ERRORS = {
    "insufficient_input_token_balance": "the wallet holds less {symbol} than the amount",
    "insufficient_input_token_allowance": (
        "the router may not spend the wallet's {symbol} yet: an approval comes first"
    ),
}


class SwapscannerSource(DirectSource["SwapscannerClient"]):
    id = SOURCE_ID
    label = "Swapscanner"
    tag = "SSC"

    def required(self) -> tuple[str, ...]:
        return ("swapscanner.signer_key",)

    def pair_reason(self, spec: QuoteSpec) -> str | None:
        if spec.src.chain.key != CHAIN or spec.dst.chain.key != CHAIN:
            return "Kaia only"
        return None

    def build(self, secrets: dict[str, SecretStr | None]) -> SwapscannerClient:
        from a2a_tui.providers.swapscanner.client import SwapscannerClient
        from a2a_tui.providers.swapscanner.signing import signer_address

        key = secrets["swapscanner.signer_key"]
        assert key is not None
        signer_address(key)  # imports eth-account here, on this thread; a bad key raises
        return SwapscannerClient(self.context.base_url, key, timeouts=self.context.timeouts)

    async def quotes(
        self, client: SwapscannerClient, spec: QuoteSpec, pair: Pair
    ) -> AsyncIterator[Event]:
        from a2a_tui.providers.swapscanner.models import ZERO_ADDRESS, QuoteRequest

        src, dst = pair.src.swapscanner, pair.dst.swapscanner
        assert src is not None
        assert dst is not None
        settings = self.settings
        wallet = str(settings.get("wallet_address") or await client.referrer())
        bps = round(spec.slippage * 10_000)
        request = QuoteRequest.model_validate(
            {
                "slippage": max(0, min(10_000, bps)),
                "from": wallet,
                "to": wallet,
                "tokenInAddress": src.address,
                "tokenOutAddress": dst.address,
                "amount": self.amount_for(spec, pair.src),
                "referrerFeeToken": settings.get("referrer_fee_token") or 0,
                "referrerFee": settings.get("referrer_fee_bps") or 0,
                "referrerFeeTo": settings.get("referrer_fee_to") or ZERO_ADDRESS,
                "payWithSCNR": bool(settings.get("pay_with_scnr")),
            }
        )
        answer = await client.quote(request)
        yield to_quote(answer, spec, pair, self.context.assets())


def _asset_at(assets: AssetRegistry, address: str) -> Asset | None:
    """Swapscanner writes native KAIA as the zero address."""
    try:
        native = int(address, 16) == 0
    except ValueError:
        return None
    return assets.find(CHAIN, None if native else address)


def _fee(
    answer: QuoteResponse, kind: str, label: str, assets: AssetRegistry
) -> tuple[FeeLine, str, int] | None:
    fee = answer.fee(kind)
    if fee is None:
        return None
    asset = _asset_at(assets, fee.address)
    if asset is None:
        short = inert(f"{fee.address[:6]}…{fee.address[-4:]}", limit=16)
        return FeeLine(label, units=fee.amount, symbol=short), fee.address.lower(), fee.amount
    line = FeeLine(label, units=fee.amount, decimals=asset.decimals_for(SOURCE_ID),
                   symbol=asset.symbol)  # fmt: skip
    return line, fee.address.lower(), fee.amount


def to_quote(answer: QuoteResponse, spec: QuoteSpec, pair: Pair, assets: AssetRegistry) -> Quote:
    src, dst = pair.src.swapscanner, pair.dst.swapscanner
    assert src is not None
    assert dst is not None
    decimals = pair.dst.decimals_for(SOURCE_ID)
    output = answer.quote.output
    out = output.estimated_amount_deducting_fee
    fees, taken_in, taken_out = [], 0, 0
    for kind, label in (("swapscanner", "Swapscanner"), ("referrer", "referrer")):
        found = _fee(answer, kind, label, assets)
        if found is None:
            continue
        line, address, amount = found
        fees.append(line)
        if address == src.address.lower():
            taken_in += amount
        elif address == dst.address.lower():
            taken_out += amount
    sold = answer.input.amount or 1
    fee_pct = percent_of(
        Fraction(taken_in, sold) + Fraction(taken_out, out + taken_out or 1), Fraction(1)
    )
    symbol = inert(spec.src.symbol, limit=24)
    warnings = tuple(
        _ERRORS.get(error.message, "{message}").format(
            symbol=symbol, message=f"Swapscanner: {inert(error.message, limit=120)}"
        )
        for error in answer.quote.errors
    )
    exchanges = [inert(name, limit=24) for name in answer.exchanges]
    name = " + ".join(exchanges[:2]) or "Swapscanner"
    if len(exchanges) > 2:
        name += f" +{len(exchanges) - 2}"
    other = answer.output.address.lower() != dst.address.lower()
    delivered = _asset_at(assets, answer.output.address)
    return Quote(
        source=SOURCE_ID,
        route_id=None,
        name=name,
        out_amount=out,
        out_usd=usd_value(out, decimals, spec.dst.usd_price),
        fee_pct=fee_pct,
        out_decimals=decimals,
        asset=AssetId.of(CHAIN, answer.output.address) if other else None,
        asset_label=(delivered.key if delivered else inert(answer.output.address)) if other else "",
        min_out=output.minimum_amount,
        warnings=warnings,
        fees=tuple(fees),
        price_impact_pct=answer.quote.price_impact * 100,
        route_text=" · ".join(exchanges),
        wire=answer.model_dump(mode="json", by_alias=True, exclude={"quote": {"swap_tx"}}),
    )
