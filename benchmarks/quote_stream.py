"""Quote-stream benchmark: ``make bench`` (or ``python benchmarks/quote_stream.py``).

Prints, in one run against the simulator on loopback:

1. throughput, events/s, of (a) a bare httpx-sse loop, (b) the engine (client,
   decoder, validation, domain conversion, merger, board) and (c) the full app
   under ``run_test`` with the table updating, each on the same burst stream,
   timed from the first event to ``done``;
2. latency from an event leaving the simulator to its row being in the board
   and on screen (the next table paint), p50/p99, at 10, 100 and 1,000 channels
   answering over about a second, with the quote started from an idle app as a
   user would (Enter in the form);
3. time to first paint of ``a2a-tui demo`` in a fresh interpreter;
4. peak RSS.

The simulator runs as its own process (``a2a-tui sim``), as a real host
would: in-process it would share this process's GIL and measure the two
together. Latencies start at the simulator's send stamp (``--stamp-events``
puts it in each event's SSE id) on the shared wall clock.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import re
import resource
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx_sse

from a2a_tui.domain.quote_input import QuoteArgs, resolve_args
from a2a_tui.domain.quotes import Quote
from a2a_tui.engine.board import QuoteBoard
from a2a_tui.engine.merger import QuoteRun
from a2a_tui.providers.http.sse import SSEDecoder
from a2a_tui.services.backend import Backend
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.quote_form import QuoteForm
from a2a_tui.ui.widgets.quote_table import QuoteTable

ARGS = QuoteArgs("USDT@ethereum", "USDC@ethereum", "1000")
QUERY = {"src_token_id": "1", "dst_token_id": "2", "amount_in": "1000000000", "slippage": "0.01"}


@contextlib.contextmanager
def simulator(*options: str) -> Iterator[str]:
    """``a2a-tui sim`` in its own process; yields its base URL."""
    command = [sys.executable, "-m", "a2a_tui", "sim", "--port", "0", "--no-failures", *options]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield str(json.loads(process.stdout.readline())["base_url"])
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- 1. throughput ---------------------------------------------------------------------


async def bare_httpx_sse(base_url: str, *, decode_json: bool = False) -> tuple[int, float]:
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=60) as client,
        httpx_sse.aconnect_sse(client, "GET", "/api/v2/quote/stream", params=QUERY) as source,
    ):
        count, started = 0, 0.0
        async for sse in source.aiter_sse():
            if sse.event == "done":
                break
            if decode_json:
                json.loads(sse.data)
            if not count:
                started = time.perf_counter()
            count += 1
    return count, time.perf_counter() - started


async def httpx_sse_json(base_url: str) -> tuple[int, float]:
    return await bare_httpx_sse(base_url, decode_json=True)


async def engine(base_url: str) -> tuple[int, float]:
    backend = Backend.any2any(base_url)
    try:
        spec = resolve_args(ARGS, await backend.load_tokens())
        gc.freeze()  # as `a2a-tui quote` and the app do once started
        labels = {s.id: s.label for s in backend.sources}
        started = 0.0
        async with QuoteRun(backend.sources, spec) as run:
            board = QuoteBoard(spec, labels, run.started_at)
            async for batch in run:
                board.apply(batch)
                if not started and board.status().answered:  # as the baseline: first event
                    started = time.perf_counter()
        board.best()  # the ranking is kept as events arrive; reading the top is O(1)
        return board.status().answered, time.perf_counter() - started
    finally:
        await backend.close()


async def until_complete(screen: QuoteScreen, on_first: list[float] | None = None) -> None:
    """Wait on the screen's own messages, never by polling: Pilot.pause()
    forces a repaint each call, which would load the very app being measured."""
    done = asyncio.Event()

    def check(_: object) -> None:
        board = screen.board
        if board is None:
            return
        if on_first is not None and not on_first and board.status().answered:
            on_first.append(time.perf_counter())
        if board.status().complete:
            done.set()

    screen.message_signal.subscribe(screen, check, immediate=True)
    try:
        await done.wait()
    finally:
        screen.message_signal.unsubscribe(screen)


async def full_app(base_url: str) -> tuple[int, float]:
    app = A2AApp(Backend.any2any(base_url), initial=ARGS)
    first: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuoteScreen)
        await until_complete(screen, first)
        elapsed = time.perf_counter() - first[0]
        await pilot.pause()
        assert screen.board is not None
        return screen.board.status().answered, elapsed


RUNS = {"a": bare_httpx_sse, "a'": httpx_sse_json, "b": engine, "c": full_app}


async def throughput(channels: int, rounds: int) -> dict[str, float]:
    results: dict[str, float] = {}
    with simulator("--latency-scale", "0", "--channels", str(channels)) as base_url:
        for name, run in RUNS.items():
            rates = []
            for _ in range(rounds):
                count, seconds = await run(base_url)
                assert count >= channels, (name, count)
                rates.append(count / seconds)
            results[name] = statistics.median(rates)
    return results


# -- 2. latency ------------------------------------------------------------------------


_CHANNEL_ID = re.compile(r'"channel_id":(\d+)')


async def latency(channels: int) -> dict[str, float]:
    """Channels answer over ~1 s; each row's trip from the server's send stamp
    to the board and to the screen (the next table paint), by channel id."""
    sent: dict[int, float] = {}
    applied: dict[int, float] = {}
    painted: dict[int, float] = {}
    waiting: list[int] = []
    original_feed, original_apply = SSEDecoder.feed, QuoteBoard.apply
    original_paint = QuoteTable.render_lines

    def feed(self: SSEDecoder, chunk: bytes) -> list[Any]:
        events = original_feed(self, chunk)
        for event in events:
            found = _CHANNEL_ID.search(event.data) if event.id else None
            if found:
                sent[int(found.group(1))] = int(event.id) / 1e9
        return events

    def apply(self: QuoteBoard, batch: Any) -> None:
        batch = list(batch)
        original_apply(self, batch)
        now = time.time()
        for _, event in batch:
            if isinstance(event, Quote):
                applied[event.channel_id] = now
                waiting.append(event.channel_id)

    def paint(self: QuoteTable, crop: Any) -> Any:
        result = original_paint(self, crop)
        now = time.time()
        for cid in waiting:
            painted.setdefault(cid, now)
        waiting.clear()
        return result

    patches = {(SSEDecoder, "feed"): feed, (QuoteBoard, "apply"): apply,
               (QuoteTable, "render_lines"): paint}  # fmt: skip
    for (owner, name), function in patches.items():
        setattr(owner, name, function)
    scale = f"{1 / 3:.4f}"  # synthetic channels answer within 20-3000 ms at scale 1
    try:
        with simulator("--latency-scale", scale, "--channels", str(channels),
                       "--stamp-events") as base_url:  # fmt: skip
            app = A2AApp(Backend.any2any(base_url))
            async with app.run_test(size=(120, 40)) as pilot:
                screen = app.screen
                assert isinstance(screen, QuoteScreen)
                form = screen.query_one(QuoteForm)
                while not form.tokens:  # as a user would: the app is open and idle...
                    await pilot.pause(0.01)
                await asyncio.sleep(0.5)
                form.fill(ARGS)
                form.submit()  # ...then Enter
                await until_complete(screen)
                await asyncio.sleep(0.1)  # the last paint
    finally:
        SSEDecoder.feed, QuoteBoard.apply = original_feed, original_apply  # type: ignore[method-assign]
        QuoteTable.render_lines = original_paint  # type: ignore[method-assign]
    to_board = sorted((applied[c] - sent[c]) * 1000 for c in applied if c in sent)
    to_screen = sorted((painted[c] - sent[c]) * 1000 for c in painted if c in sent)
    return {
        "rows": len(to_board),
        "board_p50": _pct(to_board, 50),
        "board_p99": _pct(to_board, 99),
        "screen_p50": _pct(to_screen, 50),
        "screen_p99": _pct(to_screen, 99),
        "screen_max": max(to_screen),
    }


def _pct(values: list[float], percent: int) -> float:
    return values[min(len(values) - 1, round(percent / 100 * (len(values) - 1)))]


# -- 3. first paint --------------------------------------------------------------------

FIRST_PAINT = textwrap.dedent(
    """
    import asyncio, sys, time
    from a2a_tui.cli.demo import demo_app
    from a2a_tui.ui.widgets.quote_table import QuoteTable
    def peak_rss_kib():
        # VmHWM resets at exec; ru_maxrss would still hold the parent's peak
        try:
            with open("/proc/self/status") as status:
                return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
        except OSError:
            import resource
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    painted = asyncio.Event()
    original = QuoteTable.render_lines
    def render_lines(self, crop):
        painted.set()
        return original(self, crop)
    QuoteTable.render_lines = render_lines
    async def main():
        with demo_app() as app:
            async with app.run_test(size=(80, 24)):
                await painted.wait()
                print("painted", peak_rss_kib(), flush=True)
    asyncio.run(main())
    """
)


def first_paint() -> tuple[float, float]:
    """Seconds from spawning ``a2a-tui demo``'s code to its first table paint,
    and that process's peak RSS in MiB (the app and its in-process simulator)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", FIRST_PAINT], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    child.wait(timeout=30)
    word, rss = line.split()
    assert word == "painted"
    return elapsed, int(rss) / 1024


