"""The token and channel pickers: what they say when nothing matches, and their own keys."""

from __future__ import annotations

from typing import Any

from app_helpers import fake_app, until
from fakes import ScriptedSource
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets._footer import FooterKey

from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.screens.token_picker import TokenPicker
from a2a_tui.ui.widgets.quote_form import QuoteForm
from a2a_tui.ui.widgets.token_field import TokenField


def footer_keys(screen: Any) -> list[str]:
    footer = screen.query_one(Footer)
    return [key.description for key in footer.query(FooterKey)]


async def ready(app: Any) -> QuoteScreen:
    screen = app.screen
    assert isinstance(screen, QuoteScreen)
    await until(screen, lambda: screen.query_one(QuoteForm).tokens != ())
    return screen


async def test_an_unknown_token_says_so_with_what_can_be_typed() -> None:
    app = fake_app(ScriptedSource())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app)
        await pilot.press("d", "o", "g", "e")  # the source field has focus: typing opens it
        picker = app.screen
        assert isinstance(picker, TokenPicker)
        await pilot.pause()
        assert picker.query_one("#filter", Input).value == "doge"
        message = picker.query_one("#no-match", Label)
        assert message.display
        text = str(message.render())
        assert text.startswith("no token matches doge")
        assert "symbol" in text
        assert "name" in text
        assert "chain" in text
        assert "usdt tron" in text
        assert not picker.query_one("#choices", OptionList).display
        await pilot.press("backspace", "backspace", "backspace", "backspace", "u", "s", "d")
        assert not message.display
        assert picker.query_one("#choices", OptionList).option_count == 2


async def test_the_picker_shows_its_own_keys_not_the_boards() -> None:
    app = fake_app(ScriptedSource())
    async with app.run_test(size=(80, 24)) as pilot:
        board = await ready(app)
        assert "Re-quote" in footer_keys(board)
        await pilot.press("enter")
        picker = app.screen
        assert isinstance(picker, TokenPicker)
        await pilot.pause()
        keys = footer_keys(picker)
        assert {"Choose", "Move", "Cancel"} <= set(keys)
        assert "Re-quote" not in keys
        assert "Swap" not in keys
        await pilot.press("down", "enter")  # the keys it shows are the keys that work
        assert app.screen is board
        assert board.query_one("#src", TokenField).token is not None


async def test_keys_typed_while_the_picker_opens_go_into_one_picker() -> None:
    """Typed fast, `doge` opened four pickers, the last holding only `e`."""
    app = fake_app(ScriptedSource())
    async with app.run_test(size=(80, 24)) as pilot:
        board = await ready(app)
        field = board.query_one("#src", TokenField)
        for key in "doge":
            field.post_message(TokenField.PickRequested(field, key))
        await pilot.pause()
        await pilot.pause()
        pickers = [s for s in app.screen_stack if isinstance(s, TokenPicker)]
        assert len(pickers) == 1
        assert pickers[0].query_one("#filter", Input).value == "doge"
