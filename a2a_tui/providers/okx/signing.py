"""OKX's request signature, as an ``httpx.Auth`` flow.

``OK-ACCESS-SIGN`` = base64(HMAC-SHA256(secret, timestamp + METHOD +
requestPath + body)), where requestPath carries ``?query`` for a GET and the
body is empty for a GET. The flow runs on the final request, so what is
signed is exactly the path, query and body bytes httpx sends (after its own
percent-encoding), and the timestamp is taken at send time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from pydantic import SecretStr

__all__ = ["OkxAuth", "OkxCredentials", "prehash", "sign", "timestamp"]


@dataclass(frozen=True, slots=True)
class OkxCredentials:
    api_key: SecretStr
    secret_key: SecretStr
    passphrase: SecretStr
    project_id: SecretStr | None = None  # OK-ACCESS-PROJECT, only for keys that need it


def timestamp(at: float) -> str:
    """ISO 8601 UTC with milliseconds: ``2020-12-08T09:08:57.715Z``."""
    moment = datetime.fromtimestamp(at, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def prehash(stamp: str, method: str, request_path: str, body: str = "") -> str:
    return f"{stamp}{method.upper()}{request_path}{body}"


def sign(secret: str, stamp: str, method: str, request_path: str, body: str = "") -> str:
    digest = hmac.new(
        secret.encode(), prehash(stamp, method, request_path, body).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


class OkxAuth(httpx.Auth):
    requires_request_body = True

    def __init__(self, credentials: OkxCredentials, clock: Callable[[], float] = time.time):
        self.credentials = credentials
        self.clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        c = self.credentials
        stamp = timestamp(self.clock())
        path = request.url.raw_path.decode("ascii")  # path and ?query, as they go out
        body = request.content.decode("utf-8") if request.method != "GET" else ""
        request.headers["OK-ACCESS-KEY"] = c.api_key.get_secret_value()
        request.headers["OK-ACCESS-SIGN"] = sign(
            c.secret_key.get_secret_value(), stamp, request.method, path, body
        )
        request.headers["OK-ACCESS-TIMESTAMP"] = stamp
        request.headers["OK-ACCESS-PASSPHRASE"] = c.passphrase.get_secret_value()
        if c.project_id is not None and c.project_id.get_secret_value():
            request.headers["OK-ACCESS-PROJECT"] = c.project_id.get_secret_value()
        yield request
