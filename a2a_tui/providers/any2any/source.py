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
    ChannelInfo,
    ChannelQuote,
    Done,
    QuoteRequest,
    TokenInfo,
)

__all__ = ["Any2AnySource", "to_channel_refs", "to_quote", "to_tokens"]

WireEvent = ChannelQuote | ChannelError | InvalidChannelEvent | Done
StreamItem = WireEvent | ChannelsExpected

SOURCE_ID = "any2any"
#: Seconds the first answers wait for the channel list (an assumed endpoint,
#: normally back in milliseconds) so that it can be announced before them.
ANNOUNCE_WITHIN = 1.0


def to_tokens(tokens: Iterable[TokenInfo], chains: Iterable[ChainInfo]) -> list[Token]:
    """Join tokens to their chains; tokens of unknown chains are dropped. Those of
    disabled chains are kept, marked (`Chain.enabled`), so that naming one can say
    why it cannot be used; search and resolution skip them."""
    by_id = {}
    for info in chains:
        try:
            fmt: AddressFormat | None = AddressFormat(info.address_format)
        except ValueError:
            fmt = None
        by_id[info.chain_id] = Chain(
            info.chain_id, inert(info.key, limit=32), inert(info.name), fmt, info.enabled
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
        route_id=wire.channel_id,
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


def to_channel_refs(channels: Iterable[ChannelInfo]) -> tuple[ChannelRef, ...]:
    return tuple(ChannelRef(SOURCE_ID, c.channel_id, inert(c.name, limit=48)) for c in channels)


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
    tag = "A2A"

    def __init__(self, client: Any2AnyClient, *, announce_within: float = ANNOUNCE_WITHIN) -> None:
        self.client = client
        self.announce_within = announce_within

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
                async for event in _announced(stream, expected, self.announce_within):
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
        return ChannelsExpected(SOURCE_ID, to_channel_refs(wanted))


async def _announced(
    events: AsyncIterator[WireEvent],
    expected: asyncio.Task[ChannelsExpected | None],
    within: float,
) -> AsyncIterator[StreamItem]:
    """The stream's events, after the expected-channel list if it comes in time.

    The list and the stream are separate requests that race: a fast channel
    can answer (and the stream end) before the list is back. Until the list
    arrives, or ``within`` seconds pass, the stream is read on into a buffer,
    so nothing waits on the wire; then the list goes first and the buffer
    follows. A list later than that is dropped: "expecting" never comes after
    an answer, and ordering is what consumers rely on.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    buffered: list[WireEvent] = []
    reading: asyncio.Future[WireEvent] | None = None
    failed: asyncio.Future[WireEvent] | None = None
    ended = False
    try:
        while not expected.done() and failed is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            if reading is None and not ended:
                reading = asyncio.ensure_future(anext(events))
            racing: list[asyncio.Future[Any]] = [expected, *([reading] if reading else [])]
            await asyncio.wait(racing, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            if reading is None or not reading.done():
                continue
            finished, reading = reading, None
            error = finished.exception()
            if isinstance(error, StopAsyncIteration):
                ended = True
            elif error is not None:
                failed = finished  # what came before the failure still goes out first
            else:
                buffered.append(item := finished.result())
                ended = isinstance(item, Done)
        if (announced := _finished_result(expected)) is not None:
            yield announced
        for item in buffered:
            yield item
        if failed is not None:
            failed.result()  # raises the stream's error
        if ended:
            return
        if reading is not None:
            current, reading = reading, None
            try:
                item = await current
            except StopAsyncIteration:
                return
            yield item
        async for item in events:
            yield item
    finally:
        if reading is not None:
            reading.cancel()


def _finished_result(task: asyncio.Task[ChannelsExpected | None]) -> ChannelsExpected | None:
    if not task.done() or task.cancelled() or task.exception() is not None:
        return None
    return task.result()
