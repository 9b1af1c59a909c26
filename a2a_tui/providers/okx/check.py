"""OKX DEX's Test action: a real signed quote that changes nothing.

Imported on first use (its client and wire models cost start-up time).
"""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.text import inert
from a2a_tui.providers.http.errors import ProviderError, describe
from a2a_tui.providers.okx.client import OkxClient
from a2a_tui.providers.okx.errors import (
    ApiError,
    AuthError,
    BadPassphrase,
    BadSignature,
    ClockSkew,
    RateLimited,
    UnknownKey,
)
from a2a_tui.providers.okx.models import QuoteRequest
from a2a_tui.providers.okx.signing import OkxCredentials
from a2a_tui.providers.okx.spec import REQUIRED, SPEC
from a2a_tui.providers.spec import CheckContext

__all__ = ["PROBE", "check", "credentials_from"]


#: The cheapest signed call that changes nothing: a quote of 1 USDC for USDT on Ethereum.
PROBE = QuoteRequest(
    chain_index="1",
    amount=1_000_000,
    from_token_address="0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
    to_token_address="0xdac17f958d2ee523a2206206994597c13d831ec7",
)


def credentials_from(context: CheckContext) -> OkxCredentials | None:
    key, secret, passphrase = (context.get(name) for name in REQUIRED)
    if key is None or secret is None or passphrase is None:
        return None
    return OkxCredentials(key, secret, passphrase, context.get("okx.project_id"))


def _refusal(error: AuthError) -> str:
    if isinstance(error, UnknownKey):
        return "unknown API key"
    if isinstance(error, BadPassphrase):
        return "wrong passphrase for this API key"
    if isinstance(error, BadSignature):
        return "bad signature: the secret key does not belong to this API key"
    if isinstance(error, ClockSkew):
        return "clock skew: OKX accepts a timestamp within 30 s of its clock; check this machine's"
    return "credentials refused"


async def check(context: CheckContext) -> CheckResult:
    missing = SPEC.missing(context.get, REQUIRED)
    credentials = credentials_from(context)
    if missing or credentials is None:
        unset = tuple(name for name in REQUIRED if context.get(name) is None)
        return CheckResult(False, f"missing: {', '.join(missing)}", unset)
    host = inert(context.base_url)
    async with OkxClient(context.base_url, credentials, timeouts=context.timeouts) as client:
        try:
            await client.quote(PROBE)
        except AuthError as exc:
            return CheckResult(False, f"{_refusal(exc)} ({describe(exc)})")
        except RateLimited as exc:
            return CheckResult(False, f"rate limited; try again shortly ({describe(exc)})")
        except ApiError as exc:  # past authentication: the probe itself was refused
            return CheckResult(True, f"credentials accepted by {host} (probe: {describe(exc)})")
        except ProviderError as exc:
            return CheckResult(False, f"cannot check with {host}: {describe(exc)}")
    return CheckResult(True, f"credentials accepted by {host} (a signed probe quote)")
