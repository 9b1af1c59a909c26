"""The orders table: one row per order, each status a badge with words in it.

Rows are keyed by order (number, or the journal entry of a request not
confirmed yet), so updates touch only the cells that changed and the cursor
stays on its order as rows come and go. Columns are dropped whole, least
useful first, when the terminal is narrow; the order, its status and its
time always stay. Every cell is `rich.text.Text` (server text is never markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from a2a_tui.domain import display
from a2a_tui.domain.orders import OrderStatus, OrderView
from a2a_tui.domain.support import Commission, commission_of, short_status

__all__ = ["OrderRow", "OrderTable", "badge_style", "time_cell", "updated_cell"]


@dataclass(frozen=True, slots=True)
class OrderRow:
    """What one row shows, prepared by the screen."""

    key: str
    origin: str  # created, pending, watched
    view: OrderView | None
    since: datetime
    channel: str | None = None
    client_order_id: str | None = None
    age: float | None = None  # seconds since the tracker last read it
    failures: int = 0


@dataclass(frozen=True, slots=True)
class _Column:
    key: str
    label: str
    width: int
    priority: int  # lower stays longer


_COLUMNS = (
    _Column("order", "Order", 18, 0),
    _Column("status", "Status", 20, 0),
    _Column("time", "Left / age", 11, 0),
    _Column("updated", "Updated", 10, 1),
    _Column("amount", "Amount", 18, 1),
    _Column("commission", "Commission", 10, 2),
    _Column("bound", "Integrator", 10, 2),
    _Column("channel", "Channel", 14, 3),
    _Column("created", "Created UTC", 11, 3),
    _Column("origin", "From", 7, 4),
)

_OK = "bold black on green"
_BUSY = "bold white on blue"
_WAIT = "bold black on cyan"
_WARN = "bold black on yellow"
_BAD = "bold white on red"
_DONE = "bold white on bright_black"

_BADGES = {
    OrderStatus.DEPOSITING: _WAIT,
    OrderStatus.SWAPPING: _BUSY,
    OrderStatus.COMPLETED: _OK,
    OrderStatus.CANCELLED_NO_DEPOSIT: _DONE,
    OrderStatus.REFUND_ADDRESS_PENDING: _BAD,
    OrderStatus.CHAIN_FAILED: _BAD,
    OrderStatus.SLIPPAGE_FAILED: _BAD,
    OrderStatus.MANUAL_REVIEW: _WARN,
    OrderStatus.REFUNDING: _BUSY,
    OrderStatus.REFUNDED: _OK,
    OrderStatus.FAILED_NO_REFUND: _BAD,
}


def badge_style(status: OrderStatus | str | None) -> str:
    return _BADGES.get(status, "bold reverse") if isinstance(status, OrderStatus) else "reverse"


def _span(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return "<1 min"
    if seconds < 3600:
        return f"{seconds // 60} min"
    hours = seconds // 3600
    return f"{hours} h" if hours < 48 else f"{hours // 24} d"


def time_cell(view: OrderView | None, since: datetime, now: datetime) -> str:
    """Time left to ``expire_at`` while waiting for a deposit (seconds in the last
    five minutes); afterwards, the order's age."""
    if view is not None and view.status is OrderStatus.DEPOSITING:
        left = (view.expire_at - now).total_seconds()
        if left <= 0:
            return "expired"
        if left < 300:
            return f"{int(left) // 60}:{int(left) % 60:02d} left"
        return f"{_span(left)} left"
    created = view.created_at if view is not None and view.created_at else since
    return f"{_span((now - created).total_seconds())} old"


def updated_cell(age: float | None, failures: int) -> str:
    """Coarse on purpose (5 s steps, then minutes): a row changes rarely."""
    if failures:
        return f"⚠ {failures} fail" + ("s" if failures > 1 else "")
    if age is None:
        return "—"
    if age < 5:
        return "just now"
    if age < 60:
        return f"{int(age) // 5 * 5} s ago"
    return f"{int(age) // 60} min ago"


def _amount(view: OrderView | None) -> str:
    if view is None or view.amount_in is None:
        return "—"
    if view.src is None:
        return f"{view.amount_in} units"
    src = view.src
    exact = display.amount_to_send(view.amount_in, src.decimals)
    text = exact if len(exact) <= 12 else display.amount(view.amount_in, src.decimals, width=12)
    text += f" {src.symbol}"
    return text + (f" → {view.dst.symbol}" if view.dst is not None else "")


