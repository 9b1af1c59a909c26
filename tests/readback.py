"""Reading a number back from a cell, as a trader would, to check it was rounded, not cut."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from a2a_tui.domain import display

_UNIT = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}


def read_back(text: str, prefix: str = "") -> tuple[str, Fraction, Fraction]:
    """What a reader takes from a cell: (kind, value shown, its last place)."""
    kind = "fixed"
    if text.startswith("<"):
        kind, text = "below", text[1:]
    negative = text.startswith("-")
    text = text.removeprefix("-").removeprefix(prefix)
    scale = 1
    if text and text[-1] in _UNIT:
        kind, scale, text = "compact", _UNIT[text[-1]], text[:-1]
    assert text.replace(",", "").replace(".", "").isdigit(), text
    whole, _, fraction = text.partition(".")
    assert whole == f"{int(whole.replace(',', '')):,}", f"bad grouping in {text!r}"
    shown = Fraction(Decimal(text.replace(",", ""))) * scale
    place = Fraction(scale, 10 ** len(fraction))
    return kind, -shown if negative else shown, place


def assert_correct_rounding(text: str, value: Fraction, width: int, prefix: str = "") -> None:
    assert "…" not in text
    assert len(text) <= width, f"{text!r} is wider than {width}"
    if set(text) == {display.OVERFLOW}:
        return
    kind, shown, place = read_back(text, prefix)
    if kind == "below":  # dust: a true bound, and nothing shorter would be
        assert 0 < value < shown
        assert round(value / place) == 0
    else:
        assert shown == round(value / place) * place, f"{text!r} is not {value} rounded"
