"""Exact conversions between human amounts and smallest-unit integers.

Money never touches a float here: human input goes through `Decimal` with an
explicit digit check, and every derived amount (minimum out, shortfall) is
integer arithmetic on `Fraction`s so rounding is a decision, not an accident.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "AmountError",
    "SlippageError",
    "format_units",
    "min_out",
    "parse_slippage",
    "percent_of",
    "rescale",
    "scaled",
    "to_units",
]

_MAX_DECIMALS = 36
#: Every amount counted in at most this many decimals compares as an integer
#: at this scale (`scaled`): exact, whatever decimals each provider counts in.
COMPARE_DECIMALS = 78  # a uint256 has 78 digits: no token counts finer


class AmountError(ValueError):
    """A human amount that cannot become a positive smallest-unit integer."""


class SlippageError(ValueError):
    """A slippage value outside the open interval (0, 1)."""


#: Plain ASCII digits with at most one point: ``1000``, ``1.5``, ``.5``, ``2.``.
_PLAIN = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z", re.ASCII)
_EXPONENT = re.compile(r"[0-9.]+[eE][+-]?[0-9]+\Z", re.ASCII)


def _parse_decimal(text: str, what: str) -> Decimal:
    """Only plain digits: anything else is refused with what was wrong.

    ``Decimal()`` alone would take ``1e3``, ``1_000``, ``NaN`` and any
    script's digits (Arabic-Indic ``١٢`` is 12); each reads as something
    else to somebody, and this is money. Thousands separators are refused
    too: ``1,000`` is a thousand in one locale and one in another.
    """
    cleaned = text.strip()
    if not cleaned:
        raise AmountError(f"{what} is empty")
    negative = cleaned.startswith("-")
    body = cleaned[1:] if negative else cleaned
    if not _PLAIN.match(body):
        raise AmountError(_what_is_wrong(body, f"{what} {cleaned!r}", what))
    value = Decimal(body)
    return -value if negative else value


def _what_is_wrong(body: str, shown: str, what: str) -> str:
    if "," in body:
        return f"{shown} has a ',': use '.' for decimals and no thousands separators"
    if "_" in body:
        return f"{shown} has a '_': write the digits together (1000, not 1_000)"
    if any(ch.isspace() for ch in body):
        return f"{shown} has a space inside: write the digits together"
    if _EXPONENT.match(body):
        return f"{shown} has an exponent: write the number in full (1000, not 1e3)"
    foreign = next((ch for ch in body if ch.isdigit() and not "0" <= ch <= "9"), None)
    if foreign is not None:
        return f"{shown} has {foreign!r}: only the digits 0-9 are accepted"
    if body.count(".") > 1:
        return f"{what} is not a number: {shown.split(' ', 1)[1]} has more than one '.'"
    return f"{what} is not a number: {shown.split(' ', 1)[1]}"


def to_units(text: str, decimals: int) -> int:
    """Convert a human amount (``"1.5"``) into smallest units for a token.

    Rejects zero, negatives, exponents that hide precision and more
    fractional digits than the token has; the message says which.
    """
    if not 0 <= decimals <= _MAX_DECIMALS:
        raise ValueError(f"token decimals out of range: {decimals}")
    value = _parse_decimal(text, "amount")
    if value.is_signed() and value != 0:
        raise AmountError("amount must be positive")
    if value == 0:
        raise AmountError("amount must be greater than zero")
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only
    if -exponent > decimals:
        raise AmountError(
            f"too many decimal places: this token has {decimals}"
            if decimals
            else "this token has no decimal places"
        )
    units = value.scaleb(decimals)
    return int(units)


def format_units(units: int, decimals: int) -> str:
    """Smallest units as the shortest exact human amount (``1,000``, ``1.5``):
    how a typed amount is echoed back. Tables and panels use `domain.display`."""
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**decimals) if decimals else (abs(units), 0)
    frac_text = f"{frac:0{decimals}d}".rstrip("0") if decimals else ""
    return f"{sign}{whole:,}.{frac_text}" if frac_text else f"{sign}{whole:,}"


def parse_slippage(text: str) -> Fraction:
    """Accept ``0.005``, ``0.5%`` or ``1 %``; return a fraction in (0, 1).

    A bare number of 1 or more is refused rather than guessed at: ``1``
    could mean 1 % or 100 %, and the difference is a user's money.
    """
    raw = text.strip()
    percent = raw.endswith("%")
    number = raw[:-1].strip() if percent else raw
    try:
        value = _parse_decimal(number, "slippage")
    except AmountError as exc:
        raise SlippageError(str(exc)) from None
    fraction = Fraction(value) / 100 if percent else Fraction(value)
    if not 0 < fraction < 1:
        hint = "" if percent else " (write 0.01 or 1% for one percent)"
        raise SlippageError(f"slippage must be between 0 and 1 exclusive{hint}")
    return fraction


def min_out(estimated_out: int, slippage: Fraction) -> int:
    """``floor(estimated_out * (1 - slippage))`` with no rounding error.

    This is the guide's formula for ``min_acceptable_out_amount``.
    """
    if estimated_out < 0:
        raise ValueError("estimated_out must not be negative")
    if not 0 < slippage < 1:
        raise SlippageError("slippage must be between 0 and 1 exclusive")
    keep = 1 - slippage
    return estimated_out * keep.numerator // keep.denominator


def _ten(power: int) -> int:
    return int(10**power)


def rescale(units: int, decimals: int, to_decimals: int) -> int | None:
    """The same amount counted in ``to_decimals``; None when it cannot be said
    exactly (digits finer than ``to_decimals`` would be lost)."""
    if to_decimals >= decimals:
        return units * _ten(to_decimals - decimals)
    whole, rest = divmod(units, _ten(decimals - to_decimals))
    return None if rest else whole


def scaled(units: int, decimals: int) -> int:
    """``units`` at `COMPARE_DECIMALS`: amounts in different decimals compare exactly."""
    return units * _ten(max(0, COMPARE_DECIMALS - decimals))


def percent_of(part: Fraction, whole: Fraction, places: int = 4) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half-even to ``places``
    decimals; None when ``whole`` is not positive."""
    if whole <= 0:
        return None
    value = Decimal(round(part * 100 / whole * 10**places)).scaleb(-places)  # half-even
    # trailing zeros go, but never into an exponent ("1E+1"): JSON and tables read it
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
