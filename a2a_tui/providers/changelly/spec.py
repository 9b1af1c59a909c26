"""Changelly in the provider registry."""

from __future__ import annotations

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.text import inert
from a2a_tui.providers.changelly.signing import changelly_api_key
from a2a_tui.providers.spec import CheckContext, ProviderSpec

__all__ = ["SPEC"]

_LOCAL = "checked locally: this version has no Changelly client yet"


async def check(context: CheckContext) -> CheckResult:
    get = context.get
    api_key = get("changelly.api_key")
    private = get("changelly.private_key")
    if private is None:
        if api_key is None:
            return CheckResult(False, "missing: API key and RSA private key")
        return CheckResult(True, f"API key is set (affiliate mode); {_LOCAL}")
    try:
        derived = changelly_api_key(private)
    except (ValueError, TypeError) as exc:
        return CheckResult(False, f"the RSA private key does not load: {inert(exc)}")
    if api_key is not None and api_key.get_secret_value().strip() != derived:
        return CheckResult(False, "the API key does not belong to this RSA key")
    return CheckResult(True, f"RSA key loads, x-api-key {derived[:8]}…; {_LOCAL}")


SPEC = ProviderSpec("changelly", "Changelly", ("changelly.api_key", "changelly.private_key"), check)
