"""Async Any2Any client on httpx: the quote stream, orders, refunds, lookups.

Every timeout is explicit (httpx's default is 5 s for everything, which kills
a quiet quote stream). A quote stream is an async context manager: leaving it
closes the connection, as guide 1.7 asks ("close the old connection first").
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import deque
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Literal, TypeVar, cast
from urllib.parse import quote

import httpx
from pydantic import SecretStr, TypeAdapter, ValidationError

from a2a_tui import __version__
from a2a_tui.providers.any2any.errors import (
    ApiError,
    OrderRejected,
    ProtocolError,
    RefundRejected,
    StreamIncomplete,
    TransportFailure,
)
from a2a_tui.providers.any2any.models import (
    WIRE,
    ChainInfo,
    ChannelError,
    ChannelInfo,
    ChannelQuote,
    CreateOrderRequest,
    Done,
    OrderCreated,
    OrderDetail,
    QuoteRequest,
    TokenInfo,
)
from a2a_tui.providers.http.errors import transport_reason
from a2a_tui.providers.http.pool import pooled_transport
from a2a_tui.providers.http.sse import SSEDecoder, SSEProtocolError, check_content_type
from a2a_tui.providers.http.timeouts import Timeouts

__all__ = ["Any2AnyClient", "InvalidChannelEvent", "StreamEvent", "Timeouts"]

T = TypeVar("T")

_MAX_ERROR_BODY = 64 * 1024
#: An order number no real order has (an all-zero sequence), for `check_api_key`.
PROBE_ORDER_NO = "OD0000000000000000"
PROBE_REFUND_ADDRESS = "0x0000000000000000000000000000000000000000"
_CHANNEL_ID = re.compile(rb'"channel_id"\s*:\s*(\d{1,18})')


@dataclass(frozen=True, slots=True)
class InvalidChannelEvent:
    """A ``channel`` (or ``error``) event whose data could not be read.

    Treated as that channel's failure so the rest of the stream still counts.
    """

    channel_id: int | None
    reason: str


StreamEvent = ChannelQuote | ChannelError | InvalidChannelEvent | Done


def _brief(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "data"
    return f"{where}: {first['msg']}"


def _invalid_channel(raw: str, reason: str) -> InvalidChannelEvent:
    found = _CHANNEL_ID.search(raw.encode("utf-8", "replace"))
    return InvalidChannelEvent(int(found.group(1)) if found else None, reason)


class QuoteStream:
    """Typed events of one quote stream, in arrival order.

    Raises `StreamIncomplete` after the last event if ``done`` never came.
    The budget is enforced per network read, not per event, so a burst of
    events in one chunk costs one timer.
    """

    def __init__(self, response: httpx.Response, deadline: float, budget: float) -> None:
        self._chunks = response.aiter_bytes()
        self._decoder = SSEDecoder()
        self._deadline = deadline
        self._budget = budget
        self._ready: deque[StreamEvent] = deque()
        self._done = False
        self._ended = False

    def __aiter__(self) -> QuoteStream:
        return self

    async def __anext__(self) -> StreamEvent:
        while not self._ready:
            if self._done or self._ended:
                raise StopAsyncIteration
            await self._read()
        return self._ready.popleft()

    async def _read(self) -> None:
        try:
            async with asyncio.timeout_at(self._deadline):
                chunk = await anext(self._chunks)
        except StopAsyncIteration:
            self._ended = True
            self._decoder.close()
            raise StreamIncomplete("the quote stream ended without done") from None
        except TimeoutError:
            self._ended = True
            raise StreamIncomplete(f"no done within {self._budget:g} s") from None
        except httpx.TransportError as exc:
            self._ended = True
            raise StreamIncomplete(transport_reason(exc)) from None
        try:
            events = self._decoder.feed(chunk)
        except SSEProtocolError as exc:
            self._ended = True
            raise StreamIncomplete(f"unreadable stream: {exc}") from None
        for sse in events:
            parsed = _parse_event(sse.event, sse.data)
            if parsed is None:
                continue
            self._ready.append(parsed)
            if isinstance(parsed, Done):
                self._done = True  # anything after done is not part of this quote
                break


def _parse_event(name: str, data: str) -> StreamEvent | None:
    if name == "channel":
        try:
            return ChannelQuote.model_validate_json(data)
        except ValidationError as exc:
            return _invalid_channel(data, f"malformed channel data ({_brief(exc)})")
    if name == "error":
        try:
            return ChannelError.model_validate_json(data)
        except ValidationError:
            return _invalid_channel(data, "unreadable error event")
    if name == "done":
        return Done()
    return None  # unknown event types are ignored, as EventSource would


class Any2AnyClient:
    """One client per host; share it, it pools connections."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: SecretStr | None = None,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = 32,
    ) -> None:
        self.timeouts = t = timeouts or Timeouts()
        self.api_key = api_key
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool),
            headers={"User-Agent": f"a2a-tui/{__version__}"},
            transport=transport
            or pooled_transport(max_connections=max_connections, max_keepalive_connections=8),
        )
        self._hint = SIM_HINT if _loopback(self._http.base_url) else ""
        #: The latest answer's ``Date`` header (None before the first): what the
        #: host's clock said, for countdowns on the host's time (`SupportDesk`).
        self.server_date: datetime | None = None

    @property
    def base_url(self) -> str:
        return str(self._http.base_url).rstrip("/")

    async def __aenter__(self) -> Any2AnyClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def connections_in_use(self) -> int:
        """Connections currently carrying a request (diagnostics and leak tests)."""
        transport = self._http._transport
        pool = getattr(getattr(transport, "inner", transport), "_pool", None)
        connections = getattr(pool, "connections", [])
        return sum(1 for c in connections if not c.is_idle() and not c.is_closed())

    # -- quotes ---------------------------------------------------------------

    @asynccontextmanager
    async def stream_quotes(
        self, request: QuoteRequest, *, method: Literal["GET", "POST"] = "GET"
    ) -> AsyncIterator[QuoteStream]:
        """Open ``/api/v2/quote/stream``; errors before the stream are raised here."""
        budget = self.timeouts.stream_budget
        deadline = asyncio.get_running_loop().time() + budget
        kwargs: dict[str, Any] = (
            {"json": request.model_dump(mode="json", exclude_none=True)}
            if method == "POST"
            else {"params": request.query()}
        )
        stream_timeout = httpx.Timeout(
            connect=self.timeouts.connect, read=budget, write=self.timeouts.write, pool=None
        )
        try:
            async with self._http.stream(
                method,
                "/api/v2/quote/stream",
                headers={"Accept": "text/event-stream"},
                timeout=stream_timeout,
                **kwargs,
            ) as response:
                await _raise_for_stream(response)
                yield QuoteStream(response, deadline, budget)
        except httpx.TransportError as exc:
            raise _transport_failure(exc, self._hint) from exc

    # -- orders and refunds ---------------------------------------------------

    async def create_order(
        self,
        order: CreateOrderRequest | Mapping[str, Any],
        *,
        auth: Literal["header", "authorization"] = "header",
    ) -> OrderCreated:
        """``POST /api/v1/integrator/orders`` with the configured key (guide 2).

        Without a key this is still the integrator endpoint, and the server
        falls back to a plain order (guide 2.2). ``order`` may be a body
        already built (a journaled request is resent byte for byte as JSON).
        A 4xx is an `OrderRejected` carrying the guide's reason.
        """
        headers = {}
        if self.api_key is not None:
            key = self.api_key.get_secret_value()
            if auth == "header":
                headers["X-Integrator-Api-Key"] = key
            else:
                headers["Authorization"] = f"ApiKey {key}"
        body = order.body() if isinstance(order, CreateOrderRequest) else dict(order)
        try:
            return await self._call(
                "POST", "/api/v1/integrator/orders", OrderCreated, json=body, headers=headers
            )
        except ApiError as exc:
            if 400 <= exc.status < 500:
                raise OrderRejected(exc.status, exc.code, exc.msg) from None
            raise

    async def create_public_order(self, order: CreateOrderRequest) -> OrderCreated:
        return await self._call("POST", "/api/v1/orders", OrderCreated, json=order.body())

    async def request_refund(self, order_no: str, refund_address: str) -> None:
        """``POST /api/v1/integrator/orders/{orderNo}/request_refund`` (guide 3);
        the header form only: this endpoint rejects ``Authorization: ApiKey``.
        A 4xx is a `RefundRejected` carrying the guide's reason (3.7)."""
        headers = {}
        if self.api_key is not None:
            headers["X-Integrator-Api-Key"] = self.api_key.get_secret_value()
        try:
            await self._call(
                "POST",
                f"/api/v1/integrator/orders/{_segment(order_no)}/request_refund",
                object,
                json={"refund_address": refund_address},
                headers=headers,
            )
        except ApiError as exc:
            if 400 <= exc.status < 500:
                raise RefundRejected(exc.status, exc.code, exc.msg) from None
            raise

    async def check_api_key(self) -> None:
        """Prove the key works without side effects; raises what the server said.

        A refund request for an order number that cannot exist: the guide
        checks the key before anything else (3.2, 3.7), so ``unauthorized``
        (401) or ``integrator disabled`` (403) is about the key, and
        ``order not found`` (400) means the key was accepted. Nothing is
        created or changed either way.
        """
        try:
            await self.request_refund(PROBE_ORDER_NO, PROBE_REFUND_ADDRESS)
        except ApiError as exc:
            if exc.status == 400 and exc.msg == "order not found":
                return
            raise
        raise ProtocolError("the server accepted a refund for an order that cannot exist")

    async def request_public_refund(self, order_no: str, refund_address: str) -> None:
        await self._call(
            "POST",
            f"/api/v1/orders/{_segment(order_no)}/request_refund",
            object,
            json={"refund_address": refund_address},
        )

    async def get_order(self, order_no: str) -> OrderDetail:
        return await self._call("GET", f"/api/v1/orders/{_segment(order_no)}", OrderDetail)

    # -- catalogue ------------------------------------------------------------

    async def list_tokens(self) -> list[TokenInfo]:
        return await self._call("GET", "/api/v1/tokens", list[TokenInfo])

    async def list_chains(self) -> list[ChainInfo]:
        return await self._call("GET", "/api/v1/chains", list[ChainInfo])

    async def list_channels(
        self, src_token_id: int | None = None, dst_token_id: int | None = None
    ) -> list[ChannelInfo]:
        params = {}
        if src_token_id is not None and dst_token_id is not None:
            params = {"src_token_id": str(src_token_id), "dst_token_id": str(dst_token_id)}
        return await self._call("GET", "/api/v1/channels", list[ChannelInfo], params=params)

    # -- plumbing -------------------------------------------------------------

    def _saw_date(self, headers: httpx.Headers) -> None:
        said = headers.get("date")
        if not said:
            return
        try:
            server = parsedate_to_datetime(said)
        except (TypeError, ValueError, IndexError):
            return
        if server.tzinfo is not None:
            self.server_date = server.astimezone(UTC)

    async def _call(self, method: str, path: str, shape: type[T], **kwargs: Any) -> T:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise _transport_failure(exc, self._hint) from exc
        self._saw_date(response.headers)
        data = _envelope_data(response.status_code, response.headers, response.content)
        adapter = _ADAPTERS.get(shape) or _ADAPTERS.setdefault(shape, TypeAdapter(shape))
        try:
            return cast(T, adapter.validate_python(data, context=WIRE))
        except ValidationError as exc:
            raise ProtocolError(f"unexpected data from {path}: {_brief(exc)}") from None


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _segment(value: str) -> str:
    """Percent-encode a path segment so an order number cannot change the path."""
    return quote(value, safe="")