def _bound(view: OrderView | None) -> str:
    if view is None or view.integrator_bound is None:
        return "?"
    return f"yes {view.integrator_id}" if view.integrator_bound else "no"


_COMMISSION = {
    Commission.EARNED: "earned",
    Commission.PENDING: "pending",
    Commission.NONE: "none",
    Commission.UNKNOWN: "?",
}


def cells(row: OrderRow, now: datetime) -> dict[str, Text]:
    view = row.view
    status = None if view is None else view.status
    if row.origin == "pending":
        badge = Text(" … not confirmed ", style="bold reverse")
    else:
        label = short_status(status, settled=None if view is None else view.settled)
        badge = Text(f" {label} ", style=badge_style(status))
    return {
        "order": Text(row.key if row.origin != "pending" else row.client_order_id or row.key),
        "status": badge,
        "time": Text(time_cell(view, row.since, now)),
        "amount": Text(_amount(view)),
        "updated": Text(updated_cell(row.age, row.failures)),
        "commission": Text(_COMMISSION[commission_of(view)] if view is not None else "?"),
        "bound": Text(_bound(view)),
        "channel": Text(row.channel or (f"#{view.chosen_channel_id}"
                                        if view and view.chosen_channel_id else "—")),
        "created": Text(f"{row.since.astimezone(UTC):%m-%d %H:%M}"),
        "origin": Text({"created": "here", "watched": "lookup"}.get(row.origin, row.origin)),
    }  # fmt: skip


class OrderTable(DataTable[Text]):
    """Rows keyed by order; `show` adds, updates and removes, cell by cell."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._columns: tuple[str, ...] = ()
        self._shown: dict[str, dict[str, str]] = {}
        self._order: list[str] = []

    def columns_for(self, width: int) -> tuple[str, ...]:
        chosen: list[_Column] = []
        used = 0
        for column in sorted(_COLUMNS, key=lambda c: c.priority):
            need = column.width + 2
            if column.priority > 0 and used + need > width:
                continue
            chosen.append(column)
            used += need
        keys = {c.key for c in chosen}
        return tuple(c.key for c in _COLUMNS if c.key in keys)

    @property
    def keys(self) -> list[str]:
        return list(self._order)

    def highlighted_key(self) -> str | None:
        if not self._order or self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:
            return None
        return None if key is None else str(key)

    def show(self, rows: Sequence[OrderRow], now: datetime, *, width: int | None = None) -> None:
        """Make the table hold exactly ``rows`` in this order, changing only what differs."""
        columns = self.columns_for(width if width is not None else self.size.width or 80)
        keep = self.highlighted_key()
        if columns != self._columns:
            self.clear(columns=True)
            self._columns = columns
            widths = {c.key: c for c in _COLUMNS}
            for key in columns:
                self.add_column(widths[key].label, key=key, width=widths[key].width)
            self._shown.clear()
            self._order = []
        wanted = [r.key for r in rows]
        if wanted != self._order:
            self._rebuild(rows, now, keep)
            return
        for row in rows:
            self._update(row, now)

    def _rebuild(self, rows: Sequence[OrderRow], now: datetime, keep: str | None) -> None:
        self.clear()
        self._shown.clear()
        for row in rows:
            texts = cells(row, now)
            self.add_row(*(texts[c] for c in self._columns), key=row.key)
            self._shown[row.key] = {c: texts[c].plain for c in self._columns}
        self._order = [r.key for r in rows]
        if keep is not None and keep in self._shown:
            self.move_cursor(row=self.get_row_index(keep), animate=False)

    def _update(self, row: OrderRow, now: datetime) -> None:
        texts = cells(row, now)
        shown = self._shown.setdefault(row.key, {})
        for column in self._columns:
            text = texts[column]
            if shown.get(column) != text.plain or column == "status":
                if shown.get(column) == text.plain and column == "status":
                    continue
                try:
                    self.update_cell(row.key, column, text)
                except RowDoesNotExist:
                    return
                shown[column] = text.plain

    def select(self, key: str) -> bool:
        if key not in self._shown:
            return False
        self.move_cursor(row=self.get_row_index(key), animate=False)
        return True
