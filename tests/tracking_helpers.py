"""A clock and a sleep for the tracker that move only when a test says so."""

from __future__ import annotations

import asyncio
import heapq
import itertools


class ManualTime:
    """``advance`` moves the clock and wakes every sleeper now due; what the
    tracker then does (real HTTP reads against a simulator) the test awaits as
    events, never by sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now

    def sleep(self, delay: float) -> asyncio.Future[None]:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + delay, next(self._seq), future))
        return future

    def advance(self, seconds: float) -> None:
        self.now += seconds
        while self._sleepers and self._sleepers[0][0] <= self.now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
