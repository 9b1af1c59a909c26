"""The four direct providers as quote sources, against their simulators on loopback:
every mapped field, their errors, what cannot be asked, rate limits, hangs."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import httpx
import pytest
from conftest import MakeSim
from direct_helpers import direct_backend, quote_board

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import Quote, SourceFinished
from a2a_tui.engine.board import QuoteBoard, Ranked, RowState
from a2a_tui.providers.http.wire import units_of
from a2a_tui.sim.direct.catalog import (
    CHANGELLY_AFFILIATE_KEY,
    OKX_DEXES,
    OKX_GAS_USD,
    SWAPSCANNER_EXCHANGES,
)
from a2a_tui.sim.server import SimServer

ETH_USDT = QuoteArgs("ETH@ethereum", "USDT@ethereum", "1.5")
KAIA_USDT = QuoteArgs("KAIA", "USDT@kaia", "1000")
ONLY = {"enabled": True}
OFF = {"enabled": False}


def only(provider: str) -> dict[str, dict[str, bool]]:
    """Every direct provider off but ``provider``."""
    return {p: (ONLY if p == provider else OFF) for p in ("okx", "swapscanner", "changelly",
                                                          "swapkit")}  # fmt: skip


def row(board: QuoteBoard, source: str, route: str | int | None = None) -> Ranked:
    found = board.find((source, route))
    assert found is not None, [r.row.key for r in board.ranked()]
    return found


def quote_of(ranked: Ranked) -> Quote:
    assert ranked.row.quote is not None, (ranked.row.state, ranked.row.error)
    return ranked.row.quote


async def faults(sim: SimServer, **providers: str | None) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as http:
        answer = await http.post("/sim/faults", json={"providers": providers})
        assert answer.status_code == 200, answer.text


# -- OKX ---------------------------------------------------------------------------


async def test_okx_maps_every_field_of_its_answer(sim: SimServer) -> None:
    backend = direct_backend(sim, only("okx"))
    board, _ = await quote_board(backend, ETH_USDT)
    await backend.close()
    okx = row(board, "okx")
    quote, wire = quote_of(okx), quote_of(okx).wire
    assert okx.row.state is RowState.QUOTED
    assert okx.rank is not None
    assert quote.out_amount == int(str(wire["toTokenAmount"]))
    assert quote.out_decimals == 6 == int(str(wire["toToken"]["decimal"]))  # type: ignore[index]
    names = {dex.name for dex in OKX_DEXES["ethereum"]}
    assert set(quote.name.split(" + ")) <= names  # the venues of dexRouterList
    assert "%" in quote.route_text
    assert "router" in quote.route_text
    network, gas = quote.fees
    assert (network.label, network.usd) == ("network", OKX_GAS_USD["ethereum"])  # tradeFee
    assert (gas.label, gas.units, gas.decimals, gas.symbol) == (
        "gas",
        int(str(wire["estimateGasFee"])),
        18,
        "ETH",
    )
    assert quote.price_impact_pct == Decimal(str(wire["priceImpactPercent"]))
    # the fee rate: tradeFee against the amount sold at the listed price
    paid = Fraction(15, 10) * Fraction(board.spec.src.usd_price or 0)
    expected = round(Fraction(OKX_GAS_USD["ethereum"]) * 100 / paid * 10_000)
    assert quote.fee_pct == Decimal(expected).scaleb(-4).normalize()
    assert quote.warnings == ()  # the simulator's tokens are neither honeypots nor taxed


async def test_okx_refusals_are_the_sources_error(sim: SimServer) -> None:
    await faults(sim, okx="unavailable")
    backend = direct_backend(sim, only("okx"))
    board, _ = await quote_board(backend, ETH_USDT)
    await backend.close()
    okx = row(board, "okx")
    assert okx.row.state is RowState.FAILED
    assert "code 50026" in (okx.row.error or "")
    assert board.status().problems == ()  # a refusal is the row's error, as a channel's is
    assert board.status().failed == 1


async def test_okx_wrong_secret_is_a_bad_signature(sim: SimServer) -> None:
    backend = direct_backend(sim, only("okx"), secrets={"okx.secret_key": "not-the-secret"})
    board, _ = await quote_board(backend, ETH_USDT)
    await backend.close()
    assert "code 50113" in (row(board, "okx").row.error or "")


# -- Swapscanner -----------------------------------------------------------------------


async def test_swapscanner_maps_every_field_of_its_answer(sim: SimServer) -> None:
    backend = direct_backend(sim, only("swapscanner"))
    board, _ = await quote_board(backend, QuoteArgs("USDT@kaia", "KAIA", "100"))
    await backend.close()
    found = row(board, "swapscanner")
    quote, wire = quote_of(found), quote_of(found).wire
    output = wire["quote"]["output"]  # type: ignore[index]
    assert quote.out_amount == int(output["estimatedAmountDeductingFee"])
    assert quote.min_out == found.min_out == int(output["minimumAmount"])
    assert quote.price_impact_pct == Decimal(str(wire["quote"]["priceImpact"])) * 100  # type: ignore[index]
    assert set(SWAPSCANNER_EXCHANGES) >= set(quote.route_text.split(" · "))
    assert quote.name.startswith(SWAPSCANNER_EXCHANGES[0])
    (fee,) = quote.fees  # Swapscanner's, from the bought KAIA; no referrer fee set
    fees = wire["quote"]["fees"]  # type: ignore[index]
    assert (fee.label, fee.units, fee.decimals, fee.symbol) == (
        "Swapscanner",
        int(fees[0]["fee"]["amount"]),
        18,
        "KAIA",
    )
    assert quote.fee_pct == Decimal("0.1")
    # the quote's own errors are warnings: USDT needs an approval first
    assert quote.warnings == (
        "the router may not spend the wallet's USDT yet: an approval comes first",
    )


async def test_swapscanner_referrer_fee_and_balance_warning(sim: SimServer) -> None:
    wallet = "0x" + "12" * 20  # holds nothing in the simulator
    settings = {"enabled": True, "wallet_address": wallet, "referrer_fee_token": 2,
                "referrer_fee_bps": 25, "referrer_fee_to": "0x" + "34" * 20}  # fmt: skip
    backend = direct_backend(sim, only("swapscanner") | {"swapscanner": settings})
    board, _ = await quote_board(backend, KAIA_USDT)
    await backend.close()
    quote = quote_of(row(board, "swapscanner"))
    assert [f.label for f in quote.fees] == ["Swapscanner", "referrer"]
    assert quote.fee_pct is not None
    assert Decimal("0.34") < quote.fee_pct < Decimal("0.36")
    assert quote.warnings == ("the wallet holds less KAIA than the amount",)


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("quote_under_maintenance", "quote_under_maintenance: under maintenance"),
        ("rate_limited", "rate_limited: too many requests"),
    ],
)
async def test_swapscanner_response_codes_are_readable(
    sim: SimServer, fault: str, said: str
) -> None:
    await faults(sim, swapscanner=fault)
    backend = direct_backend(sim, only("swapscanner"))
    board, _ = await quote_board(backend, KAIA_USDT)
    await backend.close()
    assert (row(board, "swapscanner").row.error or "").startswith(said)


async def test_swapscanner_with_a_key_the_referrer_list_lacks(sim: SimServer) -> None:
    backend = direct_backend(sim, only("swapscanner"),
                             secrets={"swapscanner.signer_key": "0x" + "5" * 64})  # fmt: skip
    board, _ = await quote_board(backend, KAIA_USDT)
    await backend.close()
    assert (row(board, "swapscanner").row.error or "").startswith(
        "bad_referrer: the referrer address is not authorized"
    )


# -- Changelly ---------------------------------------------------------------------------


async def test_changelly_maps_every_field_and_its_own_expiry(sim: SimServer) -> None:
    backend = direct_backend(sim, only("changelly"))
    board, _ = await quote_board(backend, ETH_USDT)
    await backend.close()
    found = row(board, "changelly")
    quote, wire = quote_of(found), quote_of(found).wire
    assert quote.out_amount == int(wire["to"]["amount"])  # type: ignore[index]
    assert quote.min_out == found.min_out == int(wire["to"]["min_amount"])  # type: ignore[index]
    (fee,) = quote.fees
    changelly = wire["fees"]["changelly"]  # type: ignore[index]
    assert (fee.label, fee.units, fee.decimals, fee.symbol, fee.bps) == (
        "Changelly",
        int(changelly["amount"]),
        18,
        "ETH",
        Decimal(100),
    )
    assert quote.fee_pct == 1
    assert quote.expires_at is not None
    assert quote.valid_for is not None
    assert int(quote.expires_at.timestamp() * 1_000_000) == wire["expires_at"]
    assert 25 < quote.valid_for <= 30  # the simulator's quotes stand 30 s
    assert found.row.stale_at is not None
    assert found.row.arrived_at is not None
    assert found.row.stale_at - found.row.arrived_at == pytest.approx(quote.valid_for)


async def test_changelly_affiliate_key_alone(sim: SimServer) -> None:
    backend = direct_backend(
        sim,
        only("changelly") | {"changelly": {"enabled": True, "auth": "api_key"}},
        secrets={"changelly.api_key": CHANGELLY_AFFILIATE_KEY, "changelly.private_key": None},
    )
    board, _ = await quote_board(backend, ETH_USDT)
    await backend.close()
    quote = quote_of(row(board, "changelly"))
    assert [(f.label, f.bps) for f in quote.fees] == [("Changelly", 100), ("affiliate", 50)]
    assert quote.fee_pct == Decimal("1.5")


# -- SwapKit -------------------------------------------------------------------------------


async def test_swapkit_routes_are_rows_named_by_their_providers(sim: SimServer) -> None:
    backend = direct_backend(sim, only("swapkit"))
    board, _ = await quote_board(backend, ETH_USDT)
    await backend.close()
    routes = [r for r in board.ranked() if r.row.key[0] == "swapkit"]
    assert {r.row.key[1] for r in routes} == {"THORCHAIN", "CHAINFLIP", "MAYACHAIN", "NEAR",
                                              "ONEINCH"}  # fmt: skip
    assert board.find(("swapkit", None)) is None  # the placeholder made way
    tags: set[str] = set()
    for ranked in routes:
        quote, wire = quote_of(ranked), quote_of(ranked).wire
        assert quote.name == ranked.row.key[1]
        assert quote.out_amount == units_of(Decimal(str(wire["expectedBuyAmount"])), 6)
        assert (
            quote.min_out
            == ranked.min_out
            == units_of(Decimal(str(wire["expectedBuyAmountMaxSlippage"])), 6)
        )
        assert quote.eta == float(wire["estimatedTime"]["total"])  # type: ignore[index]
        assert {f.label for f in quote.fees} >= {"liquidity", "service"}
        for fee in quote.fees:
            assert (fee.decimals, fee.symbol) == (6, "USDT")
        tags |= set(quote.provider_tags)
    assert tags == {"RECOMMENDED", "CHEAPEST", "FASTEST"}
    cheapest = next(r for r in routes if "CHEAPEST" in quote_of(r).provider_tags)
    assert cheapest.rank == min(r.rank or 99 for r in routes)  # most output: SwapKit agrees


async def test_swapkit_provider_errors_are_error_rows(sim: SimServer) -> None:
    """0.002 ETH (about 6 USD): THORCHAIN, MAYACHAIN (10 USD) and CHAINFLIP (20 USD)
    refuse the size; NEAR and ONEINCH answer."""
    backend = direct_backend(sim, only("swapkit"))
    board, _ = await quote_board(backend, QuoteArgs("ETH@ethereum", "USDT@ethereum", "0.002"))
    await backend.close()
    states = {r.row.key[1]: r.row.state for r in board.ranked() if r.row.key[0] == "swapkit"}
    assert states == {"NEAR": RowState.QUOTED, "ONEINCH": RowState.QUOTED,
                      "THORCHAIN": RowState.FAILED, "MAYACHAIN": RowState.FAILED,
                      "CHAINFLIP": RowState.FAILED}  # fmt: skip
    assert (row(board, "swapkit", "THORCHAIN").row.error or "").startswith("noRoutesFound: ")


async def test_swapkit_no_route_at_all_is_the_sources_error(sim: SimServer) -> None:
    backend = direct_backend(sim, only("swapkit"))
    board, _ = await quote_board(backend, QuoteArgs("ETH@ethereum", "USDT@ethereum", "0.0001"))
    await backend.close()
    whole = row(board, "swapkit")
    assert whole.row.state is RowState.FAILED
    assert (whole.row.error or "").startswith("No routes found for swap from ETH.ETH to")
    assert row(board, "swapkit", "NEAR").row.state is RowState.FAILED


async def test_swapkit_warnings_ride_on_their_route(sim: SimServer) -> None:
    backend = direct_backend(sim, only("swapkit"))
    board, _ = await quote_board(backend, QuoteArgs("ETH@ethereum", "USDT@ethereum", "500"))
    await backend.close()
    warned = [r for r in board.ranked() if r.row.quote is not None and r.row.quote.warnings]
    assert warned
    assert all(w.startswith("High price impact (") for r in warned for w in quote_of(r).warnings)


async def test_swapkit_is_held_back_at_its_budget_instead_of_sending(sim: SimServer) -> None:
    swapkit = {"swapkit": {"enabled": True, "rate_limit_per_minute": 1}}
    backend = direct_backend(sim, only("swapkit") | swapkit)
    first, _ = await quote_board(backend, ETH_USDT)
    second, arrivals = await quote_board(backend, ETH_USDT)
    await backend.close()
    assert row(first, "swapkit", "NEAR").row.state is RowState.QUOTED
    held = row(second, "swapkit")
    assert held.row.state is RowState.UNAVAILABLE
    assert (held.row.error or "").startswith("held back until ")
    assert held.row.error.endswith("(1 requests a minute)")  # type: ignore[union-attr]
    assert sim.sim.swapkit.quotes == 1  # the second was never sent
    assert SourceFinished("swapkit", False, held.row.error, False) in [e for _, e in arrivals]
    assert second.status().problems == ()  # held back is not an error of the quote


async def test_swapkit_429_blocks_until_retry_after(sim: SimServer) -> None:
    await faults(sim, swapkit="rate_limited")
    backend = direct_backend(sim, only("swapkit"))
    board, _ = await quote_board(backend, ETH_USDT)
    again, _ = await quote_board(backend, ETH_USDT)
    await backend.close()
    for each in (board, again):
        held = row(each, "swapkit")
        assert held.row.state is RowState.UNAVAILABLE, held.row.error
        assert "held back until" in (held.row.error or "")


# -- what cannot be asked ------------------------------------------------------------


def reasons(board: QuoteBoard) -> dict[str, str | None]:
    return {r.row.key[0]: r.row.error for r in board.ranked()
            if r.row.state is RowState.UNAVAILABLE}  # fmt: skip


async def test_every_provider_says_why_it_cannot_be_asked(sim: SimServer) -> None:
    backend = direct_backend(sim)
    board, _ = await quote_board(backend, QuoteArgs("ETH@ethereum", "USDT@tron", "1.5"))
    kaia, _ = await quote_board(backend, KAIA_USDT)
    btc, _ = await quote_board(backend, QuoteArgs("BTC", "ETH", "0.1"))
    await backend.close()
    assert reasons(board) == {"okx": "not available: same-chain swaps only",
                              "swapscanner": "not available: Kaia only"}  # fmt: skip
    assert reasons(kaia) == {
        "changelly": "not available: no Changelly name for KAIA@kaia (the token registry)",
        "swapkit": "not available: no SwapKit name for KAIA@kaia (the token registry)",
    }
    assert reasons(btc)["changelly"] == (
        "not available: no Changelly name for BTC@bitcoin (the token registry)"
    )
    for each in (board, kaia, btc):
        assert each.phase.value == "complete"  # not available is not incomplete


async def test_disabled_and_credentials_missing(sim: SimServer) -> None:
    backend = direct_backend(
        sim,
        {"okx": OFF},
        secrets={"changelly.private_key": None, "swapkit.api_key": None},
    )
    board, _ = await quote_board(backend, ETH_USDT)
    await backend.close()
    assert reasons(board) == {
        "okx": "not available: disabled in settings ([providers.okx] enabled)",
        "swapscanner": "not available: Kaia only",
        "changelly": "not available: no RSA private key (PEM) set",
        "swapkit": "not available: no API key set",
    }
    assert board.status().answered == 7  # every Any2Any channel still answered


async def test_a_channel_filter_asks_any2any_alone(sim: SimServer) -> None:
    backend = direct_backend(sim)
    args = QuoteArgs("ETH@ethereum", "USDT@ethereum", "1.5", channel=101)
    board, _ = await quote_board(backend, args)
    await backend.close()
    assert set(reasons(board)) == {"okx", "swapscanner", "changelly", "swapkit"}
    assert reasons(board)["okx"] == "not available: the quote is for one Any2Any channel"


# -- concurrency ---------------------------------------------------------------------


async def test_a_hanging_provider_is_cut_while_the_others_arrive(make_sim: MakeSim) -> None:
    sim = make_sim()
    await faults(sim, okx="hang")
    timeouts: dict[str, Any] = {"connect": 1.0, "read": 0.5}
    backend = direct_backend(sim, timeouts=timeouts)
    board, arrivals = await quote_board(backend, ETH_USDT)
    await backend.close()
    okx = row(board, "okx")
    assert okx.row.state is RowState.FAILED
    host = sim.base_url.partition("://")[2]
    assert okx.row.error == f"no answer from {host} in time"  # httpx's read timeout, 0.5 s
    cut = next(at for at, e in arrivals if isinstance(e, SourceFinished) and e.source == "okx")
    others = [at for at, e in arrivals if isinstance(e, Quote)]
    assert len(others) == 7 + 1 + 5  # Any2Any, Changelly, SwapKit: nothing waited for OKX
    assert max(others) < cut
    assert cut - board.started_at == pytest.approx(0.5, abs=0.4)
