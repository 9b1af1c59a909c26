"""On the Linux console (TERM=linux) the app draws its own glyphs in ASCII: the
kernel's font has no braille spinner, no ⇄ ▾ ✓ ✗ ⚠ ≠, no 🔎."""

from __future__ import annotations

from typing import Any

import pytest
import textual.constants
from app_helpers import fake_app, until
from fakes import Gate, ScriptedSource, quote
from textual.command import CommandPalette, SearchIcon

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelFailed, ChannelRef, ChannelsExpected
from a2a_tui.ui.screens.quote import QuoteScreen

MISSING = set("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏⇄▾✓✗⚠≠🔎")


def drawn(app: Any) -> set[str]:
    """Every character on the screen (the SVG export holds the cells' text)."""
    return set(app.export_screenshot())


@pytest.mark.parametrize(("term", "ascii_only"), [("linux", True), ("xterm-256color", False)])
async def test_the_board_uses_only_glyphs_the_console_font_has(
    monkeypatch: pytest.MonkeyPatch, term: str, ascii_only: bool
) -> None:
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "auto")
    monkeypatch.setenv("TERM", term)
    gate = Gate()
    expected = ChannelsExpected(
        "fake", tuple(ChannelRef("fake", i, f"Channel {i}") for i in (1, 2, 3))
    )
    script = [expected, quote(1, 5), ChannelFailed("fake", 2, "upstream error"), gate]
    app = fake_app(ScriptedSource(script), initial=QuoteArgs("ETH", "USDT@tron", "1.5"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuoteScreen)
        await until(screen, gate.reached.is_set)  # channel 3 still out: the spinner
        await pilot.pause()
        streaming = drawn(app)
        await pilot.press("escape")  # stopped: its mark
        await pilot.pause()
        stopped = drawn(app)
        await pilot.press("ctrl+p")
        await until(app.screen, lambda: bool(app.screen.query(SearchIcon)))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        icon = app.screen.query_one(SearchIcon).icon
    seen = (streaming | stopped) & MISSING
    if ascii_only:
        assert seen == set()
        assert icon == ">"
    else:
        assert {"⇄", "▾", "✗"} <= seen  # the same screens, drawn with them
        assert icon == "🔎"


#: Textual's own frames and scrollbar eighths, and the board's Δ: not in the font.
FRAMES = set("╭╮╰╯▏▕▔▁▎▊▉▋▌▍▂▃▄▅▆▇┏┓┗┛━┃╍╏▛▜▙▟Δ") - set("▌▄")


@pytest.mark.parametrize(("term", "ascii_only"), [("linux", True), ("xterm-256color", False)])
async def test_textuals_frames_are_drawn_with_the_console_fonts_lines(
    monkeypatch: pytest.MonkeyPatch, term: str, ascii_only: bool
) -> None:
    """Every Input (``tall``), the footer's ``▏`` before the palette key, the round
    dialogs and the scrollbar's eighths showed as diamonds on the console."""
    monkeypatch.setenv("TERM", term)
    script = [quote(i, 5 + i) for i in range(1, 30)]
    app = fake_app(ScriptedSource(script), initial=QuoteArgs("ETH", "USDT@tron", "1.5"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuoteScreen)
        await until(screen, lambda: screen.board is not None and screen.board.status().complete)
        await pilot.pause()
        board = drawn(app)
        await pilot.press("f2")  # settings: inputs, switches, buttons, a scrollbar
        await pilot.pause()
        settings = drawn(app)
    seen = (board | settings) & FRAMES
    if ascii_only:
        assert seen == set(), seen
        assert {"┌", "│"} & (board | settings)  # the light lines the font has
    else:
        assert {"▏", "Δ"} <= seen  # Textual's own, where the terminal has them
