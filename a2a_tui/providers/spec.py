"""What the rest of the app knows about a provider: one small spec each.

The settings screen, ``keys`` and the Test action read `registry.PROVIDERS`
instead of naming providers in code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pydantic import SecretStr

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.providers.http.timeouts import Timeouts

__all__ = ["CredentialCheck", "ProviderSpec", "SecretGetter"]

#: Reads one credential by entry name (the host already applied), or None.
SecretGetter = Callable[[str], SecretStr | None]
#: Tests a provider's credentials against ``host`` (Any2Any's) and says what it found.
CredentialCheck = Callable[[SecretGetter, str, Timeouts], Awaitable[CheckResult]]


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    id: str  # stable: row keys, config sections, ``keys test ID``
    label: str  # shown: "OKX DEX"
    secrets: tuple[str, ...]  # entry names in `domain.credentials.SECRETS`
    check: CredentialCheck

    def missing(self, get: SecretGetter, names: tuple[str, ...] | None = None) -> list[str]:
        """Labels of the required credentials that are not set."""
        from a2a_tui.domain.credentials import secret_spec

        found = []
        for name in names if names is not None else self.secrets:
            spec = secret_spec(name)
            if get(name) is None and spec is not None:
                found.append(spec.label)
        return found
