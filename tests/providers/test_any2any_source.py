"""Any2Any as a quote source: the channel list is announced first, or not at all."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
from conftest import MakeSim
from fakes import SPEC

from a2a_tui.domain.quotes import ChannelFailed, ChannelsExpected, Quote
from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.any2any.errors import StreamIncomplete
from a2a_tui.providers.any2any.models import Done
from a2a_tui.providers.any2any.source import Any2AnySource

Event = Quote | ChannelFailed | ChannelsExpected


class _Watched:
    """The wire stream, telling the client what has been read from it."""

    def __init__(self, inner: Any, client: LateList) -> None:
        self.inner, self.client = inner, client

    def __aiter__(self) -> _Watched:
        return self

    async def __anext__(self) -> Any:
        item = await anext(self.inner)
        self.client.read.append(item)
        if self.client.release_when(self.client.read):
            self.client.released.set()
        if self.client.fail_after is not None and len(self.client.read) > self.client.fail_after:
            raise StreamIncomplete("connection lost: ReadError")
        return item


class LateList(Any2AnyClient):
    """A client whose channel list answers only once the stream got that far."""

    def __init__(self, base_url: str, release_when: Any, fail_after: int | None = None) -> None:
        super().__init__(base_url)
        self.release_when = release_when
        self.fail_after = fail_after
        self.released = asyncio.Event()
        self.read: list[Any] = []

    @asynccontextmanager
    async def stream_quotes(self, request: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async with super().stream_quotes(request, **kwargs) as stream:
            yield _Watched(stream, self)

    async def list_channels(self, *args: Any) -> Any:
        await self.released.wait()
        return await super().list_channels(*args)


async def events_of(client: Any2AnyClient, *, within: float = 5.0, **spec: Any) -> list[Event]:
    source = Any2AnySource(client, announce_within=within)
    try:
        return [event async for event in source.stream(replace(SPEC, **spec))]
    finally:
        await client.aclose()


@pytest.mark.parametrize(
    "release_when",
    [
        pytest.param(lambda read: len(read) >= 1, id="after-the-first-answer"),
        pytest.param(lambda read: isinstance(read[-1], Done), id="after-the-whole-stream"),
    ],
)
async def test_the_channel_list_comes_first_even_when_it_answers_late(
    make_sim: MakeSim, release_when: Any
) -> None:
    """`quote --channel 107` printed `expecting` after its channel, or not at all:
    one fast channel can answer, and the stream end, before the list is back."""
    client = LateList(make_sim().base_url, release_when)
    events = await events_of(client, channel_id=107)
    assert [type(e) for e in events] == [ChannelsExpected, Quote]
    assert [c.channel_id for c in events[0].channels] == [107]  # type: ignore[union-attr]


async def test_a_list_later_than_the_wait_is_dropped_not_announced_after_answers(
    make_sim: MakeSim,
) -> None:
    client = LateList(make_sim().base_url, lambda read: False)  # never answers
    events = await events_of(client, within=0.05)
    assert events
    assert all(isinstance(e, Quote | ChannelFailed) for e in events)


async def test_answers_read_while_waiting_come_out_before_a_stream_failure(
    make_sim: MakeSim,
) -> None:
    client = LateList(make_sim().base_url, lambda read: False, fail_after=2)
    source = Any2AnySource(client, announce_within=5.0)
    seen: list[Event] = []

    async def read() -> None:
        async for event in source.stream(SPEC):
            seen.append(event)

    with pytest.raises(StreamIncomplete, match="connection lost"):
        await read()
    await client.aclose()
    assert [type(e) for e in seen] == [Quote, Quote]  # no list, but nothing lost
