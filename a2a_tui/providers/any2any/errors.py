"""What can go wrong talking to Any2Any, as types the caller can act on."""

from __future__ import annotations

from a2a_tui.domain.orders import Refusal
from a2a_tui.domain.refunds import RefundReason, parse_reason
from a2a_tui.providers.http.errors import ProviderError

__all__ = [
    "Any2AnyError",
    "ApiError",
    "OrderRejected",
    "ProtocolError",
    "RefundRejected",
    "StreamIncomplete",
    "TransportFailure",
]


class Any2AnyError(ProviderError):
    """Base of every Any2Any client error; ``str()`` is fit for a status line."""


class ApiError(Any2AnyError):
    """The server answered with an error envelope (guide 0.3, 1.4, 2.5, 3.7).

    ``msg`` is the server's text, untouched: compare it, sanitise it before
    showing it.
    """

    def __init__(self, status: int, code: int | None, msg: str) -> None:
        super().__init__(f"{msg} (HTTP {status})")
        self.status = status
        self.code = code
        self.msg = msg

    @property
    def retryable(self) -> bool:
        """5xx and the guide's explicit retry hint; a 4xx is the request's fault."""
        return self.status >= 500 or self.msg == "order_state_changed_retry"


class OrderRejected(ApiError):
    """Order creation refused for a reason of guide 2.5 (a 4xx: nothing was created).

    ``refusal`` is the guide's message as a `Refusal`, or None for a message
    the guide does not list (shown as the server wrote it, made inert).
    """

    def __init__(self, status: int, code: int | None, msg: str) -> None:
        super().__init__(status, code, msg)
        try:
            self.refusal: Refusal | None = Refusal(msg)
        except ValueError:
            self.refusal = None


class RefundRejected(ApiError):
    """A refund request refused (a 4xx, guide 3.7): nothing changed on the host.

    ``reason`` is the guide's message as a `RefundReason`, or None for one the
    guide does not list. ``order_state_changed_retry`` is the only one worth
    sending again as it is (`retryable`).
    """

    def __init__(self, status: int, code: int | None, msg: str) -> None:
        super().__init__(status, code, msg)
        self.reason: RefundReason | None = parse_reason(msg)


class TransportFailure(Any2AnyError):
    """No usable answer arrived: connection refused, reset, or timed out.

    ``maybe_delivered`` is False only when the request certainly never left
    (connect failed); otherwise the server may have acted on it, which is
    why order creation is retried with the same ``client_order_id``.
    """

    @property
    def retryable(self) -> bool:
        """With the same client_order_id, a second send is the same order."""
        return True

    def __init__(self, message: str, *, maybe_delivered: bool) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


class ProtocolError(Any2AnyError):
    """An answer that is not what the guide describes (not an envelope, wrong
    content type, malformed data): the host is probably not Any2Any.

    ``status`` is the HTTP status when there was one: a 5xx page that is not
    an envelope is a proxy or gateway on the way, worth another try.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def retryable(self) -> bool:
        return self.status is not None and self.status >= 500


class StreamIncomplete(Any2AnyError):
    """A quote stream ended, or ran out of time, without ``event: done``.

    Every event before it was delivered; the quote is merely not complete.
    """
