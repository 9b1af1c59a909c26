"""A form field holding one token; Enter, a click or typing opens the picker."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from a2a_tui.domain.tokens import Token
from a2a_tui.ui.glyphs import GLYPHS

__all__ = ["TokenField"]


def _fit(text: Content, room: int | None) -> Content:
    return text if room is None or text.cell_length <= room else text.truncate(room, ellipsis=True)


class TokenField(Widget, can_focus=True):
    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()
    BINDINGS = [Binding("enter,space", "pick", "Pick token", show=False)]

    token: reactive[Token | None] = reactive(None)
    """The chosen token; None until the user (or the command line) picks one."""
    pending: reactive[str] = reactive("")
    """A token as typed on the command line, shown until the token list can resolve it."""

    class PickRequested(Message):
        """The user wants to choose; ``query`` is what they started typing.

        Every key the field gets comes as one of these, with ``key`` and its
        time ``at``: keys that arrive in one read (a paste, a fast typist, SSH
        lag) all reach the field before the picker it asked for is open, and
        the screen hands them to that picker (see `QuoteScreen`), Enter and
        the space included.
        """

        def __init__(
            self, field: TokenField, query: str, key: str | None = None, at: float | None = None
        ) -> None:
            super().__init__()
            self.field = field
            self.query = query
            self.key = key
            self.at = at

        @property
        def control(self) -> TokenField:
            return self.field

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.placeholder = placeholder

    def render(self) -> Content:
        """The chain is shortened with an ellipsis when the field is narrow (at 80
        columns `USDT · BNB Smart` was cut, the ▾ with it); the ▾ always stays."""
        token, pick = self.token, f" {GLYPHS.pick}"
        room = self.size.width - cell_len(pick) if self.size.width else None
        if token is None:
            text = Content(self.pending or self.placeholder)
            return Content.assemble(_fit(text, room).stylize("$text-muted"), pick)
        symbol = Content(token.symbol).stylize("bold")
        chain = Content(f" · {token.chain.name}")
        if room is not None and symbol.cell_length + chain.cell_length > room:
            left = room - symbol.cell_length
            chain = chain.truncate(left, ellipsis=True) if left >= 5 else Content("")
        return Content.assemble(_fit(symbol, room), chain, pick)

    def action_pick(self) -> None:
        self.post_message(self.PickRequested(self, ""))

    def on_click(self) -> None:
        self.post_message(self.PickRequested(self, ""))

    def on_key(self, event: events.Key) -> None:
        """Printable keys (the space too), Enter and Backspace go to the screen as
        they are; Enter or the space alone opens the picker, as the binding says."""
        printable = event.character is not None and event.character.isprintable()
        if printable or event.key in ("enter", "backspace"):
            event.stop()
            text = event.character if printable and event.character else ""
            self.post_message(self.PickRequested(self, text, event.key, event.time))
