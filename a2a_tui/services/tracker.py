"""Live tracking: every non-final order of this host is read again and again, never
more than a few at a time, and every change is posted to whoever subscribed.

One `Tracker` per app (or per ``order watch``), started by its owner and alive
as long as it (a screen's workers die with the screen; this must not). A
single scheduler keeps a heap of due times and hands due orders to at most
``policy.concurrency`` reads in flight, whatever the number of orders. Each
order's next read follows `PollPolicy` (fast when something is imminent,
slow when only a person can move it on, slower while no orders view is on
screen, never once final), with exponential backoff and jitter after errors.
Pausing (the app suspended) stops new reads until resumed.

Time comes from the ``clock`` and ``sleep`` given, so tests drive it without
waiting. No Textual here: subscribers are plain callbacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from a2a_tui.domain.orders import OrderStatus, OrderView
from a2a_tui.domain.tracking import PollPolicy, urgency
from a2a_tui.providers.http.errors import describe
from a2a_tui.providers.registry import ApiError
from a2a_tui.services.desk import SupportDesk

__all__ = ["OrderUpdate", "Tracked", "Tracker", "TrackerStats"]


@dataclass
class Tracked:
    """What the tracker knows of one order. Times are on the tracker's clock."""

    order_no: str
    view: OrderView | None = None
    last_ok: float | None = None  # the last successful read
    last_try: float | None = None
    failures: int = 0  # consecutive
    failing_since: float | None = None
    error: str | None = None
    due: float | None = None  # None: not scheduled (final, or paused out)
    in_flight: bool = False

    @property
    def final(self) -> bool:
        return self.view is not None and self.view.final


@dataclass(frozen=True, slots=True)
class OrderUpdate:
    """Posted after every read. ``status_changed``: the state differs from the
    one known before (not on the first read of an order nobody had seen)."""

    order_no: str
    view: OrderView | None
    previous: OrderStatus | str | None
    status_changed: bool
    changed: bool
    error: str | None = None
    failures: int = 0
    not_found: bool = False  # the host answered ``order not found``

    @property
    def news(self) -> bool:
        """Worth showing: the detail changed, or the read failed. (A read that only
        confirms what was known moves nothing but the order's "updated" age.)"""
        return self.changed or self.status_changed or self.error is not None

    @property
    def status(self) -> OrderStatus | str | None:
        return None if self.view is None else self.view.status


@dataclass
class TrackerStats:
    requests: int = 0
    errors: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    started: float = 0.0
    times: list[float] = field(default_factory=list)  # when each read started (benchmarks)

    def count(self, now: float, keep: bool) -> None:
        self.requests += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if keep:
            self.times.append(now)


Subscriber = Callable[[OrderUpdate], object]


