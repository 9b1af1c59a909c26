"""Validation and generation of blockchain addresses.

Money sent to a mistyped address is gone: nobody can refund it. So a destination or refund
address is checked against its format's checksum (EIP-55, Base58Check, bech32/bech32m), not
just its shape, and the reason is short enough to show next to the input field. The simulator
uses `generate_address` for deposit addresses that pass the very same checks.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from enum import StrEnum

import base58

__all__ = [
    "AddressFormat",
    "address_problem",
    "bitcoin_script_pubkey",
    "expected_format",
    "generate_address",
    "is_valid_address",
    "to_checksum_address",
]


class AddressFormat(StrEnum):
    """Address families, one per checksum scheme rather than per chain."""

    EVM = "evm"
    BITCOIN = "bitcoin"
    SOLANA = "solana"
    TRON = "tron"


class _Invalid(Exception):
    """Carries the user-facing reason out of nested checks. ``known``: the reason
    already says what the input is (a test network's address, a private key), so
    no other chain's format is looked for."""

    def __init__(self, reason: str, *, known: bool = False) -> None:
        super().__init__(reason)
        self.known = known


_MAX_LEN = 128  # longer than any real address; bounds the quadratic Base58 decode
_HEX40 = re.compile(r"[0-9a-fA-F]{40}")
_B58_ALPHABET = frozenset(base58.BITCOIN_ALPHABET.decode("ascii"))
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32, _BECH32M = 1, 0x2BC830A3
_BTC_MAINNET = frozenset({0x00, 0x05})  # P2PKH, P2SH
_BTC_TESTNET = frozenset({0x6F, 0xC4})
_TRON_PREFIX = 0x41
_WIF_VERSIONS = frozenset({0x80, 0xEF})  # mainnet, test networks
#: Human-readable parts of other Bitcoin networks and of silent payments (BIP-352).
_TEST_HRPS = frozenset({"tb", "bcrt"})
_SILENT_PAYMENT_HRPS = frozenset({"sp", "tsp", "sprt"})

_EXPECTED = {
    "evm": "an EVM address: 0x and 40 hex digits, EIP-55 checksummed when mixed case",
    "bitcoin": "a Bitcoin mainnet address: 1… or 3… (Base58Check), bc1q… (bech32) "
    "or bc1p… (bech32m)",
    "solana": "a Solana address: base58 of 32 bytes (32 to 44 characters)",
    "tron": "a Tron address: T… (Base58Check, 34 characters)",
}
#: What an input valid in another family is, for "this looks like …".
_LOOKS_LIKE = {
    "tron": "a Tron address",
    "evm": "an EVM address",
    "bitcoin": "a Bitcoin address",
    "solana": "a Solana address",
}


def _keccak_hex(text: str) -> str:
    from eth_hash.auto import keccak  # lazy: only EVM checks pay for the backend import

    return keccak(text.encode("ascii")).hex()


def to_checksum_address(address: str) -> str:
    """EIP-55 form, so a displayed address can be copied back and still verify."""
    if not (address.startswith("0x") and _HEX40.fullmatch(address, 2)):
        raise ValueError(f"expected 0x followed by 40 hex digits, got {address!r}")
    body = address[2:].lower()
    digest = _keccak_hex(body)
    return "0x" + "".join(
        c.upper() if int(h, 16) >= 8 else c for c, h in zip(body, digest, strict=False)
    )


# Bech32/bech32m follow the BIP-173/BIP-350 reference code. They are written out here because
# the PyPI `bech32` package predates BIP-350 and cannot check bech32m (taproot) addresses.
def _polymod(values: list[int]) -> int:
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(generators):
            chk ^= gen if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: list[int] | bytes, from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad and bits:
        out.append((acc << (to_bits - bits)) & maxv)
    elif not pad and (bits >= from_bits or (acc << (to_bits - bits)) & maxv):
        raise _Invalid("invalid bech32 padding (check for a typo)")
    return out


def _segwit_encode(version: int, program: bytes) -> str:
    data = [version, *_convert_bits(program, 8, 5, pad=True)]
    const = _BECH32 if version == 0 else _BECH32M
    mod = _polymod([*_hrp_expand("bc"), *data, 0, 0, 0, 0, 0, 0]) ^ const
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return "bc1" + "".join(_BECH32_CHARSET[d] for d in data + checksum)


def _check_segwit(address: str) -> tuple[int, list[int]]:
    """BIP-173/BIP-350 rules; the caller has already seen the `bc1` prefix.
    Returns the witness version and program."""
    if address not in (address.lower(), address.upper()):
        raise _Invalid("mixes upper and lower case (bech32 must be all one case)")
    if len(address) > 90:
        raise _Invalid("too long for a bech32 address")
    chars = address.lower()[3:]
    if bad := next((c for c in chars if c not in _BECH32_CHARSET), None):
        raise _Invalid(f"contains {bad!r}, which bech32 does not use (no 1, b, i or o)")
    if len(chars) < 7:
        raise _Invalid("too short for a Bitcoin address")
    data = [_BECH32_CHARSET.index(c) for c in chars]
    const = _polymod([*_hrp_expand("bc"), *data])
    if const not in (_BECH32, _BECH32M):
        raise _Invalid("bech32 checksum does not match (check for a typo)")
    version, program = data[0], _convert_bits(data[1:-6], 5, 8, pad=False)
    if version > 16:
        raise _Invalid(f"unknown witness version {version}")
    if not 2 <= len(program) <= 40:
        raise _Invalid(f"witness program must be 2 to 40 bytes, this is {len(program)}")
    if version == 0 and len(program) not in (20, 32):
        raise _Invalid(f"v0 witness program must be 20 or 32 bytes, this is {len(program)}")
    if version == 0 and const != _BECH32:
        raise _Invalid("v0 addresses use a bech32 checksum, this has bech32m")
    if version > 0 and const != _BECH32M:
        raise _Invalid(f"v{version} addresses use a bech32m checksum, this has bech32")
    return version, program


def _b58_decode(address: str, kind: str) -> bytes:
    if bad := next((c for c in address if c not in _B58_ALPHABET), None):
        raise _Invalid(f"contains {bad!r}, which {kind} addresses never use (no 0, O, I or l)")
    return bytes(base58.b58decode(address))


def _checksum_ok(raw: bytes) -> bool:
    return hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


def _b58check_decode(address: str, kind: str, payload_size: int) -> bytes:
    raw = _b58_decode(address, kind)
    if len(raw) != payload_size + 4:
        raise _Invalid(f"wrong length ({len(address)} characters)")
    if not _checksum_ok(raw):
        raise _Invalid("Base58Check checksum does not match (check for a typo)")
    return raw[:-4]


def _check_evm(address: str) -> None:
    if _HEX40.fullmatch(address):
        raise _Invalid("missing the 0x prefix")
    if address.startswith("0X"):
        raise _Invalid("starts with 0X; the prefix is a lower-case 0x")
    if not address.startswith("0x"):
        raise _Invalid("does not start with 0x")
    if bad := next((c for c in address[2:] if c not in "0123456789abcdefABCDEF"), None):
        raise _Invalid(f"contains {bad!r}, which is not a hex digit")
    if len(address) != 42:
        raise _Invalid(f"has {len(address) - 2} hex digits after 0x, not 40")
    body = address[2:]
    if body not in (body.lower(), body.upper()) and to_checksum_address(address) != address:
        raise _Invalid("EIP-55 checksum does not match (check for a typo)")


def _check_bitcoin(address: str) -> None:
    lowered = address.lower()
    if lowered.startswith("bc1"):
        _check_segwit(address)
        return
    # another network's bech32 (tb1…): a prefix, a 1, then bech32 characters only. (Just
    # "letters then 1" also caught Base58 strings such as a WIF key, cUtwbyxoL1owPx….)
    if prefix := re.fullmatch(rf"([a-z]+)1[{_BECH32_CHARSET}]+", lowered):
        hrp = prefix.group(1)
        if hrp in _TEST_HRPS:
            raise _Invalid(
                f"not a Bitcoin mainnet address ({hrp}1… is a test network's)", known=True
            )
        if hrp in _SILENT_PAYMENT_HRPS:
            raise _Invalid(
                f"a silent payment address ({hrp}1…), which orders cannot pay to", known=True
            )
        raise _Invalid(
            f"not a Bitcoin mainnet address ({hrp}1… is another network's prefix)", known=True
        )
    raw = _b58_decode(address, "Bitcoin")
    if len(raw) in (37, 38) and raw[0] in _WIF_VERSIONS and _checksum_ok(raw):
        raise _Invalid("a private key (WIF), not an address: never paste it anywhere", known=True)
    version = _b58check_decode(address, "Bitcoin", 21)[0]
    if version in _BTC_TESTNET:
        raise _Invalid(
            "not a Bitcoin mainnet address (m…, n… and 2… are a test network's)", known=True
        )
    if version not in _BTC_MAINNET:
        raise _Invalid(f"unknown version byte 0x{version:02x} (mainnet addresses start 1 or 3)")


def _check_solana(address: str) -> None:
    size = len(_b58_decode(address, "Solana"))
    if size != 32:
        raise _Invalid(f"Solana addresses decode to 32 bytes, this is {size}")


def _check_tron(address: str) -> None:
    if re.fullmatch(r"(0x)?41[0-9a-fA-F]{40}", address):
        raise _Invalid("this is the hex form; use the Base58 form starting with T", known=True)
    if _HEX40.fullmatch(address, 2) and address.startswith("0x"):
        raise _Invalid("this looks like an EVM address; Tron addresses start with T", known=True)
    if (version := _b58check_decode(address, "Tron", 21)[0]) != _TRON_PREFIX:
        raise _Invalid(f"version byte 0x{version:02x} is not Tron's (Tron addresses start with T)")


_CHECKS: dict[AddressFormat, Callable[[str], None]] = {
    AddressFormat.EVM: _check_evm,
    AddressFormat.BITCOIN: _check_bitcoin,
    AddressFormat.SOLANA: _check_solana,
    AddressFormat.TRON: _check_tron,
}


def expected_format(fmt: AddressFormat) -> str:
    """What an address of ``fmt`` looks like, for a hint beside the field."""
    return _EXPECTED[AddressFormat(fmt).value]


def _passes(fmt: AddressFormat, address: str) -> bool:
    try:
        _CHECKS[fmt](address)
    except _Invalid:
        return False
    return True


def _looks_like(fmt: AddressFormat, address: str) -> str | None:
    """The other family ``address`` is valid in (``a Tron address``), if any: a
    Tron address pasted where a Bitcoin one belongs is named, not decoded."""
    return next((_LOOKS_LIKE[other.value] for other in _CHECKS
                 if other is not fmt and _passes(other, address)), None)  # fmt: skip


def _reason(fmt: AddressFormat, address: str) -> str | None:
    if not address:
        return "empty"
    # before any decoding: base58.b58decode silently strips trailing whitespace
    if any(c.isspace() for c in address):
        return "contains whitespace"
    if not address.isprintable():
        return "contains control characters"
    if not address.isascii():
        bad = next(c for c in address if not c.isascii())
        return f"contains non-ASCII character {bad!r} (a look-alike letter?)"
    if len(address) > _MAX_LEN:
        return "too long to be an address"
    try:
        _CHECKS[fmt](address)
    except _Invalid as exc:
        if not exc.known and (other := _looks_like(fmt, address)) is not None:
            return f"this looks like {other}"
        return str(exc)
    return None


def address_problem(fmt: AddressFormat, address: str) -> str | None:
    """Why `address` is unsafe to send to, or None; phrased for the screen, never raises.
    Every reason ends by naming the expected format (``…; expected a Tron address: T…``)."""
    fmt = AddressFormat(fmt)
    reason = _reason(fmt, address)
    return None if reason is None else f"{reason}; expected {expected_format(fmt)}"


def bitcoin_script_pubkey(address: str) -> bytes:
    """The output script a valid mainnet address pays to (BIP-141/BIP-350 for segwit,
    P2PKH/P2SH for Base58Check); ValueError with the reason for anything else."""
    problem = address_problem(AddressFormat.BITCOIN, address)
    if problem is not None:
        raise ValueError(problem)
    if address.lower().startswith("bc1"):
        version, program = _check_segwit(address)
        opcode = 0x50 + version if version else 0
        return bytes([opcode, len(program), *program])
    payload = _b58check_decode(address, "Bitcoin", 21)
    version, hash160 = payload[0], payload[1:]
    if version == 0x00:
        return b"\x76\xa9\x14" + hash160 + b"\x88\xac"  # DUP HASH160 <20> EQUALVERIFY CHECKSIG
    return b"\xa9\x14" + hash160 + b"\x87"  # HASH160 <20> EQUAL


def is_valid_address(fmt: AddressFormat, address: str) -> bool:
    """Shortcut for callers that only gate a button."""
    return address_problem(fmt, address) is None


def generate_address(fmt: AddressFormat, rng: random.Random) -> str:
    """A random valid address, reproducible from a seeded rng so simulator runs replay."""
    fmt = AddressFormat(fmt)
    if fmt is AddressFormat.EVM:
        return to_checksum_address("0x" + rng.randbytes(20).hex())
    if fmt is AddressFormat.SOLANA:
        return str(base58.b58encode(rng.randbytes(32)).decode("ascii"))
    if fmt is AddressFormat.TRON:
        return str(base58.b58encode_check(bytes([_TRON_PREFIX]) + rng.randbytes(20)).decode())
    kind = rng.randrange(10)  # mostly P2WPKH, as wallets hand out today
    if kind < 7:
        return _segwit_encode(0, rng.randbytes(20))
    if kind == 7:
        return _segwit_encode(1, rng.randbytes(32))
    version = 0x00 if kind == 8 else 0x05
    return str(base58.b58encode_check(bytes([version]) + rng.randbytes(20)).decode("ascii"))
