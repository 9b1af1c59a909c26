"""One credential in the settings screen: its state, never its value."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label

from a2a_tui.domain.credentials import SecretSpec, SecretState

__all__ = ["SecretRow"]

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def _fit(text: str, width: int) -> str:
    """``set · signs as 0xCD2a…D826`` when the whole address does not fit: its
    start and end stay (what people compare), never the address dropped. Other
    text is left whole; the label wraps it."""
    head, _, word = text.rpartition(" ")
    if len(text) <= width or not _ADDRESS.fullmatch(word):
        return text
    room = max(width - len(head) - 1, 11)  # at least 0xCD2a…D826
    tail = max(4, (room - 1) // 2 - 1)
    return f"{head} {word[: room - 1 - tail]}…{word[-tail:]}"


class _State(Label):
    """The state line, fitted to its width at every render (a resize included)."""

    def __init__(self, text: str, **kwargs: Any) -> None:
        super().__init__(text, **kwargs)
        self.text = text

    def show(self, text: str) -> None:
        self.text = text
        self.refresh(layout=True)

    def render(self) -> Content:
        return Content(_fit(self.text, self.size.width or len(self.text)))


class SecretRow(Horizontal):
    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()

    class Requested(Message):
        """Set or delete this secret (the screen asks for the value)."""

        def __init__(self, row: SecretRow, action: str) -> None:
            super().__init__()
            self.row = row
            self.action = action

        @property
        def control(self) -> SecretRow:
            return self.row

    def __init__(self, spec: SecretSpec) -> None:
        super().__init__(id=f"secret-{spec.name.replace('.', '-')}")
        self.spec = spec

    def compose(self) -> ComposeResult:
        yield Label(self.spec.label, classes="secret-label", markup=False)
        yield _State("…", classes="secret-state", markup=False)
        yield Button("Set", classes="set", compact=True)
        yield Button("Delete", classes="delete", compact=True)

    def show_state(self, state: SecretState, detail: str = "") -> None:
        """``detail`` is a mask (``••••1111``), a derived address or, for a secret
        from the environment, its variable: never a secret."""
        if state is SecretState.FROM_ENV:
            text = f"from {detail}" if detail else state.value
        else:
            text = state.value if not detail else f"{state.value} · {detail}"
        self.query_one(".secret-state", _State).show(text)
        self.set_class(state is SecretState.SET or state is SecretState.FROM_ENV, "-set")
        read_only = state in (SecretState.FROM_ENV, SecretState.UNAVAILABLE)
        self.query_one(".set", Button).disabled = read_only
        self.query_one(".delete", Button).disabled = read_only or state is SecretState.NOT_SET

    def show_busy(self, doing: str) -> None:
        """While the keyring works (keyrings.cryptfile's argon2 takes seconds): say so,
        and offer neither button until the state is read again."""
        self.query_one(".secret-state", _State).show(doing)
        for button in self.query(Button):
            button.disabled = True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(
            self.Requested(self, "set" if event.button.has_class("set") else "delete")
        )
