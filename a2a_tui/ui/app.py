"""The application shell: screens, theme, settings, commands. Everything else lives in screens."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.text import inert
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.preferences import PreferenceError, Preferences
from a2a_tui.ui.commands import binding_commands
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.screens.settings import SettingsScreen

__all__ = ["A2AApp"]


class A2AApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "a2a-tui"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
        Binding("f2", "settings", "Settings", id="app.settings"),
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
    ) -> None:
        """Without ``preferences`` and ``credentials`` the app uses defaults and a
        keyring in memory: nothing of the user's is read or written (demo, tests).
        ``present_interval`` 0 repaints on every batch (deterministic tests)."""
        super().__init__()
        self.backend = backend
        self.preferences = preferences or Preferences.defaults()
        self.credentials = credentials or CredentialService.in_memory()
        self.initial = initial
        self.clock = clock
        self.present_interval = present_interval
        self.sub_title = inert(subtitle or backend.base_url)
        # A 16-colour terminal (TERM=linux) maps the theme's orange accent to the
        # same bright red as errors: the stylesheets pick other colours there.
        self.set_class(self.console.color_system in ("standard", "windows"), "-ansi16")
        self.set_class(self.no_color, "-no-color")

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
        self.reload_api_key()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        screen = QuoteScreen(
            self.backend,
            initial=self.initial,
            clock=self.clock,
            auto_requote=settings.quote.auto_refresh,
            default_slippage=settings.quote.default_slippage,
        )
        if self.present_interval is not None:
            screen.present_interval = self.present_interval
        # Pushed rather than returned from get_default_screen(): Textual loads a
        # screen's CSS_PATH only for pushed (or mode) screens.
        self.push_screen(screen)

    def _theme_changed(self, theme: Theme) -> None:
        """Remember the user's theme (never in the demo, which has no config file)."""
        if self.preferences.path is None or theme.name == self.preferences.settings.ui.theme:
            return
        try:
            self.preferences.save({"ui.theme": theme.name})
        except PreferenceError as exc:
            self.notify(f"theme not saved: {inert(exc)}", severity="warning", markup=False)

    def action_settings(self) -> None:
        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(
                SettingsScreen(self.credentials, self.preferences, self.backend.base_url)
            )

    @on(SettingsScreen.ApiKeyChanged)
    def _api_key_changed(self) -> None:
        self.reload_api_key()

    @work(thread=True, exclusive=True, group="api-key")
    def reload_api_key(self) -> None:
        """Off the UI thread: a keyring lookup may wait on D-Bus or an unlock prompt."""
        self.backend.set_api_key(self.credentials.get("any2any.api_key", self.backend.base_url))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every action the app and the current screen bind."""
        yield from super().get_system_commands(screen)
        yield from binding_commands(self, screen, self.preferences.settings.keymap)

    async def on_unmount(self) -> None:
        await self.backend.close()
