"""Any2Any as a `QuoteSource`, and the one place its wire types become domain types.

Every string that came from the server passes through `inert` here, so the
engine, the UI and the headless output never see a raw server string.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from decimal import Decimal
from typing import Any

from a2a_tui.domain.addresses import AddressFormat
from a2a_tui.domain.quotes import (
    ChannelFailed,
    ChannelRef,
    ChannelsExpected,
    Quote,
    QuoteSpec,
)
from a2a_tui.domain.text import inert
from a2a_tui.domain.tokens import Chain, Token
from a2a_tui.providers.any2any.client import Any2AnyClient, InvalidChannelEvent
from a2a_tui.providers.any2any.errors import Any2AnyError
from a2a_tui.providers.any2any.models import (
    ChainInfo,
    ChannelError,
    ChannelQuote,
    Done,
    QuoteRequest,
    TokenInfo,
)

__all__ = ["Any2AnySource", "to_quote", "to_tokens"]

StreamItem = ChannelQuote | ChannelError | InvalidChannelEvent | Done | ChannelsExpected

SOURCE_ID = "any2any"


def to_tokens(tokens: Iterable[TokenInfo], chains: Iterable[ChainInfo]) -> list[Token]:
    """Join tokens to their chains; tokens of disabled or unknown chains are dropped."""
    by_id = {}
    for info in chains:
        if not info.enabled:
            continue
        try:
            fmt: AddressFormat | None = AddressFormat(info.address_format)
        except ValueError:
            fmt = None
        by_id[info.chain_id] = Chain(
            info.chain_id, inert(info.key, limit=32), inert(info.name), fmt
        )
    return [
        Token(
            token_id=t.token_id,
            symbol=inert(t.symbol, limit=24),
            name=inert(t.name, limit=64),
            decimals=t.decimals,
            chain=by_id[t.chain_id],
            contract_address=inert(t.contract_address) if t.contract_address else None,
            usd_price=t.usd_price,
        )
        for t in tokens
        if t.chain_id in by_id
    ]


def to_quote(wire: ChannelQuote) -> Quote:
    return Quote(
        source=SOURCE_ID,
        channel_id=wire.channel_id,
        name=inert(wire.name, limit=48),
        out_amount=wire.estimated_out_str,
        out_usd=_decimal(wire.estimated_out_usd),
        fee_pct=wire.channel_fee,
        fee_pct_original=wire.channel_fee_original,
        promo_applied=wire.promo_applied,
        discount_pct=wire.discount_pct,
        icon=inert(wire.channel_icon, limit=400),
        wire=wire.__dict__,  # pydantic's own field dict: a reference, no copy
    )


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except ArithmeticError:
        return None
    return value if value.is_finite() else None


class Any2AnySource:
    """Streams one Any2Any quote; asks which channels to expect alongside."""

    id = SOURCE_ID
    label = "Any2Any"

    def __init__(self, client: Any2AnyClient) -> None:
        self.client = client

    def unsupported_reason(self, spec: QuoteSpec) -> str | None:
        return None  # tokens come from Any2Any's own list: it quotes any pair it lists

    async def stream(
        self, spec: QuoteSpec
    ) -> AsyncIterator[Quote | ChannelFailed | ChannelsExpected]:
        request = QuoteRequest(
            src_token_id=spec.src.token_id,
            dst_token_id=spec.dst.token_id,
            amount_in=spec.amount_in,
            slippage=Decimal(spec.slippage.numerator) / Decimal(spec.slippage.denominator),
            promo_code=spec.promo_code,
            channel_id=spec.channel_id,
        )
        expected = asyncio.create_task(self._expected(spec))
        try:
            async with self.client.stream_quotes(request) as stream:
                async for event in _announced(stream, expected):
                    match event:
                        case ChannelQuote():
                            yield to_quote(event)
                        case (
                            ChannelError(channel_id=cid, msg=msg)
                            | InvalidChannelEvent(channel_id=cid, reason=msg)
                        ):
                            yield ChannelFailed(SOURCE_ID, cid, inert(msg) or "unknown error")
                        case ChannelsExpected():
                            yield event
                        case Done():
                            return
        finally:
            expected.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await expected

    async def _expected(self, spec: QuoteSpec) -> ChannelsExpected | None:
        """Optional (an assumed endpoint): without it the board counts answers only."""
        try:
            channels = await self.client.list_channels(spec.src.token_id, spec.dst.token_id)
        except Any2AnyError:
            return None
        wanted = [c for c in channels if spec.channel_id in (None, c.channel_id)]
        return ChannelsExpected(
            SOURCE_ID,
            tuple(ChannelRef(SOURCE_ID, c.channel_id, inert(c.name, limit=48)) for c in wanted),
        )


async def _announced(
    events: AsyncIterator[ChannelQuote | ChannelError | InvalidChannelEvent | Done],
    expected: asyncio.Task[ChannelsExpected | None],
) -> AsyncIterator[StreamItem]:
    """The stream's events with the expected-channel list slipped in: raced
    against the first event (so pending rows can show before any answer), then
    checked between events, which costs nothing per event."""
    first: asyncio.Future[StreamItem] = asyncio.ensure_future(anext(events))
    try:
        racers: list[asyncio.Future[Any]] = [first, expected]
        await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)
        pending_announcement = True
        if expected.done():
            pending_announcement = False
            if (announced := expected.result()) is not None:
                yield announced
        try:
            item = await first
        except StopAsyncIteration:
            return
        yield item
        async for item in events:
            if pending_announcement and expected.done():
                pending_announcement = False
                if (announced := expected.result()) is not None:
                    yield announced
            yield item
    finally:
        first.cancel()
