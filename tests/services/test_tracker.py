"""The tracker's schedule on virtual time: the in-flight bound with 200 orders, slower
while no orders view is shown, nothing while suspended, final orders never read,
imminent ones faster, errors backing off. No test waits on a real clock."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from a2a_tui.domain.orders import OrderStatus, OrderView
from a2a_tui.domain.tracking import PollPolicy
from a2a_tui.providers.http.errors import TransportFailure
from a2a_tui.services.desk import Polled, SupportDesk
from a2a_tui.services.tracker import OrderUpdate, Tracker

WALL = datetime(2026, 5, 25, 10, 0, tzinfo=UTC)


class VirtualTime:
    """A clock and a sleep that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self.woken: set[asyncio.Future[None]] = set()  # resolved, their sleeper not resumed yet

    def clock(self) -> float:
        return self.now

    def sleep(self, delay: float) -> asyncio.Future[None]:
        """Registered at once (a coroutine would register only when first run,
        after the time may have moved on)."""
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + delay, next(self._seq), future))
        return future

    def sleeper_due(self) -> bool:
        """A sleeper is due now: only `advance` wakes it."""
        return any(due <= self.now and not f.done() for due, _, f in self._sleepers)

    async def advance(self, seconds: float, tracker: Tracker) -> None:
        """Move time forward, waking every sleeper in order and letting the tracker
        do all it would do at each of those instants."""
        target = self.now + seconds
        await settle(tracker)
        while self._sleepers and self._sleepers[0][0] <= target:
            due, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, due)
            if not future.done():
                future.set_result(None)
                self.woken.add(future)  # until its sleeper has run (callbacks run in order)
                future.add_done_callback(self.woken.discard)
            await settle(tracker)
        self.now = target
        await settle(tracker)


async def settle(tracker: Tracker) -> None:
    """Step the event loop (no timed sleep) until the tracker waits for time to
    pass: nothing due now, every read started is waiting on virtual time."""
    vt = cast(VirtualTime, tracker.clock.__self__)  # type: ignore[attr-defined]
    desk = cast(FakeDesk, tracker.desk)
    for _ in range(20_000):
        await asyncio.sleep(0)
        if (
            tracker.napping
            and not vt.woken
            and (not tracker.due_now() or vt.sleeper_due())
            and tracker.reading == desk.blocked
        ):
            return
    raise AssertionError(
        f"the tracker never settled: napping {tracker.napping}, woken {len(vt.woken)}, "
        f"due {tracker.due_now()}, reading {tracker.reading}, blocked {desk.blocked}"
    )


def view(
    order_no: str,
    status: OrderStatus = OrderStatus.DEPOSITING,
    *,
    expires_in: timedelta = timedelta(minutes=25),
    settled: bool = False,
) -> OrderView:
    return OrderView(order_no=order_no, order_id=1, deposit_address="0xdep",
                     expire_at=WALL + expires_in, src=None, dst=None, amount_in=1,
                     status=status, verified=True, settled=settled)  # fmt: skip


