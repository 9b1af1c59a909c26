"""The merger's ordering promise: a source's channel list before its answers, or never."""

from __future__ import annotations

from fakes import SPEC, ScriptedSource, quote

from a2a_tui.domain.quotes import ChannelRef, ChannelsExpected, Quote, SourceFinished
from a2a_tui.engine.merger import QuoteRun

LIST = ChannelsExpected("fake", (ChannelRef("fake", 1, "Channel 1"),))


async def test_a_channel_list_after_an_answer_is_dropped() -> None:
    source = ScriptedSource([quote(1, 5), LIST, quote(2, 4)])
    async with QuoteRun([source], SPEC) as run:
        events = [event async for batch in run for _, event in batch]
    assert [type(e) for e in events] == [Quote, Quote, SourceFinished]


async def test_a_channel_list_before_the_answers_is_kept() -> None:
    source = ScriptedSource([LIST, quote(1, 5)])
    async with QuoteRun([source], SPEC) as run:
        events = [event async for batch in run for _, event in batch]
    assert [type(e) for e in events] == [ChannelsExpected, Quote, SourceFinished]
