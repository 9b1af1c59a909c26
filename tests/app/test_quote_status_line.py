"""The status line: what is being quoted, and a promo code no channel applied."""

from __future__ import annotations

from dataclasses import replace

import pytest
from app_helpers import complete, fake_app, until
from fakes import Gate, ScriptedSource, quote

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.quote_status import QuoteStatus


def board_of(app: object) -> QuoteScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, QuoteScreen)
    return screen


@pytest.mark.parametrize(
    ("width", "echo"),
    [
        (80, "quoting 1,000 ETH · "),
        (200, "quoting 1,000 ETH (1000000000000000000000 units) · "),
    ],
)
async def test_the_amount_is_echoed_as_understood_while_quoting(width: int, echo: str) -> None:
    gate = Gate()
    app = fake_app(ScriptedSource([quote(1, 5), gate]), initial=QuoteArgs("ETH", "USDT@tron",
                                                                           "1000"))  # fmt: skip
    async with app.run_test(size=(width, 24)):
        screen = board_of(app)
        await until(screen, gate.reached.is_set)
        screen.refresh_clock()
        line = str(screen.query_one(QuoteStatus).render())
        assert line.startswith(echo), line
        gate.open()


async def test_a_promo_code_no_channel_applied_is_said_in_the_status_line() -> None:
    source = ScriptedSource([quote(1, 5), quote(2, 4)])
    app = fake_app(source, initial=QuoteArgs("ETH", "USDT@tron", "1.5", promo="NOSUCH"))
    async with app.run_test(size=(80, 24)):
        screen = board_of(app)
        await until(screen, complete(screen))
        status = screen.query_one(QuoteStatus)
        line = str(status.render())
        assert line.startswith("⚠ no channel applied promo NOSUCH · 2 of 2 channels answered"), line
        assert status.has_class("-warning")


async def test_a_promo_code_some_channels_applied_is_no_warning() -> None:
    """Nimbus Relay takes no promos: a code others applied is working."""
    taken = replace(quote(1, 5), promo_applied=True)
    app = fake_app(ScriptedSource([taken, quote(2, 4)]),
                   initial=QuoteArgs("ETH", "USDT@tron", "1.5", promo="WELCOME"))  # fmt: skip
    async with app.run_test(size=(80, 24)):
        screen = board_of(app)
        await until(screen, complete(screen))
        status = screen.query_one(QuoteStatus)
        assert str(status.render()).startswith("✓ ")
        assert not status.has_class("-warning")
