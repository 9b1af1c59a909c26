"""Five-source benchmark: ``make bench`` (or ``python benchmarks/sources.py``).

Prints, against the simulator in its own process on loopback (realistic
latencies, no random failures), on the demo's pair:

1. each source's own latency to its first answer, asked alone (median);
2. the first row on screen for a five-source quote in the app (under
   ``run_test``, started as a user would): ms from the request to the first
   table paint that shows an answer, and what the app added to the fastest
   source's latency in that same quote: from that answer leaving the
   simulator (its SSE id stamps the send time) to the paint, and from its
   arrival in the board to the paint. The first quote of a fresh app (clients,
   wire models and signing libraries load then, on threads) apart from the
   later ones, over six fresh apps (one figure each is too noisy to read).
   Target: the fastest source's latency plus under 20 ms;
3. first paint of ``a2a-tui demo`` with Any2Any alone and with all five
   sources (new interpreters, median of 3), and which heavy libraries are
   loaded by then (none should be: they load on first use, off the loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from a2a_tui.domain.quote_input import QuoteArgs, resolve_args
from a2a_tui.domain.quotes import Quote
from a2a_tui.engine.merger import QuoteRun
from a2a_tui.infra.config import Settings
from a2a_tui.providers.http.sse import SSEDecoder
from a2a_tui.services.backend import Backend
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.quote_form import QuoteForm
from a2a_tui.ui.widgets.quote_table import QuoteTable

ARGS = QuoteArgs("ETH@ethereum", "USDT@ethereum", "1.5")  # the demo's pair
ALONE_ROUNDS = 3
APP_ROUNDS = 6  # with the alone rounds, within SwapKit's 10 requests a minute
FRESH_APPS = 5  # more first quotes, each in a fresh app against a fresh simulator
PAINTS = 5


@contextlib.contextmanager
def simulator() -> Iterator[dict[str, Any]]:
    """``a2a-tui sim`` in its own process; yields its first line."""
    command = [sys.executable, "-m", "a2a_tui", "sim", "--port", "0", "--no-failures",
               "--stamp-events"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield json.loads(process.stdout.readline())
    finally:
        process.terminate()
        process.wait(timeout=10)


def backend_for(banner: dict[str, Any]) -> Backend:
    data = Settings().model_dump()
    secrets: dict[str, str] = {}
    for provider, entry in banner["providers"].items():
        data["providers"][provider].update(enabled=True, base_url=entry["base_url"])
        secrets |= {k: v for k, v in entry.items() if k != "base_url"}

    def get(name: str) -> SecretStr | None:
        return SecretStr(secrets[name]) if name in secrets else None

    settings = Settings.model_validate(data)
    return Backend.from_settings(settings, base_url=banner["base_url"], secrets=get)


async def alone(banner: dict[str, Any]) -> dict[str, float]:
    """Each source by itself: ms from the request to its first answer, median."""
    backend = backend_for(banner)
    try:
        spec = resolve_args(ARGS, await backend.load_tokens())
        results: dict[str, float] = {}
        for source in backend.sources:
            if source.unsupported_reason(spec) is not None:
                continue
            times = []
            for _ in range(ALONE_ROUNDS + 1):  # the first warms the client up
                async with QuoteRun([source], spec) as run:
                    first = None
                    async for batch in run:
                        for at, event in batch:
                            if first is None and isinstance(event, Quote):
                                first = at - run.started_at
                    assert first is not None, source.id
                    times.append(first * 1000)
            results[source.label] = statistics.median(times[1:])
        return results
    finally:
        await backend.close()


_CHANNEL_ID = re.compile(r'"channel_id":(\d+)')


@dataclass
class FirstRow:
    screen: float  # ms from the request to the paint
    from_sent: float  # ms from the first answer leaving the simulator to the paint
    from_board: float  # ms from the first answer in the board to the paint
    source: str


async def first_rows(banner: dict[str, Any], rounds: int = APP_ROUNDS) -> list[FirstRow]:
    """Per quote in one app, its first row on screen."""
    shown: list[FirstRow] = []
    sent: dict[int, float] = {}
    original_paint, original_feed = QuoteTable.render_lines, SSEDecoder.feed
    state: dict[str, Any] = {"board": None}

    def feed(self: SSEDecoder, chunk: bytes) -> list[Any]:
        events = original_feed(self, chunk)
        for event in events:
            found = _CHANNEL_ID.search(event.data) if event.id else None
            if found:
                sent.setdefault(int(found.group(1)), int(event.id) / 1e9)
        return events

    def render_lines(self: QuoteTable, crop: Any) -> Any:
        board = self._board
        if board is not None and board is not state["board"] and board.status().answered:
            state["board"] = board
            now, wall = time.monotonic(), time.time()
            first = min((r.row for r in board.ranked() if r.rank), key=lambda r: r.seq)
            assert first.arrived_at is not None
            channel = first.key[1] if isinstance(first.key[1], int) else None
            shown.append(FirstRow(
                (now - board.started_at) * 1000,
                (wall - sent[channel]) * 1000 if channel in sent else float("nan"),
                (now - first.arrived_at) * 1000,
                first.source_label,
            ))  # fmt: skip
        return original_paint(self, crop)

    QuoteTable.render_lines = render_lines  # type: ignore[method-assign]
    SSEDecoder.feed = feed  # type: ignore[method-assign]
    app = A2AApp(backend_for(banner))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, QuoteScreen)
            form = screen.query_one(QuoteForm)
            while not form.tokens:
                await pilot.pause(0.01)
            await asyncio.sleep(0.5)  # idle, as a user's app would be
            for _ in range(rounds):
                sent.clear()
                form.fill(ARGS)
                form.submit()
                done = asyncio.Event()

                def check(_: object, done: asyncio.Event = done) -> None:
                    board = screen.board
                    if board is not None and board.status().complete:
                        done.set()

                screen.message_signal.subscribe(screen, check, immediate=True)
                try:
                    await asyncio.wait_for(done.wait(), 30)
                finally:
                    screen.message_signal.unsubscribe(screen)
                await asyncio.sleep(0.5)
    finally:
        QuoteTable.render_lines = original_paint  # type: ignore[method-assign]
        SSEDecoder.feed = original_feed  # type: ignore[method-assign]
    return shown


FIRST_PAINT = textwrap.dedent(
    """
    import asyncio, sys
    from a2a_tui.cli.demo import demo_app
    from a2a_tui.ui.widgets.quote_table import QuoteTable
    painted = asyncio.Event()
    original = QuoteTable.render_lines
    def render_lines(self, crop):
        painted.set()
        return original(self, crop)
    QuoteTable.render_lines = render_lines
    HEAVY = ("eth_account", "cryptography.hazmat.primitives.asymmetric.rsa",
             "a2a_tui.providers.okx.client", "a2a_tui.providers.swapkit.models",
             "a2a_tui.providers.changelly.client", "a2a_tui.providers.swapscanner.client")
    async def main():
        with demo_app(direct=sys.argv[1] == "all") as app:
            async with app.run_test(size=(80, 24)):
                await painted.wait()
                loaded = [name for name in HEAVY if name in sys.modules]
                print("painted", ",".join(loaded) or "-", flush=True)
    asyncio.run(main())
    """
)


def first_paint(sources: str) -> tuple[float, str]:
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", FIRST_PAINT, sources], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    child.wait(timeout=30)
    word, loaded = line.split()
    assert word == "painted"
    return elapsed, loaded


async def main() -> None:
    from textual import constants  # as the app set it (a2a_tui.ui, imported above, first)

    print(f"a2a-tui five-source benchmark · Python {sys.version.split()[0]} · "
          f"Textual at most {constants.MAX_FPS} frames/s (TEXTUAL_FPS)")  # fmt: skip
    with simulator() as banner:
        own = await alone(banner)
        await asyncio.sleep(1)
        rows = await first_rows(banner)
    firsts = [rows[0]]
    for _ in range(FRESH_APPS):  # one sample per app is noise: a few fresh apps
        with simulator() as banner:
            firsts += await first_rows(banner, rounds=1)
    print(f"\nEach source alone, ms to its first answer (median of {ALONE_ROUNDS}, warm):")
    for label, ms in sorted(own.items(), key=lambda item: item[1]):
        print(f"  {label:<12} {ms:8.1f}")
    print("\nFirst row on screen, five sources, ms (target: the fastest source's latency + 20):")
    print(f"  {'':<28} {'from request':>12} {'after it left the sim':>22} "
          f"{'after it reached the board':>27}")  # fmt: skip
    warm = rows[1:]

    def show(what: str, figures: list[FirstRow], pick: Any) -> None:
        cells = [pick(f.screen for f in figures), pick(f.from_sent for f in figures),
                 pick(f.from_board for f in figures)]  # fmt: skip
        print(f"  {what:<28} {cells[0]:>12.1f} {cells[1]:>22.1f} {cells[2]:>27.1f}")

    show(f"an app's first, median of {len(firsts)}", firsts, statistics.median)
    show("an app's first, max", firsts, max)
    if warm:
        show(f"later, median of {len(warm)}", warm, statistics.median)
        show("later, max", warm, max)
    print(f"  first on screen: {', '.join(sorted({f.source for f in rows + firsts}))}")

    print(f"\nFirst paint of `a2a-tui demo` (new interpreter, median of {PAINTS}, interleaved):")
    runs: dict[str, list[tuple[float, str]]] = {"any2any": [], "all": []}
    for _ in range(PAINTS):  # alternating, so the machine's drift falls on both alike
        for sources in runs:
            runs[sources].append(first_paint(sources))
    for sources, what in (("any2any", "Any2Any alone"), ("all", "all five sources")):
        seconds = statistics.median(t for t, _ in runs[sources])
        loaded = ",".join(sorted({m for _, m in runs[sources]}))
        print(f"  {what:<18} {seconds:.2f} s   heavy modules loaded at first paint: {loaded}")


if __name__ == "__main__":
    asyncio.run(main())
