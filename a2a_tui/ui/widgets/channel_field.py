"""The channel filter in the form: "all channels" or one, chosen by name from a list."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from a2a_tui.domain.quotes import ChannelRef
from a2a_tui.ui.glyphs import GLYPHS

__all__ = ["ChannelField"]


class ChannelField(Widget, can_focus=True):
    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()
    BINDINGS = [Binding("enter,space", "pick", "Pick channel", show=False)]

    channel: reactive[ChannelRef | None] = reactive(None)
    """The one channel to quote; None for every channel (the default)."""

    class PickRequested(Message):
        """The user wants to choose; ``query`` is what they started typing."""

        def __init__(self, field: ChannelField, query: str) -> None:
            super().__init__()
            self.field = field
            self.query = query

        @property
        def control(self) -> ChannelField:
            return self.field

    def render(self) -> Content:
        channel = self.channel
        if channel is None:
            return Content.assemble(("all channels", "$text-muted"), f" {GLYPHS.pick}")
        return Content.assemble(
            (channel.name, "bold"), f" {GLYPHS.pick}"
        )  # a server's name: plain spans

    def action_pick(self) -> None:
        self.post_message(self.PickRequested(self, ""))

    def on_click(self) -> None:
        self.post_message(self.PickRequested(self, ""))

    def on_key(self, event: events.Key) -> None:
        """The space too: typed fast, ``lumen p`` reaches this field before the picker
        opens (channel names have spaces); alone it opens the picker, as Enter does."""
        if event.character and event.character.isprintable():
            event.stop()
            self.post_message(self.PickRequested(self, event.character))
