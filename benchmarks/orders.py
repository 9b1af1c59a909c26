"""Order benchmark: ``make bench`` (or ``python benchmarks/orders.py``).

Prints, against the simulator in its own process on loopback:

1. the journal's pending write before the POST (a committed ``BEGIN
   IMMEDIATE`` insert with ``synchronous=FULL`` in WAL mode, on a file in a
   temporary folder): median, p95, max (target: under 5 ms);
2. the journaled order path alone (`OrderService.place`: pending write, POST,
   created write, detail GET, status write), median;
3. confirm to deposit screen in the full app under ``run_test``: from the
   confirmation (Enter in the address field) to the deposit screen being the
   current screen, median, with a fresh quote (one POST and one detail GET)
   and with a quote older than 10 s (one more single-channel quote first).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from a2a_tui.domain.quote_input import QuoteArgs, resolve_args
from a2a_tui.engine.board import QuoteBoard
from a2a_tui.engine.merger import QuoteRun
from a2a_tui.infra.journal import Journal, key_fingerprint
from a2a_tui.infra.keystore import MemoryKeyring, SecretStore
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.orders import OrderService, draft_from_board
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.deposit import DepositScreen
from a2a_tui.ui.screens.order import OrderScreen
from a2a_tui.ui.screens.quote import QuoteScreen

KEY = "aaaabbbbccccddddeeeeffff00001111"
ARGS = QuoteArgs("ETH@ethereum", "USDT@tron", "1.5")
TRON = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"
#: Rounds where the fresh quote fell and the order step asked again (counted, not timed apart).
CONFIRMED_AGAIN = [0]


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return (
        f"median {statistics.median(values) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   "
        f"max {values[-1] * 1000:7.2f} ms   (n={len(values)})"
    )


def pending_write_cost(count: int) -> list[float]:
    body = {"src_token_id": 3, "dst_token_id": 9, "amount_in": "1500000000000000000",
            "channels": [{"channel_id": 100 + i, "estimated_out_str": "4700000000"}
                         for i in range(7)]}  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        journal = Journal(Path(folder) / "journal.sqlite3")
        times = []
        for i in range(count):
            started = time.perf_counter()
            journal.journal_pending(
                host="http://127.0.0.1:8787", client_order_id=f"bench-{i}", body=body,
                quote={"chosen": {"channel_id": 105}}, key_entry="any2any.api_key@bench",
                key_fingerprint=key_fingerprint(KEY),
            )  # fmt: skip
            times.append(time.perf_counter() - started)
        journal.close()
    return times


async def service_path(
    base_url: str, count: int, folder: Path, *, on_disk: bool = True
) -> list[float]:
    backend = Backend.any2any(base_url, SecretStr(KEY))
    journal = Journal(folder / "service.sqlite3") if on_disk else Journal.in_memory()
    service = OrderService(backend, journal)
    times = []
    try:
        spec = resolve_args(ARGS, await backend.load_tokens())
        for i in range(count):
            async with QuoteRun(backend.sources, spec) as run:
                board = QuoteBoard(spec, {s.id: s.label for s in backend.sources},
                                   run.started_at)  # fmt: skip
                async for batch in run:
                    board.apply(batch)
            best = board.best()
            assert best is not None
            draft = draft_from_board(board, best.row.key)
            assert not isinstance(draft, str)
            draft = service.checked(
                draft, address=TRON, client_order_id=f"svc-{on_disk}-{i}", user_id=""
            )
            started = time.perf_counter()
            await service.place(draft)
            times.append(time.perf_counter() - started)
    finally:
        await backend.close()
        service.close()
    return times


class Clock:
    """Real monotonic time plus an offset: a quote can be made 10 s older at will."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


async def until(app: Any, predicate: Callable[[], bool]) -> None:
    reached = asyncio.Event()

    def check(_: object) -> None:
        if predicate():
            reached.set()

    app.screen_change_signal.subscribe(app, check, immediate=True)
    app.message_signal.subscribe(app, check, immediate=True)
    try:
        if not predicate():
            await asyncio.wait_for(reached.wait(), 30)
    finally:
        app.screen_change_signal.unsubscribe(app)
        app.message_signal.unsubscribe(app)


async def confirm_to_deposit(
    base_url: str, count: int, folder: Path, *, stale: bool
) -> list[float]:
    store = SecretStore(MemoryKeyring(), env={})
    store.set("any2any.api_key", SecretStr(KEY), base_url)
    clock = Clock()
    confirmations = CONFIRMED_AGAIN
    backend = Backend.any2any(base_url)
    orders = OrderService(backend, Journal(folder / f"app-{stale}.sqlite3"), clock=clock)
    app = A2AApp(backend, credentials=CredentialService(store), initial=ARGS, clock=clock,
                 orders=orders)  # fmt: skip
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        board = app.screen
        assert isinstance(board, QuoteScreen)
        for _ in range(count):
            board.action_requote()  # a fresh board each round
            await until(app, lambda: board.board is not None and board.board.status().complete
                        and not board._streaming)  # fmt: skip
            await app.workers.wait_for_complete()
            clock.offset += 10.5 if stale else 0.0
            board.open_order(board.board.best().row.key)  # type: ignore[union-attr]
            await until(app, lambda: isinstance(app.screen, OrderScreen))
            order = app.screen
            assert isinstance(order, OrderScreen)
            await pilot.pause()
            order.query_one("#address").value = TRON  # type: ignore[attr-defined]
            started = time.perf_counter()
            order.action_create()
            await until(app, lambda o=order: isinstance(app.screen, DepositScreen)
                        or o.awaiting_confirmation)  # fmt: skip
            if order.awaiting_confirmation:  # the fresh quote fell: the trader confirms again
                confirmations[0] += 1
                order.action_create()
                await until(app, lambda: isinstance(app.screen, DepositScreen))
            times.append(time.perf_counter() - started)
            await pilot.pause()
            app.pop_screen()
            await until(app, lambda: app.screen is board)
    return times


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from quote_stream import simulator  # the same ``a2a-tui sim`` subprocess

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="orders per measurement")
    args = parser.parse_args()
    print("Journal pending write before the POST (WAL, synchronous=FULL), target < 5 ms:")
    print(f"  {ms(pending_write_cost(args.rounds * 10))}")
    with simulator("--latency-scale", "0") as base_url, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("\nOrderService.place (journal writes, POST, detail GET) on loopback:")
        disk = asyncio.run(service_path(base_url, args.rounds, folder))
        print(f"  journal on disk     {ms(disk)}")
        memory = asyncio.run(service_path(base_url, args.rounds, folder, on_disk=False))
        print(f"  journal in memory   {ms(memory)}")
        print("\nConfirm to deposit screen, full app under run_test, on loopback:")
        fresh = asyncio.run(confirm_to_deposit(base_url, args.rounds, folder, stale=False))
        print(f"  fresh quote (POST + GET)           {ms(fresh)}")
        stale = asyncio.run(confirm_to_deposit(base_url, args.rounds, folder, stale=True))
        print(f"  stale quote (quote + POST + GET)   {ms(stale)}")
        if CONFIRMED_AGAIN[0]:
            print(f"  ({CONFIRMED_AGAIN[0]} stale rounds fell and were confirmed again)")


if __name__ == "__main__":
    main()
