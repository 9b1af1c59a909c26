"""What OKX DEX answers when it refuses, as types the caller can act on.

OKX answers ``{"code": "...", "msg": "...", "data": []}``; ``code`` "0" is
success. The quote guide lists no codes of its own: these are the OKX DEX
API's documented general codes (the same table on every DEX API page), plus
the aggregator's liquidity and token codes.
"""

from __future__ import annotations

from a2a_tui.providers.http.errors import (
    HeldBack,
    ProviderError,
    TransportFailure,
    UnexpectedResponse,
)

__all__ = [
    "ApiError",
    "AuthError",
    "BadParameter",
    "BadPassphrase",
    "BadSignature",
    "ClockSkew",
    "HeldBack",
    "InsufficientLiquidity",
    "MissingHeader",
    "OkxError",
    "RateLimited",
    "ServiceError",
    "TransportFailure",
    "UnexpectedResponse",
    "UnknownKey",
    "UnsupportedToken",
    "api_error",
]


class OkxError(ProviderError):
    """Base of the OKX client's own errors."""


class ApiError(OkxError):
    """OKX answered with a non-zero ``code``. ``msg`` is OKX's text, untouched."""

    what = "refused"

    def __init__(self, status: int, code: str | None, msg: str) -> None:
        where = f"code {code}, HTTP {status}" if code else f"HTTP {status}"
        super().__init__(f"{msg or self.what} ({where})")
        self.status = status
        self.code = code
        self.msg = msg


class AuthError(ApiError):
    """The request's credentials or signature were not accepted (HTTP 401)."""


class MissingHeader(AuthError):
    """50103, 50104, 50106, 50107: an OK-ACCESS-* header was empty."""


class UnknownKey(AuthError):
    """50111: no such OK-ACCESS-KEY."""


class BadPassphrase(AuthError):
    """50105: the passphrase does not belong to the key."""


class BadSignature(AuthError):
    """50113: OK-ACCESS-SIGN did not match; the secret key is not this key's."""


class ClockSkew(AuthError):
    """50102 (outside 30 s of OKX's clock) or 50112 (not a timestamp)."""


class RateLimited(ApiError):
    """50011, HTTP 429."""


class BadParameter(ApiError):
    """50014 (a parameter is empty) or 51000 (a parameter is wrong)."""


class InsufficientLiquidity(ApiError):
    """82000: no route can fill the amount."""


class UnsupportedToken(ApiError):
    """82104: a token OKX does not trade on that chain."""


class ServiceError(ApiError):
    """50026 or any 5xx: OKX's side; trying again later may work."""


_BY_CODE: dict[str, type[ApiError]] = {
    "50103": MissingHeader,
    "50104": MissingHeader,
    "50106": MissingHeader,
    "50107": MissingHeader,
    "50111": UnknownKey,
    "50105": BadPassphrase,
    "50113": BadSignature,
    "50102": ClockSkew,
    "50112": ClockSkew,
    "50011": RateLimited,
    "50014": BadParameter,
    "51000": BadParameter,
    "82000": InsufficientLiquidity,
    "82104": UnsupportedToken,
    "50026": ServiceError,
}


def api_error(status: int, code: str | None, msg: str) -> ApiError:
    kind = _BY_CODE.get(code or "")
    if kind is None:
        if status == 401:
            kind = AuthError
        elif status == 429:
            kind = RateLimited
        elif status >= 500:
            kind = ServiceError
        else:
            kind = ApiError
    return kind(status, code, msg)