class FakeDesk:
    """Answers each read after ``latency`` of virtual time; counts what is in flight."""

    def __init__(self, vt: VirtualTime, latency: float = 0.5) -> None:
        self.vt = vt
        self.latency = latency
        self.views: dict[str, OrderView] = {}
        self.failing: set[str] = set()
        self.reads: list[tuple[float, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.blocked = 0  # reads waiting on virtual time

    def host_time(self, local: datetime) -> datetime:
        return local  # the host's clock agrees with this machine's

    def wall_clock(self) -> datetime:
        return WALL + timedelta(seconds=self.vt.now)

    async def entries(self) -> list[Any]:
        return []

    async def poll(self, order_no: str) -> Polled:
        self.reads.append((self.vt.now, order_no))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self.blocked += 1
            try:
                await self.vt.sleep(self.latency)
            finally:
                self.blocked -= 1
            if order_no in self.failing:
                raise TransportFailure("cannot connect", maybe_delivered=False)
            return Polled(self.views[order_no], True)
        finally:
            self.in_flight -= 1

    def reads_of(self, order_no: str) -> list[float]:
        return [at for at, n in self.reads if n == order_no]

    def count(self, start: float, end: float) -> int:
        return sum(1 for at, _ in self.reads if start <= at < end)


@pytest.fixture
async def rig() -> Any:
    vt = VirtualTime()
    desk = FakeDesk(vt)
    tracker = Tracker(cast(SupportDesk, desk), clock=vt.clock, sleep=vt.sleep,
                      wall_clock=desk.wall_clock, rng=random.Random(7))  # fmt: skip
    task = asyncio.create_task(tracker.run(load=False))
    await settle(tracker)
    yield vt, desk, tracker
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def add(desk: FakeDesk, tracker: Tracker, count: int, **kwargs: Any) -> list[str]:
    numbers = [f"OD20260525{i:08d}" for i in range(1, count + 1)]
    for number in numbers:
        desk.views[number] = view(number, **kwargs)
        tracker.track(number)
    return numbers


async def test_200_orders_never_more_than_the_bound_in_flight(rig: Any) -> None:
    vt, desk, tracker = rig
    tracker.set_visible(True)
    numbers = add(desk, tracker, 200)
    await vt.advance(120, tracker)
    assert desk.max_in_flight == tracker.policy.concurrency == 4
    assert tracker.stats.max_in_flight == 4
    assert {n for _, n in desk.reads} == set(numbers)  # everyone was read
    assert all(tracker.age(n) is not None for n in numbers)


async def test_the_rate_drops_while_no_orders_view_is_shown(rig: Any) -> None:
    vt, desk, tracker = rig
    tracker.set_visible(True)
    add(desk, tracker, 200)
    await vt.advance(60, tracker)  # the first reads are through
    await vt.advance(600, tracker)
    visible = desk.count(60, 660)
    tracker.set_visible(False)
    await vt.advance(600, tracker)
    background = desk.count(660, 1260)
    # 200 orders waiting for a deposit: every 60 s on screen (less up to 20 % jitter),
    # every 240 s off it
    assert 200 * 600 / 60 <= visible <= 200 * 600 / 48 + 200
    assert 0 < background <= visible / 3
    tracker.set_visible(True)  # back on screen: the next reads come sooner
    await vt.advance(60, tracker)
    assert desk.count(1260, 1320) >= 150


async def test_a_suspended_app_makes_no_request(rig: Any) -> None:
    vt, desk, tracker = rig
    numbers = add(desk, tracker, 20)
    await vt.advance(10, tracker)
    before = len(desk.reads)
    tracker.pause()
    await vt.advance(3600, tracker)
    assert len(desk.reads) == before
    tracker.resume()
    await vt.advance(5, tracker)
    assert {n for at, n in desk.reads if at >= 3610} == set(numbers)  # overdue: read at once


async def test_final_orders_are_never_read(rig: Any) -> None:
    vt, desk, tracker = rig
    for status in (OrderStatus.COMPLETED, OrderStatus.REFUNDED, OrderStatus.FAILED_NO_REFUND):
        tracker.track(f"final-{status}", view("x", status))
    tracker.track("settled", view("s", OrderStatus.CANCELLED_NO_DEPOSIT, settled=True))
    (live,) = add(desk, tracker, 1, status=OrderStatus.SWAPPING)
    await vt.advance(30, tracker)
    assert {n for _, n in desk.reads} == {live}
    desk.views[live] = view(live, OrderStatus.COMPLETED)  # the swap finished
    await vt.advance(10, tracker)
    reads = len(desk.reads_of(live))
    await vt.advance(3600, tracker)
    assert len(desk.reads_of(live)) == reads  # final now: never again


async def test_imminent_orders_are_read_faster(rig: Any) -> None:
    vt, desk, tracker = rig
    tracker.set_visible(True)
    (swapping,) = add(desk, tracker, 1, status=OrderStatus.SWAPPING)
    desk.views["closing"] = view("closing", expires_in=timedelta(minutes=3))
    desk.views["waiting"] = view("waiting", expires_in=timedelta(minutes=25))
    desk.views["failed"] = view("failed", OrderStatus.SLIPPAGE_FAILED)
    desk.views["expired"] = view("expired", OrderStatus.CANCELLED_NO_DEPOSIT)
    for number in ("closing", "waiting", "failed", "expired"):
        tracker.track(number)
    await vt.advance(120.5, tracker)
    assert len(desk.reads_of(swapping)) >= 24  # every 5 s or a little less
    assert len(desk.reads_of("closing")) >= 24  # the deposit window is closing
    assert 2 <= len(desk.reads_of("waiting")) <= 3  # every 60 s
    # a refund request may follow a failed swap (from anyone): every 60 s, not 120
    assert 2 <= len(desk.reads_of("failed")) <= 3
    assert len(desk.reads_of("expired")) == 2  # only a day moves it on: every 120 s
    tracker.watch_closely("waiting")  # its deposit screen is open
    await vt.advance(60, tracker)
    assert len(desk.reads_of("waiting")) >= 15


async def test_errors_back_off_with_jitter_and_recover(rig: Any) -> None:
    vt, desk, tracker = rig
    tracker.set_visible(True)
    (number,) = add(desk, tracker, 1)
    desk.failing.add(number)
    updates: list[OrderUpdate] = []
    tracker.subscribe(updates.append)
    await vt.advance(2000, tracker)
    times = desk.reads_of(number)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[:5] == sorted(gaps[:5])  # 5, 10, 20, 40, 80 s (+ jitter) ...
    assert 5 <= gaps[0] <= 5 * 1.2 + 0.5  # not the state's interval doubled
    assert max(gaps) <= PollPolicy().backoff_max * 1.2 + 1
    assert updates[-1].error == "cannot connect"
    assert tracker.get(number).failures == len(times)
    desk.failing.clear()
    await vt.advance(400, tracker)
    assert tracker.get(number).failures == 0
    assert updates[-1].error is None


async def test_a_state_change_is_posted_with_the_previous_state(rig: Any) -> None:
    vt, desk, tracker = rig
    updates: list[OrderUpdate] = []
    tracker.subscribe(updates.append)
    (number,) = add(desk, tracker, 1)
    await vt.advance(1, tracker)
    assert (updates[-1].previous, updates[-1].status_changed) == (None, False)  # a first read
    desk.views[number] = view(number, OrderStatus.SWAPPING)
    tracker.poll_soon(number)
    await vt.advance(1, tracker)
    change = updates[-1]
    assert (change.previous, change.status, change.status_changed) == (
        OrderStatus.DEPOSITING, OrderStatus.SWAPPING, True,
    )  # fmt: skip
