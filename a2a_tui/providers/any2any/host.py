"""One Any2Any host, as the services use it: tokens, the quote source, the key, orders.

The services never see the client's wire types: what leaves here is domain
types (`Token`, `QuoteSource`, `OrderView`), JSON-ready dicts for the journal,
and provider errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx
from pydantic import SecretStr

from a2a_tui.domain.orders import OrderDraft, OrderView, TokenRef
from a2a_tui.domain.quotes import ChannelRef
from a2a_tui.domain.tokens import Token
from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.any2any.orders import (
    journaled_view,
    order_body,
    to_view,
    view_from_created,
)
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
    def server_date(self) -> datetime | None:
        """What the host's clock said in its latest answer (its ``Date`` header)."""
        return self.client.server_date

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

    # -- orders ---------------------------------------------------------------

    @staticmethod
    def order_body(draft: OrderDraft) -> dict[str, Any]:
        """Guide 2.3's body for ``draft``: journal it, then send it unchanged."""
        return order_body(draft)

    async def submit_order(
        self, body: Mapping[str, Any], *, src: TokenRef | None, dst: TokenRef | None
    ) -> tuple[OrderView, dict[str, Any]]:
        """Send one order body once (no retry here); the view and the reply as JSON.

        Raises `OrderRejected` (a 2.5 reason), or a retryable provider error
        after which the order may or may not exist.
        """
        created = await self.client.create_order(body)
        amount = body.get("amount_in")
        view = view_from_created(
            created,
            src=src,
            dst=dst,
            amount_in=int(amount) if isinstance(amount, str) and amount.isdigit() else None,
            key_sent=self.api_key is not None,
        )
        return view, created.model_dump(mode="json")

    async def order_detail(
        self, order_no: str, *, tokens: Mapping[int, TokenRef]
    ) -> tuple[OrderView, dict[str, Any]]:
        """``GET /api/v1/orders/{order_no}`` as a view, and as JSON for the journal."""
        detail = await self.client.get_order(order_no)
        return to_view(detail, tokens=tokens), detail.model_dump(mode="json")

    async def request_refund(self, order_no: str, refund_address: str) -> None:
        """Guide 3.3, once (no retry here); the key goes only as ``X-Integrator-Api-Key``
        (3.2). Raises `RefundRejected` (a 3.7 reason) or a retryable provider error."""
        await self.client.request_refund(order_no, refund_address)

    @staticmethod
    def view_from_journal(
        response: Mapping[str, Any],
        *,
        tokens: tuple[TokenRef | None, TokenRef | None],
        key_sent: bool | None,
    ) -> OrderView | None:
        """A view from a journaled answer (creation reply, completed by the detail
        when it was read), without the network; None if it cannot be read."""
        return journaled_view(response, tokens=tokens, key_sent=key_sent)

    async def aclose(self) -> None:
        await self.client.aclose()
