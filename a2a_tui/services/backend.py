"""The quote sources the app and the headless commands use: an Any2Any host
(tokens, channels, orders) and every direct provider the registry knows.

The UI and the CLI depend on this small surface (a token loader, quote
sources, a closer), which tests replace with scripted fakes. No code here or
above names a direct provider: each provider's spec says how to build its
source (`ProviderSpec.source`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from a2a_tui.domain.quotes import ChannelRef, QuoteSource
from a2a_tui.domain.tokens import Token
from a2a_tui.infra.config import Settings
from a2a_tui.providers.assets import LazyRegistry
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.registry import PROVIDERS, Any2AnyHost, any2any_host
from a2a_tui.providers.spec import SecretGetter, SourceContext

__all__ = [
    "DEFAULT_BASE_URL",
    "Backend",
    "BuildGate",
    "direct_sources",
    "provider_settings_from",
    "timeouts_from",
]

#: Where ``a2a-tui sim`` listens by default.
DEFAULT_BASE_URL = "http://127.0.0.1:8787"


async def _nothing() -> None:
    return None


async def _no_channel_list(src: Token | None, dst: Token | None) -> list[ChannelRef] | None:
    return None


def timeouts_from(settings: Settings) -> Timeouts:
    """The one place the ``[timeouts]`` settings become client timeouts."""
    t = settings.timeouts
    return Timeouts(connect=t.connect, read=t.read, write=t.write, stream_budget=t.stream_budget)


def provider_settings_from(settings: Settings) -> dict[str, dict[str, Any]]:
    """Each direct provider's ``[providers.<id>]`` table by id, as plain data
    (the providers read their own options from it)."""
    return settings.providers.model_dump(mode="json")


def _no_secrets(name: str) -> SecretStr | None:
    return None


class BuildGate:
    """Holds direct providers' first client builds while a quote's first row is
    on its way to the screen.

    A first build imports a client and its wire models, and Changelly's loads
    an RSA key: some 240 ms of Python that holds the GIL, on threads. Started
    with the quote, it kept the fastest source's answer 70-150 ms from the
    screen. The screen holds the gate when a quote starts and opens it once
    the first priced row is painted; it never stays shut longer than
    `longest` seconds (a slow first answer does not hold the others back).
    """

    def __init__(self, longest: float = 0.5) -> None:
        self.longest = longest
        self._open = asyncio.Event()
        self._open.set()

    @property
    def held(self) -> bool:
        return not self._open.is_set()

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def wait(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.longest):
                await self._open.wait()


def direct_sources(
    providers: dict[str, dict[str, Any]],
    get: SecretGetter,
    assets: LazyRegistry,
    timeouts: Timeouts,
    gate: BuildGate | None = None,
) -> list[QuoteSource]:
    """Every direct provider's source, in the registry's order, from its
    ``[providers.<id>]`` table; one that is disabled says so on the board.
    ``get`` reads a credential (it may block: sources call it off the loop)."""
    lock = threading.Lock()  # one keyring lookup at a time, whichever source asks

    def serial(name: str) -> SecretStr | None:
        with lock:
            return get(name)

    sources = []
    for spec in PROVIDERS:
        if spec.source is None:
            continue
        own = providers.get(spec.id, {})
        base_url = spec.base_url("", own)
        context = SourceContext(serial, base_url, assets, timeouts, own,
                                hold=(gate or BuildGate()).wait)  # fmt: skip
        sources.append(spec.source(context))
    return sources


@dataclass
class Backend:
    base_url: str
    sources: Sequence[QuoteSource]
    load_tokens: Callable[[], Awaitable[list[Token]]]
    close: Callable[[], Awaitable[None]] = field(default=_nothing)
    host: Any2AnyHost | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    key_entry: str | None = None
    """Where the integrator key in use came from (entry name or ``$VARIABLE``), never the key."""
    key_problem: str | None = None
    """Why this host's key could not be read (a locked keyring): orders and refunds
    are refused while it is set, rather than sent without the key."""
    key_how_to_set: str = "`a2a-tui keys set any2any.api_key` (or F2 in the app)"
    """The next step when no key is set: the variable when no keyring can store one."""
    load_channels: Callable[[Token | None, Token | None], Awaitable[list[ChannelRef] | None]] = (
        field(default=_no_channel_list)
    )
    #: Things worth telling the trader once tokens are loaded (bad [assets] rows).
    notices: list[str] = field(default_factory=list)
    #: First client builds wait on it (the screen holds it until a first row shows).
    builds: BuildGate = field(default_factory=BuildGate)

    @classmethod
    def any2any(
        cls, base_url: str, api_key: SecretStr | None = None, timeouts: Timeouts | None = None
    ) -> Backend:
        """Any2Any alone (tests, benchmarks of the stream)."""
        timeouts = timeouts or Timeouts()
        host = any2any_host(base_url, api_key, timeouts)
        return cls(
            host.base_url,
            [host.source],
            host.load_tokens,
            host.aclose,
            host,
            timeouts,
            load_channels=host.list_channels,
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        base_url: str | None = None,
        api_key: SecretStr | None = None,
        secrets: SecretGetter = _no_secrets,
    ) -> Backend:
        """Any2Any at ``base_url`` (else the active profile's) and every direct
        provider as ``[providers.*]`` says; ``secrets`` reads their credentials."""
        timeouts = timeouts_from(settings)
        host = any2any_host(base_url or settings.base_url, api_key, timeouts)
        assets = LazyRegistry(settings.assets)
        gate = BuildGate()
        direct = direct_sources(provider_settings_from(settings), secrets, assets, timeouts, gate)
        backend = cls(
            host.base_url, [host.source, *direct], host.load_tokens, host=host,
            timeouts=timeouts, load_channels=host.list_channels, builds=gate,
        )  # fmt: skip

        async def load_tokens() -> list[Token]:
            """The token list, and the registry loaded on a worker thread meanwhile."""
            tokens, registry = await asyncio.gather(host.load_tokens(), asyncio.to_thread(assets))
            if not backend.notices:
                backend.notices.extend(f"token registry: {p}" for p in registry.problems)
            return tokens

        async def close() -> None:
            for source in direct:
                closing = getattr(source, "aclose", None)
                if closing is not None:
                    with contextlib.suppress(Exception):
                        await closing()
            await host.aclose()

        backend.load_tokens, backend.close = load_tokens, close
        return backend

    def warm(self, src: Token, dst: Token) -> None:
        """On a worker thread, once a pair is chosen: each source that would
        quote it loads what its first request needs (clients, signing
        libraries, keys). A source without ``warm`` needs nothing."""
        for source in self.sources:
            warming = getattr(source, "warm", None)
            if warming is not None:
                warming(src, dst)

    async def list_channels(self, src: Token | None, dst: Token | None) -> list[ChannelRef] | None:
        """The channels a quote for the pair would ask, by name (every channel
        without a pair); None when this host cannot tell. Raises `ProviderError`."""
        return await self.load_channels(src, dst)

    def set_api_key(
        self,
        api_key: SecretStr | None,
        entry: str | None = None,
        problem: str | None = None,
        how_to_set: str | None = None,
    ) -> None:
        """The integrator key changed in the settings: use it from the next request."""
        if self.host is not None:
            self.host.set_api_key(api_key)
        self.key_entry = entry if api_key is not None else None
        self.key_problem = problem if api_key is None else None
        if how_to_set is not None:
            self.key_how_to_set = how_to_set
