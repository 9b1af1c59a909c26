"""SwapKit in the provider registry; its Test asks for a real quote with the key.

The probe counts against the key's per-minute budget like any quote (the
window is shared in this process), so a Test never pushes the key over it.
"""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.quotes import QuoteSource
from a2a_tui.providers.spec import CheckContext, ProviderSpec, SourceContext

__all__ = ["SPEC"]


async def check(context: CheckContext) -> CheckResult:
    from a2a_tui.providers.swapkit.check import check as run

    return await run(context)


def source(context: SourceContext) -> QuoteSource:
    from a2a_tui.providers.swapkit.source import SwapKitSource

    return SwapKitSource(context)


SPEC = ProviderSpec(
    "swapkit",
    "SwapKit",
    ("swapkit.api_key",),
    check,
    "https://api.swapkit.dev",
    tag="SWK",
    source=source,
)
