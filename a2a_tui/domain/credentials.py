"""Credentials as the app knows them: which entries exist, their states, and
how much of a secret may ever be shown. Pure data; the key store lives in
`a2a_tui.infra.keystore`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import SecretStr

__all__ = [
    "KEYRING_PASSWORD_ENV",
    "SECRETS",
    "BackendCheck",
    "CheckResult",
    "SecretSpec",
    "SecretState",
    "mask",
    "secret_spec",
]


#: The password of a keyring file that unlocks with one (keyrings.cryptfile).
KEYRING_PASSWORD_ENV = "A2A_TUI_KEYRING_PASSWORD"


@dataclass(frozen=True, slots=True)
class SecretSpec:
    name: str  # stable keyring entry name (``@host`` appended when per host)
    provider: str
    label: str
    env: str  # read-only override, takes precedence over the keyring
    per_host: bool = False
    multiline: bool = False
    help: str = ""


SECRETS: tuple[SecretSpec, ...] = (
    SecretSpec("any2any.api_key", "Any2Any", "Integrator API key", "A2A_TUI_ANY2ANY_API_KEY",
               per_host=True,
               help="X-Integrator-Api-Key; one per host, so staging and production coexist"),
    SecretSpec("okx.api_key", "OKX DEX", "API key", "A2A_TUI_OKX_API_KEY",
               help="OK-ACCESS-KEY"),
    SecretSpec("okx.secret_key", "OKX DEX", "Secret key", "A2A_TUI_OKX_SECRET_KEY",
               help="signs requests (OK-ACCESS-SIGN, HMAC-SHA256); never sent"),
    SecretSpec("okx.passphrase", "OKX DEX", "Passphrase", "A2A_TUI_OKX_PASSPHRASE",
               help="OK-ACCESS-PASSPHRASE"),
    SecretSpec("okx.project_id", "OKX DEX", "Project id (optional)", "A2A_TUI_OKX_PROJECT_ID",
               help="OK-ACCESS-PROJECT, sent only when set (older v5 keys)"),
    SecretSpec("swapscanner.signer_key", "Swapscanner", "Referrer signing key",
               "A2A_TUI_SWAPSCANNER_SIGNER_KEY",
               help="signs QuoteRequestV2 (EIP-712); only its address is ever shown"),
    SecretSpec("swapkit.api_key", "SwapKit", "API key", "A2A_TUI_SWAPKIT_API_KEY",
               help="x-api-key"),
    SecretSpec("changelly.api_key", "Changelly", "API key", "A2A_TUI_CHANGELLY_API_KEY",
               help="x-api-key (affiliates may need only this)"),
    SecretSpec("changelly.private_key", "Changelly", "RSA private key (PEM)",
               "A2A_TUI_CHANGELLY_PRIVATE_KEY", multiline=True,
               help="signs requests (x-api-signature, RSA-SHA256)"),
)  # fmt: skip

_BY_NAME = {spec.name: spec for spec in SECRETS}


def secret_spec(name: str) -> SecretSpec | None:
    return _BY_NAME.get(name)


class SecretState(StrEnum):
    SET = "set"
    NOT_SET = "not set"
    FROM_ENV = "from environment"
    UNAVAILABLE = "keyring unavailable"


@dataclass(frozen=True, slots=True)
class BackendCheck:
    usable: bool
    name: str
    """The backend in use (a member of keyring's chain when keyring offered one)."""
    reason: str
    ignored: tuple[str, ...] = ()
    """Other members of keyring's chain, never read or written."""
    locked: bool = False
    """The backend holds secrets but cannot be opened now (its password is missing or
    wrong): a key may well be in it, so "not set" would be a guess stated as fact."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What a provider's Test action found; ``message`` is inert and never holds a secret."""

    ok: bool
    message: str
    missing: tuple[str, ...] = ()
    """Entry names of the credentials that are not set: the caller says how to set them."""


def mask(secret: SecretStr | None) -> str:
    """At most the last 4 characters, and none of a short secret."""
    if secret is None:
        return ""
    value = secret.get_secret_value()
    return f"••••{value[-4:]}" if len(value) >= 12 else "••••"
