"""One app process per session, on its own pseudo-terminal, started ahead of time.

A session's app is ``a2a-tui`` itself, started under ``setsid -c`` so the pty
is its controlling terminal: a window change on the pty then reaches it as
SIGWINCH, and the kernel hangs it up if the pty goes away. It is started
*before* anyone connects and waits, imports done, for the server to hand it a
session (``--session-fd``: one JSON line with the client's TERM and locale);
most of a cold start is imports, so a connection paints in a fraction of it.

Ending a session ends the app's whole process group (SIGHUP, then SIGKILL
after a grace period) and reaps it: no zombies, no orphans.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import struct
import sys
import termios
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

__all__ = ["AppProcess", "SparePool", "receive_session", "set_winsize"]

#: What a waiting app says once its imports are done.
READY = b"r"
_MAX_MESSAGE = 64 * 1024


def set_winsize(fd: int, columns: int, rows: int) -> None:
    """Set a pty's window size (the kernel signals SIGWINCH to its foreground group)."""
    columns = columns if columns > 0 else 80
    rows = rows if rows > 0 else 24
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def receive_session(fd: int) -> dict[str, str]:
    """The app's side of the hand-over: say it is ready, then block until the
    server sends the session. Exits quietly if the server goes away first."""
    with socket.socket(fileno=fd) as channel:
        with contextlib.suppress(OSError):  # the session may be waiting already
            channel.sendall(READY)
        data = b""
        while not data.endswith(b"\n"):
            chunk = channel.recv(4096)
            if not chunk:
                raise SystemExit(0)
            data += chunk
            if len(data) > _MAX_MESSAGE:
                raise SystemExit("a2a-tui: session hand-over too long")
    message = json.loads(data)
    return {str(k): str(v) for k, v in message["env"].items()}


class AppProcess:
    """An app on its own pty, waiting for (or running) one session."""

    def __init__(
        self,
        process: asyncio.subprocess.Process,
        master: int,
        channel: socket.socket,
        home: Path | None,
        *,
        signal_resize: bool,
    ) -> None:
        self.process = process
        self.master = master
        self._channel: socket.socket | None = channel
        self.home = home
        self.started = False
        self._signal_resize = signal_resize
        self.ready = asyncio.Event()
        """Set once the app's imports are done and it waits for a session."""
        asyncio.get_running_loop().add_reader(channel.fileno(), self._on_ready)

    def _on_ready(self) -> None:
        if self._channel is not None:
            asyncio.get_running_loop().remove_reader(self._channel.fileno())
            with contextlib.suppress(OSError):
                if self._channel.recv(1) == READY:
                    self.ready.set()

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    async def spawn(
        cls,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        home: Path | None = None,
    ) -> AppProcess:
        """Start ``a2a-tui --session-fd N ARGV...`` on a new pty, waiting for a session."""
        master, slave = os.openpty()
        ours, theirs = socket.socketpair()
        set_winsize(slave, 80, 24)
        setsid = shutil.which("setsid")
        prefix = [setsid, "-c"] if setsid else []
        fd = theirs.fileno()
        command = [*prefix, sys.executable, "-m", "a2a_tui", "--session-fd", str(fd), *argv]
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(env),
                cwd=home,
                pass_fds=(fd,),
                start_new_session=not setsid,  # no ctty then: resizes are signalled by hand
            )
        except BaseException:
            os.close(master)
            ours.close()
            raise
        finally:
            os.close(slave)
            theirs.close()
        os.set_blocking(master, False)
        ours.setblocking(False)
        return cls(process, master, ours, home, signal_resize=not setsid)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def start(self, env: Mapping[str, str], columns: int, rows: int) -> None:
        """Hand the session over: the window size, then the client's TERM and locale."""
        set_winsize(self.master, columns, rows)
        assert self._channel is not None, "started twice"
        message = json.dumps({"env": dict(env)}).encode() + b"\n"
        try:
            self._channel.setblocking(True)
            self._channel.sendall(message)
        except OSError:
            pass  # the app is gone: the session sees it exit
        self._close_channel()
        self.started = True

    def _close_channel(self) -> None:
        if self._channel is not None:
            with contextlib.suppress(ValueError):  # already closed: no fileno
                asyncio.get_running_loop().remove_reader(self._channel.fileno())
            self._channel.close()
            self._channel = None

    def resize(self, columns: int, rows: int) -> None:
        set_winsize(self.master, columns, rows)
        if self._signal_resize and self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGWINCH)

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    async def end(self, grace: float = 2.0) -> int:
        """End the app and everything it started; reap it. Returns its exit status."""
        if self.alive:
            self._signal_group(signal.SIGHUP)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                self._signal_group(signal.SIGKILL)
        returncode = await self.process.wait()
        self._signal_group(signal.SIGKILL)  # anything the app left in its group
        self.close()
        return returncode

    def close(self) -> None:
        self._close_channel()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None


def _is_ready(task: asyncio.Task[AppProcess]) -> bool:
    return (
        task.done()
        and not task.cancelled()
        and task.exception() is None
        and task.result().ready.is_set()
    )


class SparePool:
    """Keeps ``size`` apps started and waiting, so a connection need not wait for imports."""

    def __init__(self, factory: Callable[[], asyncio.Task[AppProcess]], size: int = 1) -> None:
        self._factory = factory
        self._size = size
        self._waiting: list[asyncio.Task[AppProcess]] = []
        self._closed = False

    def fill(self) -> None:
        while not self._closed and len(self._waiting) < self._size:
            self._waiting.append(self._factory())

    async def take(self) -> AppProcess:
        """A waiting app: a ready one first, else the one furthest along, else a new one."""
        while self._waiting:
            ready = [t for t in self._waiting if _is_ready(t)]
            task = ready[0] if ready else self._waiting[0]
            self._waiting.remove(task)
            try:
                app = await task
            except OSError:
                continue
            if app.alive:
                self.fill()
                return app
            await app.end()
        app = await self._factory()
        self.fill()
        return app

    async def wait_ready(self) -> None:
        """Until every spare waits for a session (benchmarks, tests)."""
        for task in list(self._waiting):
            await (await task).ready.wait()

    async def close(self) -> None:
        self._closed = True
        waiting, self._waiting = self._waiting, []
        for task in waiting:
            with contextlib.suppress(Exception):
                await (await task).end(grace=0.5)