class Tracker:
    def __init__(
        self,
        desk: SupportDesk,
        *,
        policy: PollPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        wall_clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
        keep_times: bool = False,
    ) -> None:
        self.desk = desk
        self.policy = policy or PollPolicy()
        self.clock = clock
        self.sleep = sleep  # the loop's, and whoever keeps time beside it (`order watch`)
        self.wall_clock = wall_clock or desk.wall_clock
        self._rng = rng or random.Random()
        self.stats = TrackerStats(started=clock())
        self._keep_times = keep_times
        self._orders: dict[str, Tracked] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._seq = 0
        self._slots = asyncio.Semaphore(self.policy.concurrency)
        self._wake = asyncio.Event()
        self._resumed = asyncio.Event()
        self._resumed.set()
        self._visible = False
        self._closely: Counter[str] = Counter()
        self._subscribers: list[Subscriber] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.running = False
        self._waiting: str | None = None  # what the loop waits for: time, slot, resume
        self._nap_until = float("-inf")  # when the loop's current nap ends (inf: none set)

    # -- what subscribers and screens ask ------------------------------------------

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def get(self, order_no: str) -> Tracked | None:
        return self._orders.get(order_no)

    def orders(self) -> Iterable[Tracked]:
        return self._orders.values()

    def age(self, order_no: str) -> float | None:
        """Seconds since the last successful read, or None if never read."""
        item = self._orders.get(order_no)
        if item is None or item.last_ok is None:
            return None
        return self.clock() - item.last_ok

    @property
    def visible(self) -> bool:
        return self._visible

    @property
    def paused(self) -> bool:
        return not self._resumed.is_set()

    @property
    def napping(self) -> bool:
        """The loop waits and nothing has woken it yet (tests step until so)."""
        if self._waiting == "time":
            return not self._wake.is_set()
        return self._waiting is not None

    @property
    def reading(self) -> int:
        """Reads started and not finished (tasks, some perhaps not yet running)."""
        return len(self._tasks)

    def due_now(self) -> bool:
        """An order is due and a read could start now (tests step the loop until not)."""
        if self.paused or self._slots.locked():
            return False
        return self._next_delay(self.clock()) == 0.0

    def interval(self, item: Tracked) -> float | None:
        level = urgency(item.view, self.desk.host_time(self.wall_clock()))
        return self.policy.interval(level, visible=self._visible,
                                    closely=self._closely[item.order_no] > 0)  # fmt: skip

    # -- what changes the schedule -------------------------------------------------------

    def track(self, order_no: str, view: OrderView | None = None, *, soon: bool = True) -> Tracked:
        """Start tracking (idempotent). A final ``view`` is kept and never read;
        otherwise the first read is due now (``soon``) or after one interval."""
        item = self._orders.get(order_no)
        if item is None:
            item = self._orders[order_no] = Tracked(order_no, view)
        elif view is not None and item.view is None:
            item.view = view
        if item.final or item.in_flight:
            return item
        now = self.clock()
        if soon:
            self._schedule(item, now)
        elif item.due is None:
            interval = self.interval(item)
            if interval is not None:
                self._schedule(item, now + interval)
        return item

    def forget(self, order_no: str) -> None:
        self._orders.pop(order_no, None)  # a stale heap entry is skipped when popped

    def poll_soon(self, order_no: str) -> None:
        """Read this order now (a refund was just sent, the user asked)."""
        item = self._orders.get(order_no) or self.track(order_no)
        if not item.in_flight:
            self._schedule(item, self.clock())

    def poll_all_soon(self) -> None:
        """Read every order that is not final now (the host's clock jumped: the demo)."""
        now = self.clock()
        for item in list(self._orders.values()):
            if not item.final and not item.in_flight:
                self._schedule(item, now)

    def set_visible(self, visible: bool) -> None:
        """An orders view is on screen (full rates), or none is (slower)."""
        if visible == self._visible:
            return
        self._visible = visible
        self._reschedule_all()

    def watch_closely(self, order_no: str, on: bool = True) -> None:
        """This order is on screen by itself: read it at the imminent rate."""
        if on:
            self._closely[order_no] += 1
        elif self._closely[order_no] > 0:
            self._closely[order_no] -= 1
        item = self._orders.get(order_no)
        if item is not None:
            self._reschedule(item)

    def pause(self) -> None:
        """No new read starts until `resume` (the app is suspended)."""
        self._resumed.clear()
        self._wake.set()

    def resume(self) -> None:
        self._resumed.set()
        self._wake.set()

    def _schedule(self, item: Tracked, at: float) -> None:
        item.due = at
        self._seq += 1
        heapq.heappush(self._heap, (at, self._seq, item.order_no))
        if at < self._nap_until:  # the loop would sleep past it: wake it (else it is on time)
            self._wake.set()

    def _base(self, item: Tracked) -> float:
        return item.last_try if item.last_try is not None else self.clock()

    def _reschedule(self, item: Tracked) -> None:
        if item.in_flight or item.final:
            return
        interval = self.interval(item)
        if interval is None:
            return
        if item.failures:
            interval = self.policy.backoff(item.failures)
        at = self.clock() if item.last_try is None else item.last_try + interval
        if item.due is None or at != item.due:
            self._schedule(item, at)

    def _reschedule_all(self) -> None:
        for item in list(self._orders.values()):
            self._reschedule(item)

    # -- the loop -------------------------------------------------------------------------

    async def run(self, *, load: bool = True) -> None:
        """Track until cancelled. ``load``: start with this host's journaled and
        watched orders (final ones are shown, never read)."""
        self.running = True
        try:
            if load:
                try:
                    entries = await self.desk.entries()
                except Exception:  # a journal problem: track what others add
                    entries = []
                for entry in entries:
                    if entry.order_no is not None:
                        self.track(entry.order_no, entry.view)
            await self._loop()
        finally:
            self.running = False
            for task in list(self._tasks):
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.gather(*self._tasks, return_exceptions=True)

    def _pop_due(self, now: float) -> Tracked | None:
        while self._heap and self._heap[0][0] <= now:
            at, _, order_no = heapq.heappop(self._heap)
            item = self._orders.get(order_no)
            if item is None or item.due != at or item.in_flight or item.final:
                continue  # stale: rescheduled, forgotten, or already being read
            item.due = None
            return item
        return None

    def _next_delay(self, now: float) -> float | None:
        while self._heap:
            at, _, order_no = self._heap[0]
            item = self._orders.get(order_no)
            if item is None or item.due != at or item.in_flight or item.final:
                heapq.heappop(self._heap)
                continue
            return max(at - now, 0.0)
        return None

    async def _loop(self) -> None:
        while True:
            if self.paused:
                self._waiting = "resume"
                try:
                    await self._resumed.wait()
                finally:
                    self._waiting = None
                continue
            item = self._pop_due(self.clock())
            if item is None:
                await self._nap(self._next_delay(self.clock()))
                continue
            self._waiting = "slot"
            try:
                await self._slots.acquire()
            finally:
                self._waiting = None
            if self.paused or item.order_no not in self._orders:
                self._slots.release()
                if item.order_no in self._orders:
                    self._schedule(item, self.clock())
                continue
            item.in_flight = True
            task = asyncio.create_task(self._read(item))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _nap(self, delay: float | None) -> None:
        """Until the next order is due, or something changed the schedule (only an
        order due before the nap ends wakes it: most reschedules are later)."""
        self._wake.clear()
        self._nap_until = float("inf") if delay is None else self.clock() + delay
        waiter: asyncio.Task[object] = asyncio.ensure_future(self._wake.wait())
        waits: list[asyncio.Future[object]] = [waiter]
        if delay is not None:
            waits.append(asyncio.ensure_future(self.sleep(delay)))
        self._waiting = "time"
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._waiting = None
            self._nap_until = float("-inf")  # awake: every schedule change is seen
            for pending in waits:
                pending.cancel()

    async def _read(self, item: Tracked) -> None:
        now = self.clock()
        item.last_try = now
        self.stats.count(now, self._keep_times)
        previous = item.view.status if item.view is not None else None
        try:
            polled = await self.desk.poll(item.order_no)
        except Exception as exc:  # every failure is an update, and a later read
            self.stats.errors += 1
            item.failures += 1
            item.error = describe(exc)
            if item.failing_since is None:
                item.failing_since = now
            missing = isinstance(exc, ApiError) and exc.msg == "order not found"
            update = OrderUpdate(item.order_no, item.view, previous, False, False,
                                 item.error, item.failures, missing)  # fmt: skip
        else:
            item.view = polled.view
            item.last_ok = self.clock()
            item.failures, item.failing_since, item.error = 0, None, None
            status = polled.view.status
            moved = previous is not None and status != previous
            update = OrderUpdate(item.order_no, polled.view, previous, moved, polled.changed)
        finally:
            self.stats.in_flight -= 1
            item.in_flight = False
            self._slots.release()
        if item.order_no in self._orders:
            self._after(item)
        self._publish(update)

    def _after(self, item: Tracked) -> None:
        """The next read of ``item``: its interval (less some jitter, so it is never
        late), or a backoff (plus jitter) after an error; none once final."""
        interval = self.interval(item)
        if interval is None:
            item.due = None
            return
        jitter = self.policy.jitter
        if item.failures:
            wait = self.policy.backoff(item.failures) * (1 + self._rng.random() * jitter)
        else:
            wait = interval * (1 - self._rng.random() * jitter)
        assert item.last_try is not None
        self._schedule(item, item.last_try + wait)

    def _publish(self, update: OrderUpdate) -> None:
        for callback in list(self._subscribers):
            try:
                callback(update)
            except Exception:  # a subscriber's bug must not stop the tracking
                continue
