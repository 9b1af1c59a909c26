"""OKX DEX in the provider registry."""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.spec import ProviderSpec, SecretGetter

__all__ = ["SPEC"]

_REQUIRED = ("okx.api_key", "okx.secret_key", "okx.passphrase")


async def check(get: SecretGetter, host: str, timeouts: Timeouts) -> CheckResult:
    missing = SPEC.missing(get, _REQUIRED)
    if missing:
        return CheckResult(False, f"missing: {', '.join(missing)}")
    return CheckResult(
        True,
        "key, secret and passphrase are set; checked locally: this version has no OKX client yet",
    )


SPEC = ProviderSpec("okx", "OKX DEX", (*_REQUIRED, "okx.project_id"), check)
