"""The simulated world: chains, tokens, channels, integrators and their API keys.

Numbers are plausible, not live: prices are late-2026 ballparks, channel fees
and latencies are chosen so that rankings differ by pair and by size. Names
are fictional on purpose, so nobody mistakes a demo for a real venue's price.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from a2a_tui.domain.addresses import AddressFormat

__all__ = [
    "API_KEYS",
    "CHAINS",
    "CHANNELS",
    "INTEGRATORS",
    "PROMOS",
    "TOKENS",
    "ApiKey",
    "SimChain",
    "SimChannel",
    "SimIntegrator",
    "SimToken",
    "synthetic_channels",
]


@dataclass(frozen=True, slots=True)
class SimChain:
    chain_id: int
    key: str
    name: str
    address_format: AddressFormat
    enabled: bool = True
    refund_gas_usd: Decimal = Decimal("1")


@dataclass(frozen=True, slots=True)
class SimToken:
    token_id: int
    symbol: str
    name: str
    decimals: int
    chain_id: int
    contract_address: str | None
    usd_price: Decimal
    drift_bps: int  # amplitude of the deterministic price wobble; 0-2 for stablecoins


@dataclass(frozen=True, slots=True)
class SimChannel:
    channel_id: int
    name: str
    icon: str
    fee_pct: Decimal
    spread_bps: int
    impact_bps_per_musd: int  # price impact grows linearly with order size in USD
    latency_ms: int  # median answer time at latency scale 1
    jitter: float  # log-normal sigma of the answer time
    error_rate: float
    timeout_rate: float
    chains: frozenset[str] | None = None  # None: every enabled chain
    promo_eligible: bool = True
    min_usd: Decimal = Decimal("1")
    max_usd: Decimal = Decimal("5000000")
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class SimIntegrator:
    integrator_id: int
    name: str
    enabled: bool
    tier_fee_pct: Decimal  # the B2B tier fee the backend adds on API-key orders


@dataclass(frozen=True, slots=True)
class ApiKey:
    key: str
    integrator_id: int
    fee_rate: Decimal  # integrator commission, percent (0.01 to 10.00)
    enabled: bool


CHAINS: tuple[SimChain, ...] = (
    SimChain(1, "ethereum", "Ethereum", AddressFormat.EVM, refund_gas_usd=Decimal("2.40")),
    SimChain(2, "bitcoin", "Bitcoin", AddressFormat.BITCOIN, refund_gas_usd=Decimal("1.80")),
    SimChain(3, "solana", "Solana", AddressFormat.SOLANA, refund_gas_usd=Decimal("0.01")),
    SimChain(4, "tron", "Tron", AddressFormat.TRON, refund_gas_usd=Decimal("1.10")),
    SimChain(5, "bsc", "BNB Smart Chain", AddressFormat.EVM, refund_gas_usd=Decimal("0.08")),
    # Retired: its tokens still resolve, quoting them answers "chain not found".
    SimChain(6, "terra", "Terra Classic", AddressFormat.EVM, enabled=False),
    # EVM chain id 8217; Swapscanner's only chain.
    SimChain(7, "kaia", "Kaia", AddressFormat.EVM, refund_gas_usd=Decimal("0.01")),
)

_ETH, _BTC, _SOL, _TRON, _BSC, _TERRA, _KAIA = 1, 2, 3, 4, 5, 6, 7

TOKENS: tuple[SimToken, ...] = (
    SimToken(1, "USDT", "Tether USD", 6, _ETH,
             "0xdAC17F958D2ee523a2206206994597C13D831ec7", Decimal("1.0002"), 1),
    SimToken(2, "USDC", "USD Coin", 6, _ETH,
             "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", Decimal("0.9999"), 1),
    SimToken(3, "ETH", "Ether", 18, _ETH, None, Decimal("3150.42"), 25),
    SimToken(4, "WBTC", "Wrapped Bitcoin", 8, _ETH,
             "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599", Decimal("97012.50"), 20),
    SimToken(5, "BTC", "Bitcoin", 8, _BTC, None, Decimal("97250.00"), 20),
    SimToken(6, "SOL", "Solana", 9, _SOL, None, Decimal("185.37"), 35),
    SimToken(7, "USDC", "USD Coin", 6, _SOL,
             "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", Decimal("0.9998"), 1),
    SimToken(8, "TRX", "Tron", 6, _TRON, None, Decimal("0.2481"), 30),
    SimToken(9, "USDT", "Tether USD", 6, _TRON,
             "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", Decimal("1.0001"), 1),
    SimToken(10, "BNB", "BNB", 18, _BSC, None, Decimal("641.18"), 25),
    SimToken(11, "USDT", "Tether USD", 18, _BSC,
             "0x55d398326f99059fF775485246999027B3197955", Decimal("1.0000"), 1),
    SimToken(12, "LUNC", "Terra Luna Classic", 6, _TERRA, None, Decimal("0.00009"), 50),
    SimToken(13, "KAIA", "Kaia", 18, _KAIA, None, Decimal("0.1250"), 35),
    SimToken(14, "USDT", "Tether USD", 6, _KAIA,
             "0xd077A400968890Eacc75cdc901F0356c943e4fDb", Decimal("1.0001"), 1),
)  # fmt: skip

_ICON = "https://static.any2any.example/channels/{}.png"
_EVM = frozenset({"ethereum", "bsc"})

CHANNELS: tuple[SimChannel, ...] = (
    SimChannel(101, "Arbor Bridge", _ICON.format("arbor"), Decimal("0.30"), 8, 40, 120, 0.35,
               error_rate=0.02, timeout_rate=0.0),
    SimChannel(102, "Cobalt Swap", _ICON.format("cobalt"), Decimal("0.25"), 12, 60, 350, 0.45,
               error_rate=0.03, timeout_rate=0.01),
    SimChannel(103, "Helix Router", _ICON.format("helix"), Decimal("0.10"), 15, 90, 80, 0.30,
               error_rate=0.01, timeout_rate=0.0, chains=_EVM | {"solana"}),
    SimChannel(104, "Nimbus Relay", _ICON.format("nimbus"), Decimal("0.40"), 4, 20, 900, 0.50,
               error_rate=0.05, timeout_rate=0.02, promo_eligible=False),
    SimChannel(105, "Quill Cross", _ICON.format("quill"), Decimal("0.20"), 10, 150, 1800, 0.60,
               error_rate=0.08, timeout_rate=0.05, min_usd=Decimal("25")),
    SimChannel(106, "Tidewater", _ICON.format("tidewater"), Decimal("0.35"), 6, 30, 2600, 0.55,
               error_rate=0.04, timeout_rate=0.03, chains=frozenset({"bitcoin", "ethereum",
                                                                     "tron"})),
    SimChannel(107, "Lumen Pools", _ICON.format("lumen"), Decimal("0.15"), 20, 200, 45, 0.25,
               error_rate=0.02, timeout_rate=0.0, max_usd=Decimal("250000")),
)  # fmt: skip

PROMOS: dict[str, Decimal] = {"WELCOME": Decimal(20), "VIP50": Decimal(50)}

INTEGRATORS: tuple[SimIntegrator, ...] = (
    SimIntegrator(1001, "Demo Wallet", True, Decimal("0.10")),
    SimIntegrator(1002, "Suspended Exchange", False, Decimal("0.10")),
    SimIntegrator(1003, "Other Integrator", True, Decimal("0.05")),
)

API_KEYS: tuple[ApiKey, ...] = (
    # The guide's own example key, so its curl examples work verbatim.
    ApiKey("aaaabbbbccccddddeeeeffff00001111", 1001, Decimal("0.30"), True),
    ApiKey("a2a_demo_lowfee_0123456789abcdef", 1001, Decimal("0.05"), True),
    ApiKey("a2a_demo_disabled_fedcba98765432", 1001, Decimal("0.20"), False),
    ApiKey("a2a_demo_suspended_0000000000001", 1002, Decimal("0.10"), True),
    ApiKey("a2a_demo_other_000000000000000001", 1003, Decimal("0.25"), True),
)


def synthetic_channels(count: int, seed: int) -> tuple[SimChannel, ...]:
    """Extra channels for load tests: varied fees and latencies, no failures."""
    rng = random.Random(f"synthetic:{seed}")
    return tuple(
        SimChannel(
            channel_id=1001 + i,
            name=f"Synthetic {i + 1:04d}",
            icon=_ICON.format(f"synthetic-{i + 1}"),
            fee_pct=Decimal(rng.randint(5, 60)) / 100,
            spread_bps=rng.randint(2, 25),
            impact_bps_per_musd=rng.randint(10, 200),
            latency_ms=rng.randint(20, 3000),
            jitter=0.3,
            error_rate=0.0,
            timeout_rate=0.0,
        )
        for i in range(count)
    )
