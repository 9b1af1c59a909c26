"""The referrer's EIP-712 signature of a ``QuoteRequestV2``.

Domain, types and field order exactly as the guide writes them; the salt
(32 random bytes) lives in the domain. eth-account costs about 0.6 s to
import, so it is imported only when something is signed; call these off the
UI thread (the client uses a worker thread).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

__all__ = [
    "CHAIN_ID",
    "DOMAIN_NAME",
    "DOMAIN_VERSION",
    "TYPES",
    "VERIFYING_CONTRACT",
    "sign_typed_data",
    "signer_address",
    "typed_data",
]

DOMAIN_NAME = "Swapscanner Navigator"
DOMAIN_VERSION = "v2"
CHAIN_ID = 8217  # the guide writes "8217": the same uint256
VERIFYING_CONTRACT = "0x8888888888888888888888888888888888888888"

TYPES: dict[str, list[dict[str, str]]] = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
        {"name": "salt", "type": "bytes32"},
    ],
    "QuoteRequestV2": [
        {"name": "issuedAt", "type": "uint256"},
        {"name": "slippage", "type": "uint16"},
        {"name": "from", "type": "address"},
        {"name": "to", "type": "address"},
        {"name": "tokenInAddress", "type": "address"},
        {"name": "tokenOutAddress", "type": "address"},
        {"name": "amount", "type": "uint256"},
        {"name": "referrerFeeToken", "type": "uint8"},
        {"name": "referrerFee", "type": "uint16"},
        {"name": "referrerFeeTo", "type": "address"},
        {"name": "payWithSCNR", "type": "bool"},
    ],
}


def typed_data(message: Mapping[str, Any], salt: str) -> dict[str, Any]:
    """The full EIP-712 message for ``message`` (the QuoteRequestV2 fields) and ``salt``."""
    return {
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": CHAIN_ID,
            "verifyingContract": VERIFYING_CONTRACT,
            "salt": salt,
        },
        "primaryType": "QuoteRequestV2",
        "types": TYPES,
        "message": dict(message),
    }


def sign_typed_data(full_message: Mapping[str, Any], key: SecretStr) -> str:
    """The 65-byte signature, ``0x``-hex, of any EIP-712 ``full_message``."""
    from eth_account import Account
    from eth_account.messages import encode_typed_data

    signable = encode_typed_data(full_message=dict(full_message))
    signed = Account.sign_message(signable, key.get_secret_value().strip())
    return str(signed.signature.to_0x_hex())


def signer_address(key: SecretStr) -> str:
    """The checksum address a signing key signs as."""
    from eth_account import Account

    return str(Account.from_key(key.get_secret_value().strip()).address)
