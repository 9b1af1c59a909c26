"""Changelly in the provider registry; its Test sends the guide's sample quote, signed."""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.quotes import QuoteSource
from a2a_tui.providers.spec import CheckContext, ProviderSpec, SourceContext

__all__ = ["SPEC"]


async def check(context: CheckContext) -> CheckResult:
    from a2a_tui.providers.changelly.check import check as run

    return await run(context)


def source(context: SourceContext) -> QuoteSource:
    from a2a_tui.providers.changelly.source import ChangellySource

    return ChangellySource(context)


SPEC = ProviderSpec(
    "changelly",
    "Changelly",
    ("changelly.api_key", "changelly.private_key"),
    check,
    "https://dex-api.changelly.com",
    tag="CHG",
    source=source,
)
