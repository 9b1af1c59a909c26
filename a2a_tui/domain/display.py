"""Plain-text formatting shared by the TUI and the headless output."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from a2a_tui.domain.amounts import format_units

__all__ = ["amount", "bps", "duration", "fraction_percent", "percent", "usd"]


def amount(
    units: int, decimals: int, symbol: str | None = None, *, digits: int = 8, pad: bool = False
) -> str:
    """Human amount truncated (never rounded up) to ``digits`` fraction digits;
    ``pad`` keeps trailing zeros so a column of amounts lines up on the point."""
    text = format_units(units, decimals, max_fraction=digits)
    width = min(digits, decimals)
    if pad and width:
        whole, _, fraction = text.partition(".")
        text = f"{whole}.{fraction.ljust(width, '0')}"
    return f"{text} {symbol}" if symbol else text


def usd(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"${value.quantize(Decimal('0.01'), rounding=ROUND_DOWN):,}"


def percent(value: Decimal) -> str:
    """Rates arrive as percentages already (0.3 means 0.3 %)."""
    return f"{value.normalize():f}%"


def fraction_percent(value: Fraction) -> str:
    """A fraction of one as a percentage: ``Fraction(1, 200)`` is ``0.5%``."""
    return percent(Decimal(value.numerator * 100) / Decimal(value.denominator))


def bps(value: Fraction | None) -> str:
    """Shortfall below the best: ``0`` for the best, ``-12.5`` for 12.5 bps worse."""
    if value is None:
        return "—"
    if value == 0:
        return "0"
    tenths = -(-value * 10 // 1)  # ceil: a shortfall is never shown smaller than it is
    return f"-{tenths // 10}.{tenths % 10}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s"
