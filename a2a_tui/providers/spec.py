"""What the rest of the app knows about a provider: one small spec each.

The settings screen, ``keys``, the Test action and the quote board read
`registry.PROVIDERS` instead of naming providers in code: a spec says how to
test the provider's credentials and how to build its quote source.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from a2a_tui.domain.credentials import CheckResult
from a2a_tui.domain.quotes import QuoteSource
from a2a_tui.providers.http.timeouts import Timeouts

if TYPE_CHECKING:
    from a2a_tui.providers.assets import AssetRegistry

__all__ = [
    "CheckContext",
    "CredentialCheck",
    "ProviderSpec",
    "SecretGetter",
    "SourceContext",
    "SourceFactory",
]

#: Reads one credential by entry name (the host already applied), or None.
SecretGetter = Callable[[str], SecretStr | None]


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a provider's Test action works with: its credentials, where the
    provider lives (Any2Any: the profile's host; the others: their
    ``[providers.<id>] base_url``) and its own settings table."""

    get: SecretGetter
    base_url: str
    timeouts: Timeouts = field(default_factory=Timeouts)
    settings: Mapping[str, Any] = field(default_factory=dict)


#: Tests a provider's credentials and says what it found (never a secret).
CredentialCheck = Callable[[CheckContext], Awaitable[CheckResult]]


def _now() -> datetime:
    return datetime.now(UTC)


async def _no_hold() -> None:
    return None


@dataclass(frozen=True, slots=True)
class SourceContext:
    """What a provider's quote source is built with.

    ``get`` may block (the OS keyring): a source calls it off the event loop,
    per quote, so a credential changed in the settings counts from the next
    quote. ``assets`` gives the token registry (loaded once, on first call).
    ``settings`` is the provider's ``[providers.<id>]`` table. ``hold`` is
    awaited before a client is first built (imports and key loads that hold
    the GIL): the app holds such builds while a quote's first row is on its
    way to the screen.
    """

    get: SecretGetter
    base_url: str
    assets: Callable[[], AssetRegistry]
    timeouts: Timeouts = field(default_factory=Timeouts)
    settings: Mapping[str, Any] = field(default_factory=dict)
    wall_clock: Callable[[], datetime] = _now
    hold: Callable[[], Awaitable[None]] = _no_hold


#: Builds a provider's `QuoteSource`; cheap (the client loads on first use).
SourceFactory = Callable[[SourceContext], QuoteSource]


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    id: str  # stable: row keys, config sections, ``keys test ID``
    label: str  # shown: "OKX DEX"
    secrets: tuple[str, ...]  # entry names in `domain.credentials.SECRETS`
    check: CredentialCheck
    #: Where the provider lives unless ``[providers.<id>] base_url`` says
    #: otherwise; None: the active profile's host (Any2Any).
    default_base_url: str | None = None
    #: The provider in at most 3 characters, where a column has no room for its label.
    tag: str = ""
    #: Its quote source beside Any2Any's; None: the host's own (Any2Any).
    source: SourceFactory | None = None

    def base_url(self, host: str, settings: Mapping[str, Any]) -> str:
        if self.default_base_url is None:
            return host
        return str(settings.get("base_url") or self.default_base_url).rstrip("/")

    def missing(self, get: SecretGetter, names: tuple[str, ...] | None = None) -> list[str]:
        """Labels of the required credentials that are not set."""
        from a2a_tui.domain.credentials import secret_spec

        found = []
        for name in names if names is not None else self.secrets:
            spec = secret_spec(name)
            if get(name) is None and spec is not None:
                found.append(spec.label)
        return found
