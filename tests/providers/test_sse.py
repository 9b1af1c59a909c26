"""Table-driven conformance tests for the event-stream decoder.

Cases follow the web-platform-tests ``eventsource/format-*`` suite plus the httpx-sse
divergences that motivated the decoder. Every case is decoded under many chunkings, because
chunk boundaries (mid-BOM, mid-CRLF, mid-character) are where stream parsers break.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from itertools import pairwise

import httpx
import pytest
from httpx_sse import ServerSentEvent

from a2a_tui.providers.http.sse import (
    EventTooLarge,
    LineTooLong,
    NotAnEventStream,
    SSEDecoder,
    aiter_sse,
    check_content_type,
)

Row = tuple[str, str, str, int | None]  # (event, data, id, retry)


def ev(data: str, event: str = "message", id: str = "", retry: int | None = None) -> Row:
    return (event, data, id, retry)


def case(raw: bytes | str, *events: Row, discarded: bool = False, id: str) -> object:
    data = raw.encode() if isinstance(raw, str) else raw
    return pytest.param(data, list(events), discarded, id=id)


def chunkings(raw: bytes) -> Iterator[tuple[str, list[bytes]]]:
    yield "whole", [raw]
    yield "bytewise", [raw[i : i + 1] for i in range(len(raw))]
    yield "bytewise+empty", [c for i in range(len(raw)) for c in (raw[i : i + 1], b"")]
    if len(raw) < 200:
        for i in range(1, len(raw)):
            yield f"split@{i}", [raw[:i], raw[i:]]


def decode(chunks: list[bytes], **limits: int) -> tuple[list[Row], SSEDecoder]:
    decoder = SSEDecoder(**limits)
    events = [e for chunk in chunks for e in decoder.feed(chunk)]
    decoder.close()
    return [(e.event, e.data, e.id, e.retry) for e in events], decoder


LONG = "x" * 2049

CASES = [
    # format-bom, format-bom-2
    case("\ufeffdata:1\n\n\ufeffdata:2\n\ndata:3\n\n", ev("1"), ev("3"), id="format-bom"),
    case("\ufeff\ufeffdata:1\n\ndata:2\n\ndata:3\n\n", ev("2"), ev("3"), id="format-bom-2"),
    case("\ufeff", id="bom-only"),
    case(b"\xef\xbb", discarded=True, id="truncated-bom-is-a-partial-line"),
    case(b"\xefdata:1\n\ndata:2\n\n", ev("2"), id="bom-prefix-is-not-a-bom"),
    # format-comments
    case(
        f"data:1\r:\0\n:\r\ndata:2\n:{LONG}\rdata:3\n:data:fail\r:{LONG}\ndata:4\n\n",
        ev("1\n2\n3\n4"),
        id="format-comments",
    ),
    case(": keep-alive\n\n:\n\n", id="comments-only"),
    # format-data-before-final-empty-line
    case(
        "retry:1000\ndata:test1\n\nid:test\ndata:test2",
        ev("test1", retry=1000),
        discarded=True,
        id="format-data-before-final-empty-line",
    ),
    case("data:1\n\ndata:2\n", ev("1"), discarded=True, id="terminated-line-without-blank"),
    case("event:x\n", discarded=True, id="pending-event-type-discarded"),
    case("id:1\n", id="pending-id-is-not-a-partial-event"),
    # format-field-data
    case(
        "data:\n\ndata\ndata\n\ndata:test\n\n", ev(""), ev("\n"), ev("test"), id="format-field-data"
    ),
    case("data:a\ndata:b\ndata:c\n\n", ev("a\nb\nc"), id="multi-line-data"),
    # format-field-event, format-field-event-empty
    case("event:test\ndata:x\n\ndata:x\n\n", ev("x", "test"), ev("x"), id="format-field-event"),
    case("event: \ndata:data\n\n", ev("data"), id="format-field-event-empty"),
    case("event: foo\n\n", id="event-without-data-not-dispatched"),
    case("event: foo\n\ndata:x\n\n", ev("x"), id="event-type-reset-by-empty-block"),
    # format-field-id, format-field-id-2, format-field-id-null
    case(
        "id: 1\ndata:x\n\nid:2\ndata:y\n\n", ev("x", id="1"), ev("y", id="2"), id="format-field-id"
    ),
    case(
        "id:1\ndata:1\n\ndata:2\n\nid\ndata:3\n\n",
        ev("1", id="1"),
        ev("2", id="1"),
        ev("3"),
        id="format-field-id-2",
    ),
    case(
        "id:1\ndata:a\n\nid:2\0\ndata:b\n\n",
        ev("a", id="1"),
        ev("b", id="1"),
        id="format-field-id-null",
    ),
    case("id: 3\n\n: keep-alive\n\n", id="keep-alive-after-id"),
    # format-field-parsing
    case(
        "data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\r"
        "data:\r\n data:32\ndata:4\n\n",
        ev("\0\n 2\n1\n3\n\n4"),
        id="format-field-parsing",
    ),
    case("DATA:x\nData:y\n\n", id="field-names-case-sensitive"),
    # format-field-retry, format-field-retry-bogus, format-field-retry-empty
    case("retry:03000\ndata:x\n\n", ev("x", retry=3000), id="format-field-retry"),
    case("retry:3000\nretry:1000x\ndata:x\n\n", ev("x", retry=3000), id="format-field-retry-bogus"),
    case("retry\ndata:test\n\n", ev("test"), id="format-field-retry-empty"),
    case("retry: 5\ndata:x\n\n", ev("x", retry=5), id="retry-one-space-stripped"),
    case("retry:-1\ndata:x\n\n", ev("x"), id="retry-negative"),
    case("retry:+5\ndata:x\n\n", ev("x"), id="retry-plus-sign"),
    case("retry:\u0663\ndata:x\n\n", ev("x"), id="retry-arabic-indic-digit"),
    case("retry:\u00b2\ndata:x\n\n", ev("x"), id="retry-superscript-digit"),
    case("retry:1.5\ndata:x\n\n", ev("x"), id="retry-decimal"),
    case("retry:5 \ndata:x\n\n", ev("x"), id="retry-trailing-space"),
    case("retry:  5\ndata:x\n\n", ev("x"), id="retry-two-leading-spaces"),
    case("retry:" + "9" * 5000 + "\ndata:x\n\n", ev("x"), id="retry-beyond-int-digit-limit"),
    case(
        "retry:100\ndata:a\n\ndata:b\n\n",
        ev("a", retry=100),
        ev("b", retry=100),
        id="retry-persists",
    ),
    # format-field-unknown
    case(
        "data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n",
        ev("test\n\ntest"),
        id="format-field-unknown",
    ),
    # format-leading-space
    case("data:\ttest\rdata: \ndata:test\n\n", ev("\ttest\n\ntest"), id="format-leading-space"),
    case("data:  two\n\n", ev(" two"), id="only-one-space-stripped"),
    # format-newlines
    case("data:test\r\ndata\ndata:test\r\n\r", ev("test\n\ntest"), id="format-newlines"),
    case("data:a\r\ndata:b\r\n\r\n", ev("a\nb"), id="crlf-is-one-break"),
    case("data:a\r\rdata:b\n\ndata:c\r\n\n", ev("a"), ev("b"), ev("c"), id="cr-cr-dispatches"),
    # format-null-character
    case("data:\0\n\n\n\n", ev("\0"), id="format-null-character"),
    # format-utf-8
    case(
        "data:ok\u2026 h\u00e9 \U0001f600\n\n", ev("ok\u2026 h\u00e9 \U0001f600"), id="format-utf-8"
    ),
    case(b"data:\xff\xfe ok\n\n", ev("\ufffd\ufffd ok"), id="invalid-utf-8-replaced"),
    case(b"data:\xe2\x82\ndata:x\n\n", ev("\ufffd\nx"), id="truncated-sequence-before-lf"),
    case("data: caf\u00e9\n\n".encode("latin-1"), ev("caf\ufffd"), id="latin-1-not-decoded"),
]


@pytest.mark.parametrize(("raw", "expected", "discarded"), CASES)
def test_decoding_is_independent_of_chunking(
    raw: bytes, expected: list[Row], discarded: bool
) -> None:
    for name, chunks in chunkings(raw):
        events, decoder = decode(chunks)
        assert events == expected, name
        assert decoder.discarded_partial is discarded, name


def test_events_are_httpx_sse_objects_and_decoder_keeps_state() -> None:
    decoder = SSEDecoder()
    (event,) = decoder.feed(b"id:7\nretry:250\ndata:x\n\nid\0:8\nretry:x\n")
    assert isinstance(event, ServerSentEvent)
    assert (decoder.last_event_id, decoder.retry) == ("7", 250)


@pytest.mark.parametrize(
    "value",
    [
        "text/event-stream",
        "Text/Event-Stream; charset=utf-8",
        "text/event-stream;charset=latin-1",
        "text/event-stream;",
        " TEXT/EVENT-STREAM\t",
    ],
)
def test_content_type_accepted(value: str) -> None:
    check_content_type(value)


@pytest.mark.parametrize(
    "value",
    [
        "text/event-streamX",
        "text/event-stream-x",
        "text /event-stream",
        "text/plain",
        "application/json",
        None,
        "",
    ],
)
def test_content_type_refused(value: str | None) -> None:
    with pytest.raises(NotAnEventStream, match=repr(value)):
        check_content_type(value)


@pytest.mark.parametrize("chunk_size", [1, 7, 10_000])
def test_unterminated_line_past_limit_raises(chunk_size: int) -> None:
    raw = b"data:" + b"x" * 95  # exactly at the 100-byte limit
    decoder = SSEDecoder(max_line_bytes=100)
    for i in range(0, len(raw), chunk_size):
        assert decoder.feed(raw[i : i + chunk_size]) == []
    with pytest.raises(LineTooLong):
        decoder.feed(b"x")


def test_terminated_line_past_limit_raises_under_any_chunking() -> None:
    for _name, chunks in chunkings(b": " + b"x" * 99 + b"\n"):  # 101 bytes, one comment line
        with pytest.raises(LineTooLong):
            decode(chunks, max_line_bytes=100)


@pytest.mark.parametrize("chunk_size", [1, 7, 10_000])
def test_short_lines_summing_past_line_limit_are_fine(chunk_size: int) -> None:
    raw = b"data:x\n\n" * 100
    chunks = [raw[i : i + chunk_size] for i in range(0, len(raw), chunk_size)]
    events, _ = decode(chunks, max_line_bytes=16)
    assert events == [ev("x")] * 100


@pytest.mark.parametrize(
    ("raw", "n_events"),
    [
        pytest.param(b"data:12345\ndata:123\n\n", 1, id="at-limit"),
        pytest.param(b"data:12345\ndata:1234\n\n", None, id="past-limit"),
        pytest.param(b"data:12345\n\n" * 5, 5, id="limit-is-per-event"),
    ],
)
def test_event_size_limit(raw: bytes, n_events: int | None) -> None:
    for name, chunks in chunkings(raw):
        if n_events is None:
            with pytest.raises(EventTooLarge):
                decode(chunks, max_event_bytes=10)
        else:
            assert len(decode(chunks, max_event_bytes=10)[0]) == n_events, name


def client_for(content_type: str, chunks: list[bytes], started: list[bool]) -> httpx.AsyncClient:
    async def body() -> AsyncIterator[bytes]:
        started.append(True)
        for chunk in chunks:
            yield chunk

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": content_type}, content=body())

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def test_aiter_sse_yields_events_across_chunk_boundaries() -> None:
    raw = "\ufeffid: 1\r\ndata: caf\u00e9 \U0001f600\r\n\r\nevent: tick\ndata: 2\n\n".encode()
    cuts = [0, 2, 9, 20, 24, 27, 29, len(raw)]  # mid-BOM, CR|LF, mid-é, mid-😀, CR|LF, CR|LF
    chunks = [raw[a:b] for a, b in pairwise(cuts)]
    async with (
        client_for("text/event-stream; charset=latin-1", chunks, []) as client,
        client.stream("GET", "http://sse.test/") as response,
    ):
        events = [(e.event, e.data, e.id) async for e in aiter_sse(response)]
    assert events == [("message", "caf\u00e9 \U0001f600", "1"), ("tick", "2", "1")]


async def test_aiter_sse_refuses_wrong_content_type_before_reading() -> None:
    started: list[bool] = []
    events: list[ServerSentEvent] = []
    async with (
        client_for("text/event-streamx", [b"data: x\n\n"], started) as client,
        client.stream("GET", "http://sse.test/") as response,
    ):
        with pytest.raises(NotAnEventStream, match="text/event-streamx"):
            events.extend([e async for e in aiter_sse(response)])
    assert events == []
    assert started == []
