"""SwapKit's Test action: a real quote with the key, within its per-minute budget.

Imported on first use (its client and wire models cost start-up time).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.text import inert
from a2a_tui.providers.http.errors import HeldBack, ProviderError, describe
from a2a_tui.providers.spec import CheckContext
from a2a_tui.providers.swapkit.client import NEW_KEY_PER_MINUTE, SwapKitClient
from a2a_tui.providers.swapkit.errors import ApiError, InvalidApiKey, RateLimited
from a2a_tui.providers.swapkit.models import QuoteRequest

__all__ = ["PROBE", "check", "per_minute"]

#: The guide's example pair: 0.01 ETH for BTC.
PROBE = QuoteRequest(sell_asset="ETH.ETH", buy_asset="BTC.BTC", sell_amount=Decimal("0.01"))


def per_minute(settings: Mapping[str, Any]) -> int:
    """The ``rate_limit_per_minute`` setting, else a new key's 10."""
    value = settings.get("rate_limit_per_minute")
    return value if isinstance(value, int) and value > 0 else NEW_KEY_PER_MINUTE


async def check(context: CheckContext) -> CheckResult:
    key = context.get("swapkit.api_key")
    if key is None:
        return CheckResult(False, "missing: API key", ("swapkit.api_key",))
    host = inert(context.base_url)
    client = SwapKitClient(context.base_url, key, per_minute=per_minute(context.settings),
                           timeouts=context.timeouts)  # fmt: skip
    async with client:
        try:
            await client.quote(PROBE)
        except InvalidApiKey as exc:
            return CheckResult(False, f"unknown or expired API key ({describe(exc)})")
        except RateLimited as exc:
            return CheckResult(False, f"rate limited by SwapKit ({describe(exc)})")
        except HeldBack as exc:
            return CheckResult(False, f"not sent: {describe(exc)}")
        except ApiError as exc:  # past the key: the probe pair itself was refused
            return CheckResult(True, f"API key accepted by {host} (probe: {describe(exc)})")
        except ProviderError as exc:
            return CheckResult(False, f"cannot check with {host}: {describe(exc)}")
    return CheckResult(True, f"API key accepted by {host} (a probe quote)")
