"""The live quote table.

A Line API widget (like toolong's log view) rather than a DataTable: it
renders only the visible lines straight from the ranking board, so a
thousand channels re-ranking cost what twenty visible rows cost, and a
burst of updates is one repaint. The cursor belongs to a row key, not an
index: when ranks move, the highlight moves with its row. Until the user
moves it, it rides on the best quote; a row the user chose stays chosen
across a re-quote of the same pair, as long as the new quote has it.

Each quoted row turns stale on its own, 10 s after its price arrived (or at
its quote's own expiry): its amounts dim and its tags start with STALE
(readable without colour). A board of several sources names each row's
provider (a 3-letter tag where there is no room for the name), shows the
ETA when wide, marks a row with warnings ``⚠``, and writes what cannot be
ranked (another asset, a source not available) in words, below the ranking.

All text comes from the board already made inert; it is emitted as plain
segments, never parsed as markup.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from a2a_tui.domain import display
from a2a_tui.engine.board import BoardPhase, QuoteBoard, Ranked, RowKey, RowState, Tag
from a2a_tui.ui.glyphs import GLYPHS
from a2a_tui.ui.widgets.rows import scroll_row_into_view

__all__ = ["TAGS_COMPACT", "TAGS_FULL", "QuoteTable", "tag_text"]

STALE_TAG = "STALE"
WARNING_MARK = "⚠"
#: Tags by their full names, as the README, the headless table and --json write them;
#: a narrow table writes each by its initial (``STALE B C F``): every tag stays.
_TAG_LETTERS = {Tag.BEST: "B", Tag.CHEAPEST: "C", Tag.FASTEST: "F"}
TAGS_FULL = len(" ".join([STALE_TAG, *Tag]))  # STALE BEST CHEAPEST FASTEST
TAGS_COMPACT = len(" ".join([STALE_TAG, *_TAG_LETTERS.values()]))  # STALE B C F


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    width: int
    right: bool = False


#: Columns a narrow table gives up, first to last, rather than cut a number.
_DROP_ORDER = ("delta", "eta", "time", "tags", "fee", "usd", "via")
_NAME_MIN = 10
#: The route name's room on a wide table before any column widens.
_NAME_WIDE = 16
#: What a wide table (``width >= 100``) widens, in this order, while the name
#: keeps its room: (key, new width; a new column goes after ``after``).
_WIDER: tuple[tuple[str, int, str | None], ...] = (
    ("provider", 11, "name"), ("fee", 14, None), ("eta", 6, "delta"), ("out", 16, None),
    ("usd", 12, None), ("delta", 7, None), ("time", 7, None),
)  # fmt: skip


def _span(columns: list[Column]) -> int:
    """Cells the columns take: each cell and one space between neighbours."""
    return sum(c.width for c in columns) + len(columns) - 1


def layout(width: int, symbol: str, *, sources: int = 1) -> list[Column]:
    """Columns for a width: the channel name takes what the others leave.

    Numbers are never cut: each numeric column is wide enough for the
    compact form (``3.11M``), and a table too narrow for all of them drops
    whole columns (`_DROP_ORDER`) instead. A board of several ``sources``
    names each row's provider by its 3-letter tag; a wide table (from 100
    columns) writes the tags in full and, room allowing, widens what it can
    (`_WIDER`): the provider's name instead of its tag, the fee with the rate
    before a promo, the ETA some providers give.
    """
    wide = width >= 100
    several = sources > 1
    columns = [
        Column("rank", "#", 3, right=True),
        *([Column("via", "Via", 3)] if several else []),
        Column("name", "Route" if several else "Channel", _NAME_MIN),
        Column("out", f"Receive {symbol}"[:15], 15, right=True),
        Column("usd", "USD", 10, right=True),
        Column("fee", "Fee", 6, right=True),
        Column("delta", "Δ bps", 6, right=True),
        Column("time", "Time", 6, right=True),
        Column("tags", "Tags", TAGS_FULL if wide else TAGS_COMPACT),
    ]
    for key in _DROP_ORDER:
        if _span(columns) <= width:
            break
        columns = [c for c in columns if c.key != key]
    if wide:
        columns = _widen(columns, width - (_NAME_WIDE - _NAME_MIN), several, symbol)
    name_width = max(_NAME_MIN, width - _span(columns) + _NAME_MIN)
    return [Column(c.key, c.title, name_width) if c.key == "name" else c for c in columns]


def _widen(columns: list[Column], room: int, several: bool, symbol: str) -> list[Column]:
    for key, size, after in _WIDER:
        if key == "eta" and not several:
            continue
        keys = [c.key for c in columns]
        if key in keys:
            index = keys.index(key)
            old = columns[index]
            title = f"Receive {symbol}"[:size] if key == "out" else old.title
            trial = [*columns[:index], Column(key, title, size, old.right), *columns[index + 1 :]]
        else:
            new = {"provider": Column("provider", "Provider", 11 if several else 9),
                   "eta": Column("eta", "ETA", size, right=True)}[key]  # fmt: skip
            assert after is not None
            at = keys.index(after) + 1
            trial = [*columns[:at], new, *columns[at:]]
            if key == "provider":  # the name instead of its tag
                trial = [c for c in trial if c.key != "via"]
        if _span(trial) <= room:
            columns = trial
    return columns


class QuoteTable(ScrollView, can_focus=True):
    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()

    COMPONENT_CLASSES = {
        "quote-table--header",
        "quote-table--cursor",
        "quote-table--cursor-muted",
        "quote-table--best",
        "quote-table--pending",
        "quote-table--failed",
        "quote-table--stale",
        "quote-table--tag",
    }

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(-1)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("enter", "select", "Choose", id="quote_table.select", show=False),
    ]

    previous: reactive[bool] = reactive(False)
    """Dim every amount: the board answers a request the form no longer holds."""

    class Highlighted(Message):
        """The cursor is on another row (or on none); ``by_user`` is False when
        it moved because it rides on the best row."""

        def __init__(self, key: RowKey | None, by_user: bool) -> None:
            super().__init__()
            self.key = key
            self.by_user = by_user

    class Selected(Message):
        """The user chose a row (Enter or a second click). It says what the
        screen needs to refuse a choice that must not become an order: a row
        without a price, a stale price, a stopped quote, or a board that no
        longer matches the form (``previous``)."""

        def __init__(
            self,
            key: RowKey,
            *,
            name: str,
            state: RowState,
            age: float | None,
            stale: bool,
            phase: BoardPhase,
            previous: bool,
        ) -> None:
            super().__init__()
            self.key, self.name, self.state, self.age = key, name, state, age
            self.stale, self.phase, self.previous = stale, phase, previous

    class ChoiceLost(Message):
        """The row the user had chosen is not in the new quote: the cursor is
        back on the best row."""

        def __init__(self, key: RowKey, name: str) -> None:
            super().__init__()
            self.key, self.name = key, name

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._now = clock
        self._board: QuoteBoard | None = None
        self._columns: list[Column] = []
        self._styles: dict[str, Style] = {}
        self._on_cursor: dict[str, Style] = {}
        self._widths: dict[str, int] = {}
        self._forms: dict[str, display.Form] = {}
        self._cursor: RowKey | None = None
        self._follow_best = True
        self._wanted: tuple[RowKey, str] | None = None  # the user's row, awaited in a re-quote
        self._stale_edge = 0
        self._paint_now = 0.0
        self._spinning = False
        self.paints = 0  # render passes, for the coalescing test and the benchmark
        self.updates = 0  # board changes taken in

    # -- data -------------------------------------------------------------------

    @property
    def cursor_key(self) -> RowKey | None:
        return self._cursor

    def show(self, board: QuoteBoard | None) -> None:
        """Display another board (a new quote). The cursor starts on its best
        row, unless the user had chosen a row and this is a re-quote of the
        same pair: then it goes back to that row as soon as the new quote has it."""
        old = self._board
        same_pair = (
            old is not None
            and board is not None
            and (old.spec.src, old.spec.dst) == (board.spec.src, board.spec.dst)
        )
        wanted = self._wanted if same_pair else None
        if same_pair and old is not None and not self._follow_best and self._cursor is not None:
            found = old.find(self._cursor)
            wanted = (self._cursor, "" if found is None else found.row.name)
        self._board = board
        self._wanted = wanted
        self._follow_best = True
        self._cursor = None
        self._stale_edge = 0
        self.scroll_to(y=0, animate=False)
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """The board changed: re-read it, keep the cursor on its row, repaint once."""
        self.updates += 1
        board = self._board
        count = 0 if board is None else len(board)
        height = count + 1
        if self.virtual_size.height != height:  # a layout pass only when the row count moves
            self.virtual_size = Size(self.size.width, height)
        if board is not None and self._wanted is not None:
            self._find_wanted(board)
        if count and (self._follow_best or self._cursor is None):
            self._move_to(0, follow=self._follow_best)
        elif not count:
            self._set_cursor(None)
        else:
            scroll_row_into_view(self, self._cursor_index())
        spinning = board is not None and board.status().pending > 0
        if spinning and not self._spinning:
            self._spinner = self.set_interval(0.1, self._spin, name="spinner")
        elif not spinning and self._spinning:
            self._spinner.stop()
        self._spinning = spinning
        self.refresh()

    def refresh_ages(self) -> None:
        """Time passed: repaint only if some row has turned stale since the last look."""
        board = self._board
        edge = 0 if board is None else board.stale_edge(self._now())
        if edge != self._stale_edge:
            self._stale_edge = edge
            self.refresh()

    def _find_wanted(self, board: QuoteBoard) -> None:
        """Back on the user's row once the re-quote has it; once the quote says
        it will not come (every channel announced, or the quote ended), say so."""
        assert self._wanted is not None
        key, name = self._wanted
        if key in board:
            self._wanted = None
            self._follow_best = False
            self._set_cursor(key)
            scroll_row_into_view(self, self._cursor_index())
        elif board.status().expected is not None or board.phase is not BoardPhase.STREAMING:
            self._wanted = None
            self.post_message(self.ChoiceLost(key, name))

    def selection(self) -> Selected | None:
        """What choosing the cursor's row would say, as of now."""
        board, key = self._board, self._cursor
        ranked = None if board is None or key is None else board.find(key)
        if board is None or ranked is None:
            return None
        row, now = ranked.row, self._now()
        return self.Selected(
            row.key,
            name=row.name,
            state=row.state,
            age=board.row_age(row, now),
            stale=board.is_row_stale(row, now),
            phase=board.phase,
            previous=self.previous,
        )

    # -- cursor -----------------------------------------------------------------

    def _cursor_index(self) -> int:
        if self._board is None or self._cursor is None:
            return 0
        index = self._board.index_of(self._cursor)
        return 0 if index is None else index

    def _set_cursor(self, key: RowKey | None, *, by_user: bool = False) -> None:
        if key != self._cursor:
            self._cursor = key
            self.post_message(self.Highlighted(key, by_user))

    def _row_count(self) -> int:
        return 0 if self._board is None else len(self._board)

    def _move_to(self, index: int, *, follow: bool = False) -> None:
        board = self._board
        if board is None or not len(board):
            return
        index = max(0, min(index, len(board) - 1))
        by_user = not follow or not self._follow_best
        self._follow_best = follow
        self._set_cursor(board.row_at(index).row.key, by_user=by_user)
        scroll_row_into_view(self, index)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self._wanted = None  # the user moved: their new row wins over the awaited one
        self._move_to(self._cursor_index() + step)

    def action_page(self, direction: int) -> None:
        self._wanted = None
        self._move_to(self._cursor_index() + direction * max(1, self.size.height - 2))

    def action_edge(self, direction: int) -> None:
        self._wanted = None
        self._move_to(0 if direction < 0 else self._row_count() - 1, follow=direction < 0)

    def action_select(self) -> None:
        selected = self.selection()
        if selected is not None:
            self.post_message(selected)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if self._board is None or index >= len(self._board):
            return
        key = self._board.row_at(index).row.key
        self._wanted = None
        if key == self._cursor and event.chain >= 1 and not self._follow_best:
            self.action_select()
        self._move_to(index)

    # -- rendering --------------------------------------------------------------

    def watch_previous(self) -> None:
        self.refresh()

    def _prepare(self) -> None:
        """Columns and component styles, once per paint rather than once per line.

        Overlays are partial styles, so the cursor's background shows through,
        with the colour as resolved against the table's background: a partial
        style keeps ``$text-disabled`` (``auto 38%``) unresolved, and it painted
        stale amounts brighter than fresh ones instead of dimmer.

        On the cursor's row the overlays keep their text style but not their
        colour: every text there is the cursor's, or its muted shade (what is
        stale, waiting or of a previous request), one pair of colours that is
        checked for contrast in every colour system rather than seven that
        would each need the cursor's background in mind. No colour comes from
        ``dim``, whose look every terminal chooses for itself.
        """
        board = self._board
        self._paint_now = self._now()  # one "now" per paint: rows age consistently
        sources = board.status().sources if board is not None else 1
        self._columns = layout(self.size.width, board.spec.dst.symbol if board else "",
                               sources=sources)  # fmt: skip
        base = self.rich_style
        self._styles = {
            "base": base,
            "header": base + self.get_component_rich_style("quote-table--header"),
            "cursor": base + self.get_component_rich_style("quote-table--cursor"),
            **{name: self._overlay(name) for name in ("best", "stale", "tag", "pending", "failed")},
        }
        styles = self._styles
        muted = Style(color=self.get_component_rich_style("quote-table--cursor-muted").color,
                      bold=False)  # fmt: skip
        self._on_cursor = {
            **{name: styles[name].without_color for name in ("best", "tag", "failed")},
            "stale": muted,
            "pending": muted,
        }
        # One form per numeric column, from the best row: it has the largest
        # amount, so every other row fits the same form and lines up with it.
        self._widths = {c.key: c.width for c in self._columns}
        self._forms = {}
        best = board.best() if board is not None else None
        if board is not None and best is not None and best.row.quote is not None:
            quote, dst = best.row.quote, board.spec.dst
            if "out" in self._widths:
                value = Fraction(quote.out_amount, 10 ** quote.decimals(dst))
                self._forms["out"] = display.choose(
                    value, self._widths["out"], decimals=min(dst.decimals, display.TABLE_DECIMALS)
                )
            if "usd" in self._widths:
                self._forms["usd"] = display.usd_form(quote.out_usd, self._widths["usd"])

    def _overlay(self, name: str) -> Style:
        partial = self.get_component_rich_style(f"quote-table--{name}", partial=True)
        if partial.color is None:
            return partial
        return partial + Style(color=self.get_component_rich_style(f"quote-table--{name}").color)

    def render_lines(self, crop: Region) -> list[Strip]:
        self.paints += 1
        self._prepare()
        return super().render_lines(crop)

    def _spin(self) -> None:
        """Repaint only the visible pending rows: the spinner is all that moves."""
        board = self._board
        if board is None:
            return
        top = int(self.scroll_offset.y)
        for y in range(1, self.size.height):
            index = top + y - 1
            if index >= len(board):
                break
            if board.row_at(index).row.state is RowState.PENDING:
                self.refresh(Region(0, y, self.size.width, 1))

    def render_line(self, y: int) -> Strip:
        if not self._styles:  # a line asked for outside a paint pass
            self._prepare()
        width, board, columns, styles = self.size.width, self._board, self._columns, self._styles
        if y == 0:
            style = styles["header"]
            titles = [(GLYPHS.text(c.title), style, c.width, c.right) for c in columns]
            return _strip(titles, style, width)
        index = int(self.scroll_offset.y) + y - 1
        if board is None or index >= len(board):
            return Strip.blank(width, styles["base"])
        ranked = board.row_at(index)
        style = styles["cursor"] if ranked.row.key == self._cursor else styles["base"]
        return _strip(self._cells(board, ranked, columns, style), style, width)

    def _cells(
        self, board: QuoteBoard, ranked: Ranked, columns: list[Column], base: Style
    ) -> list[Cell]:
        row, quote = ranked.row, ranked.row.quote
        name = f"{WARNING_MARK}{row.name}" if quote is not None and quote.warnings else row.name
        values: dict[str, tuple[str, Style]] = {
            "name": (name, base),
            "provider": (row.source_label, base),
            "via": (row.source_tag or row.source_label[:3], base),
        }
        over = self._on_cursor if base is self._styles["cursor"] else self._styles
        if row.state is RowState.QUOTED and quote is not None:
            amount_style = base
            if ranked.rank == 1:
                amount_style = base + over["best"]
            stale = board.is_row_stale(row, self._paint_now)
            if stale or self.previous:
                amount_style = base + over["stale"]
            widths, forms = self._widths, self._forms
            fee_width = widths.get("fee", 6)
            fee = display.percent(quote.fee_pct, fee_width)
            if quote.promo_applied:  # the original beside it when there is room, else a mark
                both = f"{fee} ({display.percent(quote.fee_pct_original)})"
                if len(both) <= fee_width:
                    fee = both
                else:
                    fee = "*" + display.percent(quote.fee_pct, fee_width - 1)
            tag_style = base + over["tag"]
            values |= {
                "rank": (str(ranked.rank), base),
                "out": (
                    display.amount(
                        quote.out_amount,
                        quote.decimals(board.spec.dst),
                        width=widths.get("out"),
                        form=forms.get("out"),
                        token_decimals=board.spec.dst.decimals,
                    ),
                    amount_style,
                ),
                "usd": (
                    display.usd(quote.out_usd, width=widths.get("usd"), form=forms.get("usd")),
                    amount_style,
                ),
                "fee": (fee, base),
                "delta": (display.bps(ranked.shortfall_bps, widths.get("delta")), base),
                "eta": ("" if quote.eta is None else display.duration(quote.eta), base),
                "time": (display.duration(ranked.latency), base),
                "tags": (_tags(ranked, stale, columns), tag_style),
            }
            return [(*values.get(c.key, ("", base)), c.width, c.right) for c in columns]
        if row.state in (RowState.PENDING, RowState.STOPPED):
            style = base + over["pending"]
            if row.state is RowState.STOPPED:  # still, and says why it has no price
                values |= {"rank": (GLYPHS.stop, style), "out": ("stopped", style)}
            else:
                frame = GLYPHS.spinner[int(self._now() * 10) % len(GLYPHS.spinner)]
                values |= {"rank": (frame, style), "out": ("waiting…", style)}
            return [(*values.get(c.key, ("", style)), c.width, c.right) for c in columns]
        # failed, unranked, not available: the message spans from the amount column
        # up to the time (or tags) column
        if row.state is RowState.FAILED:
            style = base + over["failed"]
            values |= {
                "rank": (GLYPHS.fail, style),
                "time": (display.duration(ranked.latency), style),
            }
        else:  # not an error: said quietly, in words
            style = base + over["pending"]
            mark = GLYPHS.prev if row.state is RowState.UNRANKED else "-"
            latency = "" if ranked.latency is None else display.duration(ranked.latency)
            values |= {"rank": (mark, style), "time": (latency, style)}
        # the tags column is empty on these rows: the message takes it too, and the
        # time column as well when there is no time to show (200 columns has room)
        keys = [c.key for c in columns]
        first = keys.index("out")
        timed = bool(values.get("time", ("",))[0])
        ends = ("time", "tags") if timed else ()
        last = next((keys.index(k) for k in ends if k in keys), len(keys))
        span = _span(columns[first:last])
        return [
            *[(*values.get(c.key, ("", style)), c.width, c.right) for c in columns[:first]],
            (_fit_message(row.error or "failed", span), style, span, False),
            *[(*values.get(c.key, ("", style)), c.width, c.right) for c in columns[last:]],
        ]


