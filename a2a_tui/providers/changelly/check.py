"""Changelly's Test action: the guide's sample quote, signed (or with the key alone).

Imported on first use (its client and wire models cost start-up time).
"""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.text import inert
from a2a_tui.providers.changelly.client import AuthMode, ChangellyClient
from a2a_tui.providers.changelly.errors import (
    ApiError,
    InvalidApiKey,
    InvalidSignature,
    NonceReused,
    SignatureRequired,
    TimestampExpired,
    Unauthorized,
)
from a2a_tui.providers.changelly.models import QuoteRequest
from a2a_tui.providers.changelly.signing import api_key_forms
from a2a_tui.providers.http.errors import ProviderError, describe
from a2a_tui.providers.spec import CheckContext

__all__ = ["PROBE", "check"]

#: The guide's sample request: token 278 for token 678, 1000000 units, 50 bps.
PROBE = QuoteRequest.model_validate(
    {"from": {"token_id": 278}, "to": {"token_id": 678}, "amount": 1_000_000, "slippage_bps": 50}
)


def _refusal(error: Unauthorized) -> str:
    if isinstance(error, InvalidApiKey):
        return "unknown API key"
    if isinstance(error, SignatureRequired):
        return 'this API key needs signed requests (auth = "signed" and the RSA private key)'
    if isinstance(error, InvalidSignature):
        return "signature rejected: this RSA key is not the one registered for the API key"
    if isinstance(error, TimestampExpired):
        return "clock skew: x-api-timestamp is outside Changelly's window; check this machine's"
    if isinstance(error, NonceReused):
        return "nonce rejected"
    return "credentials refused"


async def check(context: CheckContext) -> CheckResult:
    api_key = context.get("changelly.api_key")
    private = context.get("changelly.private_key")
    mode: AuthMode = "api_key" if context.settings.get("auth") == "api_key" else "signed"
    detail = ""
    if mode == "api_key":
        if api_key is None:
            return CheckResult(False, "missing: API key (auth = api_key)", ("changelly.api_key",))
    elif private is None:
        hint = '; or set [providers.changelly] auth = "api_key"' if api_key else ""
        return CheckResult(False, f"missing: RSA private key{hint}", ("changelly.private_key",))
    else:
        try:
            derived = api_key_forms(private)
        except (ValueError, TypeError) as exc:
            return CheckResult(False, f"the RSA private key does not load: {inert(exc)}")
        if api_key is not None and api_key.get_secret_value().strip() not in derived:
            return CheckResult(False, "the API key does not belong to this RSA key")
        detail = f"x-api-key {derived[0][:8]}…, "
    host = inert(context.base_url)
    client = ChangellyClient(context.base_url, api_key=api_key, private_key=private, mode=mode,
                             timeouts=context.timeouts)  # fmt: skip
    async with client:
        try:
            await client.quote(PROBE)
        except Unauthorized as exc:
            return CheckResult(False, f"{detail}{_refusal(exc)} ({describe(exc)})")
        except ApiError as exc:  # past authentication: the probe pair itself was refused
            return CheckResult(True, f"{detail}accepted by {host} (probe: {describe(exc)})")
        except ProviderError as exc:
            return CheckResult(False, f"{detail}cannot check with {host}: {describe(exc)}")
    how = "a signed probe quote" if mode == "signed" else "a probe quote with the API key only"
    return CheckResult(True, f"{detail}accepted by {host} ({how})")
