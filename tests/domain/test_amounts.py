"""Human amounts to smallest units and back, slippage, minimum out: exact or refused."""

from __future__ import annotations

from fractions import Fraction

import pytest

from a2a_tui.domain.amounts import (
    AmountError,
    SlippageError,
    format_units,
    min_out,
    parse_slippage,
    to_units,
)


@pytest.mark.parametrize(
    ("text", "decimals", "units"),
    [
        ("1", 6, 1_000_000),
        ("1.5", 6, 1_500_000),
        (" 0.000001 ", 6, 1),
        (".5", 6, 500_000),
        ("2.", 6, 2_000_000),
        ("0.1", 18, 10**17),
        ("1.000000000000000001", 18, 10**18 + 1),
        ("123456789.123456789", 9, 123456789123456789),
        ("1.50000000", 6, 1_500_000),  # trailing zeros are not extra precision
        ("7", 0, 7),
    ],
)
def test_to_units_is_exact(text: str, decimals: int, units: int) -> None:
    assert to_units(text, decimals) == units


@pytest.mark.parametrize(
    ("text", "decimals", "message"),
    [
        ("", 6, "empty"),
        ("abc", 6, "not a number"),
        ("1.2.3", 6, "not a number"),
        ("0", 6, "greater than zero"),
        ("0.000", 6, "greater than zero"),
        ("-1", 6, "positive"),
        ("-0", 6, "greater than zero"),
        ("1.0000001", 6, "too many decimal places: this token has 6"),
        ("0.5", 0, "no decimal places"),
        ("1e-19", 18, "exponent"),
        ("NaN", 6, "not a number"),
        ("Infinity", 6, "not a number"),
        ("+1", 6, "not a number"),
        (".", 6, "not a number"),
        ("1,5", 6, "'1,5' has a ',': use '.' for decimals and no thousands separators"),
        ("0.1", 6 + 31, "token decimals out of range"),
    ],
)
def test_to_units_refuses_with_a_reason(text: str, decimals: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        to_units(text, decimals)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Each of these used to be read as a number: Decimal() takes them all.
        ("1e3", "amount '1e3' has an exponent: write the number in full"),
        ("2E-3", "has an exponent"),
        ("1_000", "amount '1_000' has a '_'"),
        ("1,000", "amount '1,000' has a ','"),
        ("1,000.25", "has a ','"),
        ("1,000,000", "has a ','"),
        ("\u0661\u0662", "amount '\u0661\u0662' has '\u0661': only the digits 0-9 are accepted"),
        ("\uff11\uff12", "only the digits 0-9"),  # fullwidth
        ("1\u00a0000", "has a space inside"),
        ("1 000", "has a space inside"),
    ],
)
def test_only_plain_ascii_digits_are_amounts(text: str, message: str) -> None:
    with pytest.raises(AmountError) as caught:
        to_units(text, 18)
    assert message in str(caught.value)


def test_amount_errors_are_value_errors_the_ui_can_show() -> None:
    with pytest.raises(AmountError):
        to_units("x", 6)


@pytest.mark.parametrize(
    ("units", "decimals", "text"),
    [
        (1_500_000, 6, "1.5"),
        (1, 6, "0.000001"),
        (1_000_000_000_000, 6, "1,000,000"),
        (10**18 + 1, 18, "1.000000000000000001"),
        (0, 6, "0"),
        (42, 0, "42"),
        (-1_500_000, 6, "-1.5"),
    ],
)
def test_format_units(units: int, decimals: int, text: str) -> None:
    assert format_units(units, decimals) == text


@pytest.mark.parametrize("decimals", [0, 6, 8, 9, 18])
@pytest.mark.parametrize("units", [1, 7, 1_000_001, 10**20 + 3])
def test_round_trip(units: int, decimals: int) -> None:
    assert to_units(format_units(units, decimals).replace(",", ""), decimals) == units


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.01", Fraction(1, 100)),
        ("0.005", Fraction(1, 200)),
        ("0.5%", Fraction(1, 200)),
        ("1 %", Fraction(1, 100)),
        ("99.99%", Fraction(9999, 10000)),
    ],
)
def test_parse_slippage(text: str, value: Fraction) -> None:
    assert parse_slippage(text) == value


@pytest.mark.parametrize("text", ["0", "1", "1.5", "-0.01", "100%", "0%", "abc", "", "%"])
def test_parse_slippage_refuses_outside_the_open_interval(text: str) -> None:
    with pytest.raises(SlippageError):
        parse_slippage(text)


@pytest.mark.parametrize(
    ("estimated", "slippage", "expected"),
    [
        (999_500_000, Fraction(1, 100), 989_505_000),  # the guide's own example
        (999_999_999, Fraction(1, 100), 989_999_999),  # 989999999.01 floors
        (1, Fraction(1, 100), 0),
        (10**30 + 7, Fraction(3, 1000), (10**30 + 7) * 997 // 1000),
    ],
)
def test_min_out_is_the_exact_floor(estimated: int, slippage: Fraction, expected: int) -> None:
    assert min_out(estimated, slippage) == expected


def test_min_out_refuses_nonsense() -> None:
    with pytest.raises(SlippageError):
        min_out(100, Fraction(1))
    with pytest.raises(ValueError, match="negative"):
        min_out(-1, Fraction(1, 100))
