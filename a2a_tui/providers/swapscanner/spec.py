"""Swapscanner in the provider registry; its Test signs a real quote request."""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.quotes import QuoteSource
from a2a_tui.providers.spec import CheckContext, ProviderSpec, SourceContext

__all__ = ["SPEC"]


async def check(context: CheckContext) -> CheckResult:
    from a2a_tui.providers.swapscanner.check import check as run

    return await run(context)


def source(context: SourceContext) -> QuoteSource:
    from a2a_tui.providers.swapscanner.source import SwapscannerSource

    return SwapscannerSource(context)


SPEC = ProviderSpec(
    "swapscanner",
    "Swapscanner",
    ("swapscanner.signer_key",),
    check,
    "https://api.swapscanner.io",
    tag="SSC",
    source=source,
)
