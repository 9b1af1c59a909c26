"""Deterministic stand-ins: scripted quote sources, tokens, keyring backends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from a2a_tui.domain.addresses import AddressFormat
from a2a_tui.domain.quotes import ChannelFailed, ChannelsExpected, Quote, QuoteSpec
from a2a_tui.domain.tokens import Chain, Token
from a2a_tui.infra.keystore import MemoryKeyring

ETHEREUM = Chain(1, "ethereum", "Ethereum", AddressFormat.EVM)
TRON = Chain(4, "tron", "Tron", AddressFormat.TRON)
USDT = Token(
    1, "USDT", "Tether USD", 6, ETHEREUM, "0xdAC17F958D2ee523a2206206994597C13D831ec7", Decimal("1")
)
ETH = Token(3, "ETH", "Ether", 18, ETHEREUM, None, Decimal("3150"))
USDT_TRON = Token(9, "USDT", "Tether USD", 6, TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
                  Decimal("1"))  # fmt: skip
TOKENS = [USDT, ETH, USDT_TRON]
SPEC = QuoteSpec(ETH, USDT_TRON, 15 * 10**17, Fraction(1, 100))


def quote(channel_id: int | str | None, out: int, fee: str | None = "0.3", *,
          source: str = "fake", name: str | None = None, **extra: Any) -> Quote:  # fmt: skip
    """An Any2Any-like answer (``channel_id`` an int) or another source's route;
    ``extra`` sets any other `Quote` field."""
    name = name if name is not None else f"Channel {channel_id}"
    fields: dict[str, Any] = {
        "source": source,
        "route_id": channel_id,
        "name": name,
        "out_amount": out,
        "out_usd": Decimal(out) / 10**6,
        "fee_pct": None if fee is None else Decimal(fee),
        "fee_pct_original": None if fee is None else Decimal(fee),
        "promo_applied": False,
        "discount_pct": None,
        "icon": "https://icons.example/x.png",
        "wire": {"channel_id": channel_id, "name": name, "estimated_out_str": str(out)},
    }
    return Quote(**(fields | extra))


class Gate:
    """A pause in a script, released by the test."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.reached = asyncio.Event()

    def open(self) -> None:
        self._event.set()

    async def wait(self) -> None:
        self.reached.set()
        await self._event.wait()


class Tick:
    """A pause in a script that moves a `Ticker` on: latencies become exact."""

    def __init__(self, clock: Ticker, seconds: float) -> None:
        self.clock, self.seconds = clock, seconds


Event = Quote | ChannelFailed | ChannelsExpected
Step = Event | Gate | Tick | BaseException


class ScriptedSource:
    """A `QuoteSource` that plays a script; records whether its stream was closed."""

    def __init__(self, script: Sequence[Step] = (), *, id: str = "fake", label: str = "Fake",
                 unsupported: str | None = None, tag: str | None = None) -> None:  # fmt: skip
        self.id, self.label = id, label
        self.tag = tag if tag is not None else label[:3]
        self.script = list(script)
        self.unsupported = unsupported
        self.opened = 0
        self.closed = 0

    def unsupported_reason(self, spec: QuoteSpec) -> str | None:
        return self.unsupported

    async def stream(self, spec: QuoteSpec) -> AsyncIterator[Event]:
        self.opened += 1
        try:
            for step in self.script:
                if isinstance(step, Gate):
                    await step.wait()
                elif isinstance(step, Tick):
                    step.clock.advance(step.seconds)
                elif isinstance(step, BaseException):
                    raise step
                else:
                    yield step
        finally:
            self.closed += 1


class Ticker:
    """A clock that moves only when told: latencies and ages become exact."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def fake_backend(module: str, name: str) -> KeyringBackend:
    """An in-memory keyring posing as another backend by its dotted path (what
    a2a-tui judges a backend by), so a machine's keyrings need not be installed."""
    from a2a_tui.infra.keystore import MemoryKeyring

    cls = type(name, (MemoryKeyring,), {})
    cls.__module__, cls.__qualname__ = module, name
    backend: KeyringBackend = cls()
    return backend


def keyring_chain(*members: KeyringBackend) -> ChainerBackend:
    """keyring's default when keyrings.alt sits beside an OS keyring, members given."""
    cls = type("Chain", (ChainerBackend,), {"backends": list(members)})
    chain: ChainerBackend = cls()
    return chain


def secret_service_chain() -> tuple[ChainerBackend, KeyringBackend]:
    """SecretService, EncryptedKeyring, PlaintextKeyring (Debian with keyrings.alt)."""
    os_keyring = fake_backend("keyring.backends.SecretService", "Keyring")
    chain = keyring_chain(
        os_keyring,
        fake_backend("keyrings.alt.file", "EncryptedKeyring"),
        fake_backend("keyrings.alt.file", "PlaintextKeyring"),
    )
    return chain, os_keyring


# -- keyrings that unlock with a password (keyrings.cryptfile) ---------------------------

CRYPTFILE = "keyrings.cryptfile.cryptfile.CryptFileKeyring"


class PasswordKeyring(MemoryKeyring):
    """keyrings.cryptfile's shape: ``keyring_key`` is a property whose getter asks
    with getpass when no password was given, and whose setter opens the file."""

    def __init__(self, password: str = "pw123") -> None:
        super().__init__()
        self._password, self._key, self.given = password, "", []

    @property
    def keyring_key(self) -> str:
        if not self._key:
            import getpass

            self._key = getpass.getpass("Please set a password for your new keyring: ")
        return self._key

    @keyring_key.setter
    def keyring_key(self, key: str) -> None:
        self.given.append(key)
        if key != self._password:
            raise ValueError("Incorrect Password")
        self._key = key

    def get_password(self, service: str, username: str) -> str | None:
        assert self.keyring_key
        return super().get_password(service, username)


PasswordKeyring.__module__, PasswordKeyring.__qualname__ = (
    "keyrings.cryptfile.cryptfile",
    "CryptFileKeyring",
)
