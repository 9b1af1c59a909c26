"""One Any2Any host, as the services use it: tokens, the quote source, the key.

The services never see the client's wire types: what leaves here is domain
types (`Token`, `QuoteSource`) and provider errors.
"""

from __future__ import annotations

import asyncio

import httpx
from pydantic import SecretStr

from a2a_tui.domain.quotes import ChannelRef
from a2a_tui.domain.tokens import Token
from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.any2any.source import Any2AnySource, to_channel_refs, to_tokens
from a2a_tui.providers.http.timeouts import Timeouts

__all__ = ["Any2AnyHost"]


class Any2AnyHost:
    def __init__(
        self,
        base_url: str,
        *,
        api_key: SecretStr | None = None,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.client = Any2AnyClient(
            base_url, api_key=api_key, timeouts=timeouts, transport=transport
        )
        self.source = Any2AnySource(self.client)

    @property
    def base_url(self) -> str:
        return self.client.base_url

    @property
    def api_key(self) -> SecretStr | None:
        return self.client.api_key

    def set_api_key(self, api_key: SecretStr | None) -> None:
        """The integrator key changed in the settings: used from the next request."""
        self.client.api_key = api_key

    async def load_tokens(self) -> list[Token]:
        tokens, chains = await asyncio.gather(self.client.list_tokens(), self.client.list_chains())
        return to_tokens(tokens, chains)

    async def list_channels(self, src: Token | None, dst: Token | None) -> list[ChannelRef]:
        """The channels a quote for the pair would ask (every channel without a pair)."""
        if src is None or dst is None:
            return list(to_channel_refs(await self.client.list_channels()))
        return list(to_channel_refs(await self.client.list_channels(src.token_id, dst.token_id)))

    async def aclose(self) -> None:
        await self.client.aclose()
