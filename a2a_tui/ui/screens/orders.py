"""The orders screen: the support desk. Every order of this host's journal and its
watch list, live; search, sort, filter; the detail with its timeline; look an
order up by number; its deposit screen, its refund step, its support bundle.

Typing goes to the search box wherever the focus is; the arrows move in the
table from the search box too, so everything works from the keyboard. The
tracker (the app's, it outlives this screen) posts every read; this screen
only shows them. Workers post messages; handlers own the state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from a2a_tui.domain import display
from a2a_tui.domain.orders import OrderStatus, OrderView
from a2a_tui.domain.support import Commission, TimelineEntry, commission_summary
from a2a_tui.domain.text import inert
from a2a_tui.providers.http.errors import describe
from a2a_tui.services.desk import OrderEntry, SupportDesk
from a2a_tui.services.orders import OrderService
from a2a_tui.services.tracker import OrderUpdate, Tracker
from a2a_tui.ui.screens.deposit import DepositScreen
from a2a_tui.ui.screens.lookup import LookupScreen
from a2a_tui.ui.screens.refund import RefundScreen
from a2a_tui.ui.widgets.order_detail import DetailData, OrderDetail
from a2a_tui.ui.widgets.order_table import OrderRow, OrderTable
from a2a_tui.ui.widgets.quote_status import Part, compose
from a2a_tui.ui.widgets.typed_input import TypedInput

__all__ = ["FILTERS", "SORTS", "OrdersScreen"]

#: Side by side from this width; detail below the table from ``TALL`` rows;
#: otherwise the detail replaces the table (Enter toggles).
WIDE, TALL = 160, 36

SORTS = ("newest", "status", "time left", "order no")
#: Status groups first, then one per state.
FILTERS: tuple[str | None, ...] = (
    None, "active", "needs action", *(s.value for s in OrderStatus),
)  # fmt: skip
_NEEDS_ACTION = frozenset({
    OrderStatus.CHAIN_FAILED, OrderStatus.SLIPPAGE_FAILED, OrderStatus.REFUND_ADDRESS_PENDING,
    OrderStatus.FAILED_NO_REFUND,
})  # fmt: skip
_STATUS_ORDER = {status: i for i, status in enumerate(OrderStatus)}


class EntriesLoaded(Message):
    def __init__(self, entries: list[OrderEntry] | None, problem: str | None = None) -> None:
        super().__init__()
        self.entries, self.problem = entries, problem


class OrderChanged(Message):
    def __init__(self, update: OrderUpdate) -> None:
        super().__init__()
        self.update = update


class TimelineLoaded(Message):
    def __init__(self, key: str, timeline: list[TimelineEntry]) -> None:
        super().__init__()
        self.key, self.timeline = key, timeline


class LookedUp(Message):
    def __init__(self, order_no: str, entry: OrderEntry | None, problem: str | None) -> None:
        super().__init__()
        self.order_no, self.entry, self.problem = order_no, entry, problem


class BundleReady(Message):
    def __init__(self, text: str | None, problem: str | None = None) -> None:
        super().__init__()
        self.text, self.problem = text, problem


def _matches(entry: OrderEntry, view: OrderView | None, needle: str) -> bool:
    if not needle:
        return True
    fields = [entry.key, entry.client_order_id]
    if view is not None:
        fields += [view.order_no, view.client_order_id, view.deposit_address, view.dst_address]
    return any(needle in f.lower() for f in fields if f)


def _passes(view: OrderView | None, origin: str, wanted: str | None) -> bool:
    if wanted is None:
        return True
    if wanted == "active":
        return view is None or not view.final
    status = None if view is None else view.status
    if wanted == "needs action":
        late = (status is OrderStatus.CANCELLED_NO_DEPOSIT and view is not None
                and view.deposit is not None and not view.settled)  # fmt: skip
        return status in _NEEDS_ACTION or late or origin == "pending"
    return status is not None and str(status) == wanted


class OrdersScreen(Screen[None]):
    CSS_PATH = "orders.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="orders.back"),
        Binding("enter", "toggle_detail", "Details", id="orders.detail", show=False),
        Binding("ctrl+l", "lookup", "Look up", id="orders.lookup"),
        Binding("ctrl+r", "refund", "Refund", id="orders.refund"),
        Binding("ctrl+o", "deposit", "Deposit", id="orders.deposit"),
        Binding("ctrl+b", "bundle", "Bundle", id="orders.bundle"),
        # named on the status line instead of the footer (80 columns are not enough)
        Binding("ctrl+t", "cycle_filter", "Status filter", id="orders.filter", show=False),
        Binding("ctrl+s", "cycle_sort", "Sort", id="orders.sort", show=False),
        Binding("f5", "refresh_order", "Refresh", id="orders.refresh", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        # before the search box's own: Home/End move in the table (or the open detail)
        Binding("home", "edge(-1)", "First", show=False, priority=True),
        Binding("end", "edge(1)", "Last", show=False, priority=True),
    ]

    #: The tracker reads at full rate while this screen is on top.
    ORDERS_VIEW = True

    def __init__(
        self,
        desk: SupportDesk,
        tracker: Tracker,
        *,
        service: OrderService | None = None,
        wall_clock: Callable[[], datetime] | None = None,
        select: str | None = None,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.tracker = tracker
        self.service = service
        self._wall_clock = wall_clock
        self.entries: dict[str, OrderEntry] = {}
        self.sort = SORTS[0]
        self.filter: str | None = None
        self.search = ""
        self.detail_toggled = False
        self.timelines: dict[str, list[TimelineEntry]] = {}
        self.loaded = False
        self._select = select
        self._unsubscribe: Callable[[], None] | None = None
        self._closely: str | None = None
        self._refresh_pending = False  # a reorder is coming (many reads coalesce into it)
        self._status_stale = False  # counts and commission: redrawn at the next tick
        self._failing_said: tuple[int, str] | None = None  # on the status line now
        self._shown_detail: DetailData | None = None

    def now(self) -> datetime:
        clock = self._wall_clock or getattr(self.app, "wall_clock", None)
        return self.desk.host_time(clock() if clock is not None else datetime.now(UTC))

    def compose(self) -> ComposeResult:
        yield Header()  # its icon: the app's (A2AApp._own_glyphs)
        with Horizontal(id="orders-body"):
            with Vertical(id="orders-pane"):
                # select_on_focus off: a key typed elsewhere focuses it, then lands in it
                yield TypedInput(placeholder="type to search: order no, client_order_id, address",
                            id="orders-search", compact=True, select_on_focus=False)  # fmt: skip
                yield OrderTable(id="orders-table")
                yield Static(id="orders-status", markup=False)
                yield Static(id="orders-commission", markup=False)
            yield OrderDetail(id="order-detail")
        yield Footer(compact=True)

    def _row_of(self, key: str) -> OrderRow | None:
        entry = self.entries.get(key)
        return None if entry is None else self._row(entry)

    def on_mount(self) -> None:
        self.query_one(OrderTable).row_source = self._row_of
        self._unsubscribe = self.tracker.subscribe(
            lambda u: self.post_message(OrderChanged(u)) if u.news else None
        )
        self._layout()
        search = self.query_one("#orders-search", Input)
        search.cursor_blink = False  # a blink repaints twice a second, for nothing
        search.focus()
        self._say("loading the journal…")
        self.load_entries()
        self.set_interval(1.0, self._tick, name="orders clock")

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._watch(None)

    def on_resize(self) -> None:
        self._layout()
        self._refresh_table()

    def _layout(self) -> None:
        width, height = self.size
        wide = width >= WIDE
        tall = not wide and height >= TALL
        self.set_class(wide, "-wide")
        self.set_class(tall, "-tall")
        self.set_class(not wide and not tall, "-narrow")
        self.set_class(self.detail_toggled, "-toggled")

    # -- loading ----------------------------------------------------------------------

    @work(exclusive=True, group="orders-load", exit_on_error=False)
    async def load_entries(self) -> None:
        try:
            entries = await self.desk.entries()
        except Exception as exc:  # shown; the screen stays usable (look up still works)
            self.post_message(EntriesLoaded(None, describe(exc)))
        else:
            self.post_message(EntriesLoaded(entries))

    @on(EntriesLoaded)
    def _loaded(self, message: EntriesLoaded) -> None:
        self.loaded = True
        if message.entries is None:
            self._say(f"the journal could not be read: {message.problem}", "error")
            return
        for entry in message.entries:
            tracked = self.tracker.get(entry.key)
            if tracked is not None and tracked.view is not None:
                entry = entry.with_view(tracked.view)
            self.entries[entry.key] = entry
            if entry.order_no is not None:
                self.tracker.track(entry.order_no, entry.view)
        self._refresh_table()
        if self._select is not None:
            self.query_one(OrderTable).select(self._select)
        self._selection_changed()

    # -- rows ---------------------------------------------------------------------------

    def _view(self, entry: OrderEntry) -> OrderView | None:
        tracked = self.tracker.get(entry.key)
        if tracked is not None and tracked.view is not None:
            return tracked.view
        return entry.view

    def visible_entries(self) -> list[OrderEntry]:
        needle = self.search.strip().lower()
        chosen = [
            e for e in self.entries.values()
            if _matches(e, self._view(e), needle) and _passes(self._view(e), e.origin, self.filter)
        ]  # fmt: skip
        now = self.now()
        match self.sort:
            case "status":
                chosen.sort(key=self._status_rank)
            case "time left":
                chosen.sort(key=lambda e: self._left(e, now))
            case "order no":
                chosen.sort(key=lambda e: e.key)
            case _:  # newest: by creation on the host, whatever the order they were loaded in
                chosen.sort(key=lambda e: (self._created(e), e.key), reverse=True)
        return chosen

    def _created(self, entry: OrderEntry) -> datetime:
        """When the order was created (the host's ``created_at``; for one not read
        yet, when it was journaled or looked up here, on the host's clock)."""
        view = self._view(entry)
        if view is not None and view.created_at is not None:
            return view.created_at
        return self.desk.host_time(entry.since)

    def _passes_now(self, entry: OrderEntry) -> bool:
        view = self._view(entry)
        needle = self.search.strip().lower()
        return _matches(entry, view, needle) and _passes(view, entry.origin, self.filter)

    def _status_rank(self, entry: OrderEntry) -> int:
        view = self._view(entry)
        status = None if view is None else view.status
        return _STATUS_ORDER[status] if isinstance(status, OrderStatus) else len(_STATUS_ORDER)

    def _left(self, entry: OrderEntry, now: datetime) -> float:
        view = self._view(entry)
        if view is None or view.final:
            return float("inf")
        return (view.expire_at - now).total_seconds()

    def _row(self, entry: OrderEntry) -> OrderRow:
        tracked = self.tracker.get(entry.key)
        return OrderRow(
            key=entry.key,
            origin=entry.origin,
            view=self._view(entry),
            since=entry.since,
            channel=entry.channel,
            client_order_id=entry.client_order_id,
            age=self.tracker.age(entry.key),
            failures=0 if tracked is None else tracked.failures,
        )

    def _refresh_table(self) -> None:
        if not self.is_mounted:
            return
        table = self.query_one(OrderTable)
        rows = [self._row(e) for e in self.visible_entries()]
        table.show(rows, self.now(), width=max(table.size.width - 2, 40))
        self._refresh_status(len(rows))

    def _refresh_status(self, shown: int) -> None:
        total = len(self.entries)
        noun = "order" if total == 1 else "orders"
        count = f"{shown} of {total} {noun}" if shown != total else f"{total} {noun}"
        rate = "full rate" if self.tracker.visible else "background rate"
        if self.tracker.paused:
            rate = "paused"
        tracking = sum(1 for t in self.tracker.orders() if not t.final)
        status = self.filter or "all"
        # composed to fit like the board's status line: parts shorten, then go whole
        parts = [
            Part.of((count, None)),
            Part.of((f"^t status: {status}", 30), (f"^t {status}", 60)),
            Part.of((f"^s sort: {self.sort}", 20), (f"^s {self.sort}", 50)),
        ]
        if self.search:
            search = inert(self.search, limit=40)
            parts.append(Part.of((f"search: {search}", 40), (f"“{search}”", 70)))
        parts.append(Part.of((f"tracking {tracking} ({rate})", 10), (f"tracking {tracking}", 25)))
        failing = self._failing()
        if failing is not None:  # stale data is said at any width: the part never drops
            n, error = failing
            said = f"{n} failing to read"
            brief = error.split(" · ")[0]
            parts.append(Part.of((f"{said}: {error}", 35), (f"{said}: {brief}", 55), (said, None)))
        self._failing_said = failing
        widget = self.query_one("#orders-status", Static)
        width = widget.content_size.width or max(self.size.width - 2, 20)
        line = compose("", parts, width=width)
        if not self.loaded:
            return
        self._say(line, "error" if failing is not None else "")
        commission = self._commission()
        if commission != getattr(self, "_commission_said", None):
            self._commission_said = commission
            self.query_one("#orders-commission", Static).update(Content(commission))

    def _failing(self) -> tuple[int, str] | None:
        """How many tracked orders' reads are failing now, and the latest error."""
        failing = [t for t in self.tracker.orders() if t.failures and not t.final]
        if not failing:
            return None
        latest = max(failing, key=lambda t: t.last_try or 0.0)
        return len(failing), latest.error or "no answer"

    def _commission(self) -> str:
        views = [v for e in self.entries.values() if (v := self._view(e)) is not None]
        totals = commission_summary(views)
        if not totals:
            return "Commission: no orders yet"
        pieces = []
        for total in totals:
            token = total.token
            if token is None:
                continue
            said = []
            for state in (Commission.EARNED, Commission.PENDING, Commission.NONE):
                count = total.orders.get(state, 0)
                if not count:
                    continue
                units = total.amounts.get(state, 0)
                amount = display.amount_to_send(units, token.decimals)
                said.append(f"{state.value} {amount} ({count})" if state is not Commission.NONE
                            else f"none ({count})")  # fmt: skip
            pieces.append(f"{token.symbol}: " + " · ".join(said or ["—"]))
        return "Commission " + " | ".join(pieces) if pieces else "Commission: tokens unknown"

    def _say(self, text: str, kind: str = "") -> None:
        if (text, kind) == getattr(self, "_said", None):
            return  # an update would cost a layout pass
        self._said = (text, kind)
        status = self.query_one("#orders-status", Static)
        status.update(Content(text))
        status.set_class(kind == "error", "-error")

    def _tick(self) -> None:
        """Once a second: the time-dependent cells (where their text changed), the
        status line if reads changed it, the detail if its content changed."""
        if not self.loaded:
            return
        table = self.query_one(OrderTable)
        table.tick(self.now())
        if self._failing() != self._failing_said:  # a recovery posts no update of its own
            self._status_stale = True
        if self._status_stale:
            self._status_stale = False
            self._refresh_status(len(table.keys))
        if self._detail_visible():
            self._show_detail()

    def _refresh_soon(self) -> None:
        """Reads that may reorder the table: one rebuild for a burst of them."""
        if not self._refresh_pending:
            self._refresh_pending = True
            self.set_timer(0.2, self._refresh_now)

    def _refresh_now(self) -> None:
        self._refresh_pending = False
        self._refresh_table()

    # -- the selected order ----------------------------------------------------------------

    def selected(self) -> OrderEntry | None:
        key = self.query_one(OrderTable).highlighted_key()
        return None if key is None else self.entries.get(key)

    def _detail_visible(self) -> bool:
        """Enter toggles: it shows the detail when narrow, hides it otherwise."""
        return self.detail_toggled if self.has_class("-narrow") else not self.detail_toggled

    @on(OrderTable.Highlighted)
    def _highlighted(self) -> None:
        self._selection_changed()

    def _selection_changed(self) -> None:
        entry = self.selected()
        self._watch(entry.order_no if entry is not None else None)
        self.refresh_bindings()
        self._show_detail()
        if entry is not None:
            self.load_timeline(entry)

    def _watch(self, order_no: str | None) -> None:
        """The selected order is read at the imminent rate while it is selected."""
        if order_no == self._closely:
            return
        if self._closely is not None:
            self.tracker.watch_closely(self._closely, False)
        self._closely = order_no
        if order_no is not None:
            self.tracker.watch_closely(order_no, True)

    @work(exclusive=True, group="orders-timeline", exit_on_error=False)
    async def load_timeline(self, entry: OrderEntry) -> None:
        try:
            timeline = await self.desk.timeline(entry, self._view(entry))
        except Exception:  # the rest of the detail stands without it
            return
        self.post_message(TimelineLoaded(entry.key, timeline))

    @on(TimelineLoaded)
    def _timeline(self, message: TimelineLoaded) -> None:
        self.timelines[message.key] = message.timeline
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one(OrderDetail)
        entry = self.selected()
        if entry is None:
            self._shown_detail = None
            detail.show(None)
            detail.show_age(None)
            return
        view = self._view(entry)
        tracked = self.tracker.get(entry.key)
        if view is None:
            step = "the host has not confirmed this order yet: it is checked at every start"
            path, why = None, "no refund before the order exists"
            allowed: bool | None = False
        else:
            assessment = self.desk.assess(view)
            step = self.desk.next_step(view)
            if assessment.path is not None and assessment.allowed is not False and not view.final:
                step += " · ctrl+r opens the refund step"
            path = assessment.path.label if assessment.path else None
            why, allowed = assessment.why, assessment.allowed
        age = self.tracker.age(entry.key)
        data = DetailData(
            key=entry.key, origin=entry.origin, view=view, next_step=step, refund_path=path,
            refund_why=why, refund_allowed=allowed,
            timeline=tuple(self.timelines.get(entry.key, ())),
            error=None if tracked is None else tracked.error,
            created_with=None if entry.record is None else (entry.record.key_entry or "no key"),
            client_order_id=entry.client_order_id,
        )  # fmt: skip
        detail.show_age(age)
        if data != self._shown_detail:  # a second later, usually nothing changed
            self._shown_detail = data
            detail.show(data)

    # -- updates from the tracker ----------------------------------------------------------

    @on(OrderChanged)
    def _changed(self, message: OrderChanged) -> None:
        update = message.update
        entry = self.entries.get(update.order_no)
        if entry is None:
            return
        if update.view is not None:
            entry = self.entries[update.order_no] = entry.with_view(update.view)
        self._status_stale = True
        by_status = self.filter is not None or self.sort in ("status", "time left")
        reorders = update.status_changed and by_status
        table = self.query_one(OrderTable)
        if update.changed or update.error is not None or reorders:
            # a read that only confirms the order: its "updated" cell waits for the tick,
            # so a burst of reads costs one repaint a second, not one each
            shown = not reorders and table.update_row(self._row(entry), self.now())
            if not shown and (reorders or self._passes_now(entry)):
                self._refresh_soon()
        selected = self.selected()
        if selected is not None and selected.key == update.order_no:
            self.refresh_bindings()
            self._show_detail()
            if update.changed:
                self.load_timeline(self.entries[update.order_no])

    # -- keys ------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Type-to-search: a printable key anywhere but the search box goes there."""
        search = self.query_one("#orders-search", Input)
        if self.focused is search or not event.is_printable or event.character is None:
            return
        if self.app.screen is self:
            event.stop()
            event.prevent_default()
            search.focus()
            search.insert_text_at_cursor(event.character)

    @on(Input.Changed, "#orders-search")
    def _searched(self, event: Input.Changed) -> None:
        self.search = event.value
        self._refresh_table()
        self._selection_changed()

    @on(Input.Submitted, "#orders-search")
    def _search_submitted(self) -> None:
        self.action_toggle_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        entry = self.selected() if self.is_mounted else None
        view = None if entry is None else self._view(entry)
        match action:
            case "refund" | "bundle" | "refresh_order":
                return view is not None
            case "deposit":
                return view is not None and view.status is OrderStatus.DEPOSITING
        return True

    def _detail_alone(self) -> OrderDetail | None:
        """The detail, when it replaces the table (narrow, opened with Enter): the
        moving keys scroll it then (there is no table on screen to move in)."""
        if self.has_class("-narrow") and self.detail_toggled:
            return self.query_one(OrderDetail)
        return None

    def action_move(self, delta: int) -> None:
        if (detail := self._detail_alone()) is not None:
            detail.scroll_relative(y=delta, animate=False)
            return
        table = self.query_one(OrderTable)
        if table.row_count:
            row = min(max(table.cursor_row + delta, 0), table.row_count - 1)
            table.move_cursor(row=row, animate=False)

    def action_page(self, direction: int) -> None:
        if (detail := self._detail_alone()) is not None:
            (detail.scroll_page_down if direction > 0 else detail.scroll_page_up)(animate=False)
            return
        self.query_one(OrderTable).action_page(direction)

    def action_edge(self, direction: int) -> None:
        if (detail := self._detail_alone()) is not None:
            (detail.scroll_end if direction > 0 else detail.scroll_home)(animate=False)
            return
        self.query_one(OrderTable).action_edge(direction)

    def action_toggle_detail(self) -> None:
        self.detail_toggled = not self.detail_toggled
        self._layout()
        self._show_detail()

    def action_back(self) -> None:
        search = self.query_one("#orders-search", Input)
        if search.value:
            search.value = ""
            return
        if self.detail_toggled and self.has_class("-narrow"):
            self.action_toggle_detail()
            return
        self.dismiss(None)

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._refresh_table()

    def action_cycle_filter(self) -> None:
        present = {str(v.status) for e in self.entries.values()
                   if (v := self._view(e)) is not None and v.status is not None}  # fmt: skip
        choices = [f for f in FILTERS if f is None or f in ("active", "needs action")
                   or f in present]  # fmt: skip
        at = choices.index(self.filter) if self.filter in choices else 0
        self.filter = choices[(at + 1) % len(choices)]
        self._refresh_table()
        self._selection_changed()

    def action_refresh_order(self) -> None:
        entry = self.selected()
        if entry is not None and entry.order_no is not None:
            self.tracker.poll_soon(entry.order_no)
            self.notify(f"Reading {entry.order_no} again…", timeout=2, markup=False)

    def action_lookup(self) -> None:
        def looked(entry: OrderEntry | None) -> None:
            if entry is not None:
                self.post_message(LookedUp(entry.key, entry, None))

        self.app.push_screen(LookupScreen(self.desk), looked)

    @on(LookedUp)
    def _looked_up(self, message: LookedUp) -> None:
        if message.entry is None:
            said = message.problem or "no answer"
            if "order not found" in said:
                said = f"{self.desk.host_url} has no order {message.order_no}"
            self._say(f"✗ look up {message.order_no}: {said}", "error")
            self.notify(f"Look up {message.order_no}: {said}", severity="warning",
                        markup=False)  # fmt: skip
            return
        entry = message.entry
        new = entry.key not in self.entries
        self.entries = {entry.key: entry, **{k: v for k, v in self.entries.items()
                                            if k != entry.key}}  # fmt: skip
        self.tracker.track(entry.key, entry.view)
        self.search = ""
        self.query_one("#orders-search", Input).value = ""
        self.filter = None
        self._refresh_table()
        self.query_one(OrderTable).select(entry.key)
        self._selection_changed()
        where = "added to the watch list" if new and entry.origin == "watched" else "in the list"
        self.notify(f"{entry.key}: {where}, tracked.", title="Look up", markup=False)

    def action_deposit(self) -> None:
        entry = self.selected()
        view = None if entry is None else self._view(entry)
        if view is None or view.status is not OrderStatus.DEPOSITING:
            return
        self.app.push_screen(DepositScreen(view, service=self.service, wall_clock=self._wall_clock,
                                           tracker=self.tracker))  # fmt: skip

    def action_refund(self) -> None:
        entry = self.selected()
        view = None if entry is None else self._view(entry)
        if entry is None or view is None:
            return
        self.app.push_screen(RefundScreen(entry, view, self.desk, self.tracker,
                                          wall_clock=self._wall_clock))  # fmt: skip

    def action_bundle(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.make_bundle(entry, self._view(entry))

    @work(exclusive=True, group="orders-bundle", exit_on_error=False)
    async def make_bundle(self, entry: OrderEntry, view: OrderView | None) -> None:
        try:
            text = await self.desk.bundle(entry, view)
        except Exception as exc:  # shown
            self.post_message(BundleReady(None, describe(exc)))
        else:
            self.post_message(BundleReady(text))

    @on(BundleReady)
    def _bundle_ready(self, message: BundleReady) -> None:
        if message.text is None:
            self.notify(f"No bundle: {message.problem}", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(message.text)
        lines = message.text.count("\n")
        self.notify(f"Support bundle copied ({lines} lines, no secrets) through your terminal "
                    "(OSC 52). `a2a-tui order show ORDER_NO --bundle` prints it.",
                    title="Copied", markup=False, timeout=6)  # fmt: skip

    # used by the app to open the screen on one order
    def select_order(self, order_no: str) -> None:
        if not self.query_one(OrderTable).select(order_no):
            self._select = order_no

    @property
    def shown_keys(self) -> Sequence[str]:
        return self.query_one(OrderTable).keys
