"""Address checks against the published EIP-55, BIP-173 and BIP-350 vectors, plus fuzzing."""

from __future__ import annotations

import random

import base58
import pytest

from a2a_tui.domain.addresses import (
    AddressFormat,
    address_problem,
    generate_address,
    is_valid_address,
    to_checksum_address,
)

EVM, BTC, SOL, TRON = (
    AddressFormat.EVM,
    AddressFormat.BITCOIN,
    AddressFormat.SOLANA,
    AddressFormat.TRON,
)

EIP55_VECTORS = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]

VALID = [
    *[pytest.param(EVM, a, id=f"evm-eip55-{a[:8]}") for a in EIP55_VECTORS],
    pytest.param(EVM, EIP55_VECTORS[0].lower(), id="evm-all-lower"),
    pytest.param(EVM, "0x" + EIP55_VECTORS[0][2:].upper(), id="evm-all-upper"),
    pytest.param(BTC, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", id="btc-p2wpkh-upper"),
    pytest.param(BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", id="btc-p2wpkh-lower"),
    pytest.param(
        BTC, "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", id="btc-p2wsh"
    ),
    pytest.param(
        BTC,
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        id="btc-v1-40-bytes",
    ),
    pytest.param(BTC, "BC1SW50QGDZ25J", id="btc-v16-2-bytes"),
    pytest.param(BTC, "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", id="btc-v2-16-bytes"),
    pytest.param(
        BTC, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", id="btc-taproot"
    ),
    pytest.param(BTC, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", id="btc-p2pkh"),
    pytest.param(BTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", id="btc-p2sh"),
    pytest.param(BTC, "111GsChQR2U32pvwJcDNPoYHhGaekCCE", id="btc-p2pkh-leading-zero-bytes"),
    pytest.param(SOL, "11111111111111111111111111111111", id="sol-system-program"),
    pytest.param(SOL, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", id="sol-usdc-mint"),
    pytest.param(SOL, "So11111111111111111111111111111111111111112", id="sol-wrapped-sol"),
    pytest.param(TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", id="tron-usdt"),
    pytest.param(TRON, "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", id="tron-account"),
    pytest.param(TRON, "TBhCfAytTEh52WFL6HYr64i2nmc3u3TCUp", id="tron-documented-example"),
]

CHECKSUM = "checksum does not match"
NOT_MAINNET = "not a Bitcoin mainnet address"
TAPROOT = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v"
#: A valid Base58Check address of another coin (Litecoin's version byte 0x30).
LITECOIN = base58.b58encode_check(bytes([0x30]) + bytes(range(20))).decode("ascii")

INVALID = [
    # Whitespace and invisible characters are reported, never silently stripped.
    pytest.param(EVM, "", "empty", id="empty"),
    pytest.param(EVM, " " + EIP55_VECTORS[0], "contains whitespace", id="leading-space"),
    pytest.param(BTC, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2\n", "contains whitespace", id="newline"),
    pytest.param(SOL, "EPjFWdd5AufqSSqeM2qN1xzy bapC8G4wEGGkZwyTDt1v", "whitespace", id="inner"),
    pytest.param(TRON, "TR7NHqjeKQxGTCi8\tq8ZY4pL8otSzgjLj6t", "whitespace", id="tab"),
    pytest.param(EVM, EIP55_VECTORS[0] + "\x00", "contains control characters", id="nul"),
    pytest.param(TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t\u200b", "control", id="zero-width"),
    pytest.param(EVM, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeАed", "non-ASCII", id="cyrillic-a"),
    pytest.param(SOL, "1" * 200, "too long", id="very-long"),
    # EVM shape and EIP-55.
    pytest.param(EVM, EIP55_VECTORS[0][2:], "missing the 0x prefix", id="evm-no-prefix"),
    pytest.param(EVM, "0X" + EIP55_VECTORS[0][2:], "the prefix is a lower-case 0x", id="evm-0X"),
    pytest.param(EVM, EIP55_VECTORS[0][:-1], "has 39 hex digits after 0x, not 40", id="evm-39"),
    pytest.param(EVM, EIP55_VECTORS[0] + "d", "has 41 hex digits after 0x, not 40", id="evm-41"),
    pytest.param(EVM, "0x" + "g" * 40, "contains 'g', which is not a hex digit", id="evm-not-hex"),
    pytest.param(EVM, "5aAeb6053F3E94C9b9A09f3366", "does not start with 0x", id="evm-no-0x"),
    pytest.param(EVM, "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "EIP-55", id="evm-flip-a"),
    pytest.param(EVM, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5D359", "EIP-55", id="evm-flip-d"),
    pytest.param(EVM, "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6Fb", "EIP-55", id="evm-flip-b"),
    pytest.param(EVM, "0xd1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", "EIP-55", id="evm-flip-d1"),
    # Bitcoin legacy.
    pytest.param(BTC, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", CHECKSUM, id="btc-p2pkh-typo"),
    pytest.param(BTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", CHECKSUM, id="btc-p2sh-typo"),
    pytest.param(BTC, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN", CHECKSUM, id="btc-last-char-lost"),
    pytest.param(BTC, "1BvBMSEYstWetqTFn5Au", "wrong length", id="btc-truncated"),
    pytest.param(BTC, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV0", "no 0, O, I or l", id="btc-zero"),
    pytest.param(BTC, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", NOT_MAINNET, id="btc-testnet-m"),
    pytest.param(BTC, "2MsFFCK16VhsCcvPXruztdzzcTZEQCbNKjJ", NOT_MAINNET, id="btc-testnet-2"),
    # Another chain's valid address is named, not decoded ("version byte 0x41").
    pytest.param(
        BTC, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "looks like a Tron address", id="btc-tron"
    ),
    pytest.param(BTC, LITECOIN, "unknown version byte 0x30", id="btc-litecoin"),
    pytest.param(
        BTC,
        "KwuVvu6hsuEMHrfFWJQV64tRrWX3QzqHH18JuAHYqYV6dqBvNKxd",
        "a private key (WIF), not an address",
        id="btc-private-key",
    ),
    pytest.param(BTC, "sp1qq22l5s6l9460ww6t4tkzsy2a7z", "silent payment", id="btc-silent-payment"),
    pytest.param(BTC, EIP55_VECTORS[0], "looks like an EVM address", id="btc-evm"),
    pytest.param(BTC, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "a Solana", id="btc-sol"),
    # Bitcoin SegWit (BIP-173 and BIP-350 invalid vectors).
    pytest.param(
        BTC,
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        NOT_MAINNET,
        id="btc-testnet-tb1",
    ),
    pytest.param(BTC, "bcrt1q" + "q" * 38, NOT_MAINNET, id="btc-regtest-prefix"),
    pytest.param(BTC, "ltc1q" + "q" * 38, NOT_MAINNET, id="litecoin-prefix"),
    pytest.param(
        BTC, "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", NOT_MAINNET, id="hrp"
    ),
    pytest.param(BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", CHECKSUM, id="btc-bech32-typo"),
    pytest.param(BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "bech32m", id="v0-bech32m"),
    pytest.param(BTC, TAPROOT + "qh2y7hd", "v1 addresses use a bech32m", id="v1-bech32"),
    pytest.param(
        BTC,
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
        "v16 addresses use a bech32m",
        id="v16-bech32",
    ),
    pytest.param(
        BTC,
        "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
        "'o', which bech32 does not use",
        id="bech32-char-o",
    ),
    pytest.param(
        BTC,
        "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
        "witness version 17",
        id="witness-v17",
    ),
    pytest.param(BTC, "bc1pw5dgrnzv", "2 to 40 bytes, this is 1", id="program-1-byte"),
    pytest.param(BTC, TAPROOT + "8n0nx0muaewav253zgeav", "this is 41", id="program-41-bytes"),
    pytest.param(BTC, "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "20 or 32 bytes", id="v0-16-bytes"),
    pytest.param(BTC, TAPROOT.replace("bc1", "tb1") + "q47Zagq", NOT_MAINNET, id="mixed-case-tb"),
    pytest.param(
        BTC, "bc1qw508d6qejxtdg4y5r3zarVary0c5xw7kv8f3t4", "mixes upper", id="mixed-case-bc"
    ),
    pytest.param(BTC, TAPROOT + "07qwwzcrf", "padding", id="padding-over-4-bits"),
    pytest.param(BTC, "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "padding", id="padding-bip173"),
    pytest.param(BTC, "bc1gmk9yu", "too short", id="empty-data"),
    # Solana.
    pytest.param(SOL, "1" * 31, "decode to 32 bytes, this is 31", id="sol-31-bytes"),
    pytest.param(SOL, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1vv", "this is 33", id="sol-long"),
    *[
        pytest.param(SOL, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1" + c, repr(c), id=f"sol-{c}")
        for c in "0OIl"
    ],
    # Tron.
    pytest.param(TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", CHECKSUM, id="tron-typo"),
    pytest.param(
        TRON, "41a614f803b6fd780986a42c78ec9c7f77e6ded13c", "Base58 form starting with T", id="hex"
    ),
    pytest.param(
        TRON, "0x41a614f803b6fd780986a42c78ec9c7f77e6ded13c", "starting with T", id="0x41"
    ),
    pytest.param(TRON, EIP55_VECTORS[0], "EVM address", id="tron-evm"),
    pytest.param(
        TRON, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "a Bitcoin address", id="tron-bitcoin"
    ),
    pytest.param(TRON, LITECOIN, "version byte 0x30 is not Tron's", id="tron-litecoin"),
    pytest.param(
        EVM, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "looks like a Tron address", id="evm-tron"
    ),
    pytest.param(
        EVM, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "a Bitcoin address", id="evm-bitcoin"
    ),
    pytest.param(
        SOL, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "looks like a Tron address", id="sol-tron"
    ),
]


@pytest.mark.parametrize(("fmt", "address"), VALID)
def test_valid_addresses(fmt: AddressFormat, address: str) -> None:
    assert address_problem(fmt, address) is None
    assert is_valid_address(fmt, address)


@pytest.mark.parametrize(("fmt", "address", "reason"), INVALID)
def test_invalid_addresses(fmt: AddressFormat, address: str, reason: str) -> None:
    problem = address_problem(fmt, address)
    assert problem is not None
    assert reason in problem
    assert not is_valid_address(fmt, address)


def test_plain_string_format_is_accepted() -> None:
    assert address_problem("tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t") is None  # type: ignore[arg-type]


@pytest.mark.parametrize("expected", EIP55_VECTORS, ids=lambda a: a[:8])
def test_to_checksum_address(expected: str) -> None:
    assert to_checksum_address(expected.lower()) == expected
    assert to_checksum_address("0x" + expected[2:].upper()) == expected


@pytest.mark.parametrize(
    "bad",
    ["", "0x", EIP55_VECTORS[0][2:], EIP55_VECTORS[0] + "0", "0X" + EIP55_VECTORS[0][2:]],
    ids=["empty", "prefix-only", "no-prefix", "41-digits", "upper-X"],
)
def test_to_checksum_address_rejects_bad_shapes(bad: str) -> None:
    with pytest.raises(ValueError, match="40 hex digits"):
        to_checksum_address(bad)


@pytest.mark.parametrize("fmt", list(AddressFormat), ids=str)
def test_generated_addresses_are_valid_deterministic_and_distinct(fmt: AddressFormat) -> None:
    generated = [generate_address(fmt, random.Random(seed)) for seed in range(200)]
    assert all(address_problem(fmt, a) is None for a in generated), generated
    assert generated == [generate_address(fmt, random.Random(seed)) for seed in range(200)]
    assert len(set(generated)) == 200


@pytest.mark.parametrize(
    ("fmt", "prefixes"),
    [(EVM, ("0x",)), (BTC, ("bc1q", "bc1p", "1", "3")), (SOL, ("",)), (TRON, ("T",))],
    ids=str,
)
def test_generated_address_shapes(fmt: AddressFormat, prefixes: tuple[str, ...]) -> None:
    generated = [generate_address(fmt, random.Random(seed)) for seed in range(200)]
    assert {p for p in prefixes for a in generated if a.startswith(p)} == set(prefixes)
    if fmt is EVM:
        assert all(a == to_checksum_address(a.lower()) for a in generated)
    if fmt is BTC:
        assert sum(a.startswith("bc1q") for a in generated) > 100  # P2WPKH dominates


_FUZZ_PIECES = [
    "0x",
    "bc1",
    "BC1",
    "tb1",
    "T",
    "41",
    "1",
    "qpzry9x8gf2tvdw0s3jn54khce6mua7l",
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
    "0123456789abcdefABCDEF",
    "0OIl",
    " \t\n\r\x00\x7f",
    "\u200b\u00a0é€😀Ѐ\ud800",
]


def _fuzz_strings(count: int) -> list[str]:
    rng = random.Random(20240601)
    samples = ["", "\ud800", "1" * 10_000, "bc1" + "q" * 5_000, "0x" + "a" * 5_000]
    while len(samples) < count:
        parts = [rng.choice(_FUZZ_PIECES) for _ in range(rng.randrange(1, 4))]
        alphabet = "".join(parts)
        prefix = rng.choice(["", "0x", "bc1", "BC1", "T", "1", "3"])
        samples.append(prefix + "".join(rng.choices(alphabet, k=rng.randrange(0, 100))))
    return samples


def test_address_problem_never_raises() -> None:
    for address in _fuzz_strings(2_000):
        for fmt in AddressFormat:
            problem = address_problem(fmt, address)
            assert problem is None or (isinstance(problem, str) and problem), (fmt, address)


@pytest.mark.parametrize("address", ["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj", "T" + "1" * 40])
def test_a_wrong_length_says_so_without_repeating_the_chain(address: str) -> None:
    """It read "not a Tron address: not a Tron address (wrong length); expected …"."""
    from a2a_tui.domain.order_input import OrderInputError, check_address

    with pytest.raises(OrderInputError) as caught:
        check_address("tron", address, "Tron")
    said = str(caught.value)
    assert said.startswith(f"not a Tron address: wrong length ({len(address)} characters); ")
    assert said.count("not a Tron address") == 1


@pytest.mark.parametrize(
    ("fmt", "chain", "address", "said"),
    [
        (
            "bitcoin",
            "Bitcoin",
            "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
            "this looks like a Tron address",
        ),
        ("bitcoin", "Bitcoin", LITECOIN, "unknown version byte 0x30"),
        ("bitcoin", "Bitcoin", "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "(m…, n… and 2…"),
        ("tron", "Tron", LITECOIN, "version byte 0x30 is not Tron's"),
        ("evm", "Ethereum", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", "this looks like a Tron address"),
    ],
)
def test_an_address_message_names_the_chain_once(
    fmt: str, chain: str, address: str, said: str
) -> None:
    """It read "not a Bitcoin address: not a Bitcoin address (version byte 0x41)"; a
    Tron address where an EVM one belongs said only "does not start with 0x"."""
    from a2a_tui.domain.order_input import OrderInputError, article, check_address

    with pytest.raises(OrderInputError) as caught:
        check_address(fmt, address, chain)
    message = str(caught.value)
    assert said in message, message
    assert message.lower().count(f"not {article(chain)} {chain.lower()}") == 1, message
    assert message.count("expected") == 1
