"""Async Swapscanner Quote v2 client: one EIP-712 signed GET per quote.

Each request gets a fresh random 32-byte salt and an ``issuedAt`` one to two
seconds in the past (the guide's advice against clock differences; its TTL
forbids more). The signed message travels as query parameters beside
``salt``, ``referrer`` and ``signature``, the way Swapscanner's own
integrations send it. Signing runs on a worker thread: the first signature
imports eth-account (about 0.6 s), which must not freeze an event loop.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from types import TracebackType

import httpx
from pydantic import SecretStr

from a2a_tui.providers.http.client import JsonResponse, new_client, parse, send
from a2a_tui.providers.http.errors import UnexpectedResponse
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.swapscanner.errors import api_error
from a2a_tui.providers.swapscanner.models import QuoteRequest, QuoteResponse
from a2a_tui.providers.swapscanner.signing import sign_typed_data, signer_address, typed_data

__all__ = ["QUOTE_PATH", "SwapscannerClient"]

QUOTE_PATH = "/v2/quote"


def _query_value(value: int | str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class SwapscannerClient:
    def __init__(
        self,
        base_url: str,
        signer_key: SecretStr,
        *,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        salts: Callable[[int], bytes] = secrets.token_bytes,
    ) -> None:
        self.timeouts = timeouts or Timeouts()
        self._key = signer_key
        self._clock = clock
        self._salts = salts
        self._referrer: str | None = None
        self._http = new_client(base_url, self.timeouts, transport=transport)

    @property
    def base_url(self) -> str:
        return str(self._http.base_url).rstrip("/")

    async def __aenter__(self) -> SwapscannerClient:
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

    async def referrer(self) -> str:
        """The address this client signs as (raises ValueError for a bad key)."""
        if self._referrer is None:
            self._referrer = await asyncio.to_thread(signer_address, self._key)
        return self._referrer

    def _sign(self, request: QuoteRequest) -> tuple[dict[str, int | str | bool], str, str]:
        salt = "0x" + self._salts(32).hex()
        message = request.message(int(self._clock()) - 1)  # 1-2 s back, as the guide advises
        return message, salt, sign_typed_data(typed_data(message, salt), self._key)

    async def quote(self, request: QuoteRequest) -> QuoteResponse:
        """A signed quote; raises a `SwapscannerError` subclass (one per guide
        code), or `TransportFailure` / `UnexpectedResponse`."""
        referrer = await self.referrer()
        message, salt, signature = await asyncio.to_thread(self._sign, request)
        params = (
            ("salt", salt),
            ("referrer", referrer.lower()),
            ("signature", signature),
            *((name, _query_value(value)) for name, value in message.items()),
        )
        built = self._http.build_request("GET", QUOTE_PATH, params=params)
        answer = await send(self._http, built, budget=self.timeouts.request_budget)
        if answer.status != 200:
            raise api_error(answer.status, _code(answer))
        if not isinstance(answer.body, dict):
            kind = answer.headers.get("content-type", "no content type")
            raise UnexpectedResponse(f"HTTP 200: not a Swapscanner quote ({kind})")
        return parse(QuoteResponse, answer.body, "Swapscanner quote")


def _code(answer: JsonResponse) -> str:
    body = answer.body
    if isinstance(body, dict):
        for field in ("message", "error", "code"):
            if isinstance(body.get(field), str):
                return str(body[field])
    text = answer.raw[:64].decode("utf-8", "replace").strip().strip('"')
    return text if text.replace("_", "").isalnum() else ""
