"""Swapscanner in the provider registry."""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.providers.spec import CheckContext, ProviderSpec
from a2a_tui.providers.swapscanner.signing import signer_address

__all__ = ["SPEC"]


async def check(context: CheckContext) -> CheckResult:
    get = context.get
    key = get("swapscanner.signer_key")
    if key is None:
        return CheckResult(False, "missing: Referrer signing key")
    try:
        address = signer_address(key)
    except (ValueError, TypeError):
        return CheckResult(False, "not a valid private key (64 hex digits, 0x optional)")
    return CheckResult(
        True, f"signs as {address}; checked locally: this version has no Swapscanner client yet"
    )


SPEC = ProviderSpec("swapscanner", "Swapscanner", ("swapscanner.signer_key",), check)
