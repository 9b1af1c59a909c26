"""The Any2Any client against misbehaving servers on loopback, and its pool hygiene."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator, Sequence
from decimal import Decimal

import pytest
from conftest import MakeSim
from helpers import collect, quote_request
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from a2a_tui.providers.any2any.client import Any2AnyClient, InvalidChannelEvent
from a2a_tui.providers.any2any.errors import (
    ApiError,
    ProtocolError,
    StreamIncomplete,
    TransportFailure,
)
from a2a_tui.providers.any2any.models import ChannelError, ChannelQuote, Done
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.sim.catalog import SimChannel
from a2a_tui.sim.server import ServerThread

CHANNEL = (
    b'{"channel_id":101,"name":"A","symbol":"USDT","channel_icon":"x",'
    b'"estimated_out_str":"999500000","estimated_out_usd":"999.500000",'
    b'"channel_fee":0.3,"channel_fee_original":0.3,"promo_applied":false,"discount_pct":null}'
)
STALL = object()  # a chunk marker: stop sending, keep the connection open


def event(name: str, data: bytes) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + data + b"\n\n"


def serve(
    chunks: Sequence[bytes | object],
    *,
    status: int = 200,
    content_type: str = "text/event-stream; charset=utf-8",
) -> ServerThread:
    """A one-route server that sends exactly these bytes (for /api/v2/quote/stream)."""

    async def body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            if chunk is STALL:
                await asyncio.Event().wait()
            assert isinstance(chunk, bytes)
            yield chunk

    async def endpoint(request: Request) -> Response:
        return StreamingResponse(body(), status_code=status, media_type=None,
                                 headers={"content-type": content_type})  # fmt: skip

    app = Starlette(routes=[Route("/api/v2/quote/stream", endpoint, methods=["GET", "POST"])])
    return ServerThread(app).start()


@pytest.fixture
def servers() -> Iterator[list[ServerThread]]:
    started: list[ServerThread] = []
    yield started
    for server in started:
        server.stop()


async def run_against(
    servers: list[ServerThread],
    chunks: Sequence[bytes | object],
    *,
    budget: float = 5.0,
    status: int = 200,
    content_type: str = "text/event-stream; charset=utf-8",
) -> tuple[list[object], StreamIncomplete | None]:
    server = serve(chunks, status=status, content_type=content_type)
    servers.append(server)
    async with Any2AnyClient(server.base_url, timeouts=Timeouts(stream_budget=budget)) as client:
        events, incomplete = await collect(client, quote_request())
        return list(events), incomplete


async def test_typed_events_are_exact(servers: list[ServerThread]) -> None:
    events, incomplete = await run_against(
        servers,
        [event("channel", CHANNEL), event("error", b'{"msg":"boom"}'), event("done", b"{}")],
    )
    assert incomplete is None
    quote, error, done = events
    assert isinstance(quote, ChannelQuote)
    assert quote.estimated_out_str == 999_500_000
    assert quote.channel_fee == Decimal("0.3")
    assert error == ChannelError(channel_id=None, msg="boom")
    assert isinstance(done, Done)


@pytest.mark.parametrize(
    ("data", "channel_id", "reason"),
    [
        (b'{"channel_id":107,"name":', 107, "malformed channel data"),
        (CHANNEL.replace(b'"999500000"', b"999500000"), 101, "estimated_out_str"),
        (CHANNEL.replace(b'"999500000"', b'"-5"'), 101, "estimated_out_str"),
        (CHANNEL.replace(b'"name":"A",', b""), 101, "name"),
        (b"[]", None, "malformed channel data"),
    ],
)
async def test_a_malformed_channel_is_that_channels_error_and_the_stream_goes_on(
    servers: list[ServerThread], data: bytes, channel_id: int | None, reason: str
) -> None:
    events, incomplete = await run_against(
        servers, [event("channel", data), event("channel", CHANNEL), event("done", b"{}")]
    )
    assert incomplete is None
    bad, good, _ = events
    assert isinstance(bad, InvalidChannelEvent)
    assert bad.channel_id == channel_id
    assert reason in bad.reason
    assert isinstance(good, ChannelQuote)


async def test_a_stream_without_done_is_incomplete_after_its_events(
    servers: list[ServerThread],
) -> None:
    events, incomplete = await run_against(servers, [event("channel", CHANNEL)])
    assert [type(e) for e in events] == [ChannelQuote]
    assert incomplete is not None
    assert "without done" in str(incomplete)


async def test_a_silent_server_runs_out_the_budget(servers: list[ServerThread]) -> None:
    events, incomplete = await run_against(servers, [event("channel", CHANNEL), STALL], budget=0.3)
    assert len(events) == 1
    assert incomplete is not None
    assert "no done within 0.3 s" in str(incomplete)


async def test_a_line_that_never_ends_cannot_exhaust_memory(servers: list[ServerThread]) -> None:
    endless = [b"data: "] + [b"x" * 8192] * 64  # 512 KiB without a newline
    events, incomplete = await run_against(servers, endless)
    assert events == []
    assert incomplete is not None
    assert "longer than" in str(incomplete)


async def test_events_after_done_are_ignored(servers: list[ServerThread]) -> None:
    events, _ = await run_against(servers, [event("done", b"{}") + event("channel", CHANNEL)])
    assert [type(e) for e in events] == [Done]


async def test_keepalives_comments_and_unknown_events_are_skipped(
    servers: list[ServerThread],
) -> None:
    noise = b": ping\n\nid: 7\n\nevent: channel\n\nevent: progress\ndata: {}\n\n"
    events, _ = await run_against(servers, [b"\xef\xbb\xbf" + noise, event("done", b"{}")])
    assert [type(e) for e in events] == [Done]


@pytest.mark.parametrize(
    ("status", "content_type", "body", "error", "text"),
    [
        (400, "application/json", b'{"code":400,"msg":"token not found","data":null}',
         ApiError, "token not found"),
        (502, "application/json", b'{"code":502,"msg":"quote service unavailable","data":null}',
         ApiError, "quote service unavailable"),
        (200, "text/event-streamX", event("done", b"{}"), ProtocolError, "text/event-streamX"),
        (200, "application/json", b'{"code":0,"msg":"ok","data":[]}', ProtocolError,
         "expected text/event-stream"),
        (404, "text/plain", b"404 page not found", ProtocolError, "expected a JSON envelope"),
        (500, "text/html", b"<html>" * 100_000, ProtocolError, "expected a JSON envelope"),
    ],
)  # fmt: skip
async def test_errors_before_the_stream(
    servers: list[ServerThread],
    status: int,
    content_type: str,
    body: bytes,
    error: type[Exception],
    text: str,
) -> None:
    with pytest.raises(error, match=text) as caught:
        await run_against(servers, [body], status=status, content_type=content_type)
    if isinstance(caught.value, ApiError):
        assert (caught.value.status, caught.value.code) == (status, status)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_nothing_listening_is_a_transport_failure_that_was_never_delivered() -> None:
    async with Any2AnyClient(f"http://127.0.0.1:{_closed_port()}") as client:
        with pytest.raises(TransportFailure) as caught:
            await client.list_tokens()
        assert caught.value.maybe_delivered is False
        with pytest.raises(TransportFailure):
            await collect(client, quote_request())


async def test_a_stalled_answer_may_have_been_delivered(servers: list[ServerThread]) -> None:
    server = serve([STALL], content_type="application/json")
    servers.append(server)
    timeouts = Timeouts(read=0.2)
    async with Any2AnyClient(server.base_url, timeouts=timeouts) as client:
        with pytest.raises(TransportFailure) as caught:
            await client._call("POST", "/api/v2/quote/stream", object)
    assert caught.value.maybe_delivered is True


async def test_order_numbers_cannot_escape_their_path_segment(make_sim: MakeSim) -> None:
    server = make_sim()
    async with Any2AnyClient(server.base_url) as client:
        # encoded as one segment, "..%2F..%2Fsim%2Fstats", it never reaches /sim/stats
        with pytest.raises(ProtocolError, match="HTTP 404"):
            await client.get_order("../../sim/stats")
        with pytest.raises(ApiError, match="order not found"):
            await client.get_order("OD?x=1#frag")


async def test_cancelled_streams_leave_no_connection_behind(make_sim: MakeSim) -> None:
    """httpx has open reports of pool leaks on cancellation: hammer it."""
    fast = SimChannel(201, "Fast", "", Decimal("0.1"), 5, 10, 1, 0.0, 0.0, 0.0)
    slow = SimChannel(202, "Slow", "", Decimal("0.1"), 5, 10, 60_000, 0.0, 0.0, 0.0)
    server = make_sim(channels=(fast, slow), latency_scale=1.0)
    async with Any2AnyClient(server.base_url, max_connections=4) as client:

        async def consume(first_only: bool) -> None:
            async with client.stream_quotes(quote_request()) as stream:
                async for _ in stream:
                    if first_only:
                        return

        for cycle in range(150):
            if cycle % 3 == 0:  # leave the block early
                await consume(first_only=True)
            else:  # cancel from outside, mid-read or mid-connect
                task = asyncio.create_task(consume(first_only=False))
                for _ in range(cycle % 5):
                    await asyncio.sleep(0)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
        assert client.connections_in_use() == 0
        # the pool (4 connections) would be exhausted by now if any had leaked
        events, _ = await asyncio.wait_for(
            collect(client, quote_request(channel_id=201)), timeout=5
        )
        assert isinstance(events[-1], Done)


async def test_a_refund_sends_the_key_only_as_its_header_and_refusals_are_typed(
    servers: list[ServerThread],
) -> None:
    """Guide 3.2: ``X-Integrator-Api-Key`` alone; a 4xx is a `RefundRejected` with the
    3.7 reason, ``order_state_changed_retry`` is retryable and a 5xx is not a refusal."""
    from pydantic import SecretStr

    from a2a_tui.domain.refunds import RefundReason
    from a2a_tui.providers.any2any.errors import RefundRejected

    seen: list[dict[str, str]] = []
    answers = iter([
        (200, b'{"code":0,"msg":"ok","data":"ok"}'),
        (400, b'{"code":400,"msg":"order_state_changed_retry","data":null}'),
        (401, b'{"code":401,"msg":"unauthorized","data":null}'),
        (400, b'{"code":400,"msg":"something new","data":null}'),
        (502, b'{"code":502,"msg":"bad gateway","data":null}'),
    ])  # fmt: skip

    async def refund(request: Request) -> Response:
        seen.append({k.lower(): v for k, v in request.headers.items()})
        status, body = next(answers)
        return Response(body, status_code=status, media_type="application/json")

    app = Starlette(routes=[Route("/api/v1/integrator/orders/{no}/request_refund", refund,
                                  methods=["POST"])])  # fmt: skip
    server = ServerThread(app).start()
    servers.append(server)
    key = "aaaabbbbccccddddeeeeffff00001111"
    async with Any2AnyClient(server.base_url, api_key=SecretStr(key)) as client:
        await client.request_refund("OD1", "0xabc")
        with pytest.raises(RefundRejected) as changed:
            await client.request_refund("OD1", "0xabc")
        assert (changed.value.reason, changed.value.retryable) == (
            RefundReason.STATE_CHANGED, True,
        )  # fmt: skip
        with pytest.raises(RefundRejected) as unauthorized:
            await client.request_refund("OD1", "0xabc")
        assert (unauthorized.value.reason, unauthorized.value.retryable) == (
            RefundReason.UNAUTHORIZED, False,
        )  # fmt: skip
        with pytest.raises(RefundRejected) as unknown:
            await client.request_refund("OD1", "0xabc")
        assert unknown.value.reason is None
        with pytest.raises(ApiError) as gateway:
            await client.request_refund("OD1", "0xabc")
        assert not isinstance(gateway.value, RefundRejected)
        assert gateway.value.retryable
    assert all(h["x-integrator-api-key"] == key for h in seen)
    assert not any("authorization" in h for h in seen)
