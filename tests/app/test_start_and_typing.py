"""Starting with a request on the command line, and keys typed faster than the screen
changes: what resolves is kept, a refusal says where, and no key is lost."""

from __future__ import annotations

from typing import Any

import pytest
from app_helpers import fake_app, until
from conftest import MakeSim
from fakes import ETH, USDT_TRON, ScriptedSource, quote
from textual.widgets import Input, Label

from a2a_tui.cli.main import build_parser
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.services.backend import Backend
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.quote_form import QuoteForm
from a2a_tui.ui.widgets.token_field import TokenField


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
