"""Async Changelly DeFi client: ``POST /v1/quotes/``, RSA-signed or with a plain key.

``signed`` (the default) sends x-api-key, x-api-signature, x-api-timestamp
and a fresh x-api-nonce (a UUID) per POST, signing in an ``httpx.Auth`` flow
over the path, query and body bytes that actually go out. ``api_key`` sends
only x-api-key: the affiliate form one Changelly page describes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Generator
from types import TracebackType
from typing import TYPE_CHECKING, Literal

import httpx
from pydantic import SecretStr

from a2a_tui.providers.changelly.errors import api_error
from a2a_tui.providers.changelly.models import Quote, QuoteRequest
from a2a_tui.providers.changelly.signing import (
    canonical_json,
    canonical_query,
    changelly_api_key,
    load_private_key,
    payload,
    sign,
)
from a2a_tui.providers.http.client import new_client, parse, send
from a2a_tui.providers.http.errors import UnexpectedResponse
from a2a_tui.providers.http.timeouts import Timeouts

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = ["QUOTE_PATH", "AuthMode", "ChangellyAuth", "ChangellyClient"]

QUOTE_PATH = "/v1/quotes/"
AuthMode = Literal["signed", "api_key"]


class ChangellyAuth(httpx.Auth):
    requires_request_body = True

    def __init__(
        self,
        api_key: str,
        private_key: RSAPrivateKey | None,
        *,
        clock: Callable[[], float] = time.time,
        nonces: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.api_key = api_key
        self.private_key = private_key
        self.clock = clock
        self.nonces = nonces

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["x-api-key"] = self.api_key
        if self.private_key is not None:
            query = canonical_query(request.url.params.multi_items())
            body = request.content.decode("utf-8")
            message = payload(request.method, request.url.path, query, body)
            request.headers["x-api-signature"] = sign(self.private_key, message)
            request.headers["x-api-timestamp"] = str(int(self.clock()))
            if request.method == "POST":
                request.headers["x-api-nonce"] = self.nonces()
        yield request


class ChangellyClient:
    def __init__(
        self,
        base_url: str,
        *,
        api_key: SecretStr | None = None,
        private_key: SecretStr | None = None,
        mode: AuthMode = "signed",
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        nonces: Callable[[], str] | None = None,
    ) -> None:
        """``signed`` needs ``private_key`` (x-api-key: ``api_key`` if given, else
        derived from the key); ``api_key`` mode needs only ``api_key``. The key is
        loaded here: ValueError or TypeError if it does not load."""
        self.timeouts = timeouts or Timeouts()
        self.mode: AuthMode = mode
        key: RSAPrivateKey | None = None
        if mode == "signed":
            if private_key is None:
                raise ValueError("signed requests need the RSA private key")
            key = load_private_key(private_key)
            header = api_key.get_secret_value().strip() if api_key else ""
            header = header or changelly_api_key(private_key)
        else:
            if api_key is None:
                raise ValueError("the api_key form needs the API key")
            header = api_key.get_secret_value().strip()
        auth = ChangellyAuth(header, key, clock=clock,
                             **({"nonces": nonces} if nonces else {}))  # fmt: skip
        self._http = new_client(base_url, self.timeouts, transport=transport, auth=auth,
                                headers={"Content-Type": "application/json"})  # fmt: skip

    @property
    def base_url(self) -> str:
        return str(self._http.base_url).rstrip("/")

    async def __aenter__(self) -> ChangellyClient:
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

    async def quote(self, request: QuoteRequest) -> Quote:
        """An expiring quote with its fee breakdown; raises a `ChangellyError`
        subclass, or `TransportFailure` / `UnexpectedResponse`."""
        body = canonical_json(request.body()).encode()  # what is sent is what is signed
        built = self._http.build_request("POST", QUOTE_PATH, content=body)
        answer = await send(self._http, built, budget=self.timeouts.request_budget)
        data = answer.body
        if not 200 <= answer.status < 300:
            if isinstance(data, dict) and isinstance(data.get("message"), str):
                kind = data.get("type") if isinstance(data.get("type"), str) else ""
                raise api_error(answer.status, str(kind), str(data["message"]))
            raise api_error(answer.status, "", f"HTTP {answer.status}")
        if not isinstance(data, dict):
            kind = answer.headers.get("content-type", "no content type")
            raise UnexpectedResponse(f"HTTP {answer.status}: not a Changelly quote ({kind})")
        return parse(Quote, data, "Changelly quote")
