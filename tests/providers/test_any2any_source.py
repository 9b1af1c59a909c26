"""Any2Any as a quote source: the channel list is announced first, or not at all."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from conftest import MakeSim
from fakes import SPEC
from late_list import LateList

from a2a_tui.domain.quotes import ChannelFailed, ChannelsExpected, Quote
from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.any2any.errors import StreamIncomplete
from a2a_tui.providers.any2any.models import Done
from a2a_tui.providers.any2any.source import Any2AnySource

Event = Quote | ChannelFailed | ChannelsExpected


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

    with pytest.raises(StreamIncomplete, match="connection to the host lost"):
        await read()
    await client.aclose()
    assert [type(e) for e in seen] == [Quote, Quote]  # no list, but nothing lost
