"""What the simulators never send: a honeypot, a taxed token, a provider that
delivers its own wrapped coin. The conversions, on hand-written answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fakes import ETH, SPEC, USDT

from a2a_tui.domain.quotes import QuoteSpec
from a2a_tui.engine.board import QuoteBoard, RowState
from a2a_tui.providers.assets import load_registry
from a2a_tui.providers.direct import Pair
from a2a_tui.providers.okx.models import QuoteData
from a2a_tui.providers.okx.source import to_quote as okx_quote
from a2a_tui.providers.swapkit.models import Route
from a2a_tui.providers.swapkit.source import route_quote

USDT_ADDRESS = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
WETH = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"
ETH_TO_USDT = QuoteSpec(ETH, USDT, 10**18, SPEC.slippage)


def token(address: str, symbol: str, decimals: int, **extra: Any) -> dict[str, Any]:
    return {"tokenContractAddress": address, "tokenSymbol": symbol, "decimal": decimals,
            "tokenUnitPrice": "1", "isHoneyPot": False, "taxRate": "0"} | extra  # fmt: skip


def okx(to: dict[str, Any], **changes: Any) -> QuoteData:
    body = {"chainIndex": "1", "swapMode": "exactIn", "fromTokenAmount": str(10**18),
            "toTokenAmount": "3100000000", "tradeFee": "2.1", "estimateGasFee": "1000",
            "router": "", "fromToken": token("0x" + "e" * 40, "ETH", 18),
            "toToken": to, "priceImpactPercent": "-0.2"} | changes  # fmt: skip
    return QuoteData.model_validate(body)


def test_okx_honeypots_and_taxes_are_warnings_on_the_row() -> None:
    data = okx(token(USDT_ADDRESS, "USDT", 6, isHoneyPot=True, taxRate="0.05"))
    quote = okx_quote(data, ETH_TO_USDT, asked=USDT_ADDRESS, delivered="USDT@ethereum",
                      native=("ETH", 18))  # fmt: skip
    assert quote.warnings == (
        "OKX flags USDT as a honeypot: it may not be sellable",
        "USDT has a 5% buy tax",
    )
    assert quote.asset is None  # what was asked


def test_okx_delivering_its_wrapped_coin_is_not_ranked() -> None:
    """Asked for native ETH, OKX names WETH: another asset, shown apart."""
    to_eth = QuoteSpec(USDT, ETH, 3_100_000_000, SPEC.slippage)
    data = okx(token(WETH, "WETH", 18), toTokenAmount=str(10**18),
               fromToken=token(USDT_ADDRESS, "USDT", 6))  # fmt: skip
    quote = okx_quote(data, to_eth, asked="0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                      delivered=f"{WETH}@ethereum", native=("ETH", 18))  # fmt: skip
    assert quote.asset is not None
    assert quote.asset.contract == WETH
    board = QuoteBoard(to_eth, {"okx": "OKX DEX"}, 0.0)
    board.apply([(0.1, quote)])
    (only,) = board.ranked()
    assert (only.row.state, only.rank) == (RowState.UNRANKED, None)
    assert only.row.error == f"not comparable: delivers {WETH}@ethereum"


def test_swapkit_route_of_another_buy_asset_is_not_ranked() -> None:
    registry = load_registry()
    eth, usdt = registry.get("ETH@ethereum"), registry.get("USDT@ethereum")
    assert eth is not None
    assert usdt is not None
    route = Route.model_validate({
        "routeId": "r1", "providers": ["ONEINCH"], "sellAsset": "ETH.ETH",
        "buyAsset": "ETH.USDC-0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "sellAmount": "1",
        "expectedBuyAmount": "3100.1234567", "expectedBuyAmountMaxSlippage": "3000",
        "fees": [{"type": "service", "amount": "1.5", "asset": "ETH.USDT-0xdAC1"}],
    })  # fmt: skip
    quote = route_quote(route, "ONEINCH", ETH_TO_USDT, Pair(eth, usdt), registry)
    assert quote.asset_label == "ETH.USDC-0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
    assert quote.out_amount == 3_100_123_456  # cut to USDT's 6 decimals, never rounded up
    (fee,) = quote.fees
    assert (fee.units, fee.decimals, fee.symbol) == (15, 1, "USDT")  # unknown id: its own digits
    assert quote.fee_pct == 0  # nothing taken in the bought asset
    assert quote.price_impact_pct is None
    assert quote.eta is None
    assert quote.out_usd == Decimal("3100.123456")  # at the listed price: no price in meta
