"""Address checks against the official vectors in tests/domain/vectors (see its README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from a2a_tui.domain.addresses import (
    AddressFormat,
    address_problem,
    bitcoin_script_pubkey,
    expected_format,
    to_checksum_address,
)

VECTORS = Path(__file__).with_name("vectors")
BTC, EVM = AddressFormat.BITCOIN, AddressFormat.EVM
NOT_MAINNET = "not a Bitcoin mainnet address"


def _lines(name: str) -> list[list[str]]:
    text = (VECTORS / name).read_text(encoding="utf-8")
    return [line.split(" ", 2) for line in text.splitlines() if line and not line.startswith("#")]


def _json(name: str) -> list[list[Any]]:
    data: list[list[Any]] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return data


SEGWIT = [
    pytest.param(kind, address, rest, id=f"{name[:6]}-{address[:14]}")
    for name in ("bip173_addresses.txt", "bip350_addresses.txt")
    for kind, address, rest in _lines(name)
]
KEY_IO_VALID = [pytest.param(*entry, id=entry[0][:14]) for entry in _json("key_io_valid.json")]
KEY_IO_INVALID = [pytest.param(entry[0], id=entry[0][:14] or "empty")
                  for entry in _json("key_io_invalid.json")]  # fmt: skip


def _mainnet(address: str) -> bool:
    return address.lower().startswith(("bc1", "1", "3"))


@pytest.mark.parametrize(("kind", "address", "rest"), SEGWIT)
def test_bip173_and_bip350_segwit_vectors(kind: str, address: str, rest: str) -> None:
    problem = address_problem(BTC, address)
    if kind == "valid" and _mainnet(address):
        assert problem is None
        assert bitcoin_script_pubkey(address).hex() == rest
    elif kind == "valid":
        assert problem is not None
        assert problem.startswith(NOT_MAINNET)
    elif kind == "valid-v1+":  # bech32 v1+: valid under BIP-173, not since BIP-350
        assert problem is not None
        assert "use a bech32m checksum" in problem
    else:
        assert problem is not None, rest


@pytest.mark.parametrize(("address", "script", "meta"), KEY_IO_VALID)
def test_bitcoin_core_key_io_valid(address: str, script: str, meta: dict[str, Any]) -> None:
    problem = address_problem(BTC, address)
    if meta["isPrivkey"]:
        assert problem is not None
        assert problem.startswith("a private key (WIF), not an address")
    elif meta["chain"] == "main":
        assert problem is None
        assert bitcoin_script_pubkey(address).hex() == script
        if meta.get("tryCaseFlip"):
            assert address_problem(BTC, address.upper()) is None
    else:
        assert problem is not None
        assert problem.startswith(NOT_MAINNET), problem


@pytest.mark.parametrize("address", KEY_IO_INVALID)
def test_bitcoin_core_key_io_invalid(address: str) -> None:
    problem = address_problem(BTC, address)
    assert problem is not None
    assert problem.endswith(f"expected {expected_format(BTC)}")


EIP55 = [line[0] for line in _lines("eip55.txt")]


@pytest.mark.parametrize("address", EIP55)
def test_eip55_test_cases(address: str) -> None:
    assert address_problem(EVM, address) is None
    assert to_checksum_address(address.lower()) == address
    assert to_checksum_address("0x" + address[2:].upper()) == address


def test_all_the_vectors_were_read() -> None:
    assert (len(SEGWIT), len(KEY_IO_VALID), len(KEY_IO_INVALID), len(EIP55)) == (39, 70, 79, 8)


def test_every_refusal_names_the_expected_format() -> None:
    for fmt, address in [(BTC, "bc1gmk9yu"), (EVM, "0x123"), (AddressFormat.SOLANA, "0OIl"),
                         (AddressFormat.TRON, ""), (BTC, "sp1qq22l5s6")]:  # fmt: skip
        problem = address_problem(fmt, address)
        assert problem is not None
        assert problem.endswith(f"; expected {expected_format(fmt)}"), problem
