"""Ask for an order number to look up (a customer sent it to support).

The dialog looks the order up itself and stays open with the host's answer
when it fails (not found, no answer): the number is still there to correct.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from a2a_tui.providers.http.errors import describe
from a2a_tui.services.desk import OrderEntry, OrderNumberError, SupportDesk, parse_order_no
from a2a_tui.ui.widgets.typed_input import TypedInput

__all__ = ["LookupScreen"]


class _Answer(Message):
    def __init__(self, order_no: str, entry: OrderEntry | None, problem: str | None) -> None:
        super().__init__()
        self.order_no, self.entry, self.problem = order_no, entry, problem


class LookupScreen(ModalScreen[OrderEntry | None]):
    CSS_PATH = "lookup.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="lookup.cancel")]

    def __init__(self, desk: SupportDesk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        with Vertical(id="lookup"):
            yield Label("Look up an order", id="lookup-title")
            yield Label(f"on {self.desk.host_url}: it is fetched, added to the watch list and "
                        "tracked.", classes="hint", markup=False)  # fmt: skip
            yield TypedInput(placeholder="order number, e.g. OD2026052510000001", id="lookup-value")
            yield Static(id="lookup-problem", markup=False)
            yield Label("Enter looks it up · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#lookup-value", Input).focus()

    def _problem(self, text: str, *, error: bool = True) -> None:
        problem = self.query_one("#lookup-problem", Static)
        problem.set_class(not error, "-busy")
        problem.update(Content(text))

    @on(Input.Submitted, "#lookup-value")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            value = parse_order_no(event.value)
        except OrderNumberError as exc:
            self._problem(str(exc))
            return
        self._problem(f"looking up {value}…", error=False)
        self._look_up(value)

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def _look_up(self, order_no: str) -> None:
        try:
            entry = await self.desk.lookup(order_no)
        except Exception as exc:  # shown as what the host said, in the dialog
            self.post_message(_Answer(order_no, None, describe(exc)))
        else:
            self.post_message(_Answer(order_no, entry, None))

    @on(_Answer)
    def _answered(self, message: _Answer) -> None:
        if message.entry is not None:
            self.dismiss(message.entry)
            return
        said = message.problem or "no answer"
        if "order not found" in said:
            said = f"{self.desk.host_url} has no order {message.order_no} ({said})"
        self._problem(f"✗ {said}. Correct the number and press Enter again, or Esc.")
