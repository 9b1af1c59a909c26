"""Running the simulator: in the foreground for ``a2a-tui sim``, or on a
background thread for ``a2a-tui demo``, the tests and the benchmarks.

A real uvicorn server on a real loopback socket, never an in-memory ASGI
transport: httpx's ``ASGITransport`` buffers whole responses, which would
hide exactly the streaming behaviour this project is about.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

import uvicorn
from starlette.types import ASGIApp

from a2a_tui.sim.api import build_app
from a2a_tui.sim.simulator import Simulator

__all__ = ["ServerThread", "SimServer", "bind_socket", "serve_forever"]

T = TypeVar("T")


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind and listen before serving: port 0 gives a free port we know up front,
    and a client that connects as soon as the first line is printed is queued
    by the kernel instead of refused while uvicorn is still starting."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="none",
        timeout_graceful_shutdown=1,
        date_header=False,  # the simulator's clock dates its answers (api.SimDate)
    )


class _Server(uvicorn.Server):
    """uvicorn has a ``started`` flag but no event; this adds one."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready_event = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._ready_event.set()


class ServerThread:
    """An ASGI app on a background thread with its own event loop."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self._sock = bind_socket(host, port)
        bound_host, bound_port = self._sock.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.base_url = f"http://{shown}:{bound_port}"
        self._ready = threading.Event()
        self._server = _Server(_config(app, host, bound_port), self._ready)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name="a2a-sim", daemon=True)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        finally:
            loop.close()

    async def _serve(self) -> None:
        try:
            await self._server.serve(sockets=[self._sock])
        finally:  # e.g. sse-starlette's shutdown watcher would die "pending" with the loop
            leftovers = asyncio.all_tasks() - {asyncio.current_task()}
            for leftover in leftovers:
                leftover.cancel()
            await asyncio.gather(*leftovers, return_exceptions=True)

    def start(self) -> Self:
        self._thread.start()
        while not self._ready.wait(timeout=0.05):
            if not self._thread.is_alive():
                raise RuntimeError(f"the server on {self.base_url} did not start")
        return self

    def stop(self, *, wait: bool = True) -> None:
        """Ask uvicorn to exit; ``wait=False`` lets many servers wind down at once."""
        self._server.should_exit = True
        if wait:
            self.join()

    def join(self) -> None:
        self._thread.join(timeout=10)
        self._sock.close()

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the server's loop, where the simulator's state lives."""
        assert self._loop is not None, "start() first"

        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class SimServer(ServerThread):
    """The simulator on a background thread; ``sim`` is its live state."""

    def __init__(self, sim: Simulator | None = None, host: str = "127.0.0.1", port: int = 0):
        self.sim = sim or Simulator()
        super().__init__(build_app(self.sim), host, port)


async def serve_forever(sim: Simulator, sock: socket.socket) -> None:
    """The foreground server of ``a2a-tui sim``; Ctrl+C stops it."""
    host, port = sock.getsockname()[:2]
    await uvicorn.Server(_config(build_app(sim), host, port)).serve(sockets=[sock])
