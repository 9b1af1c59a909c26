"""The orders table: one row per order, each status a badge with words in it.

Rows are keyed by order (number, or the journal entry of a request not
confirmed yet), so updates repaint only the rows that changed and the cursor
stays on its order as rows come and go. Columns are dropped whole, least
useful first, when the terminal is narrow; the order, its status and its
time always stay. Every cell is `rich.text.Text` (server text is never markup).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from a2a_tui.domain import display
from a2a_tui.domain.orders import OrderStatus, OrderView
from a2a_tui.domain.support import BADGE_LABELS, Commission, commission_of, short_status
from a2a_tui.ui.glyphs import GLYPHS
from a2a_tui.ui.widgets.rows import scroll_row_into_view

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


#: Every badge fits its column whole: the longest label, a space either side.
BADGE_WIDTH = max(cell_len(f" {label} ") for label in BADGE_LABELS)


@dataclass(frozen=True, slots=True)
class _Column:
    key: str
    label: str
    width: int
    priority: int  # lower stays longer


#: In the order they drop, last first, when the table is narrow (the README's list):
#: order, status and time always stay; then amount and pair (support staff need them
#: at 80 columns), updated, commission, integrator, channel, created, from.
_COLUMNS = (
    _Column("order", "Order", 18, 0),
    _Column("status", "Status", BADGE_WIDTH, 0),
    _Column("time", "Left / age", 11, 0),
    _Column("updated", "Updated", 10, 2),
    _Column("amount", "Amount", 18, 1),
    _Column("commission", "Commission", 10, 3),
    _Column("bound", "Integrator", 10, 4),
    _Column("channel", "Channel", 14, 5),
    _Column("created", "Created UTC", 11, 6),
    _Column("origin", "From", 7, 7),
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


#: The only cells that change with time alone (the rest change with a read).
TIMED = ("time", "updated")


def timed_cells(row: OrderRow, now: datetime) -> dict[str, str]:
    return {"time": time_cell(row.view, row.since, now),
            "updated": updated_cell(row.age, row.failures)}  # fmt: skip


def _order_cell(row: OrderRow) -> str:
    if row.origin == "pending":
        return row.client_order_id or row.key
    if row.origin == "replaced" and row.view is not None:
        return row.view.order_no  # an older order of a reset host: its own row
    return row.key


def cells(row: OrderRow, now: datetime) -> dict[str, Text]:
    view = row.view
    status = None if view is None else view.status
    if row.origin == "pending":
        badge = Text(" … not confirmed ", style="bold reverse")
    else:
        label = GLYPHS.text(short_status(status, settled=None if view is None else view.settled))
        badge = Text(f" {label} ", style=badge_style(status))
    return {
        "order": Text(_order_cell(row)),
        "status": badge,
        "time": Text(time_cell(view, row.since, now)),
        "amount": Text(_amount(view)),
        "updated": Text(updated_cell(row.age, row.failures)),
        "commission": Text(_COMMISSION[commission_of(view)] if view is not None else "?"),
        "bound": Text(_bound(view)),
        "channel": Text(row.channel or (f"#{view.chosen_channel_id}"
                                        if view and view.chosen_channel_id else "—")),
        "created": Text(f"{row.since.astimezone(UTC):%m-%d %H:%M}"),
        "origin": Text({"created": "here", "watched": "lookup", "replaced": "reset"}.get(
            row.origin, row.origin)),
    }  # fmt: skip


class OrderTable(ScrollView, can_focus=True):
    """Rows keyed by order, painted with the Line API: each row's line is built when
    its cells change and cached, and a change repaints only its own line (a
    DataTable repaints every visible cell on any update: 200 tracked orders cost
    a third of a core)."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()

    COMPONENT_CLASSES = {"order-table--header", "order-table--cursor"}

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(-1)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
    ]

    class Highlighted(Message):
        """The cursor is on another order (or on none)."""

        def __init__(self, key: str | None) -> None:
            super().__init__()
            self.key = key

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._columns: tuple[str, ...] = ()
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._cells: dict[str, dict[str, str]] = {}
        self._badges: dict[str, str] = {}  # the status cell's style, per row
        self._lines: dict[str, Strip] = {}  # painted rows, not under the cursor
        self._cursor: str | None = None
        self._styles: tuple[int, Style, Style, Style] | None = None  # width, base, header, cursor
        #: Rows whose time-dependent cells are older than the last tick: off screen
        #: then, brought up to date when painted (with ``row_source``).
        self._behind: set[str] = set()
        self._now: datetime | None = None
        self.row_source: Callable[[str], OrderRow | None] | None = None

    # -- data ---------------------------------------------------------------------

    def columns_for(self, width: int) -> tuple[str, ...]:
        chosen: list[_Column] = []
        used = 0
        for column in sorted(_COLUMNS, key=lambda c: c.priority):
            need = column.width + 2
            if column.priority > 0 and used + need > width:
                break  # this one and every less useful one drop (never a narrow one past it)
            chosen.append(column)
            used += need
        keys = {c.key for c in chosen}
        return tuple(c.key for c in _COLUMNS if c.key in keys)

    @property
    def keys(self) -> list[str]:
        return list(self._order)

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def cursor_row(self) -> int:
        return self._index.get(self._cursor, 0) if self._cursor is not None else 0

    def highlighted_key(self) -> str | None:
        return self._cursor

    def get_cell(self, key: str, column: str) -> Text:
        return Text(self._cells[key][column])

    def _store(self, row: OrderRow, now: datetime) -> bool:
        """Keep the row's cells; True if what it shows changed."""
        self._behind.discard(row.key)
        texts = cells(row, now)
        shown = {c: texts[c].plain for c in _ALL}
        badge = str(texts["status"].style)
        if self._cells.get(row.key) == shown and self._badges.get(row.key) == badge:
            return False
        self._cells[row.key] = shown
        self._badges[row.key] = badge
        self._lines.pop(row.key, None)
        return True

    def show(self, rows: Sequence[OrderRow], now: datetime, *, width: int | None = None) -> None:
        """Hold exactly ``rows``, in this order; repaint what differs."""
        columns = self.columns_for(width if width is not None else self.size.width or 80)
        if columns != self._columns:
            self._columns = columns
            self._lines.clear()
            self.refresh()
        wanted = [r.key for r in rows]
        if wanted != self._order:
            self._order = wanted
            self._index = {key: i for i, key in enumerate(wanted)}
            for gone in set(self._cells) - set(wanted):
                self._cells.pop(gone, None)
                self._badges.pop(gone, None)
                self._lines.pop(gone, None)
            for row in rows:
                self._store(row, now)
            self.virtual_size = Size(self.size.width, len(wanted) + 1)
            if self._cursor not in self._index:
                self._set_cursor(wanted[0] if wanted else None)
            scroll_row_into_view(self, self.cursor_row)
            self.refresh()
            return
        for row in rows:
            self.update_row(row, now)

    def update_row(self, row: OrderRow, now: datetime) -> bool:
        """One order's cells after a read; False if the row is not shown."""
        if row.key not in self._index:
            return False
        if self._store(row, now):
            self._refresh_row(row.key)
        return True

    def visible_keys(self) -> list[str]:
        top = int(self.scroll_offset.y)
        return self._order[top : top + max(self.size.height - 1, 0)]

    def tick(self, now: datetime) -> None:
        """The clock moved: the time-dependent cells of the rows on screen (the others
        when they are painted), repainting only rows whose text changed."""
        self._now = now
        self._behind = set(self._order)
        for key in self.visible_keys():
            self._catch_up(key, now, repaint=True)

    def _catch_up(self, key: str, now: datetime, *, repaint: bool) -> None:
        self._behind.discard(key)
        shown = self._cells.get(key)
        row = None if self.row_source is None else self.row_source(key)
        if shown is None or row is None:
            return
        timed = timed_cells(row, now)
        if any(shown[c] != text for c, text in timed.items()):
            shown.update(timed)
            self._lines.pop(key, None)
            if repaint:
                self._refresh_row(key)

    def _refresh_row(self, key: str) -> None:
        y = self._index[key] - int(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # -- cursor -----------------------------------------------------------------------

    def _set_cursor(self, key: str | None) -> None:
        if key == self._cursor:
            return
        for old in (self._cursor, key):
            if old is not None and old in self._index:
                self._refresh_row(old)
        self._cursor = key
        self.post_message(self.Highlighted(key))

    def select(self, key: str) -> bool:
        if key not in self._index:
            return False
        self._set_cursor(key)
        scroll_row_into_view(self, self._index[key])
        return True

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        if not self._order:
            return
        index = max(0, min(row, len(self._order) - 1))
        self._set_cursor(self._order[index])
        scroll_row_into_view(self, index)

    def action_cursor(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self.move_cursor(row=self.cursor_row + direction * max(1, self.size.height - 2))

    def action_edge(self, direction: int) -> None:
        self.move_cursor(row=0 if direction < 0 else len(self._order) - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        self.move_cursor(row=int(self.scroll_offset.y) + offset.y - 1)

    def on_focus(self) -> None:
        self._styles = None
        self.refresh()

    def on_blur(self) -> None:
        self._styles = None
        self.refresh()

    # -- painting ------------------------------------------------------------------------

    def _prepare(self) -> tuple[int, Style, Style, Style]:
        width = self.size.width
        if self._styles is None or self._styles[0] != width:
            base = self.rich_style
            self._styles = (
                width,
                base,
                base + self.get_component_rich_style("order-table--header"),
                base + self.get_component_rich_style("order-table--cursor"),
            )
            self._lines.clear()
        return self._styles

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._lines.clear()

    def render_line(self, y: int) -> Strip:
        width, base, header, cursor = self._prepare()
        widths = {c.key: c for c in _COLUMNS}
        sizes = [widths[c].width for c in self._columns]
        if y == 0:
            return _line([(widths[c].label, header) for c in self._columns], header, width,
                         sizes=sizes)  # fmt: skip
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self._order):
            return Strip.blank(width, base)
        key = self._order[index]
        if key in self._behind and self._now is not None:
            self._catch_up(key, self._now, repaint=False)  # scrolled into view since
        if key != self._cursor and key in self._lines:
            return self._lines[key]
        style = cursor if key == self._cursor else base
        shown = self._cells[key]
        badge = style + Style.parse(self._badges[key])
        line = _line(
            [(shown[c], badge if c == "status" else style) for c in self._columns], style, width,
            sizes=sizes,
        )  # fmt: skip
        if key != self._cursor:
            self._lines[key] = line
        return line


_ALL = tuple(c.key for c in _COLUMNS)


def _line(
    cells: Sequence[tuple[str, Style]], fill: Style, width: int, *, sizes: Sequence[int]
) -> Strip:
    """One table line: each cell cut (with an ellipsis) or padded to its column, a
    space either side; same-style neighbours merge into one segment."""
    segments: list[Segment] = []
    used = 0
    for (text, style), size in zip(cells, sizes, strict=True):
        length = cell_len(text)
        if length > size:
            text, length = set_cell_size(text, size - 1) + "…", size
        if style == fill:
            chunk = " " + text + " " * (size - length) + " "
            if segments and segments[-1].style == fill:
                segments[-1] = Segment(segments[-1].text + chunk, fill)
            else:
                segments.append(Segment(chunk, fill))
        else:
            segments.append(Segment(" ", fill))
            segments.append(Segment(text, style))
            segments.append(Segment(" " * (size - length) + " ", fill))
        used += size + 2
    if used < width:
        segments.append(Segment(" " * (width - used), fill))
        used = width
    strip = Strip(segments, used)
    return strip.crop(0, width) if used > width else strip
