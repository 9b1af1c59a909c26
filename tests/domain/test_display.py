"""Numbers as the board writes them: rounded half-even, never cut, one rule everywhere."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from readback import assert_correct_rounding, read_back

from a2a_tui.domain import display


@st.composite
def token_amounts(draw: st.DrawFn) -> tuple[int, int]:
    """(units, decimals) with values from 1e-8 (and below) up to 1e12."""
    decimals = draw(st.integers(min_value=0, max_value=18))
    digits = draw(st.integers(min_value=0, max_value=12 + decimals))
    units = draw(st.integers(min_value=10**digits // 10, max_value=10**digits))
    return units, decimals


@given(token_amounts(), st.integers(min_value=1, max_value=24))
@example((3_109_666_504_912, 6), 15)  # the 1000 ETH at 80 columns
@example((3_110_280_000, 3), 10)
@example((999_999_999, 3), 6)  # rounds up into the next unit: 1.00M, not 1000.00K
def test_a_table_amount_is_a_correct_rounding_never_a_prefix(
    case: tuple[int, int], width: int
) -> None:
    units, decimals = case
    text = display.amount(units, decimals, width=width)
    value = Fraction(units, 10**decimals)
    assert_correct_rounding(text, value, width)
    if set(text) == {display.OVERFLOW}:
        assert width < 5  # the compact form fits any column the table has
        return
    kind, _, place = read_back(text)
    places = min(decimals, display.TABLE_DECIMALS)
    if kind == "fixed" and place > Fraction(1, 10**places):  # decimals were dropped...
        shown = len(str(place.denominator)) - 1
        assert len(display.amount(units, decimals, places=shown + 1)) > width  # ...for room
    if kind == "compact":  # only when no plain form fits
        assert len(display.fit(value, decimals=0)) > width


@given(
    st.decimals(min_value=0, max_value=10**12, places=6, allow_nan=False),
    st.integers(min_value=1, max_value=24),
)
@example(Decimal("4702.447925"), 12)
@example(Decimal("3110280.123456"), 10)
def test_a_usd_value_is_a_correct_rounding_never_a_prefix(value: Decimal, width: int) -> None:
    text = display.usd(value, width=width)
    assert_correct_rounding(text, Fraction(value), width, prefix="$")
    assert text.startswith(("$", "<$")) or set(text) == {display.OVERFLOW}


@given(token_amounts(), token_amounts(), st.integers(min_value=8, max_value=24))
def test_a_column_form_from_its_widest_value_fits_every_smaller_value(
    widest: tuple[int, int], other: tuple[int, int], width: int
) -> None:
    """The table picks a form from the best row (the largest amount); any
    other row then fits in it too, so the column lines up on the point."""
    decimals = widest[1]
    big, small = sorted([widest[0], other[0]], reverse=True)
    form = display.amount_form(big, decimals, width)
    for units in (big, small):
        text = display.amount(units, decimals, width=width, form=form)
        assert_correct_rounding(text, Fraction(units, 10**decimals), width)
    texts = [display.amount(u, decimals, width=width, form=form) for u in (big, small)]
    if not form.compact and not any(t.startswith("<") for t in texts):  # dust is a bound
        assert len({len(t.partition(".")[2]) for t in texts}) == 1  # lines up


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("4702.447925"), "$4,702.45"),  # was truncated to $4,702.44
        (Decimal("0.005"), "<$0.01"),  # half-even: 0.005 rounds to 0.00, so it is dust
        (Decimal("0.015"), "$0.02"),
        (Decimal("0.025"), "$0.02"),
        (Decimal("1"), "$1.00"),
        (None, "—"),
    ],
)
def test_usd_is_cents_rounded_half_even(value: Decimal | None, text: str) -> None:
    assert display.usd(value) == text


def test_one_rule_for_amounts_the_table_and_the_detail_agree() -> None:
    """4,718.074980 USDT in the table and in the detail panel, not 4,718.07498."""
    assert display.amount(4_718_074_980, 6) == "4,718.074980"
    assert display.amount_exact(4_718_074_980, 6, "USDT") == "4,718.074980 USDT"
    # 18 decimals: the table stops at 8 (rounded), the detail shows them all
    assert display.amount(1_234_567_895_000_000_000, 18) == "1.23456790"
    assert display.amount_exact(1_234_567_895_000_000_000, 18) == "1.234567895000000000"
    assert display.usd_exact(Decimal("4702.447925")) == "$4,702.447925"


@pytest.mark.parametrize(
    ("value", "width", "text"),
    [
        (Fraction(125, 10), 6, "-12.5"),
        (Fraction(123456, 10), 7, "-12346"),
        (Fraction(1, 1000), 6, "-0.1"),  # never shown smaller than it is
    ],
)
def test_bps_fits_by_dropping_tenths_rounded_up(value: Fraction, width: int, text: str) -> None:
    assert display.bps(value, width) == text


@pytest.mark.parametrize(
    ("change", "width", "text"),
    [
        (Fraction(-2304, 100), None, "-23.1"),  # a fall: one minus, never shown smaller
        (Fraction(-23), None, "-23.0"),
        (Fraction(306, 100), None, "+3.0"),  # a rise: never shown larger
        (Fraction(0), None, "0"),
        (Fraction(-2912, 10), 5, "-292"),  # the tenths go first
    ],
)
def test_a_signed_change_has_one_sign(change: Fraction, width: int | None, text: str) -> None:
    """A fall of 23 bps read ``--23.0`` on the order step: the caller negated a
    shortfall that already carried its minus."""
    assert display.signed_bps(change, width) == text


def test_percent_fits_by_rounding() -> None:
    assert display.percent(Decimal("0.125")) == "0.125%"
    assert display.percent(Decimal("0.125"), 5) == "0.12%"  # half-even
    assert display.percent(Decimal("0.3"), 5) == "0.3%"


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [("0.01", "1%"), ("0.005", "0.5%"), ("0.0125", "1.25%"), ("0.1", "10%"), ("0", "0%"),
     ("0.333333333333333333333333333333", "33.3333333333333333333333333333%"), ("1", "100%")],
)  # fmt: skip
def test_a_slippage_is_written_as_an_exact_percentage(fraction: str, shown: str) -> None:
    """The bundle and the order detail said ``slippage 0.01`` where all else says 1%."""
    assert display.slippage_percent(Decimal(fraction)) == shown
    assert display.slippage_percent(None) == "—"
