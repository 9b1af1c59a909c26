"""OKX DEX in the provider registry; its Test asks for a real, signed quote."""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.quotes import QuoteSource
from a2a_tui.providers.spec import CheckContext, ProviderSpec, SourceContext

__all__ = ["REQUIRED", "SPEC"]

REQUIRED = ("okx.api_key", "okx.secret_key", "okx.passphrase")


async def check(context: CheckContext) -> CheckResult:
    from a2a_tui.providers.okx.check import check as run

    return await run(context)


def source(context: SourceContext) -> QuoteSource:
    from a2a_tui.providers.okx.source import OkxSource

    return OkxSource(context)


SPEC = ProviderSpec(
    "okx",
    "OKX DEX",
    (*REQUIRED, "okx.project_id"),
    check,
    "https://web3.okx.com",
    tag="OKX",
    source=source,
)
