"""Swapscanner's Test action: a real signed quote request that changes nothing.

Imported on first use (its client and wire models cost start-up time).
"""

from __future__ import annotations

from pydantic import ValidationError

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.text import inert
from a2a_tui.providers.http.errors import ProviderError, describe
from a2a_tui.providers.spec import CheckContext
from a2a_tui.providers.swapscanner.client import SwapscannerClient
from a2a_tui.providers.swapscanner.errors import (
    ApiError,
    BackToTheFuture,
    BadReferrer,
    BadSignature,
    InvalidSignature,
    RateLimited,
    SignatureExpired,
    UnderMaintenance,
)
from a2a_tui.providers.swapscanner.models import QuoteRequest

__all__ = ["KAIA", "KAIA_USDT", "check", "probe"]

KAIA = "0x0000000000000000000000000000000000000000"  # Swapscanner's native KAIA
KAIA_USDT = "0xd077a400968890eacc75cdc901f0356c943e4fdb"


def probe(wallet: str) -> QuoteRequest:
    """1 KAIA for USDT, from and to ``wallet``: quoting changes nothing."""
    return QuoteRequest.model_validate(
        {"slippage": 100, "from": wallet, "to": wallet, "tokenInAddress": KAIA,
         "tokenOutAddress": KAIA_USDT, "amount": 10**18}
    )  # fmt: skip


def _refusal(error: ApiError) -> str | None:
    if isinstance(error, BadReferrer):
        return "this signer is not an authorized referrer"
    if isinstance(error, InvalidSignature | BadSignature):
        return "the signature was not accepted"
    if isinstance(error, BackToTheFuture | SignatureExpired):
        return "clock skew: issuedAt is outside Swapscanner's window; check this machine's clock"
    if isinstance(error, RateLimited):
        return "rate limited; try again shortly"
    if isinstance(error, UnderMaintenance):
        return "Swapscanner is under maintenance"
    return None


async def check(context: CheckContext) -> CheckResult:
    key = context.get("swapscanner.signer_key")
    if key is None:
        return CheckResult(False, "missing: Referrer signing key", ("swapscanner.signer_key",))
    host = inert(context.base_url)
    async with SwapscannerClient(context.base_url, key, timeouts=context.timeouts) as client:
        try:
            address = await client.referrer()
        except (ValueError, TypeError):
            return CheckResult(False, "not a valid private key (64 hex digits, 0x optional)")
        wallet = str(context.settings.get("wallet_address") or address)
        try:
            request = probe(wallet)
        except ValidationError:
            return CheckResult(False, f"wallet_address {inert(wallet)} is not an EVM address")
        try:
            await client.quote(request)
        except ApiError as exc:
            refusal = _refusal(exc)
            if refusal is not None:
                return CheckResult(False, f"signs as {address}: {refusal} ({describe(exc)})")
            return CheckResult(True, f"signs as {address}; accepted (probe: {describe(exc)})")
        except ProviderError as exc:
            return CheckResult(False, f"signs as {address}; cannot check with {host}: "
                               f"{describe(exc)}")  # fmt: skip
    return CheckResult(True, f"signs as {address}; accepted by {host} (a signed probe quote)")
