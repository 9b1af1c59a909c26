"""Changelly's key material: the x-api-key derived from the RSA key, PEM repair."""

from __future__ import annotations

import base64
import hashlib
import re

from pydantic import SecretStr

__all__ = ["changelly_api_key", "pem_from_paste"]


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
