"""Serve benchmark: ``make bench-serve`` (``python benchmarks/serve.py``), also in ``make bench``.

Runs ``a2a-tui serve ssh --demo`` as its own process and drives it with
OpenSSH's client, each on a pty of its own, as people would. Prints:

1. time from starting ``ssh`` to the first painted board (the table's header
   on the wire), median of 10: with a spare app waiting (the default) and with
   every app started on connect (``--spares 0``); for reference the same app
   started locally and a minimal Textual app, and what imports cost;
2. bytes per second sent to one client (80x24) while quotes stream, and idle;
3. memory per session and, for growing numbers of concurrent sessions with
   every board streaming (a re-quote every 3 s), the latency of a keystroke
   (a character typed into the amount field until it comes back), the
   machine's CPU use and memory: the table shows where the knee is.

Everything runs on this machine: the clients' own CPU counts against the
server's, as it would not on a real host. Numbers from a shared machine are
noisy; run it on a quiet one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from pathlib import Path

import asyncssh

PAINTED = b"Receive"
REQUOTE = b"\x12"  # ctrl+r
MARK = "ж".encode()  # typed into the amount field: nothing else on the board shows it
BACKSPACE = b"\x7f"


def _winsize(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


class Client:
    """A command on its own pty; its output counted, not drawn."""

    def __init__(self) -> None:
        self.raw = bytearray()
        self.changed = asyncio.Event()
        self.process: asyncio.subprocess.Process | None = None
        self.master = -1
        self.closed = False

    async def start(self, command: Sequence[str], env: dict[str, str] | None = None) -> None:
        master, slave = os.openpty()
        _winsize(slave, 80, 24)
        setsid = shutil.which("setsid")
        prefix = [setsid, "-c"] if setsid else []
        base = {k: v for k, v in (env or os.environ).items() if k not in ("COLUMNS", "LINES")}
        base.setdefault("TERM", "xterm-256color")
        self.process = await asyncio.create_subprocess_exec(
            *prefix, *command, stdin=slave, stdout=slave, stderr=slave, env=base
        )
        os.close(slave)
        os.set_blocking(master, False)
        self.master = master
        asyncio.get_running_loop().add_reader(master, self._read)

    def _read(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
            self.closed = True
        self.raw += data
        self.changed.set()

    async def wait(self, marker: bytes, start: int = 0, within: float = 30) -> float:
        """Seconds until ``marker`` appears in the output after offset ``start``."""
        began = time.perf_counter()
        deadline = began + within
        while self.raw.find(marker, start) < 0:
            if self.closed:
                raise RuntimeError(f"closed: {bytes(self.raw[-300:])!r}")
            self.changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{marker!r} not seen")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)
        return time.perf_counter() - began

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    async def close(self) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()
        if self.master >= 0:
            with contextlib.suppress(ValueError, OSError):
                asyncio.get_running_loop().remove_reader(self.master)
            os.close(self.master)
            self.master = -1


class Server:
    """``a2a-tui serve ssh --demo`` in its own process, with a client key."""

    def __init__(self, where: Path, *args: str) -> None:
        self.where = where
        self.args = args
        self.pids: list[int] = []
        self.process: subprocess.Popen[str] | None = None
        self.port = 0

    def __enter__(self) -> Server:
        data = self.where / "serve"
        data.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519")
        self.key = self.where / "id_bench"
        fd = os.open(self.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key())
        (data / "authorized_keys").write_bytes(key.export_public_key())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "a2a_tui", "serve", "ssh", "--demo", "--port", "0",
             "--data-dir", str(data), "--idle-timeout", "0", *self.args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        line = self.process.stdout.readline()
        match = re.search(r":(\d+)(?: \(demo\))?;", line)
        if match is None:
            raise SystemExit(f"serve ssh did not start: {line!r} {self.process.stderr.read()}")
        self.port = int(match.group(1))
        self._stderr = self.process.stderr
        os.set_blocking(self._stderr.fileno(), False)
        return self

    def app_pids(self) -> list[int]:
        """App pids of the sessions started so far (from the server's log)."""
        with contextlib.suppress(TypeError, OSError):
            text = self._stderr.read() or ""
            self.pids += [int(p) for p in re.findall(r"app pid (\d+)", text)]
        return self.pids

    def ssh(self) -> list[str]:
        ssh = shutil.which("ssh")
        if ssh is None:
            raise SystemExit("needs OpenSSH's ssh (Debian openssh-client)")
        return [ssh, "-F", "/dev/null", "-p", str(self.port), "-i", str(self.key), "-tt",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "127.0.0.1"]  # fmt: skip

    def __exit__(self, *_: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# -- 1. first paint ----------------------------------------------------------------------


async def paint_time(command: Sequence[str]) -> float:
    client = Client()
    began = time.perf_counter()
    await client.start(command)
    try:
        await client.wait(PAINTED)
        return time.perf_counter() - began
    finally:
        await client.close()


MINIMAL = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header, Input
class Minimal(App):
    def compose(self):
        yield Header(); yield Input(placeholder="amount"); yield DataTable(); yield Footer()
    def on_mount(self):
        self.query_one(DataTable).add_columns("Channel", "Receive")
Minimal().run()
"""


def sim_url_of(server_pid: int) -> str | None:
    """The shared simulator's URL, from a spare app's command line."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == server_pid:
                cmdline = (stat.parent / "cmdline").read_bytes().split(b"\0")
                return next((c.decode() for c in cmdline if c.startswith(b"http")), None)
    return None


def import_seconds(code: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - began)
    return min(times)


async def first_paint(where: Path, runs: int) -> None:
    print(f"\nFirst painted board, from starting ssh (80x24), median of {runs}:")
    results: dict[str, list[float]] = {}
    setups = (
        ("a spare app waiting (default)", (), 2.5),
        ("--spares 0 (app started on connect)", ("--spares", "0"), 0.3),
    )
    for label, args, pause in setups:
        with Server(where / label.split()[0], *args) as server:
            await asyncio.sleep(3)  # the first spare's imports
            times = []
            for _ in range(runs):
                times.append(await paint_time(server.ssh()))
                await asyncio.sleep(pause)  # the next spare's imports
            results[label] = times
    with Server(where / "local") as server:
        await asyncio.sleep(3)
        assert server.process is not None
        url = sim_url_of(server.process.pid)
        handshake = []
        for _ in range(runs):
            began = time.perf_counter()
            refused = await asyncio.create_subprocess_exec(
                *[a for a in server.ssh() if a != "-tt"][:-1], "-T", "127.0.0.1",
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            await refused.wait()
            handshake.append(time.perf_counter() - began)
        results["ssh alone (connect, authenticate, refused -T)"] = handshake
        if url:
            local = [sys.executable, "-m", "a2a_tui", "demo", "--attach", url]
            results["the session's app started locally, no SSH"] = [
                await paint_time(local) for _ in range(runs)
            ]
    script = where / "minimal.py"
    script.write_text(MINIMAL)
    results["a minimal Textual app, locally (the floor)"] = [
        await paint_time([sys.executable, str(script)]) for _ in range(runs)
    ]
    for label, times in results.items():
        print(f"  {label:<47} {statistics.median(times):6.3f} s   "
              f"(min {min(times):.3f}, max {max(times):.3f})")  # fmt: skip
    bare = import_seconds("pass")
    app = import_seconds("import a2a_tui.cli.main, a2a_tui.cli.demo, httpcore, "
                         "textual.drivers.linux_driver")  # fmt: skip
    textual = import_seconds("from textual.widgets import DataTable, Footer, Header, Input")
    print(
        f"  imports of a session's app: {app - bare:.3f} s "
        f"(Textual and its widgets alone {textual - bare:.3f} s; interpreter {bare:.3f} s)"
    )


# -- 2. bytes per second -----------------------------------------------------------------


async def bandwidth(where: Path, seconds: float) -> None:
    with Server(where / "bandwidth") as server:
        await asyncio.sleep(3)
        client = Client()
        await client.start(server.ssh())
        await client.wait(PAINTED)
        await asyncio.sleep(10)  # the first quote done and settled
        start = len(client.raw)
        began = time.perf_counter()
        while time.perf_counter() - began < seconds:
            client.send(REQUOTE)
            await asyncio.sleep(3)
        streaming = (len(client.raw) - start) / (time.perf_counter() - began)
        await asyncio.sleep(12)  # the last quote finished, the board stale
        start = len(client.raw)
        began = time.perf_counter()
        await asyncio.sleep(seconds)
        idle = (len(client.raw) - start) / (time.perf_counter() - began)
        await client.close()
    print(f"\nBytes per second to one SSH client (80x24, TERM=xterm-256color; "
          f"app output, before SSH's framing and encryption), {seconds:g} s each:")  # fmt: skip
    print(f"  re-quoting every 3 s (a quote streams for ~3 s) {streaming:>10,.0f} B/s")
    print(f"  idle (a stale board, its age ticking)           {idle:>10,.0f} B/s")


# -- 3. sessions per machine -------------------------------------------------------------


def cpu_times() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]


def memory_kib(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in KiB."""
    pss = rss = 0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    return pss, rss


async def drive(
    client: Client, until: float, echoes: list[float], offset: float, probe: bool
) -> None:
    """Re-quote every 3 s; in between type a character and time its echo."""
    await asyncio.sleep(offset)
    while time.perf_counter() < until:
        started = time.perf_counter()
        client.send(REQUOTE)
        await asyncio.sleep(1.0)
        if probe:
            echoes.append(await echo(client))
        await asyncio.sleep(max(0.0, 3.0 - (time.perf_counter() - started)))


async def echo(client: Client, within: float = 5) -> float:
    """``/`` (to the amount, its text selected), then a character nothing else on
    the board uses: seconds until it comes back. Then the amount is put back. Keys
    that arrive together may land before the focus moves; whatever happened, the
    amount field ends up focused and holding 1.5, so no session is left astray."""
    client.send(b"/")
    await asyncio.sleep(0.3)
    mark = len(client.raw)
    client.send(MARK)
    try:
        seconds = await client.wait(MARK, mark, within=within)
    except TimeoutError:
        seconds = within
    client.send(BACKSPACE + b"1.5")
    return seconds


async def check_probe(client: Client) -> bool:
    """True if a character typed here comes back."""
    # the app runs and its first quote answers (at 80 columns the tags are initials,
    # so the status line's count is the mark)
    await client.wait(b"routes answered", within=60)
    return await echo(client, within=10) < 10


async def capacity(where: Path, counts: Sequence[int], seconds: float) -> None:
    print(f"\nConcurrent sessions, every board re-quoting every 3 s, {seconds:g} s each (echo: "
          f"a character typed until it comes back; {os.cpu_count()} CPUs):")  # fmt: skip
    header = ("sessions", "echo p50", "echo p90", "CPU busy", "kB/s/session", "PSS/session",
              "RSS/session", "server RSS")  # fmt: skip
    widths = (8, 9, 9, 9, 13, 12, 12, 11)
    print("  " + " ".join(f"{name:>{width}}" for name, width in zip(header, widths, strict=True)))
    biggest = max(counts)
    with Server(where / "capacity", "--max-sessions", str(biggest)) as server:
        await asyncio.sleep(3)
        clients: list[Client] = []
        probed: list[bool] = []
        knee = None
        for count in counts:
            while len(clients) < count:
                client = Client()
                await client.start(server.ssh())
                await client.wait(PAINTED, within=60)
                probed.append(await check_probe(client))
                clients.append(client)
            await asyncio.sleep(2)
            echoes: list[float] = []
            sent0 = sum(len(c.raw) for c in clients)
            total0, idle0 = cpu_times()
            until = time.perf_counter() + seconds
            await asyncio.gather(*(drive(c, until, echoes, 3 * i / count, probed[i])
                                   for i, c in enumerate(clients)))  # fmt: skip
            total1, idle1 = cpu_times()
            busy = 1 - (idle1 - idle0) / max(1, total1 - total0)
            rate = (sum(len(c.raw) for c in clients) - sent0) / seconds / count / 1000
            pids = server.app_pids()[:count]
            memory = [memory_kib(pid) for pid in pids]
            pss = statistics.mean(m[0] for m in memory) / 1024 if memory else 0.0
            rss = statistics.mean(m[1] for m in memory) / 1024 if memory else 0.0
            assert server.process is not None
            server_rss = memory_kib(server.process.pid)[1] / 1024
            echoes.sort()
            if not echoes:
                echoes = [float("nan")]
            p50 = statistics.median(echoes) * 1000
            p90 = echoes[int(0.9 * (len(echoes) - 1))] * 1000
            row = (f"{count:>8} {p50:>6.0f} ms {p90:>6.0f} ms {busy:>9.0%} {rate:>13.1f} "
                   f"{pss:>8.0f} MiB {rss:>8.0f} MiB {server_rss:>7.0f} MiB")  # fmt: skip
            if not all(probed[:count]):
                row += f"  (echo timed in {sum(probed[:count])} of them)"
            print("  " + row, flush=True)
            if p50 <= 100:
                knee = count
            if p50 > 500:
                break
        for client in clients:
            await client.close()
    if knee is not None:
        print(f"  echo median within 100 ms up to {knee} sessions here")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="first paints per figure")
    parser.add_argument("--seconds", type=float, default=15, help="per measurement window")
    parser.add_argument("--sessions", default="1,2,4,8,16,24,32,48,64",
                        help="concurrent session counts, comma-separated")  # fmt: skip
    parser.add_argument("--only", choices=("paint", "bytes", "sessions"), help="one part only")
    args = parser.parse_args()
    print(f"a2a-tui serve benchmark · Python {sys.version.split()[0]} · "
          f"load average {os.getloadavg()[0]:.2f} at start")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="a2a-serve-bench-") as tmp:
        where = Path(tmp)
        if args.only in (None, "paint"):
            await first_paint(where, args.runs)
        if args.only in (None, "bytes"):
            await bandwidth(where, args.seconds)
        if args.only in (None, "sessions"):
            counts = [int(n) for n in args.sessions.split(",")]
            await capacity(where, counts, args.seconds)


if __name__ == "__main__":
    asyncio.run(main())
