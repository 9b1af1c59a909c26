"""The application shell: screens, theme, settings, commands. Everything else lives in screens."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, SearchIcon
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widgets import Header

from a2a_tui.domain.orders import FINAL_STATES, OrderStatus, status_label
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.refunds import refund_is_next
from a2a_tui.domain.text import count, inert
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.desk import SupportDesk
from a2a_tui.services.orders import OrderService, Resolution
from a2a_tui.services.preferences import PreferenceError, Preferences
from a2a_tui.services.tracker import OrderUpdate, Tracker
from a2a_tui.ui import glyphs
from a2a_tui.ui.commands import binding_commands
from a2a_tui.ui.screens.deposit import DepositScreen
from a2a_tui.ui.screens.keys import KeysScreen
from a2a_tui.ui.screens.orders import OrdersScreen
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.screens.settings import SettingsScreen

__all__ = ["A2AApp"]


class KeyLoaded(Message):
    """The integrator key (or its absence) is known: pending orders can be resolved."""


class PendingResolved(Message):
    def __init__(self, resolutions: list[Resolution], elsewhere: int) -> None:
        super().__init__()
        self.resolutions, self.elsewhere = resolutions, elsewhere


class OrderTracked(Message):
    """The tracker read an order (it runs on the app's loop; the app notifies)."""

    def __init__(self, update: OrderUpdate) -> None:
        super().__init__()
        self.update = update


#: A palette command the app's owner adds: title, help, what it does (the demo's
#: simulator controls). The callback gets the app.
AppCommand = tuple[str, str, Callable[["A2AApp"], object]]

_BAD_ENDS = frozenset({
    OrderStatus.CHAIN_FAILED, OrderStatus.SLIPPAGE_FAILED, OrderStatus.REFUND_ADDRESS_PENDING,
    OrderStatus.FAILED_NO_REFUND, OrderStatus.CANCELLED_NO_DEPOSIT,
})  # fmt: skip


class A2AApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "a2a-tui"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
        Binding("f2", "settings", "Settings", id="app.settings"),
        Binding("f3", "orders", "Orders", id="app.orders"),
        Binding("f1", "keys", "Keys", id="app.keys", show=False),
        Binding("ctrl+z", "suspend_process", "Suspend", id="app.suspend", show=False),
    ]

    def __init__(
        self,
        backend: Backend,
        *,
        preferences: Preferences | None = None,
        credentials: CredentialService | None = None,
        initial: QuoteArgs | None = None,
        subtitle: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        present_interval: float | None = None,
        orders: OrderService | None = None,
        orders_problem: str | None = None,
        wall_clock: Callable[[], datetime] | None = None,
        tracker: Tracker | None = None,
        track: bool = True,
        commands: Sequence[AppCommand] = (),
    ) -> None:
        """Without ``preferences``, ``credentials`` and ``orders`` the app uses
        defaults, a keyring and a journal in memory: nothing of the user's is
        read or written (demo, tests). ``orders_problem`` says why there is no
        journal (orders are then off). ``present_interval`` 0 repaints on
        every batch (deterministic tests); ``wall_clock`` runs the deposit
        countdowns (tests freeze it). ``tracker`` replaces the order tracker
        (tests drive its clock); ``track`` False never starts it (snapshots)."""
        super().__init__()
        self.backend = backend
        self.preferences = preferences or Preferences.defaults()
        self.credentials = credentials or CredentialService.in_memory()
        self.orders_problem = orders_problem
        self.orders = (
            orders
            if orders is not None or orders_problem is not None
            else OrderService.in_memory(backend, clock=clock)
        )
        self.wall_clock = wall_clock or (lambda: datetime.now(UTC))
        self.desk: SupportDesk | None = None
        self.tracker: Tracker | None = None
        if self.orders is not None:
            self.desk = tracker.desk if tracker is not None else SupportDesk(
                self.orders, wall_clock=self.wall_clock)  # fmt: skip
            self.tracker = tracker or Tracker(self.desk, wall_clock=self.wall_clock)
            self.orders.created_listeners.append(
                lambda view: self.tracker.track(view.order_no, view) if self.tracker else None
            )
            self.tracker.subscribe(
                lambda update: self.post_message(OrderTracked(update)) if update.news else None
            )
        self._track = track
        self.extra_commands = tuple(commands)
        self._tracking: asyncio.Task[None] | None = None
        self._resolved_once = False
        self.initial = initial
        self.clock = clock
        self.present_interval = present_interval
        self.sub_title = inert(subtitle or backend.base_url)
        # A 16-colour terminal (TERM=linux) maps the theme's orange accent to the
        # same bright red as errors: the stylesheets pick other colours there.
        self.set_class(self.console.color_system in ("standard", "windows"), "-ansi16")
        self.set_class(self.no_color, "-no-color")
        # the Linux console's font lacks braille, ⇄ ▾ ✓ ✗ ⚠ 🔎: ASCII there (ui/glyphs.py)
        self.linux_console = glyphs.linux_console(os.environ)
        glyphs.use(os.environ)

    def _fatal_error(self) -> None:
        """A crash shows where, never what: Textual's own traceback prints every
        frame's locals, which held a typed keyring password and key material.
        (Textual offers no setting for this; its private method is the one place.)"""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    def on_ready(self) -> None:
        # Everything alive now (modules, the DOM, the stylesheet) lives as long
        # as the app: moving it out of the collector's reach turns 40-85 ms
        # generation-2 pauses into a few ms, which is what kept fresh quotes
        # waiting on screen.
        gc.freeze()

    def on_mount(self) -> None:
        settings = self.preferences.settings
        if settings.ui.theme in self.available_themes:
            self.theme = settings.ui.theme
        else:
            self.preferences.problems.append(
                f"ui.theme: no theme {settings.ui.theme!r}; using the default"
            )
        if settings.keymap:
            self.set_keymap(settings.keymap)
        for problem in self.preferences.problems:
            self.notify(inert(problem, limit=400), title="Settings", severity="warning",
                        timeout=12, markup=False)  # fmt: skip
        if self.orders_problem:
            self.notify(inert(self.orders_problem, limit=400), title="Orders are off",
                        severity="error", timeout=20, markup=False)  # fmt: skip
        self.reload_api_key()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        # immediate: ctrl+z stops the process right after publishing
        self.app_suspend_signal.subscribe(self, self._suspended, immediate=True)
        self.app_resume_signal.subscribe(self, self._resumed, immediate=True)
        screen = QuoteScreen(
            self.backend,
            initial=self.initial,
            clock=self.clock,
            auto_requote=settings.quote.auto_refresh,
            default_slippage=settings.quote.default_slippage,
            orders=self.orders,
        )
        if self.present_interval is not None:
            screen.present_interval = self.present_interval
        # Pushed rather than returned from get_default_screen(): Textual loads a
        # screen's CSS_PATH only for pushed (or mode) screens.
        self.push_screen(screen)

    # -- order tracking ---------------------------------------------------------------

    def start_tracking(self) -> None:
        """The tracker runs as the app's own task, not a screen's worker: it outlives
        every screen (and never holds up `workers.wait_for_complete`)."""
        if self.tracker is None or not self._track or self._tracking is not None:
            return
        self._tracking = asyncio.create_task(self.tracker.run(), name="order tracker")

    def orders_view_shown(self) -> bool:
        """An orders view is the top screen (a modal over one counts as it)."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ModalScreen):
                continue
            return bool(getattr(screen, "ORDERS_VIEW", False))
        return False

    def _screen_changed(self, screen: Screen[object]) -> None:
        if self.tracker is not None:
            self.tracker.set_visible(self.orders_view_shown())
        self._own_glyphs(screen)

    def _own_glyphs(self, screen: Screen[object]) -> None:
        """The header icon of every screen, and the command palette's own 🔎, in the
        terminal's glyphs: set here, in one place, whatever each screen composed
        (now, and again once a screen still composing has)."""

        def swap() -> None:
            for header in screen.query(Header):
                header.icon = glyphs.GLYPHS.pair
            if isinstance(screen, CommandPalette):
                for icon in screen.query(SearchIcon):
                    icon.icon = glyphs.GLYPHS.search

        swap()
        screen.call_after_refresh(swap)

    def _suspended(self, _: object) -> None:
        if self.tracker is not None:
            self.tracker.pause()

    def _resumed(self, _: object) -> None:
        if self.tracker is not None:
            self.tracker.resume()

    @on(OrderTracked)
    def _order_tracked(self, message: OrderTracked) -> None:
        """A state change is said wherever the user is (the journal has it already)."""
        update = message.update
        if not update.status_changed or update.status is None:
            return
        status = update.status
        severity: Literal["information", "warning", "error"] = "information"
        if status in _BAD_ENDS:
            severity = "warning"
        elif status in FINAL_STATES and status is not OrderStatus.COMPLETED:
            severity = "warning" if status is OrderStatus.REFUNDED else "error"
        was = "" if update.previous is None else f" (was {status_label(update.previous)})"
        then = ""
        view = update.view
        if self.desk is not None and view is not None and not view.final:
            assessment = self.desk.assess(view)
            if assessment.path is not None and refund_is_next(view, assessment):
                then = f". Next: F3, then ctrl+r, to request the refund ({assessment.path.label})"
        self.notify(f"Order {update.order_no}: {status_label(status)}{was}{then}",
                    title="Order update", severity=severity, timeout=10,
                    markup=False)  # fmt: skip

    def action_orders(self) -> None:
        """The orders screen: back to it if it is open under this one, else opened."""
        if self.desk is None or self.tracker is None:
            self.notify(inert(self.orders_problem or "orders are off", limit=400),
                        title="Orders are off", severity="error", markup=False)  # fmt: skip
            return
        if isinstance(self.screen, OrdersScreen):
            return
        if any(isinstance(s, OrdersScreen) for s in self.screen_stack):
            while not isinstance(self.screen, OrdersScreen):
                self.pop_screen()
            return
        self.push_screen(OrdersScreen(self.desk, self.tracker, service=self.orders,
                                      wall_clock=self.wall_clock))  # fmt: skip

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "orders":  # not offered on the orders screen itself
            return not isinstance(self.screen, OrdersScreen)
        return True

    def _theme_changed(self, theme: Theme) -> None:
        """Remember the user's theme (never in the demo, which has no config file)."""
        if self.preferences.path is None or theme.name == self.preferences.settings.ui.theme:
            return
        try:
            self.preferences.save({"ui.theme": theme.name})
        except PreferenceError as exc:  # its text may say "not saved" already
            reason = inert(exc).removeprefix("not saved: ")
            self.notify(f"theme not saved: {reason}", severity="warning", markup=False)

    def action_settings(self) -> None:
        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(
                SettingsScreen(self.credentials, self.preferences, self.backend.base_url)
            )

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.take_screenshot(filename, path)

    def take_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen where the notification says, or say why not.

        Textual saves to ~/Downloads, absent on a headless box, and reports only
        "Failed to save screenshot". In a browser (textual-serve) the browser
        downloads it, as Textual does. Screens show masks, never secrets, so a
        screenshot holds none either.
        """
        if self.is_web:
            self.deliver_screenshot(filename, path)
            return
        folder = Path(path).expanduser() if path else self.preferences.screenshot_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(filename, str(folder))
        except OSError as exc:
            reason = f"{exc.strerror}: {exc.filename}" if exc.strerror else str(exc)
            self.notify(f"Not saved in {folder}: {reason}", title="Screenshot",
                        severity="error", timeout=12, markup=False)  # fmt: skip
            return
        self.notify(f"Saved to {saved}", title="Screenshot", timeout=8, markup=False)

    def action_keys(self) -> None:
        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.screen))

    @on(SettingsScreen.ApiKeyChanged)
    def _api_key_changed(self) -> None:
        self.reload_api_key()

    @work(thread=True, exclusive=True, group="api-key")
    def reload_api_key(self) -> None:
        """Off the UI thread: a keyring lookup may wait on D-Bus or an unlock prompt."""
        host = self.backend.base_url
        self.backend.set_api_key(
            self.credentials.get("any2any.api_key", host),
            self.credentials.origin("any2any.api_key", host),
            self.credentials.unreadable("any2any.api_key", host),
            self.credentials.how_to_set("any2any.api_key"),
        )
        self.post_message(KeyLoaded())

    @on(KeyLoaded)
    def _key_loaded(self) -> None:
        if not self._resolved_once and self.orders is not None:
            self._resolved_once = True  # at start only: later pending entries are the screen's
            self.resolve_pending()
            self.start_tracking()

    @work(exclusive=True, group="pending-orders", exit_on_error=False)
    async def resolve_pending(self) -> None:
        """Orders journaled by an earlier run that never got an answer: send them
        again, as they were, so they are found (never created twice)."""
        assert self.orders is not None
        resolutions = await self.orders.resolve_pending()
        self.post_message(PendingResolved(resolutions, self.orders.pending_elsewhere()))

    @on(PendingResolved)
    def _pending_resolved(self, message: PendingResolved) -> None:
        shown = False
        for resolution in message.resolutions:
            severity: Literal["information", "warning"] = (
                "information" if resolution.outcome == "created" else "warning"
            )
            self.notify(inert(resolution.message, limit=400), title="Pending order",
                        severity=severity, timeout=15, markup=False)  # fmt: skip
            if resolution.view is not None and not shown:
                shown = True  # the first found order on screen; the others are notified
                self.push_screen(DepositScreen(resolution.view, service=self.orders, fresh=True))
        if message.elsewhere:
            self.notify(
                f"{count(message.elsewhere, 'pending order')} of other hosts stay journaled: "
                "they are resolved when a2a-tui runs against their host "
                "(a2a-tui order list shows them).",
                title="Pending orders", severity="warning", timeout=15, markup=False,
            )  # fmt: skip

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every action the app and the current screen bind.
        Textual's "Keys" panel is replaced by `KeysScreen` (see there why)."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":  # the timer lets the palette close first
                yield command._replace(
                    help=f"Save an SVG of this screen in {self.preferences.screenshot_dir()}",
                    callback=lambda: self.set_timer(0.1, self.take_screenshot),
                )
            elif command.title != "Keys":
                yield command
        yield from binding_commands(self, screen, self.preferences.settings.keymap)
        for title, help_text, run in self.extra_commands:
            yield SystemCommand(title, help_text, lambda run=run: run(self))

    def current_order_no(self) -> str | None:
        """The order on screen: the deposit screen's, the refund step's, or the
        orders screen's highlighted row."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, OrdersScreen):
                entry = screen.selected()
                return None if entry is None else entry.order_no
            view = getattr(screen, "view", None)
            order_no = getattr(view, "order_no", None)
            if isinstance(order_no, str):
                return order_no
        return None

    async def on_unmount(self) -> None:
        if self._tracking is not None:
            self._tracking.cancel()
            with contextlib.suppress(BaseException):
                await self._tracking
        await self.backend.close()
        if self.orders is not None:
            self.orders.close()
