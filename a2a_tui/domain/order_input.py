"""What the order step accepts before anything is sent, and why not.

Every message names what was expected, so the trader can fix the field the
focus lands on without guessing.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from a2a_tui.domain.addresses import AddressFormat, address_problem

__all__ = [
    "ADDRESS_HINTS",
    "OrderInputError",
    "address_hint",
    "article",
    "check_address",
    "check_client_order_id",
    "check_user_id",
    "new_client_order_id",
]

#: The expected format per address family, as a trader would recognise it.
ADDRESS_HINTS = {
    AddressFormat.EVM: "0x followed by 40 hex digits (EIP-55 checksum if mixed case)",
    AddressFormat.BITCOIN: "a mainnet address: 1… or 3… (Base58Check), bc1q… or bc1p… (bech32)",
    AddressFormat.SOLANA: "base58, 32 to 44 characters (32 bytes)",
    AddressFormat.TRON: "Base58Check starting with T, 34 characters",
}

_CLIENT_ID = re.compile(r"[A-Za-z0-9._:@-]{1,64}")
_MAX_USER_ID = 128


class OrderInputError(ValueError):
    """``field`` names the input to fix: ``address``, ``client_order_id``, ``user_id``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def address_hint(fmt: AddressFormat | str | None) -> str:
    if fmt is None:
        return "this client does not know the chain's address format"
    try:
        return ADDRESS_HINTS[AddressFormat(fmt)]
    except ValueError:
        return f"a {fmt} address"


def check_address(fmt: AddressFormat | str | None, address: str, chain: str) -> str:
    """The address, stripped of surrounding blanks, or an error naming the format."""
    value = address.strip()
    if not value:
        raise OrderInputError("address", f"enter the {chain} address to receive on")
    if fmt is None:
        return value  # the server checks it; nothing here can
    try:
        family = AddressFormat(fmt)
    except ValueError:
        return value
    problem = address_problem(family, value)
    if problem is not None:  # the problem already ends with the expected format
        said = f"not {article(chain)} {chain} "
        if problem.lower().startswith(said.lower()):  # "not a Bitcoin mainnet address (…)"
            raise OrderInputError("address", problem)
        raise OrderInputError("address", f"{said}address: {problem}")
    return value


def article(word: str) -> str:
    """``a`` or ``an`` before ``word`` (a chain's name): by its first letter's sound,
    which for these names is its letter (an Ethereum, a Tron, a BNB Smart Chain)."""
    return "an" if word[:1].lower() in "aeiou" and word[:1] else "a"


def check_client_order_id(text: str) -> str:
    value = text.strip()
    if not _CLIENT_ID.fullmatch(value):
        raise OrderInputError(
            "client_order_id",
            "client_order_id: 1 to 64 characters of letters, digits and . _ : @ -",
        )
    return value


def check_user_id(text: str) -> str | None:
    value = text.strip()
    if not value:
        return None
    if len(value) > _MAX_USER_ID or not value.isprintable():
        raise OrderInputError(
            "user_id", f"user_id: printable text, at most {_MAX_USER_ID} characters"
        )
    return value


def new_client_order_id(now: datetime | None = None) -> str:
    """Unique enough to never collide: the time to the second plus 48 random bits.

    It is also the idempotency key (guide 2.4), so it is made once per order,
    before the first attempt, and never inside a retry.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"a2a-{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(6)}"
