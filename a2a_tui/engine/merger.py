"""Run every source of one quote concurrently and merge what they say.

Events come out in arrival order, stamped with the arrival time, in
*batches*: everything that arrived while the consumer was busy is handed
over at once, so a burst of a hundred events costs the UI one update, not a
hundred. One source failing, hanging or timing out never holds up the
others. A source's channel list (`ChannelsExpected`) comes before its first
answer or not at all. A source that cannot be asked (its `unsupported_reason`,
or `SourceUnavailable` from its stream) finishes as not available: a row that
says why, not an error. Leaving the ``async with`` block (or cancelling the task inside it)
cancels every stream and waits until each has closed its connection, so a
re-quote never overlaps the old one (guide 1.7).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

from a2a_tui.domain.quotes import (
    ChannelsExpected,
    QuoteEvent,
    QuoteSource,
    QuoteSpec,
    SourceFinished,
    SourceUnavailable,
    not_available,
)
from a2a_tui.domain.text import inert

__all__ = ["Arrival", "QuoteRun"]

#: (monotonic arrival time, event)
Arrival = tuple[float, QuoteEvent]


class QuoteRun:
    def __init__(
        self,
        sources: Sequence[QuoteSource],
        spec: QuoteSpec,
        *,
        clock: Callable[[], float] = time.monotonic,
        source_timeout: float | None = None,
    ) -> None:
        self.spec = spec
        self.sources = tuple(sources)
        self._clock = clock
        self._timeout = source_timeout
        self._queue: asyncio.Queue[Arrival] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._unfinished = len(self.sources)
        self.started_at = clock()

    async def __aenter__(self) -> Self:
        self.started_at = self._clock()
        for source in self.sources:
            reason = source.unsupported_reason(self.spec)
            if reason is not None:
                finished = SourceFinished(source.id, False, not_available(inert(reason)), False)
                self._queue.put_nowait((self.started_at, finished))
                continue
            self._tasks.append(asyncio.create_task(self._pump(source), name=f"quote:{source.id}"))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        # Shielded: even if our own task is being cancelled, the streams must
        # finish closing before the next quote opens its connection.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(asyncio.gather(*self._tasks, return_exceptions=True))

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> list[Arrival]:
        if self._unfinished == 0 and self._queue.empty():
            raise StopAsyncIteration
        batch = [await self._queue.get()]
        queue = self._queue
        while not queue.empty():
            batch.append(queue.get_nowait())
        self._unfinished -= sum(1 for _, event in batch if isinstance(event, SourceFinished))
        return batch

    async def _pump(self, source: QuoteSource) -> None:
        put, clock, sid = self._queue.put_nowait, self._clock, source.id
        try:
            async with asyncio.timeout(self._timeout):
                stream = source.stream(self.spec)
                async with contextlib.aclosing(stream):  # type: ignore[type-var]
                    answered = False
                    async for event in stream:
                        listing = isinstance(event, ChannelsExpected)
                        if listing and answered:  # in advance or not at all (see the docstring)
                            continue
                        answered = answered or not listing
                        put((clock(), event))
        except TimeoutError:
            put((clock(), SourceFinished(sid, False, f"no answer within {self._timeout:g} s")))
        except SourceUnavailable as exc:
            put((clock(), SourceFinished(sid, False, inert(str(exc)) or "not available", False)))
        except Exception as exc:  # one source's failure is data for the board
            reason = inert(str(exc)) or f"an unexpected error ({type(exc).__name__})"
            put((clock(), SourceFinished(sid, False, reason)))
        else:
            put((clock(), SourceFinished(sid, True)))
