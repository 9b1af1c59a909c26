"""Ask for an order number to look up (a customer sent it to support)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from a2a_tui.services.desk import is_order_no

__all__ = ["LookupScreen"]


class LookupScreen(ModalScreen[str | None]):
    CSS_PATH = "lookup.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="lookup.cancel")]

    def __init__(self, host: str) -> None:
        super().__init__()
        self.host = host

    def compose(self) -> ComposeResult:
        with Vertical(id="lookup"):
            yield Label("Look up an order", id="lookup-title")
            yield Label(f"on {self.host}: it is fetched, added to the watch list and tracked.",
                        classes="hint", markup=False)  # fmt: skip
            yield Input(placeholder="order number, e.g. OD2026052510000001", id="lookup-value")
            yield Static(id="lookup-problem", markup=False)
            yield Label("Enter looks it up · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#lookup-value", Input).focus()

    @on(Input.Submitted, "#lookup-value")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not is_order_no(value):
            self.query_one("#lookup-problem", Static).update(
                Content(
                    "An order number has no spaces: 4 to 64 printable characters "
                    "(usually OD followed by 16 digits)."
                )
            )
            return
        self.dismiss(value)
