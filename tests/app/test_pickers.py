"""The token and channel pickers: what they list, what they say when nothing matches, their keys."""

from __future__ import annotations

from typing import Any

from app_helpers import complete, fake_app, until
from fakes import USDT, ScriptedSource, quote
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets._footer import FooterKey

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelRef
from a2a_tui.ui.screens.channel_picker import ChannelPicker
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.screens.token_picker import TokenPicker
from a2a_tui.ui.widgets.channel_field import ChannelField
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
    async with app.run_test(size=(80, 24)):
        board = await ready(app)
        field = board.query_one("#src", TokenField)
        for key in "doge":
            field.post_message(TokenField.PickRequested(field, key))
        await until(board, lambda: isinstance(app.screen, TokenPicker))
        picker = app.screen
        await until(picker, lambda: picker.query_one("#filter", Input).value == "doge", 2)
        assert [s for s in app.screen_stack if isinstance(s, TokenPicker)] == [picker]


# -- the channel filter ----------------------------------------------------------

CHANNELS = [ChannelRef("fake", 107, "Lumen Pools"), ChannelRef("fake", 101, "Arbor Bridge"),
            ChannelRef("fake", 105, "Quill Cross")]  # fmt: skip


def channel_app(listing: Any = CHANNELS, **kwargs: Any) -> Any:
    source = ScriptedSource([quote(1, 5)])
    app = fake_app(source, initial=QuoteArgs("ETH", "USDT@tron", "1.5"), **kwargs)
    asked: list[tuple[Any, Any]] = []

    async def load(src: Any, dst: Any) -> Any:
        asked.append((src, dst))
        if isinstance(listing, Exception):
            raise listing
        return listing

    app.backend.load_channels = load
    app.asked = asked
    return app


async def open_channel_picker(app: Any, pilot: Any, *keys: str) -> ChannelPicker:
    board = app.screen
    await until(board, complete(board))
    board.query_one("#channel").focus()
    await pilot.press(*(keys or ("enter",)))
    picker = app.screen
    assert isinstance(picker, ChannelPicker)
    await until(picker, lambda: "loading" not in str(picker.query_one("#note").render()))
    await pilot.pause()
    return picker


def option_texts(picker: ChannelPicker) -> list[str]:
    choices = picker.query_one("#choices", OptionList)
    return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]


async def test_a_channel_is_picked_by_name_from_the_pairs_list_keyboard_only() -> None:
    app = channel_app()
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        assert board.query_one(QuoteForm).channel is None  # all channels by default
        assert board.board.spec.channel_id is None
        picker = await open_channel_picker(app, pilot)
        assert [a.symbol for a in app.asked[0]] == ["ETH", "USDT"]  # the pair's own list
        assert option_texts(picker) == ["All channels", "Arbor Bridge  #101",
                                        "Lumen Pools  #107", "Quill Cross  #105"]  # fmt: skip
        assert {"Choose", "Cancel"} <= set(footer_keys(picker))
        await pilot.press("down", "down", "enter")
        assert app.screen is board
        field = board.query_one("#channel", ChannelField)
        assert field.channel == CHANNELS[0]
        assert "Lumen Pools" in str(field.render())
        await pilot.press("ctrl+r")
        await until(board, lambda: board.board.spec.channel_id == 107 and complete(board)())


async def test_typing_on_the_channel_field_filters_by_name_or_number() -> None:
    """Letters used to be dropped silently by a digits-only input."""
    app = channel_app()
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_channel_picker(app, pilot, "q", "u")
        assert picker.query_one("#filter", Input).value == "qu"
        assert option_texts(picker) == ["Quill Cross  #105"]
        picker.query_one("#filter", Input).value = "101"
        await pilot.pause()
        assert option_texts(picker) == ["Arbor Bridge  #101"]
        picker.query_one("#filter", Input).value = "999"
        await pilot.pause()
        assert option_texts(picker) == []
        assert "no channel of this pair matches 999" in str(picker.query_one("#note").render())
        await pilot.press("escape")
        assert app.screen.query_one(QuoteForm).channel is None  # cancelled: unchanged


async def test_a_host_that_cannot_list_channels_still_offers_all_channels() -> None:
    app = channel_app(listing=RuntimeError("boom"))
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_channel_picker(app, pilot)
        assert "cannot list the channels" in str(picker.query_one("#note").render())
        assert option_texts(picker) == ["All channels"]
        await pilot.press("enter")
        assert app.screen.query_one(QuoteForm).channel is None


async def test_a_new_token_resets_the_channel_to_all() -> None:
    """A channel comes from one pair's list: another pair may not have it."""
    app = channel_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_channel_picker(app, pilot)
        await pilot.press("down", "enter")
        form = app.screen.query_one(QuoteForm)
        assert form.channel is not None
        form.chose(form.query_one("#dst", TokenField), USDT)
        assert form.channel is None
        form.query_one("#channel", ChannelField).channel = CHANNELS[1]
        form.swap()  # the same pair, the other way: kept
        assert form.channel == CHANNELS[1]


async def test_reopened_the_picker_highlights_the_current_channel() -> None:
    app = channel_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_channel_picker(app, pilot)
        await pilot.press("down", "down", "enter")  # Lumen Pools
        picker = await open_channel_picker(app, pilot)
        choices = picker.query_one("#choices", OptionList)
        assert choices.highlighted is not None
        assert str(choices.get_option_at_index(choices.highlighted).prompt).startswith("Lumen")
