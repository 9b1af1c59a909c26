"""The connection pool every provider client uses, and the one retry it makes.

A server closes an idle keep-alive connection after a few seconds (uvicorn:
``timeout_keep_alive`` 5 s); a client that reuses it at that very moment gets
"server disconnected" before any answer. So idle connections expire here
sooner than any usual server's (`KEEPALIVE_EXPIRY`), and an idempotent
request (GET, HEAD, OPTIONS) that fails that way, before any response, is
sent once more at once (on a fresh connection: the broken one has left the
pool) before it counts as a failure. Nothing else is retried here: a POST may
have been handled, and timeouts are the caller's budget.
"""

from __future__ import annotations

import httpx

__all__ = ["IDEMPOTENT", "KEEPALIVE_EXPIRY", "RetryStaleConnection", "pooled_transport"]

#: Seconds an idle connection stays in the pool: below uvicorn's 5 s, nginx's 75 s...
KEEPALIVE_EXPIRY = 2.0
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
#: What a connection closed under a request looks like before any response.
_STALE = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class RetryStaleConnection(httpx.AsyncBaseTransport):
    """Send an idempotent request once more when its connection broke before
    any response (a connection the server had just closed)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.retries = 0  # diagnostics and tests

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method not in IDEMPOTENT:
            return await self.inner.handle_async_request(request)
        try:
            return await self.inner.handle_async_request(request)
        except _STALE:
            self.retries += 1
            return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def pooled_transport(
    *, max_connections: int, max_keepalive_connections: int
) -> RetryStaleConnection:
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_keepalive_connections,
        keepalive_expiry=KEEPALIVE_EXPIRY,
    )
    return RetryStaleConnection(httpx.AsyncHTTPTransport(limits=limits))
