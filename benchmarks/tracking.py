"""Tracking benchmark: ``make bench`` (or ``python benchmarks/tracking.py``).

200 orders waiting for their deposit, the app's real tracker following them
from the orders screen (the full app under ``run_test``, 200x50), the
simulator in its own process on loopback (real time). Prints:

1. requests per minute and the most requests ever in flight, with the orders
   screen on top and then with the board on top (no orders view);
2. the app process's CPU while nothing changes (target: under 2 % of one core);
3. 10 orders change state (a deposit each): the time from the change on the
   host to the new state in the orders table, against the polling interval.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.tracking import PollPolicy, urgency
from a2a_tui.infra.journal import Journal
from a2a_tui.infra.keystore import MemoryKeyring, SecretStore
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.desk import SupportDesk
from a2a_tui.services.orders import OrderService, draft_from_board
from a2a_tui.services.tracker import Tracker
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.orders import OrdersScreen
from a2a_tui.ui.widgets.order_table import OrderTable

KEY = "aaaabbbbccccddddeeeeffff00001111"
ARGS = QuoteArgs("ETH@ethereum", "USDT@tron", "1.5")
TRON = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"


async def create_orders(base_url: str, journal_path: Path, count: int) -> list[str]:
    """``count`` orders through the journaled path, from one quote (fresh enough)."""
    from a2a_tui.domain.quote_input import resolve_args
    from a2a_tui.engine.board import QuoteBoard
    from a2a_tui.engine.merger import QuoteRun

    backend = Backend.any2any(base_url, SecretStr(KEY))
    service = OrderService(backend, Journal(journal_path))
    numbers = []
    try:
        spec = resolve_args(ARGS, await backend.load_tokens())
        async with QuoteRun(backend.sources, spec) as run:
            board = QuoteBoard(spec, {s.id: s.label for s in backend.sources}, run.started_at)
            async for batch in run:
                board.apply(batch)
        best = board.best()
        assert best is not None
        draft = draft_from_board(board, best.row.key)
        assert not isinstance(draft, str)
        for i in range(count):
            ready = service.checked(draft, address=TRON, client_order_id=f"bench-{i}",
                                    user_id="")  # fmt: skip
            numbers.append((await service.place(ready)).view.order_no)
    finally:
        await backend.close()
        service.close()
    return numbers


async def until(predicate: Any, within: float, step: float = 0.05) -> float | None:
    """Benchmark polling (tests await events instead): when ``predicate`` held."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        await asyncio.sleep(step)
    return None


def rate(tracker: Tracker, start: float, end: float) -> float:
    count = sum(1 for t in tracker.stats.times if start <= t < end)
    return count * 60 / (end - start)


async def run(
    base_url: str, journal_path: Path, numbers: list[str], window: float, *, idle: bool
) -> None:
    store = SecretStore(MemoryKeyring(), env={})
    store.set("any2any.api_key", SecretStr(KEY), base_url)
    backend = Backend.any2any(base_url)
    orders = OrderService(backend, Journal(journal_path))
    desk = SupportDesk(orders)
    tracker = Tracker(desk, keep_times=True)
    app = A2AApp(backend, credentials=CredentialService(store), orders=orders, tracker=tracker)
    async with app.run_test(size=(200, 50)) as pilot:
        await until(lambda: tracker.running, 30)
        await pilot.press("f3")
        await until(lambda: isinstance(app.screen, OrdersScreen) and app.screen.loaded, 30)
        started = time.monotonic()
        first = await until(lambda: all((t := tracker.get(n)) is not None and t.last_ok
                                        for n in numbers), 120)  # fmt: skip
        assert first is not None, "not every order was read"
        print(f"First read of all {len(numbers)} orders: {first - started:.1f} s "
              f"({tracker.policy.concurrency} in flight at most)")  # fmt: skip
        await asyncio.sleep(PollPolicy().active)  # past the first burst
        if idle:
            await idle_rates(app, pilot, tracker, len(numbers), window)
        await state_changes(app, base_url, numbers)


