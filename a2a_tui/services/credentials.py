"""Credentials as the screens and commands use them: states, set, delete, Test.

A thin layer over the key store and the provider registry, so the UI never
touches the keyring or a provider package. Every call may block on the
keyring (D-Bus, an unlock prompt): call it from a thread worker.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import SecretStr

from a2a_tui.domain.credentials import (
    BackendCheck,
    CheckResult,
    SecretSpec,
    SecretState,
    mask,
)
from a2a_tui.domain.text import inert, sentence
from a2a_tui.infra.keystore import ALTERNATIVES, MemoryKeyring, SecretStore, SecretStoreError
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.providers.registry import (
    PROVIDERS,
    CheckContext,
    ProviderSpec,
    find_provider,
    pem_from_paste,
    signer_address,
)

__all__ = [
    "PROVIDERS",
    "CredentialError",
    "CredentialService",
    "CredentialView",
    "check_provider",
]

#: Raised by set and delete; the message says why and what to do instead.
CredentialError = SecretStoreError


@dataclass(frozen=True, slots=True)
class CredentialView:
    spec: SecretSpec
    state: SecretState
    detail: str  # a mask, an address or an environment variable: never a secret


async def check_provider(
    provider: str,
    store: SecretStore,
    host: str,
    timeouts: Timeouts | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> CheckResult:
    """``settings``: each provider's ``[providers.<id>]`` table by id (its
    base_url and options); ``host`` is the active profile's Any2Any host."""
    spec = find_provider(provider)
    if spec is None:
        return CheckResult(False, f"unknown provider {inert(provider)}")
    for name in spec.secrets:  # a locked keyring is not a missing key
        if (problem := store.unreadable(name, host)) is not None:
            return CheckResult(False, f"cannot read {name}: {problem}")
    own = (settings or {}).get(spec.id, {})
    context = CheckContext(
        lambda name: store.get(name, host), spec.base_url(host, own), timeouts or Timeouts(), own
    )
    result = await spec.check(context)
    if result.ok or not result.missing:
        return result
    next_step = _how_to_set(store, result.missing)
    return replace(result, message=f"{sentence(result.message)} Next: {next_step}")


def _how_to_set(store: SecretStore, names: tuple[str, ...]) -> str:
    """The next step for unset credentials: the command (when a keyring can hold
    them), the settings screen, or the read-only variables."""
    envs = ", ".join(f"${store.spec(name).env}" for name in names)
    if not store.check.usable:
        it = "them" if len(names) > 1 else "it"
        return f"set {envs} (no keyring here can store {it}: `a2a-tui keys list` says why)"
    others = " and the others" if len(names) > 1 else ""
    return f"`a2a-tui keys set {names[0]}`{others} (or F2 in the app), or {envs}"


class CredentialService:
    #: What to do when no keyring can hold secrets.
    ALTERNATIVES = ALTERNATIVES

    def __init__(
        self,
        store: SecretStore,
        timeouts: Timeouts | None = None,
        provider_settings: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.store = store
        self.timeouts = timeouts or Timeouts()
        #: Each provider's settings table by id (see `provider_settings_from`).
        self.provider_settings = dict(provider_settings or {})

    @classmethod
    def in_memory(
        cls, provider_settings: Mapping[str, Mapping[str, Any]] | None = None
    ) -> CredentialService:
        """A store that forgets: nothing of the user's is read or written (demo, tests)."""
        return cls(SecretStore(MemoryKeyring(), env={}), provider_settings=provider_settings)

    @property
    def providers(self) -> tuple[ProviderSpec, ...]:
        return PROVIDERS

    @property
    def check(self) -> BackendCheck:
        return self.store.check

    def spec(self, name: str) -> SecretSpec:
        return self.store.spec(name)

    def get(self, name: str, host: str | None = None) -> SecretStr | None:
        return self.store.get(name, host)

    def entry(self, name: str, host: str | None = None) -> str:
        """The keyring entry name (``any2any.api_key@host``); never touches the keyring."""
        return self.store.entry(name, host)

    def origin(self, name: str, host: str | None = None) -> str | None:
        """Where ``get`` finds the value: ``$VARIABLE`` or the keyring entry name
        (journaled with an order, so it names the key without holding it)."""
        state = self.store.state(name, host)
        if state is SecretState.FROM_ENV:
            return f"${self.store.spec(name).env}"
        if state is SecretState.SET:
            return self.store.entry(name, host)
        return None

    def how_to_set(self, name: str) -> str:
        """The next step to set ``name``: the command and F2 when a keyring can
        hold it, else its variable (said in refusals that need the key)."""
        return _how_to_set(self.store, (name,))

    def unreadable(self, name: str, host: str | None = None) -> str | None:
        """Why a secret that may exist cannot be read now (a locked keyring), or None."""
        return self.store.unreadable(name, host)

    def views(self, host: str) -> Iterator[CredentialView]:
        for spec, state in self.store.rows(host):
            detail = ""
            if state is SecretState.FROM_ENV:
                detail = f"${spec.env}"
            elif state is SecretState.SET:
                detail = _detail(spec.name, self.store.get(spec.name, host))
            yield CredentialView(spec, state, detail)

    def set(self, name: str, value: SecretStr, host: str | None = None) -> None:
        spec = self.store.spec(name)
        if spec.multiline:
            value = SecretStr(pem_from_paste(value.get_secret_value()))
        self.store.set(name, value, host)

    def delete(self, name: str, host: str | None = None) -> bool:
        return self.store.delete(name, host)

    async def test(self, provider: str, host: str) -> CheckResult:
        return await check_provider(
            provider, self.store, host, self.timeouts, self.provider_settings
        )


def _detail(name: str, secret: SecretStr | None) -> str:
    if secret is None:
        return ""
    if name == "swapscanner.signer_key":
        try:
            return f"signs as {signer_address(secret)}"
        except (ValueError, TypeError):
            return "not a valid private key"
    if name == "changelly.private_key":
        return "PEM"
    return mask(secret)
