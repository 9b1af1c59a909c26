"""``a2a-tui serve ssh``: the app over SSH, and nothing else.

asyncssh serves sessions only: no shell, no commands, no subsystems (SFTP,
SCP), no port, agent or X11 forwarding. Each session runs one app process on
its own pty (see `a2a_tui.serve.spawn`); the client's window size, resizes
and TERM reach it; the session closes when the app exits, and the app is
ended when the client leaves, falls idle or the server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import itertools
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import asyncssh

from a2a_tui.serve.keys import ServeSetupError, authorized_keys
from a2a_tui.serve.sandbox import client_env
from a2a_tui.serve.spawn import AppProcess, SparePool

__all__ = ["TERMINAL_RESET", "SSHOptions", "SSHServe"]

#: What the client's terminal needs after an app that could not restore it
#: (ended for idleness): main screen, cursor shown, mouse and paste modes off.
TERMINAL_RESET = (
    b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
    b"\x1b[?1004l\x1b[?2004l\x1b[<u\x1b[0m\r\n"
)


@dataclass
class SSHOptions:
    host: str
    port: int
    host_key: asyncssh.SSHKey
    authorized_keys: Path | None
    """None: anyone may connect (``--allow-anyone``)."""
    app_argv: Sequence[str]
    """The ``a2a-tui`` arguments every session runs (after ``--session-fd``)."""
    env: Callable[[], tuple[dict[str, str], Path | None]]
    """A session's base environment and its own directory (removed afterwards)."""
    max_sessions: int = 8
    idle_timeout: float = 600.0
    """Seconds without a key from the client before its session is closed; 0 = never."""
    spares: int = 1
    log: TextIO = field(default_factory=lambda: sys.stderr)


class _Stats:
    def __init__(self) -> None:
        self.bytes_out = 0
        self.last_input = time.monotonic()


class _Server(asyncssh.SSHServer):
    """Authentication and what a connection may ask for: sessions only."""

    def __init__(self, serve: SSHServe) -> None:
        self._serve = serve
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn

    def begin_auth(self, username: str) -> bool:
        path = self._serve.options.authorized_keys
        if path is None:
            return False  # --allow-anyone: no authentication
        assert self._conn is not None
        try:
            self._conn.set_authorized_keys(authorized_keys(path))
        except ServeSetupError as exc:
            self._serve.say(f"refusing {self._peer()}: {exc}")
            self._conn.set_authorized_keys(asyncssh.SSHAuthorizedKeys())
        return True

    def _peer(self) -> str:
        peer = self._conn.get_extra_info("peername") if self._conn else None
        return f"{peer[0]}:{peer[1]}" if peer else "?"

    def public_key_auth_supported(self) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str,
                             orig_port: int) -> bool:  # fmt: skip
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        return False


