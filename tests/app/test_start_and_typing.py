"""Starting with a request on the command line, and keys typed faster than the screen
changes: what resolves is kept, a refusal says where, and no key is lost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from app_helpers import complete, fake_app, until
from conftest import MakeSim
from fakes import ETH, TOKENS, USDT_TRON, ScriptedSource, Ticker, quote
from textual import events
from textual.widgets import Input, Label

from a2a_tui.cli.main import build_parser
from a2a_tui.domain.addresses import AddressFormat
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelRef
from a2a_tui.domain.tokens import Chain, Token
from a2a_tui.providers.http.errors import TransportFailure
from a2a_tui.services.backend import Backend
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.channel_picker import ChannelPicker
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.screens.token_picker import TokenPicker
from a2a_tui.ui.widgets.quote_form import QuoteForm
from a2a_tui.ui.widgets.quote_table import QuoteTable
from a2a_tui.ui.widgets.token_field import TokenField

ARGS_ETH = QuoteArgs("ETH", "USDT@tron", "1.5")


async def started(app: Any) -> QuoteScreen:
    screen = app.screen
    assert isinstance(screen, QuoteScreen)
    await until(screen, lambda: screen.query_one(QuoteForm).tokens != ())
    return screen


def error_text(screen: QuoteScreen) -> str:
    label = screen.query_one("#form-error", Label)
    assert label.has_class("-visible")
    return str(label.render())


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        (QuoteArgs("ETH", "USDT@tron", "1e3"), "#amount", "exponent"),
        (QuoteArgs("ETH", "USDT@tron", "1.5", "1"), "#slippage", "between 0 and 1"),
        (QuoteArgs("FOO", "USDT@tron", "1.5"), "#src", "source: no token 'FOO'"),
    ],
)
async def test_a_bad_start_argument_keeps_the_rest_of_the_request(
    args: QuoteArgs, field: str, says: str
) -> None:
    """`a2a-tui --src ETH --dst USDT@tron --amount 1e3` opened an empty form, no error."""
    source = ScriptedSource([quote(1, 5)])
    app = fake_app(source, initial=args)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(app)
        await pilot.pause()
        assert says in error_text(screen)
        assert screen.focused is screen.query_one(field)
        dst = screen.query_one("#dst", TokenField).token
        assert dst == USDT_TRON  # what resolved is kept
        src = screen.query_one("#src", TokenField).token
        assert src == (None if field == "#src" else ETH)
        assert screen.query_one("#amount", Input).value == args.amount
        assert screen.board is None  # nothing was sent
        assert source.opened == 0


async def test_a_token_on_a_disabled_chain_is_named_as_such(make_sim: MakeSim) -> None:
    """`--src LUNC` said "no token 'LUNC'", though the host lists it (Terra Classic, disabled)."""
    server = make_sim()
    app = A2AApp(Backend.any2any(server.base_url), initial=QuoteArgs("LUNC", "USDT@tron", "1"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(app)
        await pilot.pause()
        assert error_text(screen) == (
            "⚠ source: LUNC is on Terra Classic, which is disabled on this host"
        )
        assert screen.focused is screen.query_one("#src")


async def test_the_start_arguments_wait_in_the_form_until_the_token_list_loads() -> None:
    """Against a host that was down, the form was empty (the command line's request
    looked lost) until ctrl+r loaded the list: it shows, is kept, and applies then,
    with whatever the user changed meanwhile."""
    up = False

    async def load() -> list[Token]:
        if not up:
            raise TransportFailure("cannot connect to 127.0.0.1:9", maybe_delivered=False)
        return list(TOKENS)

    source = ScriptedSource([quote(1, 5)])
    app = A2AApp(Backend("http://127.0.0.1:9", [source], load), initial=ARGS_ETH,
                 clock=Ticker(), present_interval=0)  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuoteScreen)
        await until(screen, lambda: bool(screen._notice))
        amount = screen.query_one("#amount", Input)
        assert amount.value == "1.5"
        src, dst = screen.query_one("#src", TokenField), screen.query_one("#dst", TokenField)
        assert str(src.render()).startswith("ETH")  # as typed, until it can be resolved
        assert str(dst.render()).startswith("USDT@tron")
        amount.value = "2"  # edited while the host was down
        up = True
        await pilot.press("ctrl+r")
        await until(screen, complete(screen))
        assert screen.board is not None
        assert (screen.board.spec.src, screen.board.spec.dst) == (ETH, USDT_TRON)
        assert screen.board.spec.amount_in == 2 * 10**18
        assert str(src.render()).startswith("ETH · Ethereum")


def test_the_demo_takes_the_same_start_arguments() -> None:
    """`a2a-tui demo --src ...` was refused by the parser; before `demo` they still count."""
    parser = build_parser()
    after = parser.parse_args(["demo", "--src", "ETH", "--dst", "USDT@tron", "--amount", "2"])
    before = parser.parse_args(["--src", "ETH", "--dst", "USDT@tron", "--amount", "2", "demo"])
    for args in (after, before):
        assert (args.command, args.src, args.dst, args.amount) == ("demo", "ETH", "USDT@tron", "2")


async def test_the_amount_placeholder_cannot_be_taken_for_a_value() -> None:
    """`Amount  1.5` was a placeholder; Enter then said "amount is empty"."""
    app = fake_app(ScriptedSource())
    async with app.run_test(size=(80, 24)):
        screen = await started(app)
        amount = screen.query_one("#amount", Input)
        assert amount.value == ""
        assert amount.placeholder.startswith("e.g. ")


# -- keys that arrive in one read ---------------------------------------------------

_KEY_NAMES = {" ": "space", "/": "slash", "\r": "enter", ".": "full_stop"}


def burst(app: Any, text: str) -> None:
    """Keys as a terminal delivers a paste or a fast typist over SSH: all posted
    before the app handles the first (the pilot's `press` waits after each key)."""
    for character in text:
        app.post_message(events.Key(_KEY_NAMES.get(character, character), character))


async def settled(app: Any, pilot: Any) -> None:
    for _ in range(6):  # the keys' own chain of messages (field, screen, picker)
        await pilot.pause()


async def test_a_burst_on_a_token_field_keeps_every_key_and_the_space() -> None:
    """Over SSH `usdt` showed only `t`; a paste of `usdt eth` lost the space."""
    app = fake_app(ScriptedSource())
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app)
        await pilot.pause()
        burst(app, "usdt eth")
        await settled(app, pilot)
        picker = app.screen
        assert isinstance(picker, TokenPicker)
        assert picker.query_one("#filter", Input).value == "usdt eth"
        assert [s for s in app.screen_stack if isinstance(s, TokenPicker)] == [picker]