async def idle_rates(app: A2AApp, pilot: Any, tracker: Tracker, count: int, window: float) -> None:
    """Nothing changes: the rate and the CPU with the orders screen on top, then off it."""
    t0, cpu0 = time.monotonic(), time.process_time()
    await asyncio.sleep(window)
    t1, cpu1 = time.monotonic(), time.process_time()
    shown = rate(tracker, t0, t1)
    cpu_shown = (cpu1 - cpu0) / (t1 - t0) * 100
    app.pop_screen()  # back to the board: no orders view on screen
    await pilot.pause()
    slow = PollPolicy().interval(urgency(None, datetime.now(UTC)), visible=False) or 120.0
    await asyncio.sleep(slow)  # until every order is on the slower schedule
    t2, cpu2 = time.monotonic(), time.process_time()
    await asyncio.sleep(max(window, slow))
    t3, cpu3 = time.monotonic(), time.process_time()
    hidden = rate(tracker, t2, t3)
    cpu_hidden = (cpu3 - cpu2) / (t3 - t2) * 100
    print(f"\n{count} orders waiting for a deposit, nothing changing "
          f"({t1 - t0:.0f} s on screen, {t3 - t2:.0f} s off it):")  # fmt: skip
    print(f"  orders screen on top   {shown:7.1f} requests/min   CPU {cpu_shown:5.2f} % "
          "of one core")  # fmt: skip
    print(f"  board on top           {hidden:7.1f} requests/min   CPU {cpu_hidden:5.2f} % "
          "of one core")  # fmt: skip
    print(f"  most requests in flight: {tracker.stats.max_in_flight} "
          f"(bound {tracker.policy.concurrency}); errors: {tracker.stats.errors}")  # fmt: skip
    app.action_orders()


async def state_changes(app: A2AApp, base_url: str, numbers: list[str]) -> None:
    """10 deposits: from the change on the host to the new state in the table."""
    await until(lambda: isinstance(app.screen, OrdersScreen) and app.screen.loaded, 30)
    screen = app.screen
    assert isinstance(screen, OrdersScreen)
    table = screen.query_one(OrderTable)
    changing = numbers[-10:]  # not the selected row (read faster)
    changed_at: dict[str, float] = {}
    said: list[str] = []  # every notification (they expire from the app's list)
    notify = app.notify

    def counting(message: str, *args: Any, **kwargs: Any) -> None:
        said.append(str(message))
        notify(message, *args, **kwargs)

    app.notify = counting  # type: ignore[method-assign]
    async with httpx.AsyncClient(base_url=base_url) as raw:
        for number in changing:
            response = await raw.post(f"/sim/orders/{number}/deposit",
                                      json={"outcome": "success"})  # fmt: skip
            assert response.status_code == 200, response.text
            changed_at[number] = time.monotonic()
    seen: dict[str, float] = {}

    def all_seen() -> bool:
        """Swapping, or completed already (the swap takes 30 s of real time here)."""
        for number in changing:
            shown = table.get_cell(number, "status").plain
            if number not in seen and ("swapping" in shown or "completed" in shown):
                seen[number] = time.monotonic()
        return len(seen) == len(changing)

    interval = PollPolicy().active
    await until(all_seen, interval * 3, step=0.02)
    delays = [seen[n] - changed_at[n] for n in changing if n in seen]
    print(f"\n10 orders change state (a deposit): on screen after, s "
          f"(polling interval {interval:.0f} s on screen, less up to "
          f"{PollPolicy().jitter:.0%} jitter):")  # fmt: skip
    if delays:
        print(
            f"  median {statistics.median(delays):5.1f}   max {max(delays):5.1f}   "
            f"within one interval: {sum(d <= interval for d in delays)} of {len(changing)}"
        )
    else:
        print("  none seen")
    notified = {number for number in changing for text in said if f"Order {number}:" in text}
    print(f"  orders notified: {len(notified)} of {len(changing)}")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from quote_stream import simulator  # the same ``a2a-tui sim`` subprocess

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--window", type=float, default=60.0, help="seconds per measurement")
    parser.add_argument("--changes-only", action="store_true",
                        help="skip the idle rates and CPU (about 10 minutes)")  # fmt: skip
    args = parser.parse_args()
    with simulator("--latency-scale", "0") as base_url, tempfile.TemporaryDirectory() as tmp:
        journal_path = Path(tmp) / "journal.sqlite3"
        started = time.monotonic()
        numbers = asyncio.run(create_orders(base_url, journal_path, args.orders))
        print(f"Created {len(numbers)} orders in {time.monotonic() - started:.1f} s")
        asyncio.run(run(base_url, journal_path, numbers, args.window,
                        idle=not args.changes_only))  # fmt: skip


if __name__ == "__main__":
    main()
