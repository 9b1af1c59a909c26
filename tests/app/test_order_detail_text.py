"""The orders screen's detail pane writes values as the rest of the app does."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from a2a_tui.domain.orders import DepositInfo, OrderView
from a2a_tui.domain.support import bundle_text
from a2a_tui.ui.widgets.order_detail import DetailData, detail_content

T0 = datetime(2026, 12, 3, 7, 16, 11, tzinfo=UTC)


def _view() -> OrderView:
    deposit = DepositInfo(5, T0, "0xtx", late=False)
    return OrderView("OD1", 1, "0xabc", T0, None, None, 1, verified=True,
                     slippage=Decimal("0.01"), deposit=deposit)  # fmt: skip


def test_slippage_is_a_percentage_and_late_is_yes_or_no() -> None:
    """It said ``slippage 0.01`` (and the bundle ``late False``)."""
    data = DetailData("OD1", "created", _view(), "wait", None, "", None)
    text = detail_content(data).plain
    assert "\nslippage              1%" in text, text
    assert "\nlate                  no" in text
    bundle = bundle_text(_view(), [], host="http://h", version="0", now=T0, key_entry=None)
    assert "\n  slippage                1%\n" in bundle, bundle
    assert "\n  late                    no\n" in bundle
    assert "False" not in bundle
