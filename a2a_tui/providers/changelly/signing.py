"""Changelly's key material and request signature.

x-api-key = base64(SHA-256(the public key)). Changelly's published examples
hash the PKCS#1 DER of the public key (``export({type: 'pkcs1', format:
'der'})``); the SubjectPublicKeyInfo form is accepted when checking a stored
key. x-api-signature = RSASSA-PKCS1-v1_5 / SHA-256 over
``METHOD:PATH:QUERY:BODY`` (query sorted by key, the JSON body with sorted
keys and no whitespace, empty segments empty).

The private key may be a PEM (a one-line paste is repaired) or the hex DER
(PKCS#8) Changelly hands out.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from pydantic import SecretStr

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = [
    "api_key_forms",
    "canonical_json",
    "canonical_query",
    "changelly_api_key",
    "load_private_key",
    "payload",
    "pem_from_paste",
    "sign",
]


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


def load_private_key(private: SecretStr) -> RSAPrivateKey:
    """The RSA key from a PEM or hex DER; ValueError (or TypeError) if it is not one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    text = private.get_secret_value().strip()
    if re.fullmatch(r"(?:[0-9a-fA-F]{2})+", text):
        key = serialization.load_der_private_key(bytes.fromhex(text), password=None)
    else:
        key = serialization.load_pem_private_key(pem_from_paste(text).encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA key")
    return key


def api_key_forms(private: SecretStr) -> tuple[str, str]:
    """The x-api-key of this key pair: (from PKCS#1, from SubjectPublicKeyInfo)."""
    from cryptography.hazmat.primitives import serialization

    public = load_private_key(private).public_key()
    forms = (serialization.PublicFormat.PKCS1, serialization.PublicFormat.SubjectPublicKeyInfo)
    return tuple(  # type: ignore[return-value]
        base64.b64encode(
            hashlib.sha256(public.public_bytes(serialization.Encoding.DER, form)).digest()
        ).decode()
        for form in forms
    )


def changelly_api_key(private: SecretStr) -> str:
    """Changelly's x-api-key for this RSA key (the PKCS#1 form, as its examples compute it)."""
    return api_key_forms(private)[0]


def canonical_json(body: Any) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


def payload(method: str, path: str, query: str, body: str) -> bytes:
    return f"{method.upper()}:{path}:{query}:{body}".encode()


def sign(key: RSAPrivateKey, message: bytes) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
