"""Swapscanner's response codes (guide, "Response Codes") as types.

The guide names the codes but not the body that carries them; the client
reads ``message`` (the field the guide's ``errors`` entries use), ``error``
or ``code`` from a JSON object, or the whole body when it is one short word.
"""

from __future__ import annotations

from a2a_tui.providers.http.errors import (
    ProviderError,
    TransportFailure,
    UnexpectedResponse,
)

__all__ = [
    "ApiError",
    "BackToTheFuture",
    "BadReferrer",
    "BadSignature",
    "InvalidSignature",
    "RateLimited",
    "SignatureExpired",
    "SwapscannerError",
    "TransportFailure",
    "UnderMaintenance",
    "UnexpectedResponse",
    "UsedSalt",
    "api_error",
]


class SwapscannerError(ProviderError):
    """Base of the Swapscanner client's own errors."""


class ApiError(SwapscannerError):
    """A non-200 answer. ``code`` is Swapscanner's word (``used_salt``...), untouched."""

    meaning = "refused"

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"{code or 'error'}: {self.meaning} (HTTP {status})")
        self.status = status
        self.code = code


class UsedSalt(ApiError):
    meaning = "the salt was already used once"


class BadSignature(ApiError):
    meaning = "the signature is invalid; no signer could be recovered"


class BackToTheFuture(ApiError):
    meaning = "issuedAt is later than Swapscanner's clock (this machine's clock is ahead)"


class SignatureExpired(ApiError):
    meaning = "the request was signed too long ago (this machine's clock is behind)"


class BadReferrer(ApiError):
    meaning = "the referrer address is not authorized"


class InvalidSignature(ApiError):
    meaning = "the referrer address does not match the recovered signer"


class RateLimited(ApiError):
    meaning = "too many requests"


class UnderMaintenance(ApiError):
    meaning = "under maintenance, back online shortly"


_BY_CODE: dict[str, type[ApiError]] = {
    "used_salt": UsedSalt,
    "bad_signature": BadSignature,
    "bttf": BackToTheFuture,
    "signature_expired": SignatureExpired,
    "bad_referrer": BadReferrer,
    "invalid_signature": InvalidSignature,
    "rate_limited": RateLimited,
    "quote_under_maintenance": UnderMaintenance,
}
_BY_STATUS: dict[int, type[ApiError]] = {429: RateLimited, 503: UnderMaintenance}


def api_error(status: int, code: str) -> ApiError:
    kind = _BY_CODE.get(code) or _BY_STATUS.get(status) or ApiError
    return kind(status, code)
