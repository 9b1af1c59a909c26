"""One Any2Any host as the app and the headless commands use it.

The UI and the CLI depend on this small surface (a token loader, quote
sources, a closer), which tests replace with scripted fakes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from pydantic import SecretStr

from a2a_tui.domain.quotes import QuoteSource
from a2a_tui.domain.tokens import Token
from a2a_tui.providers.any2any.client import Any2AnyClient, Timeouts
from a2a_tui.providers.any2any.source import Any2AnySource, to_tokens

__all__ = ["DEFAULT_BASE_URL", "Backend"]

#: Where ``a2a-tui sim`` listens by default.
DEFAULT_BASE_URL = "http://127.0.0.1:8787"


async def _nothing() -> None:
    return None


@dataclass
class Backend:
    base_url: str
    sources: Sequence[QuoteSource]
    load_tokens: Callable[[], Awaitable[list[Token]]]
    close: Callable[[], Awaitable[None]] = field(default=_nothing)
    client: Any2AnyClient | None = None
    timeouts: Timeouts | None = None

    @classmethod
    def any2any(
        cls, base_url: str, api_key: SecretStr | None = None, timeouts: Timeouts | None = None
    ) -> Backend:
        client = Any2AnyClient(base_url, api_key=api_key, timeouts=timeouts)

        async def load_tokens() -> list[Token]:
            tokens, chains = await asyncio.gather(client.list_tokens(), client.list_chains())
            return to_tokens(tokens, chains)

        return cls(
            client.base_url, [Any2AnySource(client)], load_tokens, client.aclose, client, timeouts
        )

    def set_api_key(self, api_key: SecretStr | None) -> None:
        """The integrator key changed in the settings: use it from the next request."""
        if self.client is not None:
            self.client.api_key = api_key
