"""SwapKit's error codes (guide, "Quote Error Codes and messages") as types.

A root error is ``{"error": "<code>", "message": "<text>"}`` with the guide's
status; ``providerErrors`` may come with it. A 429 (the per-minute limit:
not in the guide) also blocks the client's own request window until
``Retry-After``.
"""

from __future__ import annotations

from datetime import datetime

from a2a_tui.providers.http.errors import (
    HeldBack,
    ProviderError,
    TransportFailure,
    UnexpectedResponse,
)
from a2a_tui.providers.swapkit.models import ProviderErrorInfo

__all__ = [
    "ApiError",
    "BlacklistedAsset",
    "HeldBack",
    "InvalidApiKey",
    "InvalidRequest",
    "NoRoutesFound",
    "RateLimited",
    "ServerError",
    "SwapKitError",
    "TransportFailure",
    "UnexpectedResponse",
    "api_error",
]


class SwapKitError(ProviderError):
    """Base of the SwapKit client's own errors."""


class ApiError(SwapKitError):
    """``code`` and ``message`` are SwapKit's, untouched."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        provider_errors: list[ProviderErrorInfo] | None = None,
    ) -> None:
        super().__init__(f"{message or code or 'refused'} ({code or 'error'}, HTTP {status})")
        self.status = status
        self.code = code
        self.message = message
        self.provider_errors = provider_errors or []


class NoRoutesFound(ApiError):
    """404 ``noRoutesFound``: no provider can swap this pair (see ``provider_errors``)."""


class BlacklistedAsset(ApiError):
    """400 ``blackListAsset``: a scam token on SwapKit's blacklist."""


class InvalidApiKey(ApiError):
    """401 ``apiKeyInvalid`` or ``unauthorized``: missing, expired or unknown x-api-key."""


class InvalidRequest(ApiError):
    """400 ``invalidRequest``: a missing or malformed body or parameter."""


class RateLimited(ApiError):
    """429: the key's per-minute limit; nothing more is sent before ``until``."""

    until: datetime | None = None


class ServerError(ApiError):
    pass


_BY_CODE: dict[str, type[ApiError]] = {
    "noRoutesFound": NoRoutesFound,
    "blackListAsset": BlacklistedAsset,
    "apiKeyInvalid": InvalidApiKey,
    "unauthorized": InvalidApiKey,
    "invalidRequest": InvalidRequest,
}


def api_error(
    status: int, code: str, message: str, provider_errors: list[ProviderErrorInfo] | None = None
) -> ApiError:
    kind = _BY_CODE.get(code)
    if kind is None:
        kind = {401: InvalidApiKey, 404: NoRoutesFound, 429: RateLimited}.get(status)
    if kind is None:
        kind = ServerError if status >= 500 else ApiError
    return kind(status, code, message, provider_errors)
