"""The referrer's EIP-712 signer (eth-account is imported lazily: ~0.6 s)."""

from __future__ import annotations

from pydantic import SecretStr

__all__ = ["signer_address"]


def signer_address(key: SecretStr) -> str:
    """The address a signing key signs as (call it off the UI thread)."""
    from eth_account import Account

    return str(Account.from_key(key.get_secret_value().strip()).address)
