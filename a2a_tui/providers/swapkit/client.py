"""Async SwapKit v3 client: ``POST /v3/quote`` with ``x-api-key``, within the
key's per-minute budget.

New keys may send 10 requests a minute. The client counts its own requests
in a sliding window shared by everything in this process that uses the same
key (the board, the Test action): past the budget it raises `HeldBack` with
the moment the next request may go, instead of sending one SwapKit would
refuse. A 429 from SwapKit blocks the window until its ``Retry-After``.
"""

from __future__ import annotations

from types import TracebackType

import httpx
from pydantic import SecretStr, ValidationError

from a2a_tui.providers.http.client import JsonResponse, brief, new_client, parse, send
from a2a_tui.providers.http.errors import UnexpectedResponse
from a2a_tui.providers.http.ratelimit import RateLimiter, shared_limiter
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.swapkit.errors import RateLimited, api_error
from a2a_tui.providers.swapkit.models import ProviderErrorInfo, QuoteRequest, QuoteResponse

__all__ = ["NEW_KEY_PER_MINUTE", "QUOTE_PATH", "SwapKitClient"]

QUOTE_PATH = "/v3/quote"
NEW_KEY_PER_MINUTE = 10
_DEFAULT_RETRY_SECONDS = 60.0


class SwapKitClient:
    def __init__(
        self,
        base_url: str,
        api_key: SecretStr,
        *,
        per_minute: int = NEW_KEY_PER_MINUTE,
        limiter: RateLimiter | None = None,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.timeouts = timeouts or Timeouts()
        key = api_key.get_secret_value().strip()
        self.limiter = limiter or shared_limiter(base_url, key, per_minute)
        self._http = new_client(base_url, self.timeouts, transport=transport,
                                headers={"x-api-key": key})  # fmt: skip

    @property
    def base_url(self) -> str:
        return str(self._http.base_url).rstrip("/")

    async def __aenter__(self) -> SwapKitClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def quote(self, request: QuoteRequest) -> QuoteResponse:
        """Every route SwapKit found, and each provider's error. Raises `HeldBack`
        (nothing sent: the budget is spent), a `SwapKitError` subclass, or
        `TransportFailure` / `UnexpectedResponse`."""
        self.limiter.acquire()
        built = self._http.build_request("POST", QUOTE_PATH, json=request.body())
        answer = await send(self._http, built, budget=self.timeouts.request_budget)
        body = answer.body
        if answer.status != 200 or (isinstance(body, dict) and body.get("error")
                                    and not body.get("routes")):  # fmt: skip
            raise self._error(answer)
        if not isinstance(body, dict):
            kind = answer.headers.get("content-type", "no content type")
            raise UnexpectedResponse(f"HTTP {answer.status}: not a SwapKit quote ({kind})")
        return parse(QuoteResponse, body, "SwapKit quote")

    def _error(self, answer: JsonResponse) -> Exception:
        body = answer.body if isinstance(answer.body, dict) else {}
        code = body.get("error") if isinstance(body.get("error"), str) else ""
        message = body.get("message") if isinstance(body.get("message"), str) else ""
        errors: list[ProviderErrorInfo] = []
        for entry in body.get("providerErrors") or []:
            try:
                errors.append(ProviderErrorInfo.model_validate(entry))
            except ValidationError as exc:
                raise UnexpectedResponse(
                    f"unexpected SwapKit providerErrors: {brief(exc)}"
                ) from None
        error = api_error(answer.status, str(code), str(message) or f"HTTP {answer.status}", errors)
        if isinstance(error, RateLimited):
            held = self.limiter.block_for(_retry_after(answer), "rate limited by SwapKit")
            error.until = held.until
        return error


def _retry_after(answer: JsonResponse) -> float:
    text = answer.headers.get("retry-after", "")
    try:
        return max(0.0, float(text)) if text else _DEFAULT_RETRY_SECONDS
    except ValueError:
        return _DEFAULT_RETRY_SECONDS
