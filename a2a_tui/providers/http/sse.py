"""A WHATWG-conformant, size-bounded decoder for ``text/event-stream``.

httpx-sse 0.4.3 diverges from the HTML standard in ways that bite in production: a leading
UTF-8 BOM loses the first event, a block with ``event:`` but no ``data:`` is dispatched (blank
events after keep-alives), ``retry:`` accepts ``-1``, ``+5`` and non-ASCII digits, a non-UTF-8
``charset`` parameter garbles text, ``text/event-streamX`` passes its MIME check, and its line
buffer is unbounded, so a server that never sends a newline exhausts memory. We keep its
``ServerSentEvent`` so callers see familiar objects, and decode the stream ourselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import suppress

import httpx
from httpx_sse import ServerSentEvent

__all__ = [
    "DEFAULT_MAX_EVENT_BYTES",
    "DEFAULT_MAX_LINE_BYTES",
    "EventTooLarge",
    "LineTooLong",
    "NotAnEventStream",
    "SSEDecoder",
    "SSEProtocolError",
    "ServerSentEvent",
    "aiter_sse",
    "check_content_type",
]

DEFAULT_MAX_LINE_BYTES = 64 * 1024
DEFAULT_MAX_EVENT_BYTES = 1024 * 1024

_BOM = b"\xef\xbb\xbf"
_HTTP_WHITESPACE = " \t\r\n"


class SSEProtocolError(Exception):
    """Base: the byte stream is not a usable event stream."""


class NotAnEventStream(SSEProtocolError):
    """The response is not ``text/event-stream``, so decoding it would yield garbage."""


class LineTooLong(SSEProtocolError):
    """A line exceeded ``max_line_bytes``: the server is broken or hostile."""


class EventTooLarge(SSEProtocolError):
    """An event's data exceeded ``max_event_bytes``: the server is broken or hostile."""


def check_content_type(value: str | None) -> None:
    """Refuse anything whose MIME essence is not exactly ``text/event-stream``.

    Parameters (including ``charset``) are ignored because the stream is always UTF-8.
    """
    essence = (value or "").partition(";")[0].strip(_HTTP_WHITESPACE).lower()
    if essence != "text/event-stream":
        raise NotAnEventStream(f"expected Content-Type text/event-stream, got {value!r}")


class SSEDecoder:
    """Incremental event-stream parser: feed bytes in any chunking, get whole events.

    ``max_line_bytes`` bounds every line in raw bytes (terminated or not), so the result does
    not depend on chunking. ``max_event_bytes`` bounds the spec's data buffer (each ``data``
    value plus its LF) in decoded characters, which equal bytes for ASCII payloads.
    """

    def __init__(
        self,
        *,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
    ) -> None:
        self._max_line = max_line_bytes
        self._max_event = max_event_bytes
        self._pending = bytearray()  # the unterminated line, CR/LF-free
        self._at_start = True  # the BOM may still be arriving
        self._skip_lf = False  # the last chunk ended with CR: a leading LF completes CRLF
        self._data: list[str] = []
        self._data_size = 0
        self._event_type = ""
        self.last_event_id = ""
        self.retry: int | None = None
        self.discarded_partial = False

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Return the events completed by ``chunk``; partial lines wait for the next one."""
        if self._skip_lf and chunk:
            self._skip_lf = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
        pending = self._pending
        pending += chunk
        if self._at_start:
            if len(pending) < 3 and _BOM.startswith(pending):
                return []
            self._at_start = False
            if pending.startswith(_BOM):
                del pending[:3]
        elif b"\n" not in chunk and b"\r" not in chunk:
            if len(pending) > self._max_line:
                raise LineTooLong(f"unterminated line longer than {self._max_line} bytes")
            return []
        if b"\r" in pending:
            self._skip_lf = pending.endswith(b"\r")
            pending = pending.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        cut = pending.rfind(b"\n")
        self._pending = pending[cut + 1 :]
        if len(self._pending) > self._max_line:
            raise LineTooLong(f"unterminated line longer than {self._max_line} bytes")
        if cut < 0:
            return []
        block = pending[:cut]
        if len(block) > self._max_line and max(map(len, block.split(b"\n"))) > self._max_line:
            raise LineTooLong(f"line longer than {self._max_line} bytes")
        return self._interpret(block.decode("utf-8", "replace").split("\n"))

    def _interpret(self, lines: list[str]) -> list[ServerSentEvent]:
        # One loop with locals: this is the hot path (hundreds of thousands of lines/s).
        events: list[ServerSentEvent] = []
        data, size, event_type = self._data, self._data_size, self._event_type
        max_event = self._max_event
        for line in lines:
            if not line:
                if data:
                    events.append(
                        ServerSentEvent(event_type, "\n".join(data), self.last_event_id, self.retry)
                    )
                    data, size = [], 0
                event_type = ""
                continue
            field, _, value = line.partition(":")
            if not field:
                continue  # comment
            if value[:1] == " ":
                value = value[1:]
            if field == "data":
                size += len(value) + 1
                if size > max_event:
                    raise EventTooLarge(f"event data longer than {max_event} characters")
                data.append(value)
            elif field == "event":
                event_type = value
            elif field == "id":
                if "\0" not in value:
                    self.last_event_id = value
            elif field == "retry" and value.isascii() and value.isdigit():
                with suppress(ValueError):  # over 4300 digits: int()'s DoS guard; ignore it
                    self.retry = int(value)
        self._data, self._data_size, self._event_type = data, size, event_type
        return events

    def close(self) -> None:
        """End of stream: per spec an unterminated final block is dropped, never dispatched."""
        self.discarded_partial = bool(self._pending or self._data or self._event_type)
        self._pending = bytearray()
        self._data, self._data_size, self._event_type = [], 0, ""


async def aiter_sse(
    response: httpx.Response,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
) -> AsyncIterator[ServerSentEvent]:
    """Yield ``response``'s events as they complete, ignoring ``response.encoding``."""
    check_content_type(response.headers.get("content-type"))
    decoder = SSEDecoder(max_line_bytes=max_line_bytes, max_event_bytes=max_event_bytes)
    async for chunk in response.aiter_bytes():
        for event in decoder.feed(chunk):
            yield event
    decoder.close()
