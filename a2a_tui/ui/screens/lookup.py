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

from a2a_tui.domain.text import sentence
from a2a_tui.providers.http.errors import TransportFailure, describe
from a2a_tui.services.desk import OrderEntry, OrderNumberError, SupportDesk, parse_order_no
from a2a_tui.ui.glyphs import GLYPHS
from a2a_tui.ui.widgets.typed_input import TypedInput

__all__ = ["LookupScreen"]


class _Answer(Message):
    def __init__(
        self, order_no: str, entry: OrderEntry | None, problem: str | None,
        *, unreachable: bool = False,
    ) -> None:  # fmt: skip
        super().__init__()
        self.order_no, self.entry, self.problem = order_no, entry, problem
        self.unreachable = unreachable  # no answer from the host: not the number's fault


class LookupScreen(ModalScreen[OrderEntry | None]):
    CSS_PATH = "lookup.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="lookup.cancel")]

    def __init__(self, desk: SupportDesk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        with Vertical(id="lookup"):
            yield Label("Look up an order", id="lookup-title")
            # a Static wraps (a long host too); a Label's one line was cut at 80x24
            yield Static(f"on {self.desk.host_url}: it is fetched, added to the watch list "
                         "and tracked.", id="lookup-intro", classes="hint",
                         markup=False)  # fmt: skip
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
            unreachable = isinstance(exc, TransportFailure)
            self.post_message(_Answer(order_no, None, describe(exc), unreachable=unreachable))
        else:
            self.post_message(_Answer(order_no, entry, None))

    @on(_Answer)
    def _answered(self, message: _Answer) -> None:
        if message.entry is not None:
            self.dismiss(message.entry)
            return
        said = message.problem or "no answer"
        if message.unreachable:  # the number may be right: the host is what to check
            todo = (f"Check that {self.desk.host_url} is up (or start it), then press Enter "
                    "to try again, or Esc.")  # fmt: skip
        elif "order not found" in said:
            said = f"{self.desk.host_url} has no order {message.order_no} ({said})"
            todo = "Correct the number and press Enter again, or Esc."
        else:
            todo = "Press Enter to try again, or Esc."
        self._problem(GLYPHS.text(f"✗ {sentence(said)} {todo}"))
