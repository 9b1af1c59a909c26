"""Field types the direct providers' wire models share.

Money never passes through a float: integer amounts become ``int``, decimal
strings and JSON numbers become ``Decimal`` (bodies are decoded with
``parse_float=Decimal`` in `a2a_tui.providers.http.client`).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

__all__ = ["Amount", "Dec", "Units", "human", "units_of"]


def _units(value: Any) -> int:
    """A non-negative integer: ASCII digits in a string, or a JSON integer."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError("expected a non-negative integer in smallest units")


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("expected a decimal number")
    if isinstance(value, float):  # a caller's float: refuse rather than round
        raise ValueError("expected a decimal string, not a float")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str) and value.strip():
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            raise ValueError("expected a decimal number") from None
    else:
        raise ValueError("expected a decimal number")
    if not number.is_finite():
        raise ValueError("expected a finite decimal number")
    return number


def _plain(value: Decimal) -> str:
    """``1E+2`` would not read back everywhere: always positional notation."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


#: An integer amount in smallest units, a digit string on the wire.
Units = Annotated[int, BeforeValidator(_units), PlainSerializer(str, return_type=str)]
#: An exact decimal (string or JSON number on the wire), written back as a plain string.
Dec = Annotated[Decimal, BeforeValidator(_decimal), PlainSerializer(_plain, return_type=str)]
#: A non-negative `Dec` (a human amount such as SwapKit's ``"0.0123"``).
Amount = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0),
                   PlainSerializer(_plain, return_type=str)]  # fmt: skip


def units_of(amount: Decimal, decimals: int) -> int:
    """A human amount (``Decimal("0.0123")``) in smallest units, exactly; digits
    beyond the token's precision are cut (never rounded up: it is what you get)."""
    scaled = amount.scaleb(decimals)
    return int(scaled.to_integral_value(rounding=ROUND_FLOOR))


def human(units: int, decimals: int) -> Decimal:
    """Smallest units as an exact human amount (``Decimal``), for a request."""
    return Decimal(units).scaleb(-decimals)
