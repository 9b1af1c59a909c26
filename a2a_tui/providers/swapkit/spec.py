"""SwapKit in the provider registry."""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.providers.spec import CheckContext, ProviderSpec

__all__ = ["SPEC"]


async def check(context: CheckContext) -> CheckResult:
    get = context.get
    if get("swapkit.api_key") is None:
        return CheckResult(False, "missing: API key")
    return CheckResult(
        True, "API key is set; checked locally: this version has no SwapKit client yet"
    )


SPEC = ProviderSpec("swapkit", "SwapKit", ("swapkit.api_key",), check)