class SSHServe:
    """The server: listen, run one app per session, enforce the limits."""

    def __init__(self, options: SSHOptions) -> None:
        self.options = options
        self.sessions: dict[int, AppProcess] = {}
        self._numbers = itertools.count(1)
        self._starting = 0
        self._server: asyncssh.SSHAcceptor | None = None
        self._pool = SparePool(self._spawn_task, size=options.spares)
        self._tasks: set[asyncio.Task[None]] = set()
        logging.getLogger("asyncssh").setLevel(logging.WARNING)

    def say(self, text: str) -> None:
        print(f"a2a-tui serve ssh: {text}", file=self.options.log, flush=True)

    def _spawn_task(self) -> asyncio.Task[AppProcess]:
        env, home = self.options.env()
        return asyncio.ensure_future(AppProcess.spawn(self.options.app_argv, env, home=home))

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.get_port())

    async def start(self) -> None:
        self._server = await asyncssh.create_server(
            lambda: _Server(self),
            self.options.host,
            self.options.port,
            server_host_keys=[self.options.host_key],
            process_factory=self._session,
            encoding=None,  # bytes both ways: the app speaks to a terminal
            line_editor=False,
            allow_pty=True,
            allow_scp=False,
            sftp_factory=None,
            agent_forwarding=False,
            x11_forwarding=False,
            gss_host=None,
            host_based_auth=False,
            password_auth=False,
            kbdint_auth=False,
            login_timeout=30,
            keepalive_interval=30,
            keepalive_count_max=3,
        )
        if self.options.spares:
            self._pool.fill()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(app.end(grace=0.5) for app in list(self.sessions.values())))
        await self._pool.close()

    async def _app(self) -> AppProcess:
        if self.options.spares:
            return await self._pool.take()
        return await self._spawn_task()

    async def _session(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._run_session(process)
        finally:
            self._tasks.discard(task)

    async def _run_session(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        if process.command is not None or process.subsystem is not None:
            what = f"command {process.command!r}" if process.command is not None else (
                f"subsystem {process.subsystem!r}"
            )  # fmt: skip
            self._refuse(process, f"this server runs only the a2a-tui app; {what} refused")
            return
        term = process.get_terminal_type()
        if not term:
            self._refuse(
                process,
                "this is an interactive app and needs a terminal: connect without -T "
                "(ssh -t forces one)",
            )
            return
        if len(self.sessions) + self._starting >= self.options.max_sessions:
            self._refuse(
                process,
                f"all {self.options.max_sessions} sessions are in use; "
                "please try again in a few minutes",
            )
            return
        number = next(self._numbers)
        self._starting += 1  # counted while its app is found, so two at once cannot pass
        try:
            app = await self._app()
        except OSError as exc:
            self.say(f"session {number}: cannot start the app: {exc}")
            self._refuse(process, "the app could not be started; please try again later")
            return
        finally:
            self._starting -= 1
        self.sessions[number] = app
        peer = process.get_extra_info("peername")
        self.say(f"session {number} from {peer[0] if peer else '?'}: app pid {app.pid}, "
                 f"TERM={term}")  # fmt: skip
        started = time.monotonic()
        reason = "?"
        try:
            reason, code = await self._pump(process, app, term)
        finally:
            returncode = await app.end()
            self.sessions.pop(number, None)
            self.say(f"session {number} ended ({reason}) after {time.monotonic() - started:.0f} s"
                     f", app exit {returncode}")  # fmt: skip
        if reason == "app exited":
            process.exit(code if code is not None else 0)

    def _refuse(self, process: asyncssh.SSHServerProcess[bytes], message: str) -> None:
        process.stderr.write(f"a2a-tui: {message}\r\n".encode())
        process.exit(1)

    async def _pump(
        self, process: asyncssh.SSHServerProcess[bytes], app: AppProcess, term: str
    ) -> tuple[str, int | None]:
        """Join the client and the app until one of them leaves or the client falls idle."""
        columns, rows = process.get_terminal_size()[:2]
        app.start(client_env(term, process.env or {}), columns, rows)
        stats = _Stats()
        output = asyncio.create_task(_app_to_client(app, process, stats))
        inputs = asyncio.create_task(_client_to_app(process, app, stats))
        idle = asyncio.create_task(self._idle(stats))
        try:
            done, _ = await asyncio.wait(
                {output, inputs, idle}, return_when=asyncio.FIRST_COMPLETED
            )
        except asyncio.CancelledError:  # the server stops
            await _cancel(output, inputs, idle)
            raise
        await _cancel(inputs, idle)
        if output in done and not output.cancelled() and output.exception() is None:
            # The app closed its terminal: it is exiting (ended if it lingers).
            return "app exited", await app.end()
        if idle in done:
            await app.end()  # its terminal closes: the output pump drains and stops
            await _cancel(output, grace=2)
            timeout = self.options.idle_timeout
            shown = f"{timeout / 60:g} min" if timeout >= 120 else f"{timeout:g} s"
            with contextlib.suppress(Exception):
                process.stdout.write(TERMINAL_RESET)
                process.stdout.write(f"a2a-tui: closed after {shown} without a key.\r\n".encode())
                process.exit(0)
            return "idle", None
        await _cancel(output)
        with contextlib.suppress(Exception):
            process.close()
        return "client left", None

    async def _idle(self, stats: _Stats) -> None:
        timeout = self.options.idle_timeout
        if timeout <= 0:
            await asyncio.Event().wait()
        while True:
            left = stats.last_input + timeout - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(left)


async def _cancel(*tasks: asyncio.Task[None], grace: float = 0) -> None:
    """Stop the tasks (after ``grace`` seconds to finish by themselves) and wait for
    them: their readers and writers must be gone before the pty is closed."""
    if grace:
        await asyncio.wait(tasks, timeout=grace)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _app_to_client(
    app: AppProcess, process: asyncssh.SSHServerProcess[bytes], stats: _Stats
) -> None:
    """Until the app closes its terminal (EIO on the master): everything it writes.
    Raises if the client goes first."""
    loop = asyncio.get_running_loop()
    readable = asyncio.Event()
    master = app.master
    loop.add_reader(master, readable.set)
    try:
        while True:
            await readable.wait()
            readable.clear()
            try:
                data = os.read(master, 65536)
            except BlockingIOError:
                continue
            except OSError as exc:
                if exc.errno == errno.EIO:
                    return
                raise
            if not data:
                return
            stats.bytes_out += len(data)
            process.stdout.write(data)  # raises once the client is gone
            await process.stdout.drain()
    finally:
        loop.remove_reader(master)


async def _write_all(fd: int, data: bytes) -> None:
    loop = asyncio.get_running_loop()
    while data:
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            ready = loop.create_future()
            loop.add_writer(fd, ready.set_result, None)
            try:
                await ready
            finally:
                loop.remove_writer(fd)
            continue
        data = data[written:]


async def _client_to_app(
    process: asyncssh.SSHServerProcess[bytes], app: AppProcess, stats: _Stats
) -> None:
    """Until the client leaves: its keys (and window changes) to the app."""
    while True:
        try:
            data = await process.stdin.read(65536)
        except asyncssh.TerminalSizeChanged as change:
            app.resize(change.width, change.height)
            continue
        except (asyncssh.BreakReceived, asyncssh.SignalReceived):
            continue  # only the app's own keys reach it
        except (asyncssh.Error, OSError):
            return
        if not data:
            return
        stats.last_input = time.monotonic()
        await _write_all(app.master, data)
