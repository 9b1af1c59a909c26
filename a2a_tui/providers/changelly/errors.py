"""Changelly's error answers as types.

Every DeFi API error is ``{"code": <int>, "type": "<str>", "message": "<str>"}``
(the "DeFi API Errors" page: 400 for a slippage that cannot be processed,
422 for networks, tokens, amounts and addresses, 500 internal). The
authentication ``type``s are this project's assumption (see README);
unknown ones still come out as `Unauthorized`.
"""

from __future__ import annotations

from a2a_tui.providers.http.errors import (
    ProviderError,
    TransportFailure,
    UnexpectedResponse,
)

__all__ = [
    "AmountTooLarge",
    "AmountTooSmall",
    "ApiError",
    "ChangellyError",
    "InvalidAmount",
    "InvalidApiKey",
    "InvalidSignature",
    "NonceReused",
    "RateLimited",
    "ServerError",
    "SignatureRequired",
    "TimestampExpired",
    "TransportFailure",
    "Unauthorized",
    "UnexpectedResponse",
    "Unprocessable",
    "UnsupportedToken",
    "ValidationFailed",
    "api_error",
]


class ChangellyError(ProviderError):
    """Base of the Changelly client's own errors."""


class ApiError(ChangellyError):
    """An error answer; ``message`` and ``type`` are Changelly's, untouched."""

    def __init__(self, status: int, type_: str, message: str) -> None:
        super().__init__(f"{message or type_ or 'refused'} ({type_ or 'error'}, HTTP {status})")
        self.status = status
        self.type = type_
        self.message = message


class Unauthorized(ApiError):
    """401: the key, the signature, the timestamp or the nonce."""


class InvalidApiKey(Unauthorized):
    pass


class InvalidSignature(Unauthorized):
    """The signature does not verify with the key's public key, or is missing."""


class SignatureRequired(InvalidSignature):
    """The key belongs to a signing partner: a request with the key alone is refused."""


class TimestampExpired(Unauthorized):
    """x-api-timestamp too far from Changelly's clock."""


class NonceReused(Unauthorized):
    """x-api-nonce already seen (or missing on a POST)."""


class ValidationFailed(ApiError):
    """400 ``validation_error``: a field is missing or malformed (slippage too)."""


class Unprocessable(ApiError):
    """422: Changelly understood the request and will not quote it."""


class UnsupportedToken(Unprocessable):
    """422 "Network or token couldn't be processed."."""


class InvalidAmount(Unprocessable):
    pass


class AmountTooLarge(Unprocessable):
    pass


class AmountTooSmall(Unprocessable):
    pass


class RateLimited(ApiError):
    pass


class ServerError(ApiError):
    """500: Changelly's or its provider's side."""


_AUTH: dict[str, type[Unauthorized]] = {
    "invalid_api_key": InvalidApiKey,
    "invalid_signature": InvalidSignature,
    "missing_signature": SignatureRequired,
    "timestamp_expired": TimestampExpired,
    "nonce_reused": NonceReused,
    "missing_nonce": NonceReused,
}
_UNPROCESSABLE: dict[str, type[Unprocessable]] = {
    "network or token couldn't be processed.": UnsupportedToken,
    "invalid amount.": InvalidAmount,
    "swap amount is too large.": AmountTooLarge,
    "swap amount is too small.": AmountTooSmall,
}


def api_error(status: int, type_: str, message: str) -> ApiError:
    kind: type[ApiError]
    if status in (401, 403):
        kind = _AUTH.get(type_, Unauthorized)
    elif status == 422:
        kind = _UNPROCESSABLE.get(message.strip().lower().replace("’", "'"), Unprocessable)
    elif status == 400:
        kind = ValidationFailed
    elif status == 429:
        kind = RateLimited
    elif status >= 500:
        kind = ServerError
    else:
        kind = ApiError
    return kind(status, type_, message)
