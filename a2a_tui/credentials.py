"""The Test action: does each provider's credential work, and what does it say?

Any2Any is asked for real with the cheapest authenticated call that changes
nothing (`Any2AnyClient.check_api_key`). The direct providers have no client
in this version yet, so their test is local and says so: the credentials are
present and well-formed, and what can be derived offline is shown (the
Swapscanner signer's address, Changelly's ``x-api-key``), never the secret.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from pydantic import SecretStr

from a2a_tui.domain.text import inert
from a2a_tui.providers.any2any.client import Any2AnyClient, Timeouts
from a2a_tui.providers.any2any.errors import Any2AnyError, ApiError
from a2a_tui.providers.any2any.source import describe
from a2a_tui.secrets import SECRETS, SecretStore

__all__ = ["PROVIDERS", "CheckResult", "check_provider", "pem_from_paste", "signer_address"]

PROVIDERS: tuple[str, ...] = tuple(dict.fromkeys(spec.provider for spec in SECRETS))
_LOCAL = "checked locally: this version has no {} client yet"


@dataclass(frozen=True, slots=True)
class CheckResult:
    ok: bool
    message: str


def signer_address(key: SecretStr) -> str:
    """The address an EIP-712 signing key signs as (imports eth_account: ~0.6 s,
    so call it off the UI thread)."""
    from eth_account import Account

    return str(Account.from_key(key.get_secret_value().strip()).address)


def pem_from_paste(text: str) -> str:
    """A PEM pasted into a one-line input loses its newlines; put them back."""
    found = re.fullmatch(
        r"\s*(-----BEGIN [A-Z ]+-----)\s*(.+?)\s*(-----END [A-Z ]+-----)\s*", text, re.DOTALL
    )
    if not found:
        return text.strip()
    head, body, tail = found.groups()
    body = "".join(body.split())
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([head, *lines, tail]) + "\n"


def changelly_api_key(private_pem: SecretStr) -> str:
    """Changelly's x-api-key: base64 of SHA-256 of the DER public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = serialization.load_pem_private_key(
        pem_from_paste(private_pem.get_secret_value()).encode(), password=None
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA key")
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(public).digest()).decode()


def _missing(store: SecretStore, names: list[str], host: str) -> list[str]:
    return [store.spec(n).label for n in names if store.get(n, host) is None]


async def check_provider(
    provider: str, store: SecretStore, host: str, timeouts: Timeouts | None = None
) -> CheckResult:
    match provider:
        case "Any2Any":
            return await _check_any2any(store, host, timeouts)
        case "OKX DEX":
            missing = _missing(store, ["okx.api_key", "okx.secret_key", "okx.passphrase"], host)
            if missing:
                return CheckResult(False, f"missing: {', '.join(missing)}")
            return CheckResult(True, "key, secret and passphrase are set; " + _LOCAL.format("OKX"))
        case "Swapscanner":
            key = store.get("swapscanner.signer_key", host)
            if key is None:
                return CheckResult(False, "missing: Referrer signing key")
            try:
                address = signer_address(key)
            except (ValueError, TypeError):
                return CheckResult(False, "not a valid private key (64 hex digits, 0x optional)")
            return CheckResult(True, f"signs as {address}; " + _LOCAL.format("Swapscanner"))
        case "SwapKit":
            if store.get("swapkit.api_key", host) is None:
                return CheckResult(False, "missing: API key")
            return CheckResult(True, "API key is set; " + _LOCAL.format("SwapKit"))
        case "Changelly":
            return _check_changelly(store, host)
    return CheckResult(False, f"unknown provider {inert(provider)}")


async def _check_any2any(store: SecretStore, host: str, timeouts: Timeouts | None) -> CheckResult:
    key = store.get("any2any.api_key", host)
    if key is None:
        return CheckResult(False, "no integrator API key for this host")
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


def _check_changelly(store: SecretStore, host: str) -> CheckResult:
    api_key = store.get("changelly.api_key", host)
    private = store.get("changelly.private_key", host)
    if private is None:
        if api_key is None:
            return CheckResult(False, "missing: API key and RSA private key")
        return CheckResult(True, "API key is set (affiliate mode); " + _LOCAL.format("Changelly"))
    try:
        derived = changelly_api_key(private)
    except (ValueError, TypeError) as exc:
        return CheckResult(False, f"the RSA private key does not load: {inert(exc)}")
    if api_key is not None and api_key.get_secret_value().strip() != derived:
        return CheckResult(False, "the API key does not belong to this RSA key")
    return CheckResult(
        True, f"RSA key loads, x-api-key {derived[:8]}…; " + _LOCAL.format("Changelly")
    )
