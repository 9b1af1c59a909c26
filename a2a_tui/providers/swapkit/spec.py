"""SwapKit in the provider registry."""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.spec import ProviderSpec, SecretGetter

__all__ = ["SPEC"]


async def check(get: SecretGetter, host: str, timeouts: Timeouts) -> CheckResult:
    if get("swapkit.api_key") is None:
        return CheckResult(False, "missing: API key")
    return CheckResult(
        True, "API key is set; checked locally: this version has no SwapKit client yet"
    )


SPEC = ProviderSpec("swapkit", "SwapKit", ("swapkit.api_key",), check)
