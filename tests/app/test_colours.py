"""Colours under each colour system: tags never in the error colour, every state
also told by a symbol or word, failed rows readable without colour."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import textual.constants
from app_helpers import complete, fake_app, until
from fakes import Gate, ScriptedSource, quote
from rich.color import Color, ColorSystem, ColorType
from rich.segment import Segment
from textual.color import Color as TextualColor
from textual.filter import Monochrome
from textual.widgets._footer import FooterKey

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelFailed
from a2a_tui.ui.widgets.quote_table import QuoteTable

SYSTEMS = [
    pytest.param("linux", "", ColorSystem.STANDARD, id="TERM=linux"),
    pytest.param("xterm-256color", "", ColorSystem.EIGHT_BIT, id="256"),
    pytest.param("xterm-256color", "truecolor", ColorSystem.TRUECOLOR, id="truecolor"),
]
THEMES = ["textual-dark", "textual-light"]
REDS = {1, 9}  # red and bright red in the 16-colour palette


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Any:
    def set_terminal(term: str, colorterm: str) -> None:
        monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "auto")
        monkeypatch.setenv("TERM", term)
        monkeypatch.setenv("COLORTERM", colorterm)
        monkeypatch.delenv("NO_COLOR", raising=False)

    return set_terminal


def board_app(theme: str, *, gate: Gate | None = None) -> Any:
    promo = replace(quote(2, 4, "0.2"), promo_applied=True)
    script = [quote(1, 5, "0.1"), promo, ChannelFailed("fake", 3, "upstream error")]
    if gate is not None:
        script.append(gate)
    app = fake_app(ScriptedSource(script), initial=QuoteArgs("ETH", "USDT@tron", "1.5"))
    app.chosen_theme = theme  # set once running: the app applies its settings' theme on mount
    return app


async def shown(app: Any, pilot: Any) -> None:
    app.theme = app.chosen_theme
    await until(app.screen, complete(app.screen))
    await pilot.pause()


def shown_as(color: Color | None, system: ColorSystem) -> tuple[ColorType, Any]:
    assert color is not None
    seen = color.downgrade(system)
    return seen.type, seen.number if system is not ColorSystem.TRUECOLOR else seen.triplet


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(("term", "colorterm", "system"), SYSTEMS)
async def test_tags_and_footer_keys_never_share_the_error_colour(
    terminal: Any, term: str, colorterm: str, system: ColorSystem, theme: str
) -> None:
    terminal(term, colorterm)
    app = board_app(theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(app, pilot)
        assert app.current_theme.name == theme
        assert app.console.color_system == system.name.lower().replace("eight_bit", "256")
        table = app.screen.query_one(QuoteTable)
        tag = table.get_component_rich_style("quote-table--tag").color
        error = table.get_component_rich_style("quote-table--failed").color
        key = app.screen.query(FooterKey).first().get_component_rich_style("footer-key--key")
        assert shown_as(tag, system) != shown_as(error, system)
        assert shown_as(key.color, system) != shown_as(error, system)
        if system is ColorSystem.STANDARD:  # a red of any kind reads as an error there
            assert shown_as(tag, system)[1] not in REDS
            assert shown_as(key.color, system)[1] not in REDS
            assert shown_as(error, system)[1] in REDS  # and errors are red


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.get_truecolor()
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: Color, b: Color) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(("term", "colorterm", "system"), SYSTEMS)
async def test_failed_rows_are_readable_with_no_color(
    terminal: Any, monkeypatch: pytest.MonkeyPatch, term: str, colorterm: str,
    system: ColorSystem, theme: str,
) -> None:  # fmt: skip
    """NO_COLOR: Textual turns every colour grey; the error text was grey 240 on 234."""
    terminal(term, colorterm)
    monkeypatch.setenv("NO_COLOR", "1")
    app = board_app(theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(app, pilot)
        table = app.screen.query_one(QuoteTable)
        line = next(
            strip for y in range(1, 5)
            if "upstream error" in (strip := table.render_line(y)).text
        )  # fmt: skip
        grey = Monochrome().apply(list(line), TextualColor(0, 0, 0))
        message = next(s for s in grey if isinstance(s, Segment) and "upstream" in s.text)
        assert message.style is not None
        fg, bg = message.style.color, message.style.bgcolor
        assert fg is not None
        assert bg is not None
        assert contrast(fg, bg) >= 4.5  # WCAG AA for text


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_every_state_is_also_told_by_a_symbol_or_word(width: int) -> None:
    gate = Gate()
    app = board_app("textual-dark", gate=gate)
    app.backend.sources[0].script.insert(0, replace_expected())
    async with app.run_test(size=(width, 24)):
        await until(app.screen, gate.reached.is_set)
        table = app.screen.query_one(QuoteTable)
        table.refresh_rows()
        lines = [table.render_line(y).text for y in range(1, 5)]
        best, promo, pending, failed = lines
        assert best.split()[0] == "1"  # the best is rank 1 at any width...
        assert "B" in best.split()  # ...and tagged, by its initial in a narrow table
        assert "*" in promo or "(" in promo  # a promo fee is marked, not only coloured
        assert "waiting…" in pending
        assert failed.lstrip().startswith("✗")
        gate.open()


def replace_expected() -> Any:
    from a2a_tui.domain.quotes import ChannelRef, ChannelsExpected

    refs = (ChannelRef("fake", 1, "Channel 1"), ChannelRef("fake", 2, "Channel 2"),
            ChannelRef("fake", 3, "Channel 3"), ChannelRef("fake", 4, "Channel 4"))  # fmt: skip
    return ChannelsExpected("fake", refs)
