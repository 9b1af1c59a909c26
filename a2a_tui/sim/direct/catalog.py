"""How each direct provider names the simulated tokens, its venues, and the
demo credentials. The same identities ship in ``providers/assets.toml``; a
test holds the two tables together.

Chain indexes and SwapKit identifiers are the providers' real ones. Changelly's
network and token ids are its own: the guide's sample gives 3 (a 6-decimal
USDT, token 278) and 177 (a 9-decimal native coin, token 678, Solana); the
rest are the simulator's. Venue names below the providers (OKX's DEXes) are
fictional, like Any2Any's channels; Swapscanner's exchanges are the ones its
guide's example names.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from a2a_tui.sim.catalog import SimChannel, SimToken

__all__ = [
    "CHANGELLY_AFFILIATE_BPS",
    "CHANGELLY_AFFILIATE_KEY",
    "CHANGELLY_BPS",
    "CHANGELLY_DEMO_API_KEY",
    "CHANGELLY_DEMO_PEM",
    "CHANGELLY_IDS",
    "CHANGELLY_NETWORKS",
    "CHANGELLY_VENUE",
    "EVM_NATIVE",
    "OKX_CHAINS",
    "OKX_DEMO",
    "OKX_DEXES",
    "OKX_GAS_USD",
    "OKX_IMPACT_BPS_PER_MUSD",
    "OKX_LATENCY_MS",
    "OKX_NATIVE",
    "OKX_VENUE_FEE",
    "SWAPKIT_BLACKLIST",
    "SWAPKIT_CHAINS",
    "SWAPKIT_CHAIN_SECONDS",
    "SWAPKIT_KEYS",
    "SWAPKIT_LATENCY_MS",
    "SWAPKIT_SERVICE_BPS",
    "SWAPKIT_VENUES",
    "SWAPSCANNER_EXCHANGES",
    "SWAPSCANNER_NATIVE",
    "SWAPSCANNER_REFERRERS",
    "SWAPSCANNER_SIGNER_KEY",
    "SWAPSCANNER_VENUE",
    "ChangellyId",
    "OkxDex",
    "OkxKey",
    "SwapKitVenue",
    "okx_address",
    "swapkit_id",
    "venue",
]

EVM_NATIVE = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"


def venue(name: str, fee: str, spread: int, impact: int, latency_ms: int, *,
          chains: frozenset[str] | None, min_usd: str = "1",
          max_usd: str = "2000000") -> SimChannel:  # fmt: skip
    """A direct venue priced like an Any2Any channel (never listed as one)."""
    return SimChannel(
        channel_id=0, name=name, icon="", fee_pct=Decimal(fee), spread_bps=spread,
        impact_bps_per_musd=impact, latency_ms=latency_ms, jitter=0.3, error_rate=0.0,
        timeout_rate=0.0, chains=chains, promo_eligible=False, min_usd=Decimal(min_usd),
        max_usd=Decimal(max_usd),
    )  # fmt: skip


# -- OKX DEX -----------------------------------------------------------------------

OKX_CHAINS: dict[str, str] = {"ethereum": "1", "bsc": "56", "solana": "501", "tron": "195",
                              "kaia": "8217"}  # fmt: skip
#: How OKX writes each chain's native coin.
OKX_NATIVE: dict[str, str] = {
    "ethereum": EVM_NATIVE,
    "bsc": EVM_NATIVE,
    "kaia": EVM_NATIVE,
    "solana": "11111111111111111111111111111111",
    "tron": "T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb",
}
#: Network cost of a swap route, USD (``tradeFee``).
OKX_GAS_USD: dict[str, Decimal] = {
    "ethereum": Decimal("2.10"), "bsc": Decimal("0.06"), "solana": Decimal("0.002"),
    "tron": Decimal("0.90"), "kaia": Decimal("0.004"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class OkxDex:
    dex_id: str
    name: str
    spread_bps: int


#: The liquidity sources of each chain; a quote splits across the best two allowed.
OKX_DEXES: dict[str, tuple[OkxDex, ...]] = {
    "ethereum": (OkxDex("1", "Orchard V2", 14), OkxDex("2", "Orchard V3", 6),
                 OkxDex("25", "Basalt Stable", 4), OkxDex("40", "Saltmarsh", 9)),
    "bsc": (OkxDex("101", "Pancake Meadow", 7), OkxDex("102", "Biscuit Swap", 11)),
    "solana": (OkxDex("301", "Lagoon CLMM", 5), OkxDex("302", "Whirl Pools", 8)),
    "tron": (OkxDex("401", "Sun Terrace", 12), OkxDex("402", "Dune Swap", 15)),
    "kaia": (OkxDex("801", "Lantern AMM", 18), OkxDex("802", "Kelp Pools", 22)),
}  # fmt: skip
OKX_VENUE_FEE = "0"
OKX_IMPACT_BPS_PER_MUSD = 80
OKX_LATENCY_MS = 280


def okx_address(token: SimToken, chain_key: str) -> str:
    return token.contract_address or OKX_NATIVE[chain_key]


@dataclass(frozen=True, slots=True)
class OkxKey:
    api_key: str
    secret_key: str
    passphrase: str


OKX_DEMO = OkxKey(
    "a2a0demo-okx0-4000-8000-000000000001",
    "A2ADEMO0OKX0SECRET0KEY000000000000000001",
    "Demo-Passphrase-1",
)

# -- Swapscanner -------------------------------------------------------------------

SWAPSCANNER_NATIVE = "0x0000000000000000000000000000000000000000"
SWAPSCANNER_VENUE = venue("Swapscanner Navigator", "0.10", 10, 300, 350,
                          chains=frozenset({"kaia"}), min_usd="0.01")  # fmt: skip
#: The demo referrer's signing key (a demo credential, published; it protects nothing).
SWAPSCANNER_SIGNER_KEY = "0x908c82c0b7fe3ce59c237c7197108fea19d2da9235a0681d57c91ca78d814658"
#: Authorized referrers (lowercase): the demo key's address. A test derives it.
SWAPSCANNER_REFERRERS = frozenset({"0xfbbd4ef7cf094cda0d9c3a8355989b217d59281a"})
SWAPSCANNER_EXCHANGES = ("KLAYswap", "KokonutSwap", "ClaimSwap")

# -- Changelly ---------------------------------------------------------------------

CHANGELLY_NETWORKS: dict[str, int] = {"ethereum": 3, "bsc": 56, "solana": 177, "tron": 195}


@dataclass(frozen=True, slots=True)
class ChangellyId:
    token_id: int
    network_id: int


#: Sim token id -> Changelly's ids.
CHANGELLY_IDS: dict[int, ChangellyId] = {
    1: ChangellyId(278, 3), 2: ChangellyId(279, 3), 3: ChangellyId(4670, 3),
    4: ChangellyId(3717, 3), 6: ChangellyId(678, 177), 7: ChangellyId(679, 177),
    8: ChangellyId(1958, 195), 9: ChangellyId(826, 195), 10: ChangellyId(1839, 56),
    11: ChangellyId(825, 56),
}  # fmt: skip
CHANGELLY_VENUE = venue("Changelly", "1.00", 15, 60, 650,
                        chains=frozenset(CHANGELLY_NETWORKS), min_usd="1",
                        max_usd="500000")  # fmt: skip
CHANGELLY_BPS = 100
CHANGELLY_AFFILIATE_BPS = 50
#: A plain affiliate key (the x-api-key-only form): fees include the affiliate's.
CHANGELLY_AFFILIATE_KEY = "a2a-demo-changelly-affiliate-0000000001"
#: The demo partner's RSA key (a demo credential, published; it protects nothing).
#: Its x-api-key is base64(SHA-256(the public key's PKCS#1 DER)).
CHANGELLY_DEMO_PEM = """-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQCsAiu7uLkVpPIi
KBDph1iCwn8QsWqsg9MbQc6SVGCXOuP7nQyy0l4aICvHRoHUe+qEbMeW/BsjlzrG
ELB+KlaiEXdS0WM8095IBA3bUeVzYYswMkPvRfGFWrX7RbUyoESK8euZZQRpM3xt
sYUBI+UR+CmJfKZJVqbOAAZ+THCebm3sWQ/Usqglo9lL6G4LOyFGPPLC8q95uWuG
8IhWhJFPAluWeZhvxIZwtAk6SMSMk+G3PlrDJiKs11vczehejCIv52wfgnO4BKFW
pFMCXdGf2P47t1gblK8v1E9PNI/SsEaO2f6LuzHlHIrUHr4stOtxH6t7dXMyFflu
XXyBv+HFAgMBAAECggEACWOL8hD071jDy7f+plSYMPj/WRCqFzUR3JrEtQmMhSy2
fYk2xHsFnmzznsq7Mvc5l5VddqEXtSNf1qhaDeTvOiT0a62Yul0BNNKd1AMeIGRq
ZczUlvatJn+LT+Yf7B3B6Aio+MRCD6D7EXy/Ww7Txd2THNlUNUwYykVHlXTEL+2V
mRnJsK+u22n67Ko6F4juy9nDXtQjcpa8pPSHbKbbmmMR+Tg9ydY3VTe4UBSOC7pf
2JEaA87O8n7SfTybOulHQ/QLQZ0GB3W39jCq5Vv4TafnW2WjZVVpAn/GIrnbf2lf
WB7Lazxns5uJaxQdPQ5sNoOycvU9wYF/TGW4r6ouIQKBgQDsmunuJ+s0koSgGLcy
rpaf4Loooi9UGyQ0s98Tnbtftx95A7lQ4KzQbXhl+nreNhutCMM1dhW02A8su36n
snY4LjPkpGhWb1IuYqPpHOTUjD3FjcTY55M0XKZjMOX3RumRj9YqM7PijCfoLwuT
wG3O/VdzKJIsDVl/5XgGzGAopQKBgQC6G7dRcf+3DU9lqoyU/n/ON6cFRL2vAsD+
hrKbenOxbHh/i2sZxU0xRHD31WGUYKMjdPc7EBGuV3kgJrlCGirVbvlp6fgqT0fz
U5Cyda6va91qpRwJTfYcx36HYAVDYl5Ch/Wae5KF5U9gNTgR2L0HPP0pX7Ow3FTv
w9PLqgpqoQKBgQCzSBL31aGgnWEHWpL+QVJ65LLKdVI9fa9qi9z9pShEt6KOdObn
xMbNzBVN2IVfeUpxS9F24fpCpPCiqZOoCE8R9Nh3aKhyzjlMUov26GDwOS/ZULoW
zSo6o/Wj9Xpba40yMfZK1hB5GlBm27b/BvFtxYONC/HulVL62WqgZB58zQKBgQCY
RFz0MgU6S5WOZL+ol6ERo87vLJLVQbeNh79SHhnSLCFamUMDTr4ddRXIb7jqoTZY
qDYvCLKupbrgZ05jmu04uxctZNQ6KauAlfppSIen1uTNgFEz+6lFWqNXN2SXAUCF
xp9XyYrUKg2LdX9uepoN9gRbeYWXSm3jzaDXnUPwgQKBgQCOWFBbQ9/oupJ7WwrG
2+30Qtf8n55WJf2L1OmwQTSj2ubr+tqdxaPdnniR7YUv9Ll7K3kk4Dk4ljSO5eWo
ope/la07+3e+XYZW8ZIBFGycfCsRxK1UD18I3GVGrq62zNPlPRQyHwKAz2lUm8+j
7FvvSCB0pUyur2GIBxfHxg9ioA==
-----END PRIVATE KEY-----
"""
CHANGELLY_DEMO_API_KEY = "Yr4Z5t2dD/4FzDb7Ls0rdskmb43lxrWsY22OJcO2HMs="

# -- SwapKit -----------------------------------------------------------------------

SWAPKIT_CHAINS: dict[str, str] = {"ethereum": "ETH", "bitcoin": "BTC", "solana": "SOL",
                                  "tron": "TRON", "bsc": "BSC"}  # fmt: skip
#: Demo keys and their per-minute limits (new keys: 10).
SWAPKIT_KEYS: dict[str, int] = {"a2a-demo-swapkit-0000000000000001": 10}
#: Identifiers SwapKit's blacklist refuses (a fictional scam token).
SWAPKIT_BLACKLIST = frozenset({"ETH.SCAM-0X00000000000000000000000000000000DEADBEEF"})


def swapkit_id(token: SimToken, chain_key: str) -> str:
    chain = SWAPKIT_CHAINS[chain_key]
    return f"{chain}.{token.symbol}" + (f"-{token.contract_address}"
                                        if token.contract_address else "")  # fmt: skip


@dataclass(frozen=True, slots=True)
class SwapKitVenue:
    """A liquidity provider behind SwapKit and how long its legs take."""

    channel: SimChannel
    swap_seconds: int
    outbound_usd: Decimal  # a flat outbound fee in the bought asset
    same_chain_only: bool = False
    cross_chain_only: bool = False


_BTC_ETH = frozenset({"bitcoin", "ethereum"})
SWAPKIT_VENUES: tuple[SwapKitVenue, ...] = (
    SwapKitVenue(venue("THORCHAIN", "0.12", 8, 90, 0, chains=_BTC_ETH | {"bsc"},
                       min_usd="10"), 6, Decimal("1.20"), cross_chain_only=False),
    SwapKitVenue(venue("CHAINFLIP", "0.10", 10, 120, 0, chains=_BTC_ETH | {"solana"},
                       min_usd="20"), 90, Decimal("0.40")),
    SwapKitVenue(venue("MAYACHAIN", "0.15", 12, 150, 0, chains=_BTC_ETH, min_usd="10",
                       max_usd="300000"), 12, Decimal("0.90")),
    SwapKitVenue(venue("NEAR", "0.08", 18, 110, 0, chains=_BTC_ETH | {"solana", "tron", "bsc"},
                       min_usd="5"), 45, Decimal("0.10")),
    SwapKitVenue(venue("ONEINCH", "0.00", 6, 70, 0, chains=frozenset({"ethereum", "bsc"})),
                 0, Decimal("0"), same_chain_only=True),
)  # fmt: skip
SWAPKIT_SERVICE_BPS = 15
#: Seconds for the sell asset to arrive, or the bought one to leave, per chain.
SWAPKIT_CHAIN_SECONDS: dict[str, int] = {"bitcoin": 600, "ethereum": 60, "bsc": 15,
                                         "solana": 5, "tron": 10}  # fmt: skip
SWAPKIT_LATENCY_MS = 1100


#: Where each direct provider is simulated, below the simulator's base URL.
PREFIXES = {"okx": "/okx", "swapscanner": "/swapscanner", "changelly": "/changelly",
            "swapkit": "/swapkit"}  # fmt: skip


def demo_provider_credentials(base_url: str) -> dict[str, dict[str, str]]:
    """Per direct provider: where it is simulated and its demo credentials, under
    the key store's entry names (what ``a2a-tui demo`` loads). Light on purpose:
    every ``serve --demo`` session imports this, never the simulator itself."""
    base = base_url.rstrip("/")
    return {
        "okx": {"base_url": f"{base}{PREFIXES['okx']}", "okx.api_key": OKX_DEMO.api_key,
                "okx.secret_key": OKX_DEMO.secret_key, "okx.passphrase": OKX_DEMO.passphrase},
        "swapscanner": {"base_url": f"{base}{PREFIXES['swapscanner']}",
                        "swapscanner.signer_key": SWAPSCANNER_SIGNER_KEY},
        "changelly": {"base_url": f"{base}{PREFIXES['changelly']}",
                      "changelly.api_key": CHANGELLY_DEMO_API_KEY,
                      "changelly.private_key": CHANGELLY_DEMO_PEM},
        "swapkit": {"base_url": f"{base}{PREFIXES['swapkit']}",
                    "swapkit.api_key": next(iter(SWAPKIT_KEYS))},
    }  # fmt: skip
