"""A form field holding one token; Enter, a click or typing opens the picker."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from a2a_tui.domain.tokens import Token

__all__ = ["TokenField"]


class TokenField(Widget, can_focus=True):
    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()
    BINDINGS = [Binding("enter,space", "pick", "Pick token", show=False)]

    token: reactive[Token | None] = reactive(None)
    """The chosen token; None until the user (or the command line) picks one."""

    class PickRequested(Message):
        """The user wants to choose; ``query`` is what they started typing."""

        def __init__(self, field: TokenField, query: str) -> None:
            super().__init__()
            self.field = field
            self.query = query

        @property
        def control(self) -> TokenField:
            return self.field

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.placeholder = placeholder

    def render(self) -> Content:
        token = self.token
        if token is None:
            return Content.assemble((self.placeholder, "$text-muted"), " ▾")
        return Content.assemble((token.symbol, "bold"), " · ", token.chain.name, " ▾")

    def action_pick(self) -> None:
        self.post_message(self.PickRequested(self, ""))

    def on_click(self) -> None:
        self.post_message(self.PickRequested(self, ""))

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isprintable() and not event.character.isspace():
            event.stop()
            self.post_message(self.PickRequested(self, event.character))
