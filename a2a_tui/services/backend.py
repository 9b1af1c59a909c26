"""One Any2Any host as the app and the headless commands use it.

The UI and the CLI depend on this small surface (a token loader, quote
sources, a closer), which tests replace with scripted fakes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from a2a_tui.domain.quotes import ChannelRef, QuoteSource
from a2a_tui.domain.tokens import Token
from a2a_tui.infra.config import Settings
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.registry import Any2AnyHost, any2any_host

__all__ = ["DEFAULT_BASE_URL", "Backend", "provider_settings_from", "timeouts_from"]

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
    load_channels: Callable[[Token | None, Token | None], Awaitable[list[ChannelRef] | None]] = (
        field(default=_no_channel_list)
    )

    @classmethod
    def any2any(
        cls, base_url: str, api_key: SecretStr | None = None, timeouts: Timeouts | None = None
    ) -> Backend:
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

    async def list_channels(self, src: Token | None, dst: Token | None) -> list[ChannelRef] | None:
        """The channels a quote for the pair would ask, by name (every channel
        without a pair); None when this host cannot tell. Raises `ProviderError`."""
        return await self.load_channels(src, dst)

    def set_api_key(self, api_key: SecretStr | None, entry: str | None = None) -> None:
        """The integrator key changed in the settings: use it from the next request."""
        if self.host is not None:
            self.host.set_api_key(api_key)
        self.key_entry = entry if api_key is not None else None
