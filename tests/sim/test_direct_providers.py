"""The simulated direct providers' shared surface: Kaia in the market, the demo
credentials, the provider faults, latency per provider."""

from __future__ import annotations

import time

import httpx
from conftest import MakeSim
from eth_account import Account
from helpers import quote_request, quotes, sim_get, sim_post
from pydantic import SecretStr

from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.okx.check import PROBE
from a2a_tui.providers.okx.client import OkxClient
from a2a_tui.providers.okx.signing import OkxCredentials
from a2a_tui.sim.direct.catalog import (
    OKX_DEMO,
    SWAPSCANNER_REFERRERS,
    SWAPSCANNER_SIGNER_KEY,
)

KAIA, USDT_KAIA = 13, 14


def test_the_demo_referrer_key_signs_as_the_authorized_referrer() -> None:
    assert {Account.from_key(SWAPSCANNER_SIGNER_KEY).address.lower()} == SWAPSCANNER_REFERRERS


async def test_kaia_is_a_chain_of_the_market(raw: httpx.AsyncClient) -> None:
    chains = {c["key"]: c for c in await sim_get(raw, "/api/v1/chains")}
    assert chains["kaia"] == {"chain_id": 7, "key": "kaia", "name": "Kaia",
                              "address_format": "evm", "enabled": True}  # fmt: skip
    tokens = {t["token_id"]: t for t in await sim_get(raw, "/api/v1/tokens")}
    assert (tokens[KAIA]["symbol"], tokens[KAIA]["decimals"], tokens[KAIA]["chain_id"]) == (
        "KAIA", 18, 7)  # fmt: skip
    assert tokens[USDT_KAIA]["contract_address"] == "0xd077A400968890Eacc75cdc901F0356c943e4fDb"


async def test_any2any_channels_quote_kaia_too(client: Any2AnyClient) -> None:
    found = await quotes(client, quote_request(KAIA, USDT_KAIA, 10_000 * 10**18))
    assert found
    assert all(1_100_000_000 < q.estimated_out_str < 1_300_000_000 for q in found)


async def test_config_and_faults_name_the_providers(raw: httpx.AsyncClient) -> None:
    config = await sim_get(raw, "/sim/config")
    assert config["providers"]["okx"]["base_url"] == f"{str(raw.base_url).rstrip('/')}/okx"
    assert config["providers"]["okx"]["okx.api_key"] == OKX_DEMO.api_key
    set_ = await sim_post(
        raw, "/sim/faults", {"providers": {"okx": "hang", "swapkit": "unavailable"}}
    )
    assert set_["providers"] == {"okx": "hang", "swapkit": "unavailable"}
    cleared = await sim_post(raw, "/sim/faults", {"providers": {"okx": None}})
    assert cleared["providers"] == {"swapkit": "unavailable"}
    for bad in ({"okx": "quote_under_maintenance"}, {"kraken": "hang"}):
        answer = await raw.post("/sim/faults", json={"providers": bad})
        assert answer.status_code == 400
        assert "swapscanner: hang, quote_under_maintenance, rate_limited" in answer.json()["msg"]


async def test_each_provider_takes_its_own_time(make_sim: MakeSim) -> None:
    server = make_sim(latency_scale=1.0)
    credentials = OkxCredentials(*(SecretStr(v) for v in (OKX_DEMO.api_key, OKX_DEMO.secret_key,
                                                          OKX_DEMO.passphrase)))  # fmt: skip
    async with OkxClient(f"{server.base_url}/okx", credentials) as okx:
        started = time.perf_counter()
        await okx.quote(PROBE)
        elapsed = time.perf_counter() - started
    assert 0.1 < elapsed < 2.0  # a median of 280 ms with log-normal jitter