async def test_a_whole_request_typed_in_one_burst_lands_in_its_fields() -> None:
    """Enter in the burst chooses with what was typed before it; what follows goes
    to the field the focus moved on to, not to a new picker for the old one."""
    app = fake_app(ScriptedSource([quote(1, 5)]))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(app)
        await pilot.pause()
        burst(app, "eth\rtron\r1.5\r")
        await until(screen, complete(screen))
        assert screen.board is not None
        assert (screen.board.spec.src, screen.board.spec.dst) == (ETH, USDT_TRON)
        assert screen.board.spec.amount_in == 15 * 10**17


async def test_keys_after_slash_go_to_the_amount_not_the_table() -> None:
    app = fake_app(ScriptedSource([quote(1, 5), quote(2, 6)]), initial=ARGS_ETH)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(app)
        await until(screen, complete(screen))
        assert isinstance(screen.focused, QuoteTable)
        burst(app, "/2")
        await settled(app, pilot)
        assert screen.focused is screen.query_one("#amount")
        assert screen.query_one("#amount", Input).value == "2"  # selected, then replaced


def burst_keys(app: Any, *keys: str) -> None:
    """Named keys (`ctrl+u`, `enter`) and characters in one read, as tmux's
    `send-keys / C-u 5 Enter` delivers them: all posted before the first is handled."""
    for key in keys:
        character = {"enter": "\r", "slash": "/", "backspace": "\x7f"}.get(key, key)
        printable = len(character) == 1 and character.isprintable()
        app.post_message(events.Key(key, character if printable or key == "enter" else None))


