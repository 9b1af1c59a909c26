"""The token registry: the shipped file agrees with the simulator, and the
user's config extends it without ever breaking it."""

from __future__ import annotations

from a2a_tui.providers.assets import load_registry
from a2a_tui.sim.catalog import CHAINS, TOKENS
from a2a_tui.sim.direct.catalog import (
    CHANGELLY_IDS,
    OKX_CHAINS,
    SWAPKIT_CHAINS,
    SWAPSCANNER_NATIVE,
    okx_address,
    swapkit_id,
)


def test_the_shipped_registry_matches_every_simulated_asset() -> None:
    registry = load_registry()
    assert registry.problems == []
    chains = {c.chain_id: c for c in CHAINS}
    live = [t for t in TOKENS if chains[t.chain_id].enabled]
    assert len(registry) == len(live)
    for token in live:
        chain = chains[token.chain_id].key
        asset = registry.get(f"{token.symbol}@{chain}")
        assert asset is not None, token
        assert (asset.symbol, asset.chain, asset.decimals) == (token.symbol, chain, token.decimals)
        assert asset.contract == token.contract_address
        assert registry.find(chain, token.contract_address) == asset
        if chain in OKX_CHAINS:
            assert asset.okx is not None
            assert (asset.okx.chain_index, asset.okx.address) == (
                OKX_CHAINS[chain], okx_address(token, chain))  # fmt: skip
        else:
            assert asset.okx is None
        if chain in SWAPKIT_CHAINS:
            assert asset.swapkit is not None
            assert asset.swapkit.id == swapkit_id(token, chain)
        else:
            assert asset.swapkit is None
        ids = CHANGELLY_IDS.get(token.token_id)
        if ids is None:
            assert asset.changelly is None
        else:
            assert asset.changelly is not None
            assert (asset.changelly.token_id, asset.changelly.network_id) == (
                ids.token_id, ids.network_id)  # fmt: skip
        if chain == "kaia":
            assert asset.swapscanner is not None
            assert (
                asset.swapscanner.address == (token.contract_address or SWAPSCANNER_NATIVE).lower()
            )
        else:
            assert asset.swapscanner is None
        assert asset.decimals_for("okx") == token.decimals


def test_the_config_adds_and_corrects_rows_and_bad_rows_are_reported() -> None:
    registry = load_registry({
        "FOO@ethereum": {"symbol": "FOO", "chain": "ethereum", "decimals": 9, "contract": "0xf00",
                         "okx": {"chain_index": "1", "address": "0xf00"},
                         "changelly": {"network_id": 3, "contract_address": "0xf00",
                                       "decimals": 8}},
        "USDT@bsc": {"swapkit": {"id": "BSC.USDT-0x55d398326f99059fF775485246999027B3197955",
                                 "decimals": 6}},
        "BAD@ethereum": {"symbol": "BAD", "chain": "ethereum"},
        "WRONG@tron": {"symbol": "X", "chain": "bsc", "decimals": 1},
        "nokey": {"symbol": "X"},
        "ODD@solana": {"symbol": "ODD", "chain": "solana", "decimals": 6,
                       "changelly": {"network_id": 177}},
    })  # fmt: skip
    foo = registry.get("FOO@ethereum")
    assert foo is not None
    assert foo.providers == ("okx", "changelly")
    assert (foo.decimals_for("okx"), foo.decimals_for("changelly")) == (9, 8)
    usdt = registry.get("USDT@bsc")
    assert usdt is not None
    assert usdt.decimals == 18  # the rest of the shipped row stays
    assert usdt.decimals_for("swapkit") == 6
    assert usdt.okx is not None
    problems = "\n".join(registry.problems)
    assert "config [assets]: assets.'BAD@ethereum': decimals: Field required" in problems
    assert "assets.'WRONG@tron': chain 'bsc' is not the key's" in problems
    assert "assets.'nokey': a row is" in problems
    assert "assets.'ODD@solana': changelly: Value error, give token_id" in problems
    assert registry.get("BAD@ethereum") is None
    assert len(registry.problems) == 4
    assert len(registry.for_provider("swapscanner")) == 2


def test_start_up_imports_no_client_model_or_signing_library() -> None:
    """The app's start-up path reaches the registry (every spec) but not the
    clients, wire models or signing libraries: those load on first use."""
    import subprocess
    import sys

    probe = (
        "import sys, a2a_tui.ui.app, a2a_tui.services.credentials; "
        "print(sorted(m for m in sys.modules if m.startswith(('eth_account', 'eth_keys', "
        "'cryptography')) or m.endswith(('.client', '.models', '.check')) and "
        "m.startswith('a2a_tui.providers.') and not m.startswith('a2a_tui.providers.any2any')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
