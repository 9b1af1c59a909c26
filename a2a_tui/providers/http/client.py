"""What the one-shot JSON clients share: an httpx client with explicit
timeouts, one request under a total budget, a bounded body, JSON decoding.

httpx's own timeouts are per phase (a server that trickles a byte every few
seconds never trips ``read``), so each request also runs under a total
deadline: ``connect + read`` seconds by default.
"""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from a2a_tui import __version__
from a2a_tui.providers.http.errors import TransportFailure, UnexpectedResponse, transport_reason
from a2a_tui.providers.http.pool import pooled_transport
from a2a_tui.providers.http.timeouts import Timeouts

__all__ = [
    "MAX_BODY_BYTES",
    "JsonResponse",
    "brief",
    "failure",
    "new_client",
    "parse",
    "send",
]

MAX_BODY_BYTES = 2 * 1024 * 1024

M = TypeVar("M", bound=BaseModel)


class JsonResponse:
    """Status, headers and the decoded JSON (None when the body is not JSON)."""

    __slots__ = ("body", "headers", "raw", "status")

    def __init__(self, status: int, headers: httpx.Headers, raw: bytes) -> None:
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.body: Any = json.loads(raw, parse_float=Decimal) if raw else None
        except (ValueError, UnicodeDecodeError):
            self.body = None

    @property
    def is_json(self) -> bool:
        return self.body is not None


def new_client(
    base_url: str,
    timeouts: Timeouts,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    auth: httpx.Auth | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.AsyncClient:
    t = timeouts
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/"),
        timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool),
        transport=transport or pooled_transport(max_connections=8, max_keepalive_connections=4),
        headers={"User-Agent": f"a2a-tui/{__version__}", "Accept": "application/json",
                 **(headers or {})},
        auth=auth,
        follow_redirects=False,
    )  # fmt: skip


def failure(exc: httpx.TransportError) -> TransportFailure:
    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    return TransportFailure(transport_reason(exc), maybe_delivered=not never_sent)


async def send(http: httpx.AsyncClient, request: httpx.Request, *, budget: float) -> JsonResponse:
    """Send ``request`` and read its whole (bounded) body within ``budget`` seconds."""
    try:
        async with asyncio.timeout(budget):
            response = await http.send(request, stream=True)
            try:
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_BODY_BYTES:
                        raise UnexpectedResponse(
                            f"HTTP {response.status_code}: a response over "
                            f"{MAX_BODY_BYTES // 1024 // 1024} MiB"
                        )
            finally:
                await response.aclose()
    except TimeoutError:
        raise TransportFailure(f"no answer within {budget:g} s", maybe_delivered=True) from None
    except httpx.TransportError as exc:
        raise failure(exc) from None
    return JsonResponse(response.status_code, response.headers, bytes(body))


def brief(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "data"
    return f"{where}: {first['msg']}"


def parse(model: type[M], data: Any, what: str) -> M:
    """``data`` as ``model``, or `UnexpectedResponse` naming the first bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise UnexpectedResponse(f"unexpected {what}: {brief(exc)}") from None