async def test_an_editing_key_in_a_burst_keeps_its_place_among_the_typed_ones() -> None:
    """`/ C-u 5 Enter` at once left the amount empty: ctrl+u (an Input binding) ran
    only after its key had bubbled up to the app, so after the `5` it should precede."""
    source = ScriptedSource([quote(1, 5), quote(2, 6)])
    app = fake_app(source, initial=ARGS_ETH)
    async with app.run_test(size=(80, 24)):
        screen = await started(app)
        await until(screen, complete(screen))
        assert isinstance(screen.focused, QuoteTable)
        burst_keys(app, "slash", "ctrl+u", "5", "enter")
        await until(screen, lambda: source.opened == 2 and complete(screen)())
        assert screen.query_one("#amount", Input).value == "5"
        assert screen.board is not None
        assert screen.board.spec.amount_in == 5 * 10**18
        assert isinstance(screen.focused, QuoteTable)  # Enter in the form moved on
        burst_keys(app, "slash", "1", "2", "backspace", "3", "enter")
        await until(screen, lambda: source.opened == 3 and complete(screen)())
        assert screen.query_one("#amount", Input).value == "13"


async def test_a_requote_leaves_the_focus_where_the_user_is() -> None:
    """ctrl+r in the promo field moved the focus to the table; only Enter moves on."""
    source = ScriptedSource([quote(1, 5)])
    app = fake_app(source, initial=ARGS_ETH)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(app)
        await until(screen, complete(screen))
        promo = screen.query_one("#promo", Input)
        promo.focus()
        await pilot.press("ctrl+r")
        await until(screen, lambda: source.opened == 2 and complete(screen)())
        assert screen.focused is promo
        await pilot.press("enter")  # Enter in the form moves on to the table
        await until(screen, lambda: source.opened == 3 and complete(screen)())
        assert isinstance(screen.focused, QuoteTable)


async def test_a_burst_on_the_channel_field_keeps_the_space() -> None:
    """Channel names have spaces: `lumen p` typed fast lost it, as the token field did."""
    app = fake_app(ScriptedSource([quote(1, 5)]), initial=ARGS_ETH)

    async def channels(src: Any, dst: Any) -> list[ChannelRef]:
        return [ChannelRef("fake", 107, "Lumen Pools"), ChannelRef("fake", 101, "Lumen")]

    app.backend.load_channels = channels
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(app)
        await until(screen, complete(screen))
        screen.set_focus(screen.query_one("#channel"))
        burst(app, "lumen p")
        await settled(app, pilot)
        picker = app.screen
        assert isinstance(picker, ChannelPicker)
        assert picker.query_one("#filter", Input).value == "lumen p"


async def test_a_long_chain_is_shortened_with_an_ellipsis_and_the_pick_mark_stays() -> None:
    """At 80 columns the From field read `USDT · BNB Smart`: cut, with no ▾ or ellipsis."""
    bsc = Chain(5, "bsc", "BNB Smart Chain", AddressFormat.EVM)
    usdt_bsc = Token(10, "USDT", "Tether USD", 18, bsc, None, Decimal(1))
    app = fake_app(ScriptedSource(), tokens=[usdt_bsc, USDT_TRON, ETH])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(app)
        field = screen.query_one("#src", TokenField)
        field.token = usdt_bsc
        await pilot.pause()
        shown = str(field.render())
        assert shown.startswith("USDT · ")
        assert shown.endswith("… ▾")
        assert len(shown) <= field.size.width
        await pilot.resize_terminal(200, 40)
        await pilot.pause()
        assert str(field.render()) == "USDT · BNB Smart Chain ▾"


async def test_a_long_refusal_wraps_under_the_form_instead_of_being_cut() -> None:
    """`(write 0.01 or 1% for one` was cut at 80 columns."""
    app = fake_app(ScriptedSource(), initial=QuoteArgs("ETH", "USDT@tron", "1.5", "1"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(app)
        await pilot.pause()
        label = screen.query_one("#form-error", Label)
        assert str(label.render()).endswith("(write 0.01 or 1% for one percent)")
        assert label.region.height == 2
        assert screen.query_one(QuoteForm).region.contains_region(label.region)