#: What to check when a loopback host refuses: the simulator is the usual one there.
SIM_HINT = "is `a2a-tui sim` running?"


def _transport_failure(exc: httpx.TransportError, hint: str = "") -> TransportFailure:
    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    reason = transport_reason(exc)
    if hint and isinstance(exc, httpx.ConnectError):  # refused: nothing listens there
        reason = f"{reason} · {hint}"
    return TransportFailure(reason, maybe_delivered=not never_sent)


def _loopback(url: httpx.URL) -> bool:
    host = url.host
    return host in ("localhost", "::1") or host.startswith("127.")


def _envelope_data(status: int, headers: httpx.Headers, content: bytes) -> Any:
    try:
        body = json.loads(content)
    except ValueError:
        kind = headers.get("content-type", "no content type")
        raise ProtocolError(
            f"HTTP {status}: expected a JSON envelope, got {kind}", status=status
        ) from None
    if not isinstance(body, dict) or not isinstance(body.get("code"), int):
        raise ProtocolError(
            f"HTTP {status}: the response is not an Any2Any envelope", status=status
        )
    msg = body.get("msg")
    msg = msg if isinstance(msg, str) else ""
    if body["code"] != 0 or not 200 <= status < 300:
        raise ApiError(status, body["code"], msg or f"HTTP {status}")
    return body.get("data")


async def _raise_for_stream(response: httpx.Response) -> None:
    """Guide 1.4: before the stream starts, errors are ordinary JSON envelopes."""
    content_type = response.headers.get("content-type")
    if response.status_code == 200:
        try:
            check_content_type(content_type)
        except SSEProtocolError:
            pass
        else:
            return
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > _MAX_ERROR_BODY:
            break
    _envelope_data(response.status_code, response.headers, bytes(body[:_MAX_ERROR_BODY]))
    raise ProtocolError(
        f"HTTP {response.status_code}: expected text/event-stream, got {content_type!r}"
    )
