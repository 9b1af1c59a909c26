"""An idle keep-alive connection the server closes just as it is reused: an
idempotent read is sent again at once, on a fresh connection, and succeeds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.any2any.errors import TransportFailure
from a2a_tui.providers.http.pool import KEEPALIVE_EXPIRY

TOKENS = b'{"code":0,"msg":"ok","data":[]}'


class ClosesReusedConnections:
    """Answers the first request of each connection (keep-alive), then closes the
    connection without an answer when a second request arrives on it: what a server
    closing an idle connection looks like to a client that reused it that instant."""

    def __init__(self) -> None:
        self.connections = 0
        self.server: asyncio.Server | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(TOKENS), TOKENS))  # fmt: skip
            await writer.drain()
            await reader.readuntil(b"\r\n\r\n")  # the reuse: closed, unanswered
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"


@pytest.fixture
async def flaky() -> AsyncIterator[tuple[ClosesReusedConnections, str]]:
    server = ClosesReusedConnections()
    url = await server.start()
    yield server, url
    assert server.server is not None
    server.server.close()


async def test_a_read_on_a_connection_closed_under_it_is_sent_again(
    flaky: tuple[ClosesReusedConnections, str],
) -> None:
    server, url = flaky
    async with Any2AnyClient(url) as client:
        assert await client.list_tokens() == []
        assert await client.list_tokens() == []  # reused, closed, retried on a fresh one
        assert await client.list_tokens() == []
    assert server.connections >= 3


async def test_a_post_is_not_sent_again(flaky: tuple[ClosesReusedConnections, str]) -> None:
    server, url = flaky
    async with Any2AnyClient(url) as client:
        assert await client.list_tokens() == []
        with pytest.raises(TransportFailure):  # it may have been handled: never repeated
            await client.request_public_refund("OD2026052510000001", "0x0")
    assert server.connections == 1


def test_idle_connections_expire_before_the_usual_servers_close_them() -> None:
    assert KEEPALIVE_EXPIRY < 5  # uvicorn's timeout_keep_alive
