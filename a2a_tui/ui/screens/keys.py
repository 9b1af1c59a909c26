"""Every key that works right now on the screen below, and what it does.

Textual's own "Keys" panel is docked beside the screen: it squeezed the board,
overlapped the footer at 80x24 and did not close with ``esc`` (the board binds
``esc`` to stop a quote). This is a modal of its own instead: it fits 80x24,
scrolls when the list is long, lists the bindings active on the screen under it
(the user's ``[keymap]`` keys included, hidden footer keys too, keys disabled
where they would type into an input left out), and closes with ``esc`` or ``F1``.
A screen's ``LEGEND`` says what its short words and letters mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, Static

__all__ = ["KeysScreen", "key_rows"]

KEY_WIDTH = 14


def _where(node: DOMNode, screen: Screen[object]) -> str:
    if isinstance(node, App):
        return "Everywhere"
    if node is screen:
        return "This screen"
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type(node).__name__).capitalize()
    return f"{words} ({'has the focus' if node is screen.focused else 'around the focus'})"


def key_rows(screen: Screen[object]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group, [(keys, what it does)]): the focused widget first, the app last; one
    row per description, all its keys together (``^r r  Re-quote``)."""
    app = screen.app
    groups: dict[str, dict[str, list[str]]] = {}
    active: Iterable[ActiveBinding] = screen.active_bindings.values()
    for node, binding, enabled, _ in active:
        if not binding.description or not enabled or binding.system:
            continue
        group = groups.setdefault(_where(node, screen), {})
        keys = group.setdefault(binding.description, [])
        shown = app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    order = sorted(groups, key=lambda g: (g == "Everywhere", g == "This screen", g))
    return [
        (name, [(" ".join(keys), text) for text, keys in groups[name].items()]) for name in order
    ]


class KeysScreen(ModalScreen[None]):
    CSS_PATH = "keys.tcss"
    BINDINGS = [Binding("escape,f1", "dismiss", "Close", id="keys.close")]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.rows = key_rows(under)
        # what the screen's short words and letters mean (the board's tags)
        self.legend: tuple[tuple[str, str], ...] = getattr(under, "LEGEND", ())

    def compose(self) -> ComposeResult:
        with Vertical(id="keys"):
            yield Label("Keys", id="keys-title")
            with VerticalScroll(id="keys-list"):
                for group, rows in self.rows:
                    yield Label(group, classes="keys-group", markup=False)
                    for keys, text in rows:
                        line = Content.assemble(
                            (f"{keys:<{KEY_WIDTH}}", "bold"), " ", Content(text)
                        )
                        yield Static(line, classes="keys-row")
                if self.legend:
                    yield Label("Legend", classes="keys-group")
                for word, meaning in self.legend:
                    line = Content.assemble((f"{word:<{KEY_WIDTH}}", "bold"), " ", meaning)
                    yield Static(line, classes="keys-row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#keys-list").focus()
