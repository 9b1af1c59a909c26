"""Every provider the app knows, in display order, and the one door to their packages.

Nothing outside `a2a_tui.providers` imports a provider's package by name
(an import-linter contract): the services go through here.
"""

from __future__ import annotations

from pydantic import SecretStr

from a2a_tui.providers.any2any.errors import ApiError, OrderRejected, RefundRejected
from a2a_tui.providers.any2any.host import Any2AnyHost
from a2a_tui.providers.any2any.spec import SPEC as ANY2ANY
from a2a_tui.providers.changelly.signing import changelly_api_key, pem_from_paste
from a2a_tui.providers.changelly.spec import SPEC as CHANGELLY
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.okx.spec import SPEC as OKX
from a2a_tui.providers.spec import CheckContext, ProviderSpec
from a2a_tui.providers.swapkit.spec import SPEC as SWAPKIT
from a2a_tui.providers.swapscanner.signing import signer_address
from a2a_tui.providers.swapscanner.spec import SPEC as SWAPSCANNER

__all__ = [
    "PROVIDERS",
    "Any2AnyHost",
    "ApiError",
    "CheckContext",
    "OrderRejected",
    "ProviderSpec",
    "RefundRejected",
    "any2any_host",
    "changelly_api_key",
    "find_provider",
    "pem_from_paste",
    "signer_address",
]

PROVIDERS: tuple[ProviderSpec, ...] = (ANY2ANY, OKX, SWAPSCANNER, SWAPKIT, CHANGELLY)


def find_provider(name: str) -> ProviderSpec | None:
    """By id (``okx``) or label (``OKX DEX``), any case."""
    wanted = name.strip().lower()
    return next((p for p in PROVIDERS if wanted in (p.id, p.label.lower())), None)


def any2any_host(
    base_url: str, api_key: SecretStr | None = None, timeouts: Timeouts | None = None
) -> Any2AnyHost:
    return Any2AnyHost(base_url, api_key=api_key, timeouts=timeouts)
