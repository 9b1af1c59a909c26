"""Exact conversions between human amounts and smallest-unit integers.

Money never touches a float here: human input goes through `Decimal` with an
explicit digit check, and every derived amount (minimum out, shortfall) is
integer arithmetic on `Fraction`s so rounding is a decision, not an accident.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

__all__ = [
    "AmountError",
    "SlippageError",
    "format_units",
    "min_out",
    "parse_slippage",
    "to_units",
]

_MAX_DECIMALS = 36


class AmountError(ValueError):
    """A human amount that cannot become a positive smallest-unit integer."""


class SlippageError(ValueError):
    """A slippage value outside the open interval (0, 1)."""


def _parse_decimal(text: str, what: str) -> Decimal:
    cleaned = text.strip().replace("_", "")
    if not cleaned:
        raise AmountError(f"{what} is empty")
    if cleaned.count(",") and "." not in cleaned and cleaned.count(",") == 1:
        raise AmountError(f"use '.' as the decimal separator, not ',' ({text.strip()!r})")
    cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError(f"{what} is not a number: {text.strip()!r}") from None
    if not value.is_finite():
        raise AmountError(f"{what} must be a finite number")
    return value


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


def format_units(units: int, decimals: int, *, max_fraction: int | None = None) -> str:
    """Format smallest units as a human amount, exact, without trailing zeros.

    ``max_fraction`` truncates (never rounds up) the fraction for narrow
    columns; the exact value stays available to callers that need it.
    """
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**decimals) if decimals else (abs(units), 0)
    if not decimals:
        return f"{sign}{whole:,}"
    frac_text = f"{frac:0{decimals}d}"
    if max_fraction is not None:
        frac_text = frac_text[:max_fraction]
    frac_text = frac_text.rstrip("0")
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
