"""Helpers for the serve tests: a real server process, a real SSH client on a pty,
and a terminal emulator (pyte) that shows what that client's screen would."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
import pyte
import pytest

from a2a_tui.serve.spawn import set_winsize

SSH = shutil.which("ssh")
needs_ssh = pytest.mark.skipif(SSH is None, reason="needs OpenSSH's ssh (Debian openssh-client)")


def write_key(path: Path) -> asyncssh.SSHKey:
    key = asyncssh.generate_private_key("ssh-ed25519")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    path.with_suffix(".pub").write_bytes(key.export_public_key())
    return key


@dataclass
class ServeProcess:
    """``a2a-tui serve ssh`` as its own process; stderr lines are kept as they come."""

    process: subprocess.Popen[str]
    port: int
    data_dir: Path
    lines: list[str] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_line(self, pattern: str, within: float = 20) -> re.Match[str]:
        """The first stderr line matching ``pattern`` (waits for it)."""
        regex = re.compile(pattern)

        def found() -> re.Match[str] | None:
            return next((m for line in self.lines if (m := regex.search(line))), None)

        with self._changed:
            if not self._changed.wait_for(lambda: found() is not None, within):
                raise AssertionError(f"no line like {pattern!r} in {self.lines}")
        match = found()
        assert match is not None
        return match

    async def await_line(self, pattern: str, within: float = 20) -> re.Match[str]:
        return await asyncio.to_thread(self.wait_line, pattern, within)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def serve_ssh(
    data_dir: Path, *args: str, env: Mapping[str, str] | None = None
) -> Iterator[ServeProcess]:
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "a2a_tui", "serve", "ssh", "--port", "0",
               "--data-dir", str(data_dir), *args]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ if env is None else env),
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"listening on [^ ]+:(\d+)", first)
    if match is None:
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"the server did not start: {first!r} {err}")
    server = ServeProcess(process, int(match.group(1)), data_dir)
    threading.Thread(target=server._read, daemon=True).start()
    try:
        yield server
    finally:
        server.stop()


def known_hosts(server: ServeProcess, path: Path) -> Path:
    public = (server.data_dir / "ssh_host_ed25519_key.pub").read_text().split()
    path.write_text(f"[127.0.0.1]:{server.port} {public[0]} {public[1]}\n")
    return path


def ssh_command(
    server: ServeProcess, key: Path, *extra: str, remote: Sequence[str] = ()
) -> list[str]:
    """OpenSSH, ignoring every user and system setting, checking the host key."""
    assert SSH is not None
    hosts = known_hosts(server, key.with_name("known_hosts"))
    return [SSH, "-F", "/dev/null", "-p", str(server.port), "-i", str(key),
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
            "-o", f"UserKnownHostsFile={hosts}", "-o", "LogLevel=ERROR", *extra,
            "127.0.0.1", *remote]  # fmt: skip


class Terminal:
    """A command on a pty of its own, its output drawn by pyte: a user's screen."""

    def __init__(self, columns: int = 80, rows: int = 24) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self._changed = asyncio.Event()
        self.process: asyncio.subprocess.Process | None = None
        self._master = -1
        self.closed = asyncio.Event()

    async def start(self, command: Sequence[str], env: Mapping[str, str] | None = None) -> None:
        master, slave = os.openpty()
        set_winsize(slave, self.screen.columns, self.screen.lines)
        base = dict(os.environ if env is None else env)
        for name in ("COLUMNS", "LINES"):
            base.pop(name, None)
        setsid = shutil.which("setsid")
        assert setsid is not None, "util-linux's setsid"
        # setsid -c: the pty becomes the client's controlling terminal, so it gets SIGWINCH
        self.process = await asyncio.create_subprocess_exec(
            setsid, "-c", *command, stdin=slave, stdout=slave, stderr=slave, env=base
        )
        os.close(slave)
        os.set_blocking(master, False)
        self._master = master
        asyncio.get_running_loop().add_reader(master, self._on_output)

    def _on_output(self) -> None:
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self._master)
            self.closed.set()
        else:
            self.raw += data
            self.stream.feed(data)
        self._changed.set()

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, predicate: Callable[[Terminal], bool], within: float = 20) -> None:
        async def wait() -> None:
            while not predicate(self):
                if self.closed.is_set():
                    raise AssertionError(f"the terminal closed; it showed:\n{self.text}")
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(wait(), within)
        except TimeoutError:
            raise AssertionError(f"not seen within {within} s; the screen:\n{self.text}") from None

    async def wait_text(self, text: str, within: float = 20) -> None:
        await self.wait_for(lambda t: text in t.text, within)

    def send(self, data: bytes | str) -> None:
        os.write(self._master, data.encode() if isinstance(data, str) else data)

    def resize(self, columns: int, rows: int) -> None:
        self.screen.resize(rows, columns)
        set_winsize(self._master, columns, rows)  # the client gets SIGWINCH and tells the server

    async def close(self) -> int:
        """Kill the client abruptly (a dropped connection) and reap it."""
        assert self.process is not None
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        code = await self.process.wait()
        self.finish()
        return code

    async def exited(self, within: float = 20) -> int:
        assert self.process is not None
        code = await asyncio.wait_for(self.process.wait(), within)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.closed.wait(), 5)
        self.finish()
        return code

    def finish(self) -> None:
        if self._master >= 0:
            with contextlib.suppress(ValueError, OSError):
                asyncio.get_running_loop().remove_reader(self._master)
            os.close(self._master)
            self._master = -1


def process_gone(pid: int) -> bool:
    """Neither running nor a zombie, and nothing left in its session."""
    if Path(f"/proc/{pid}").exists():
        return False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == pid:  # session id
                return False
    return True


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


_SGR = re.compile(rb"\x1b\[([0-9;:]*)m")
#: The 256-colour palette's greys: the ramp, and the cube's and the 16's neutral entries.
GREYS = frozenset({0, 7, 8, 15, 16, 59, 102, 145, 188, 231, *range(232, 256)})


def colours(raw: bytes) -> tuple[set[str], set[int]]:
    """Which colour encodings the output used ("16", "256", "truecolor"), and
    which 256-palette entries."""
    kinds: set[str] = set()
    entries: set[int] = set()
    for match in _SGR.finditer(raw):
        params = re.split(rb"[;:]", match.group(1))
        i = 0
        while i < len(params):
            value = int(params[i] or b"0")
            if value in (38, 48) and i + 1 < len(params):
                if params[i + 1] == b"5":
                    kinds.add("256")
                    entries.add(int(params[i + 2]))
                    i += 3
                else:
                    kinds.add("truecolor")
                    i += 5
                continue
            if 30 <= value <= 37 or 40 <= value <= 47 or 90 <= value <= 97 or 100 <= value <= 107:
                kinds.add("16")
            i += 1
    return kinds, entries


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve_web_demo(*args: str) -> Iterator[str]:
    """``a2a-tui serve web --demo`` on a free port; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "a2a_tui", "serve", "web", "--demo", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(600):  # textual-serve prints nothing once it listens: ask the port
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.communicate()[0]
                time.sleep(0.05)
        else:
            raise AssertionError("serve web did not listen within 30 s")
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
