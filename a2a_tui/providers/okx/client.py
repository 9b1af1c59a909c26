"""Async OKX DEX v6 client: one signed GET per quote.

Every request is signed at send time by `OkxAuth` (what is signed is what
goes out) and runs under the total budget of `Timeouts.request_budget`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx

from a2a_tui.providers.http.client import JsonResponse, new_client, parse, send
from a2a_tui.providers.http.errors import UnexpectedResponse
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.okx.errors import api_error
from a2a_tui.providers.okx.models import QuoteData, QuoteRequest
from a2a_tui.providers.okx.signing import OkxAuth, OkxCredentials

__all__ = ["QUOTE_PATH", "OkxClient"]

QUOTE_PATH = "/api/v6/dex/aggregator/quote"


class OkxClient:
    def __init__(
        self,
        base_url: str,
        credentials: OkxCredentials,
        *,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.timeouts = timeouts or Timeouts()
        self._http = new_client(
            base_url, self.timeouts, transport=transport, auth=OkxAuth(credentials, clock)
        )

    @property
    def base_url(self) -> str:
        return str(self._http.base_url).rstrip("/")

    async def __aenter__(self) -> OkxClient:
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

    async def quote(self, request: QuoteRequest) -> QuoteData:
        """The best route for ``request``; raises an `OkxError` subclass, or
        `TransportFailure` / `UnexpectedResponse` from `providers.http`."""
        built = self._http.build_request(
            "GET", QUOTE_PATH, params=httpx.QueryParams(request.query())
        )
        answer = await send(self._http, built, budget=self.timeouts.request_budget)
        data = _data(answer)
        if not isinstance(data, list) or not data:
            raise UnexpectedResponse("OKX answered code 0 without a quote")
        return parse(QuoteData, data[0], "OKX quote")


def _data(answer: JsonResponse) -> Any:
    body = answer.body
    if not isinstance(body, dict) or "code" not in body:
        kind = answer.headers.get("content-type", "no content type")
        raise UnexpectedResponse(f"HTTP {answer.status}: not an OKX answer ({kind})")
    code = str(body["code"])
    msg = body.get("msg") if isinstance(body.get("msg"), str) else ""
    if code != "0" or not 200 <= answer.status < 300:
        raise api_error(answer.status, code, msg or "")
    return body.get("data")
