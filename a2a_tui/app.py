"""The application shell: screens, theme, commands. Everything else lives in screens."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from a2a_tui.backend import Backend
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.text import inert
from a2a_tui.screens.quote import QuoteScreen

__all__ = ["A2AApp"]


class A2AApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "a2a-tui"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True)]

    def __init__(
        self,
        backend: Backend,
        *,
        initial: QuoteArgs | None = None,
        subtitle: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        present_interval: float | None = None,
    ) -> None:
        """``present_interval`` 0 repaints on every batch: deterministic tests."""
        super().__init__()
        self.backend = backend
        self.initial = initial
        self.clock = clock
        self.present_interval = present_interval
        self.sub_title = inert(subtitle or backend.base_url)

    def on_ready(self) -> None:
        # Everything alive now (modules, the DOM, the stylesheet) lives as long
        # as the app: moving it out of the collector's reach turns 40-85 ms
        # generation-2 pauses into a few ms, which is what kept fresh quotes
        # waiting on screen.
        gc.freeze()

    def on_mount(self) -> None:
        # Pushed rather than returned from get_default_screen(): Textual loads a
        # screen's CSS_PATH only for pushed (or mode) screens.
        screen = QuoteScreen(self.backend, initial=self.initial, clock=self.clock)
        if self.present_interval is not None:
            screen.present_interval = self.present_interval
        self.push_screen(screen)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every action the current screen binds to a key."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for binding in screen.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.description in seen or screen.check_action(binding.action, ()) is False:
                continue
            seen.add(binding.description)
            key = binding.key_display or binding.key.split(",")[0]
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip or binding.description} ({key})",
                partial(screen.run_action, binding.action),
            )

    async def on_unmount(self) -> None:
        await self.backend.close()
