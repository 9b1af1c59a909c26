"""Pick the channel to quote, by name, from the pair's own channel list.

The list comes from the host (``Backend.list_channels``) in a worker; "all
channels" is always there, first, so a host that cannot list its channels
(or fails to) still leaves the default a keystroke away.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from a2a_tui.domain.quotes import ChannelRef
from a2a_tui.providers.http.errors import describe

__all__ = ["ALL_CHANNELS", "ChannelChoice", "ChannelPicker"]

ALL_CHANNELS: Literal["all"] = "all"
#: A channel, every channel, or None (cancelled).
ChannelChoice = ChannelRef | Literal["all"] | None


class ChannelsLoaded(Message):
    def __init__(self, channels: list[ChannelRef] | None) -> None:
        super().__init__()
        self.channels = channels


class ChannelsFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def _prompt(channel: ChannelRef) -> Content:
    """Plain spans: channel names come from a server."""
    return Content.assemble((channel.name, "bold"), (f"  #{channel.channel_id}", "$text-muted"))


class ChannelPicker(ModalScreen[ChannelChoice]):
    CSS_PATH = "channel_picker.tcss"
    BINDINGS = [
        # priority: the filter input would take these keys for itself
        Binding("enter", "choose", "Choose", id="channel_picker.choose", priority=True),
        Binding("down", "move(1)", "Move", key_display="↑↓", priority=True),
        Binding("up", "move(-1)", "Previous", show=False, priority=True),
        Binding("escape", "dismiss(None)", "Cancel", id="channel_picker.cancel"),
    ]

    def __init__(
        self,
        pair: str | None,
        load: Callable[[], Awaitable[list[ChannelRef] | None]],
        current: ChannelRef | None = None,
        query: str = "",
    ) -> None:
        """``pair`` names the pair (``ETH → USDT · Tron``); None when the form has
        no pair yet, and ``load`` then lists every channel."""
        super().__init__()
        self._pair = pair
        self._load = load
        self._current = current
        self._query = query
        self._channels: list[ChannelRef] = []
        self._status: str = "loading the channels…"
        self._filled: str | None = None
        self._moved = False

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            title = f"Quote which channels · {self._pair}" if self._pair else "Quote which channels"
            yield Label(title, id="picker-title", markup=False)
            yield Input(self._query, placeholder="type a channel's name (or its number)",
                        id="filter", select_on_focus=False)  # fmt: skip
            with Vertical(id="results"):
                yield OptionList(id="choices", markup=False)
                yield Label("", id="note", markup=False)
        yield Footer(compact=True)

    def on_key(self, event: events.Key) -> None:
        """A key that reached the screen before the filter had focus is still typed."""
        if event.character and event.character.isprintable():
            event.stop()
            self.extend_query(event.character)

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#filter", Input).focus()
        self.load_channels()

    def extend_query(self, text: str) -> None:
        """Keys typed on the field while this picker was opening belong to its query."""
        found = self.query("#filter")  # composed (not necessarily mounted) yet?
        if found:
            found.first(Input).insert_text_at_cursor(text)
        else:
            self._query += text

    @work(exclusive=True, group="channels", exit_on_error=False)
    async def load_channels(self) -> None:
        try:
            channels = await self._load()
        except Exception as exc:  # shown; "all channels" still works
            self.post_message(ChannelsFailed(describe(exc)))
        else:
            self.post_message(ChannelsLoaded(channels))

    @on(ChannelsLoaded)
    def _loaded(self, message: ChannelsLoaded) -> None:
        if message.channels is None:
            self._status = "this host does not list its channels"
        else:
            self._channels = sorted(message.channels, key=lambda c: c.name.lower())
            self._status = "" if self._channels else "no channel quotes this pair"
        self._fill()

    @on(ChannelsFailed)
    def _failed(self, message: ChannelsFailed) -> None:
        self._status = f"cannot list the channels: {message.reason}"
        self._fill()

    def _matching(self) -> list[ChannelRef]:
        words = self.query_one("#filter", Input).value.lower().split()
        return [
            c for c in self._channels
            if all(w in c.name.lower() or w == str(c.channel_id) for w in words)
        ]  # fmt: skip

    def _fill(self) -> None:
        value = self.query_one("#filter", Input).value
        self._filled = value
        needle = value.strip()
        found = self._matching()
        choices = self.query_one("#choices", OptionList)
        # the user's highlight survives a reload of the list; else the current choice
        kept = None
        if self._moved and choices.highlighted is not None and choices.option_count:
            kept = choices.get_option_at_index(choices.highlighted).id
        options = [] if needle else [Option("All channels", id=ALL_CHANNELS)]
        options += [Option(_prompt(c), id=str(c.channel_id)) for c in found]
        choices.set_options(options)
        chosen = ALL_CHANNELS if self._current is None else str(self._current.channel_id)
        ids = [o.id for o in options]
        current = ids.index(kept) if kept in ids else ids.index(chosen) if chosen in ids else 0
        if options:
            choices.highlighted = current
        choices.display = bool(options)
        note = self._status
        if needle and not found and not self._status:
            note = f"no channel of this pair matches {needle}; clear the filter for all channels"
        label = self.query_one("#note", Label)
        label.update(note)
        label.display = bool(note)

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        if event.value != self._filled:  # the input's first Changed repeats the initial query
            self._fill()

    def action_move(self, step: int) -> None:
        self._moved = True
        choices = self.query_one("#choices", OptionList)
        if choices.option_count:
            current = choices.highlighted or 0
            choices.highlighted = max(0, min(current + step, choices.option_count - 1))

    def action_choose(self) -> None:
        choices = self.query_one("#choices", OptionList)
        if choices.option_count and choices.highlighted is not None:
            self._choose(choices.get_option_at_index(choices.highlighted).id)

    @on(OptionList.OptionSelected, "#choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == ALL_CHANNELS:
            self.dismiss(ALL_CHANNELS)
            return
        channel = next((c for c in self._channels if str(c.channel_id) == option_id), None)
        if channel is not None:
            self.dismiss(channel)
