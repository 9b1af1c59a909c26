"""Colours under each colour system: tags never in the error colour, every state
also told by a symbol or word, failed rows readable without colour, and every
text on the table at least 4.5:1 against its background, stale never brighter."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest
import textual.constants
from app_helpers import complete, fake_app, until
from fakes import Gate, ScriptedSource, Ticker, quote
from rich._palettes import EIGHT_BIT_PALETTE
from rich.color import Color, ColorSystem, ColorType
from rich.segment import Segment
from textual.color import Color as TextualColor
from textual.filter import Monochrome
from textual.widgets._footer import FooterKey

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.quotes import ChannelFailed, ChannelRef, ChannelsExpected
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


@pytest.mark.parametrize("focused", [True, False], ids=["table focused", "form focused"])
@pytest.mark.parametrize(
    "theme", ["textual-dark", "textual-light", "catppuccin-latte", "solarized-light"]
)
async def test_tags_are_readable_on_every_theme(theme: str, focused: bool) -> None:
    """On textual-light the BEST/CHEAP/FAST tags were #fea62b on #d8d8d8 (1.4:1); on
    the cursor's row they kept that colour on the cursor's (2:1 on textual-dark)."""
    gate = Gate()
    script = [quote(2, 4, "0.1"), quote(1, 5, "0.3"), gate]  # CHEAP FAST off the cursor
    app = fake_app(ScriptedSource(script), initial=QuoteArgs("ETH", "USDT@tron", "1.5"))
    async with app.run_test(size=(100, 24)) as pilot:
        app.theme = theme
        await until(app.screen, gate.reached.is_set)
        if not focused:
            app.screen.query_one("#promo").focus()
        await pilot.pause()
        table = app.screen.query_one(QuoteTable)
        best, other = (list(table.render_line(y)) for y in (1, 2))

        def tag(line: list[Segment], word: str) -> Segment:
            return next(s for s in line if word in s.text)

        for segment in (tag(other, "CHEAP"), tag(other, "FAST")):
            assert segment.style is not None
            fg, bg = segment.style.color, segment.style.bgcolor
            assert fg is not None
            assert bg is not None
            assert contrast(fg, bg) >= 4.5, (theme, fg, bg)  # WCAG AA for text
        on_cursor = tag(best, "BEST").style
        assert on_cursor is not None
        name = tag(best, "Channel 1").style
        assert name is not None
        assert on_cursor.color == name.color  # as readable as the rest of its row


# -- every pair of the table at least 4.5:1, in every colour system ------------------

#: What a 16-colour terminal shows for each colour number: the VGA palette (the
#: Linux console's), not what an emulator's theme may make of it.
VGA = [(0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0), (0, 0, 170), (170, 0, 170),
       (0, 170, 170), (170, 170, 170), (85, 85, 85), (255, 85, 85), (85, 255, 85),
       (255, 255, 85), (85, 85, 255), (255, 85, 255), (85, 255, 255), (255, 255, 255)]  # fmt: skip
MODES = [  # (id, TERM, COLORTERM, NO_COLOR, what the console sends)
    pytest.param("xterm-256color", "truecolor", False, ColorSystem.TRUECOLOR, id="truecolor"),
    pytest.param("xterm-256color", "", False, ColorSystem.EIGHT_BIT, id="256"),
    pytest.param("xterm-256color", "", True, ColorSystem.EIGHT_BIT, id="NO_COLOR"),
    pytest.param("linux", "", False, ColorSystem.STANDARD, id="TERM=linux"),
]
AA = 4.5  # WCAG AA for text


def on_screen(color: Color, system: ColorSystem) -> tuple[int, int, int]:
    """The colour a terminal of that colour system shows."""
    seen = color.downgrade(system)
    if seen.type is ColorType.TRUECOLOR:
        assert seen.triplet is not None
        return tuple(seen.triplet)  # type: ignore[return-value]
    assert seen.number is not None
    if seen.number < 16:
        return VGA[seen.number]
    triplet = EIGHT_BIT_PALETTE[seen.number]
    return (triplet[0], triplet[1], triplet[2])


def relative(rgb: tuple[int, int, int]) -> float:
    return luminance(Color.from_rgb(*rgb))


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((relative(a), relative(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass
class Seen:
    """Every text segment of one table line as the terminal shows it."""

    what: str
    pairs: list[tuple[str, float, tuple[int, int, int], tuple[int, int, int]]]

    def of(self, text: str) -> float:
        return next(k for t, k, _, _ in self.pairs if text in t)


def seen_line(app: Any, table: QuoteTable, y: int, what: str, system: ColorSystem) -> Seen:
    table._styles = {}  # a paint pass's styles, as of now
    segments = list(table.render_line(y))
    for line_filter in app.get_line_filters():
        segments = line_filter.apply(segments, TextualColor(0, 0, 0))
    pairs = []
    for segment in segments:
        if not segment.text.strip() or segment.style is None:
            continue
        fg, bg = segment.style.color, segment.style.bgcolor
        assert fg is not None, (what, segment)
        assert bg is not None, (what, segment)
        assert not segment.style.dim, (what, segment)  # terminals dim as they like: unmeasurable
        front, back = on_screen(fg, system), on_screen(bg, system)
        pairs.append((segment.text.strip(), ratio(front, back), front, back))
    return Seen(what, pairs)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(("term", "colorterm", "no_color", "system"), MODES)
async def test_every_text_on_the_table_is_at_least_aa_and_stale_is_never_brighter(
    terminal: Any, monkeypatch: pytest.MonkeyPatch, term: str, colorterm: str,
    no_color: bool, system: ColorSystem, theme: str,
) -> None:  # fmt: skip
    """NO_COLOR: the best row's amounts were grey 247 on 241 (2.3:1) and a stale best
    row was brighter (250) than a fresh one; TERM=linux: bright green on cyan."""
    terminal(term, colorterm)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    clock = Ticker()
    gate = Gate()
    refs = tuple(ChannelRef("fake", i, f"Channel {i}") for i in range(1, 6))
    promo = replace(quote(2, 4_000_000, "0.2"), promo_applied=True)
    script = [ChannelsExpected("fake", refs), quote(1, 5_000_000, "0.1"), promo,
              ChannelFailed("fake", 3, "upstream error"), gate]  # fmt: skip
    app = fake_app(ScriptedSource(script), initial=QuoteArgs("ETH", "USDT@tron", "1.5"),
                   clock=clock)  # fmt: skip
    app.chosen_theme = theme
    async with app.run_test(size=(100, 24)) as pilot:
        app.theme = theme
        screen = app.screen
        await until(screen, gate.reached.is_set)
        await pilot.pause()
        table = screen.query_one(QuoteTable)
        table.refresh_rows()
        # rows: 1 best, 2 promo, 3 and 4 waiting, 5 failed (failed rows sort last)
        seen: list[Seen] = []

        def look(what: str) -> list[Seen]:
            lines = [seen_line(app, table, y, f"{what}, line {y}", system) for y in range(6)]
            seen.extend(lines)
            return lines

        fresh = look("focused, cursor on the best")
        for step in range(4):
            await pilot.press("down")
            look(f"cursor on row {step + 2}")
        await pilot.press("home")
        screen.query_one("#amount").focus()
        await pilot.pause()
        blurred = look("cursor blurred")
        table.focus()
        await pilot.pause()
        clock.advance(11)
        stale = look("stale, cursor on the best")
        await pilot.press("down")
        stale_below = look("stale, cursor on row 2")
        screen.query_one("#amount").focus()
        await pilot.pause()
        stale_blurred = look("stale, cursor blurred")
        table.focus()
        table.previous = True
        look("previous request")
        gate.open()
    low = [(s.what, *p) for s in seen for p in s.pairs if p[1] < AA]
    assert not low, "\n".join(f"{k:.2f} {w}: {t!r} {f} on {b}" for w, t, k, f, b in low)
    amount, usd = "5.000000", "$5.00"
    for text in (amount, usd):
        # dimmer, never brighter: on the cursor, below it, and with the cursor blurred
        assert stale[1].of(text) <= fresh[1].of(text)
        assert stale_below[1].of(text) <= blurred[1].of(text)
        assert stale_below[2].of("4.000000") <= blurred[2].of("4.000000")
        assert stale_blurred[1].of(text) <= blurred[1].of(text)
