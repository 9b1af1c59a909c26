"""Layout snapshots of the pickers at 80x24: a token nobody lists, the pair's channels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app_helpers import complete, fake_app, until
from fakes import ScriptedSource, quote
from textual.pilot import Pilot
from textual.widgets import Input

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelRef
from a2a_tui.ui.screens.channel_picker import ChannelPicker
from a2a_tui.ui.widgets.quote_form import QuoteForm

SnapCompare = Callable[..., bool]
NAMES = ["Arbor Bridge", "Cobalt Swap", "Lumen Pools", "Nimbus Relay", "Quill Cross", "Tidewater"]


def test_token_picker_with_no_match(snap_compare: SnapCompare) -> None:
    app = fake_app(ScriptedSource())

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        await until(screen, lambda: screen.query_one(QuoteForm).tokens != ())
        await pilot.press("d", "o", "g", "e")
        picker = pilot.app.screen
        await until(picker, lambda: picker.query_one("#filter", Input).value == "doge")
        picker.query_one("#filter", Input).cursor_blink = False  # a blink is a coin toss
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_channel_picker(snap_compare: SnapCompare) -> None:
    app = fake_app(ScriptedSource([quote(1, 5)]), initial=QuoteArgs("ETH", "USDT@tron", "1.5"))

    async def channels(src: Any, dst: Any) -> list[ChannelRef]:
        return [ChannelRef("fake", 101 + i, name) for i, name in enumerate(NAMES)]

    app.backend.load_channels = channels

    async def run_before(pilot: Pilot[Any]) -> None:
        board = pilot.app.screen
        await until(board, complete(board))
        board.query_one("#channel").focus()
        await pilot.press("enter")
        picker = pilot.app.screen
        assert isinstance(picker, ChannelPicker)
        await until(picker, lambda: not picker.query_one("#note").display)
        await pilot.press("down", "down")
        picker.query_one("#filter", Input).cursor_blink = False  # a blink is a coin toss
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
