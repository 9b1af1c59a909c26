"""The base of every provider client's errors, and how one becomes a status line
(or, for a transport error, words that name the host)."""

from __future__ import annotations

from datetime import datetime

import httpx

from a2a_tui.domain.text import inert

__all__ = [
    "HeldBack",
    "ProviderError",
    "TransportFailure",
    "UnexpectedResponse",
    "describe",
    "transport_reason",
]


class ProviderError(Exception):
    """Base of every client error; ``str()`` is fit for a status line (made inert by `describe`)."""

    @property
    def retryable(self) -> bool:
        """Worth sending again as it was: the request may not have been handled
        (a dropped connection, a timeout, a 5xx). Only idempotent requests are."""
        return False


class TransportFailure(ProviderError):
    """No usable answer arrived: connection refused, reset, or out of time.

    ``maybe_delivered`` is False only when the request certainly never left.
    """

    def __init__(self, message: str, *, maybe_delivered: bool) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


class UnexpectedResponse(ProviderError):
    """An answer that is not what the provider's guide describes (not JSON, the
    wrong shape, too large): probably not that provider at that address."""


class HeldBack(ProviderError):
    """Not sent: the provider's request budget is spent until ``until`` (local
    wall time), so the client waits instead of hammering it."""

    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(f"held back until {until.strftime('%H:%M:%S')} ({reason})")
        self.until = until
        self.reason = reason


def describe(error: BaseException) -> str:
    """Any error as one inert line for a status bar or stderr."""
    if isinstance(error, ProviderError):
        return inert(str(error))
    return inert(f"{type(error).__name__}: {error}")


def _where(exc: httpx.TransportError) -> str:
    """The host (and port) a transport error is about, or "the host"."""
    try:
        return exc.request.url.netloc.decode("ascii", "replace") or "the host"
    except RuntimeError:  # an error raised without its request
        return "the host"


def transport_reason(exc: httpx.TransportError) -> str:
    """What went wrong, in words that name the host (never an exception's class name)."""
    host = _where(exc)
    match exc:
        case httpx.ConnectTimeout():
            return f"{host} did not accept the connection in time"
        case httpx.ConnectError():
            return f"cannot connect to {host}"
        case httpx.PoolTimeout():
            return "too many requests in flight"
        case httpx.ReadTimeout():
            return f"no answer from {host} in time"
        case httpx.WriteTimeout():
            return f"sending to {host} timed out"
        case httpx.RemoteProtocolError() | httpx.ReadError() | httpx.WriteError():
            return f"connection to {host} lost"
        case httpx.ProxyError():
            return f"the proxy refused the connection to {host}"
        case httpx.UnsupportedProtocol():
            return "not an http:// or https:// address"
        case httpx.LocalProtocolError():
            return f"the request to {host} could not be sent"
        case _:
            return f"connection to {host} failed"