# -- report ----------------------------------------------------------------------------


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--channels", type=int, default=10_000, help="events per burst stream")
    parser.add_argument("--rounds", type=int, default=5, help="runs per throughput figure")
    args = parser.parse_args()

    print(f"a2a-tui quote-stream benchmark · Python {sys.version.split()[0]} · {Path.cwd().name}")
    rates = await throughput(args.channels, args.rounds)
    print(f"\nThroughput, {args.channels:,} channel events per stream, median of {args.rounds}:")
    names = {
        "a": "bare httpx-sse loop",
        "a'": "httpx-sse + json.loads",
        "b": "engine (client + board)",
        "c": "full app (run_test)",
    }
    for key, label in names.items():
        ratio, versus = rates[key] / rates["a"], rates[key] / rates["a'"]
        print(f"  ({key}) {label:<26} {rates[key]:>10,.0f} events/s   {ratio:.2f}x of (a), "
              f"{versus:.2f}x of (a')")  # fmt: skip

    print("\nLatency from leaving the simulator, ms (rows answering over ~1 s):")
    print(f"  {'channels':>8} {'board p50':>10} {'board p99':>10} {'screen p50':>11} "
          f"{'screen p99':>11} {'screen max':>11}")  # fmt: skip
    for channels in (10, 100, 1000):
        lat = await latency(channels)
        cells = [lat[k] for k in ("board_p50", "board_p99", "screen_p50", "screen_p99")]
        print(f"  {channels:>8} " + " ".join(f"{v:>10.2f}" for v in cells)
              + f" {lat['screen_max']:>10.2f}")  # fmt: skip

    paints = sorted(first_paint() for _ in range(3))
    seconds, demo_rss = paints[1]
    print(f"\nFirst paint of `a2a-tui demo` (new interpreter, median of 3): {seconds:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Peak RSS: the app with a {args.channels:,}-row board {peak:.0f} MiB; "
        f"`a2a-tui demo` (app and simulator) at first paint {demo_rss:.0f} MiB"
    )


if __name__ == "__main__":
    asyncio.run(main())
