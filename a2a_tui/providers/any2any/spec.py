"""Any2Any in the provider registry: its key is tested for real, without side effects."""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.text import inert
from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.providers.any2any.errors import Any2AnyError, ApiError
from a2a_tui.providers.http.errors import describe
from a2a_tui.providers.spec import CheckContext, ProviderSpec

__all__ = ["SPEC"]


async def check(context: CheckContext) -> CheckResult:
    host, timeouts = context.base_url, context.timeouts
    key = context.get("any2any.api_key")
    if key is None:
        return CheckResult(False, "no integrator API key for this host", ("any2any.api_key",))
    async with Any2AnyClient(host, api_key=key, timeouts=timeouts) as client:
        try:
            await client.check_api_key()
        except ApiError as exc:
            if exc.status == 401:
                return CheckResult(False, f"key rejected by {inert(host)}: {describe(exc)}")
            if exc.status == 403:
                return CheckResult(False, f"key known, but refused: {describe(exc)}")
            return CheckResult(False, describe(exc))
        except Any2AnyError as exc:
            return CheckResult(False, f"cannot check with {inert(host)}: {describe(exc)}")
    return CheckResult(True, f"key accepted by {inert(host)} (checked without creating anything)")


SPEC = ProviderSpec("any2any", "Any2Any", ("any2any.api_key",), check, tag="A2A")
