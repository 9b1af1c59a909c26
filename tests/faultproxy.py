"""A loopback HTTP/1.1 proxy that misbehaves on order creation, on purpose.

It sits between a client and a simulator on 127.0.0.1 and plays a plan, one
action per ``POST /api/v1/integrator/orders``: pass it on, or forward it (so
the server creates the order) and then drop the connection, reset it, answer
a gateway's 502, or hold the answer until the client goes away. Every order
request it saw is recorded, headers and body, as the server received them.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, Self

Action = Literal["pass", "drop_after", "reset_after", "reset_before", "502_after", "hold_after"]

_BAD_GATEWAY = (
    b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 24\r\n"
    b"Connection: close\r\n\r\n<h1>502 Bad Gateway</h1>"
)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    action: Action


@dataclass
class FaultProxy:
    upstream: str  # http://127.0.0.1:PORT
    plan: list[Action] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    held: threading.Event = field(default_factory=threading.Event)
    forwarded: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        host, _, port = self.upstream.removeprefix("http://").partition(":")
        self._up = (host, int(port))
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)

    # -- lifecycle --------------------------------------------------------------------

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._handle, sock=self._sock)
        self._ready.set()
        async with server:
            await self._stop.wait()
            server.close()

    def __enter__(self) -> Self:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)

    # -- one client connection ----------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                is_order = method == "POST" and path == "/api/v1/integrator/orders"
                action: Action = self.plan.pop(0) if is_order and self.plan else "pass"
                if is_order:
                    self.seen.append(Seen(method, path, headers, body, action))
                if action == "reset_before":
                    _reset(writer)
                    return
                response = await self._forward(lines, body)
                if is_order:
                    self.forwarded.set()
                match action:
                    case "pass":
                        writer.write(response)
                        await writer.drain()
                        if b"\r\nconnection: close" in response.split(b"\r\n\r\n")[0].lower():
                            writer.close()
                            return
                    case "drop_after":
                        writer.close()
                        return
                    case "reset_after":
                        _reset(writer)
                        return
                    case "502_after":
                        writer.write(_BAD_GATEWAY)
                        await writer.drain()
                        writer.close()
                        return
                    case "hold_after":
                        self.held.set()
                        await reader.read()  # until the client gives up or dies
                        writer.close()
                        return
        except (ConnectionError, asyncio.IncompleteReadError):
            return

    async def _forward(self, lines: list[str], body: bytes) -> bytes:
        """One request on a fresh upstream connection that closes after the answer."""
        kept = [line for line in lines[1:] if line and not line.lower().startswith("connection:")]
        head = "\r\n".join([lines[0], *kept, "Connection: close", "", ""]).encode("latin-1")
        up_reader, up_writer = await asyncio.open_connection(*self._up)
        up_writer.write(head + body)
        await up_writer.drain()
        response = await up_reader.read()
        up_writer.close()
        return response


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST instead of FIN: the client sees 'connection reset by peer'."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
