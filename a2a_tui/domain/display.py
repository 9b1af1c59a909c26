"""Plain-text formatting shared by the TUI and the headless output.

One rule for numbers, everywhere (the board's table, its detail panel, the
headless table):

- A token amount is written with its token's decimals, trailing zeros
  kept, so one amount reads the same in every place and a column lines up
  on the point (``4,718.074980`` for USDT). The tables stop at
  `TABLE_DECIMALS`; the detail panel and ``--json`` show every decimal.
- USD is written in cents; the detail panel also shows the value as quoted.
- Rounding, wherever digits are dropped, is half-even (4,702.447925 is
  ``$4,702.45``), never truncation.
- A number never is cut. With less room than it needs, it first loses
  decimals, then is written compact with a unit (``3.11M``, ``$3.11M``).
  A value too small to show reads ``<0.00000001``, never ``0``.

An order's own amounts (what is sent, its fees, its min out, a refund) are
another kind: `amount_to_send`, exact with trailing zeros trimmed (``1.5
ETH``), in the order step, the deposit screen, ``order list`` and ``order
show``. A quoted amount (a channel's estimate) keeps the rule above, with
every decimal (`amount_exact`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from a2a_tui.domain.amounts import format_units

__all__ = [
    "OVERFLOW",
    "TABLE_DECIMALS",
    "USD_DECIMALS",
    "Form",
    "amount",
    "amount_exact",
    "amount_form",
    "amount_to_send",
    "bps",
    "duration",
    "fit",
    "fraction_percent",
    "percent",
    "signed_bps",
    "slippage_percent",
    "usd",
    "usd_exact",
    "usd_form",
]

#: Decimals the tables show at most: a column of 18-digit fractions helps nobody.
TABLE_DECIMALS = 8
USD_DECIMALS = 2
#: Compact units, smallest first.
_UNITS = ((3, "K"), (6, "M"), (9, "B"), (12, "T"))
#: Decimals of a compact mantissa at most (``3.11M``).
_COMPACT_DECIMALS = 2
#: What a cell holds when not even the compact form fits: never a number cut short.
OVERFLOW = "#"

Number = Fraction | Decimal | int


@dataclass(frozen=True, slots=True)
class Form:
    """How a number is written: its decimals, and whether compact (``3.11M``).

    A table chooses one per column from its widest value, so the column
    lines up; a cell that still does not fit falls back to a shorter form.
    """

    decimals: int
    compact: bool = False


def _fixed(value: Fraction, decimals: int, prefix: str) -> str:
    scaled = round(value * 10**decimals)  # Fraction rounds half to even
    if scaled == 0 and value != 0:  # a dust amount is not zero
        smallest = f"0.{'0' * (decimals - 1)}1" if decimals else "1"
        return f"<{prefix}{smallest}" if value > 0 else f">-{prefix}{smallest}"
    sign = "-" if scaled < 0 else ""
    whole, fraction = divmod(abs(scaled), 10**decimals)
    tail = f".{fraction:0{decimals}d}" if decimals else ""
    return f"{sign}{prefix}{whole:,}{tail}"


def _compact(value: Fraction, decimals: int, prefix: str) -> str:
    """``value`` with the smallest unit that keeps the mantissa under 1,000."""
    for power, unit in _UNITS:  # noqa: B007 (past the last unit, its mantissa grows: 1,234T)
        scaled = round(value * 10**decimals / 10**power)
        if abs(scaled) < 1000 * 10**decimals:
            break
    sign = "-" if scaled < 0 else ""
    whole, fraction = divmod(abs(scaled), 10**decimals)
    tail = f".{fraction:0{decimals}d}" if decimals else ""
    return f"{sign}{prefix}{whole:,}{tail}{unit}"


def _forms(value: Fraction, decimals: int, start: Form | None) -> Iterator[Form]:
    """Forms from the most precise down: fewer decimals first, then compact."""
    compact = abs(value) >= 1000
    if start is None or not (start.compact and compact):
        top = decimals if start is None else min(start.decimals, decimals)
        for places in range(top, -1, -1):
            yield Form(places)
    if compact:
        top = _COMPACT_DECIMALS if start is None else min(start.decimals, _COMPACT_DECIMALS)
        for places in range(top, -1, -1):
            yield Form(places, compact=True)


def _write(value: Fraction, form: Form, prefix: str) -> str:
    if form.compact:
        return _compact(value, form.decimals, prefix)
    return _fixed(value, form.decimals, prefix)


def fit(
    value: Number,
    width: int | None = None,
    *,
    decimals: int,
    prefix: str = "",
    form: Form | None = None,
) -> str:
    """``value`` with ``decimals`` decimals, in at most ``width`` cells.

    ``form`` (a column's choice) is where the search starts. If nothing fits,
    the cell is filled with `OVERFLOW`: a number is never cut short.
    """
    exact = Fraction(value)
    if width is None:
        return _write(exact, form or Form(decimals), prefix)
    for candidate in _forms(exact, decimals, form):
        text = _write(exact, candidate, prefix)
        if len(text) <= width:
            return text
    return OVERFLOW * max(width, 0)


def choose(value: Number, width: int, *, decimals: int, prefix: str = "") -> Form:
    """The most precise form of ``value`` that fits ``width``."""
    exact = Fraction(value)
    forms = list(_forms(exact, decimals, None))
    return next((f for f in forms if len(_write(exact, f, prefix)) <= width), forms[-1])


def amount(
    units: int,
    decimals: int,
    symbol: str | None = None,
    *,
    width: int | None = None,
    form: Form | None = None,
    places: int = TABLE_DECIMALS,
    token_decimals: int | None = None,
) -> str:
    """A token amount as the tables write it: the token's decimals up to
    ``places``, trailing zeros kept, rounded half-even, fitted to ``width``.

    ``decimals`` is what ``units`` counts in; ``token_decimals`` (default the
    same) what the token is written with: a provider counting a token in
    other decimals than the board's still lines up with the other rows.
    """
    shown = decimals if token_decimals is None else token_decimals
    text = fit(Fraction(units, 10**decimals), width, decimals=min(shown, places), form=form)
    return f"{text} {symbol}" if symbol else text


def amount_exact(units: int, decimals: int, symbol: str | None = None) -> str:
    """Every decimal of the token: the same digits as the table, and more."""
    return amount(units, decimals, symbol, places=decimals)


def amount_to_send(units: int, decimals: int, symbol: str | None = None) -> str:
    """Exact, without trailing zeros (``1.5 ETH``): what a person sends or is
    owed, beside its smallest-unit integer. Never rounded."""
    text = format_units(units, decimals)
    return f"{text} {symbol}" if symbol else text


def amount_form(units: int, decimals: int, width: int, places: int = TABLE_DECIMALS) -> Form:
    return choose(Fraction(units, 10**decimals), width, decimals=min(decimals, places))


def usd(value: Decimal | None, *, width: int | None = None, form: Form | None = None) -> str:
    """Cents, rounded half-even."""
    if value is None:
        return "—"
    return fit(value, width, decimals=USD_DECIMALS, prefix="$", form=form)


def usd_exact(value: Decimal | None) -> str:
    """The value as the server quoted it, every digit kept."""
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,f}"


def usd_form(value: Decimal | None, width: int) -> Form:
    if value is None:
        return Form(USD_DECIMALS)
    return choose(value, width, decimals=USD_DECIMALS, prefix="$")


def percent(value: Decimal | None, width: int | None = None) -> str:
    """Rates arrive as percentages already (0.3 means 0.3 %). Written as
    received; with too little room, rounded half-even to fewer decimals.
    None (a source that states no rate) is a dash."""
    if value is None:
        return "—"
    exact = f"{value.normalize():f}%"
    if width is None or len(exact) <= width:
        return exact
    places = max(0, -int(value.normalize().as_tuple().exponent))
    return fit(value, width - 1, decimals=places) + "%"


def slippage_percent(value: Decimal | None) -> str:
    """A slippage as a fraction of one (the wire's ``0.01``) written as a
    percentage, exactly: ``1%``; ``0.005`` is ``0.5%``. None is a dash."""
    if value is None:
        return "—"
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN or infinity: nothing to scale
        return percent(value)
    exponent += 2  # x100, exactly at any precision (normalize() would round to 28 digits)
    while exponent < 0 and len(digits) > 1 and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    if exponent > 0:  # 1 -> 100: the zeros written out, not an exponent
        digits, exponent = (*digits, *(0,) * exponent), 0
    return f"{Decimal((sign, digits, exponent)):f}%"


def fraction_percent(value: Fraction) -> str:
    """A fraction of one as a percentage: ``Fraction(1, 200)`` is ``0.5%``."""
    return percent(Decimal(value.numerator * 100) / Decimal(value.denominator))


def signed_bps(change: Fraction | None, width: int | None = None) -> str:
    """A signed change in basis points: ``-23.0`` for a fall, ``+4.5`` for a
    rise, ``0`` for none; one sign, always the value's own.

    Rounded down to tenths (toward the worse): a fall is never shown smaller
    than it is, nor a rise larger. With too little room the tenths go first.
    """
    if change is None:
        return "—"
    if change == 0:
        return "0"
    tenths = math.floor(change * 10)
    sign = "-" if tenths < 0 else "+"
    whole, tenth = divmod(abs(tenths), 10)
    text = f"{sign}{whole}.{tenth}"
    if width is None or len(text) <= width:
        return text
    rounded = math.floor(change)
    short = f"{'-' if rounded < 0 else '+'}{abs(rounded)}"
    return short if len(short) <= width else OVERFLOW * width


def bps(shortfall: Fraction | None, width: int | None = None) -> str:
    """Shortfall below the best: ``0`` for the best, ``-12.5`` for 12.5 bps worse
    (`signed_bps` of the change, so it is never shown smaller than it is)."""
    return signed_bps(None if shortfall is None else -shortfall, width)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s"
