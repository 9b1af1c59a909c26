"""Ask before a credential is deleted: one key too many must not remove a key.

The question names the entry and the keyring it is deleted from. ``y`` deletes;
``n``, ``esc`` and ``Enter`` on the first-focused button keep it, so a reflexive
second Enter (the accident that asked for this screen) changes nothing.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label

__all__ = ["ConfirmDelete"]


class ConfirmDelete(ModalScreen[bool]):
    """Dismissed with True to delete, False to keep."""

    CSS_PATH = "confirm_delete.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Delete", id="confirm_delete.delete"),
        Binding("n,escape", "answer(False)", "Keep", id="confirm_delete.keep"),
    ]

    def __init__(self, entry: str, backend: str) -> None:
        super().__init__()
        self.entry = entry
        self.backend = backend

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label(f"Delete {self.entry} from {self.backend}?", id="confirm-question",
                        markup=False)  # fmt: skip
            yield Label(
                "y = delete · n or Esc = keep · Tab and Enter choose a button",
                classes="hint",
                markup=False,
            )
            with Horizontal(id="confirm-buttons"):
                yield Button("Keep", id="keep", compact=True, variant="primary")
                yield Button("Delete", id="delete", compact=True, variant="error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def action_answer(self, delete: bool) -> None:
        self.dismiss(delete)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "delete")
