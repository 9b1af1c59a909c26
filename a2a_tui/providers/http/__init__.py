"""What every provider client shares: SSE decoding, timeouts, one-shot JSON
requests under a budget, the error base, a client-side rate limiter."""

from a2a_tui.providers.http.errors import (
    HeldBack,
    ProviderError,
    TransportFailure,
    UnexpectedResponse,
    describe,
)
from a2a_tui.providers.http.timeouts import Timeouts

__all__ = [
    "HeldBack",
    "ProviderError",
    "Timeouts",
    "TransportFailure",
    "UnexpectedResponse",
    "describe",
]