#: (text, style, width, right-aligned)
Cell = tuple[str, Style, int, bool]


def tag_text(tags: frozenset[Tag], stale: bool, width: int | None = None) -> str:
    """The row's tags, STALE first, by their full names; in a column narrower
    than every combination needs, by their initials (``STALE B C F``), so no
    tag is ever left out. The detail panel and F1 say what the letters mean."""
    words = [STALE_TAG] if stale else []
    if width is None or width >= TAGS_FULL:
        return " ".join([*words, *(t.value for t in Tag if t in tags)])
    return " ".join([*words, *(_TAG_LETTERS[t] for t in Tag if t in tags)])


def _tags(ranked: Ranked, stale: bool, columns: list[Column]) -> str:
    width = next((c.width for c in columns if c.key == "tags"), 0)
    return tag_text(ranked.tags, stale, width)


def _fit_message(text: str, width: int) -> str:
    """A row's message in ``width`` cells: what follows its last `` · `` goes
    first (``cannot connect to host · is `a2a-tui sim` running?``), then it
    ends with ``…`` where a word ends; the detail panel has it whole."""
    while cell_len(text) > width and " · " in text:
        text = text.rpartition(" · ")[0]
    if cell_len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return (text[:cut] if cut > width // 2 else set_cell_size(text, width - 1)) + "…"


def _strip(cells: list[Cell], fill: Style, width: int) -> Strip:
    """One table line: each cell cut (with an ellipsis) or padded to its width.

    Neighbouring cells of the same style become one segment: Textual's work
    per painted line grows with its segment count, and most cells share the
    row's style.
    """
    segments: list[Segment] = []
    run: list[str] = []
    run_style = fill
    used = 0
    for text, style, size, right in cells:
        length = cell_len(text)
        if length > size:
            text, length = set_cell_size(text, size - 1) + "…", size
        pad = " " * (size - length)
        if style != run_style:
            if run:
                segments.append(Segment("".join(run), run_style))
            run, run_style = [], style
        run.append(pad + text if right else text + pad)
        if run_style == fill:
            run.append(" ")
        else:
            segments.append(Segment("".join(run), run_style))
            run, run_style = [" "], fill
        used += size + 1
    if used < width:
        run.append(" " * (width - used))
        used = width
    if run:
        segments.append(Segment("".join(run), run_style))
    strip = Strip(segments, used)
    return strip.crop(0, width) if used > width else strip
