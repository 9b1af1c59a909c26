"""The tags column keeps every tag at every width (in full from 100 columns, by
initials below, with the full names in the detail panel and F1), and the detail
panel shows a long value as received, wrapped, never cut."""

from __future__ import annotations

from dataclasses import replace

import pytest
from app_helpers import complete, fake_app, until
from fakes import ScriptedSource, Ticker, quote
from textual.widgets import Static

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.ui.screens.keys import KeysScreen
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.widgets.quote_detail import QuoteDetail
from a2a_tui.ui.widgets.quote_table import QuoteTable

ARGS = QuoteArgs("ETH", "USDT@tron", "1.5")
ICON = "https://static.any2any.example/channel-icons/lumen-pools/2026-05/large@2x.png?v=7"


def screen_of(app: object) -> QuoteScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, QuoteScreen)
    return screen


def board_app(clock: Ticker) -> object:
    """Row 1 is best, cheapest and first: all three tags, then STALE as well."""
    lumen = replace(quote(107, 4_712_000_000, "0.15", name="Lumen Pools"), icon=ICON,
                    wire={"channel_id": 107, "channel_icon": ICON})  # fmt: skip
    source = ScriptedSource([lumen, quote(102, 4_700_000_000, "0.25", name="Cobalt Swap")])
    return fake_app(source, initial=ARGS, clock=clock)


def line_of(screen: QuoteScreen, y: int) -> str:
    table = screen.query_one(QuoteTable)
    table._prepare()
    return table.render_line(y).text


@pytest.mark.parametrize(
    ("width", "tags"),
    [
        (60, "STALE B C F"),
        (80, "STALE B C F"),
        (100, "STALE BEST CHEAPEST FASTEST"),
        (120, "STALE B C F"),  # the detail panel beside it leaves the table 80
        (200, "STALE BEST CHEAPEST FASTEST"),
    ],
)
async def test_a_stale_row_keeps_every_tag(width: int, tags: str) -> None:
    """At 200x50 a stale Lumen Pools row showed `STALE CHEAP` and lost FAST."""
    clock = Ticker()
    app = board_app(clock)
    async with app.run_test(size=(width, 30)):  # type: ignore[attr-defined]
        screen = screen_of(app)
        await until(screen, complete(screen))
        fresh = line_of(screen, 1)
        assert fresh.rstrip().endswith(tags.removeprefix("STALE ")), fresh
        clock.advance(11)
        screen.refresh_clock()
        stale = line_of(screen, 1)
        assert stale.rstrip().endswith(f" {tags}"), stale
        assert "CHEAP " not in stale
        assert not stale.rstrip().endswith(("CHEAP", "FAST"))


async def test_the_full_names_are_in_the_detail_panel_and_in_f1() -> None:
    app = board_app(Ticker())
    async with app.run_test(size=(80, 24)) as pilot:  # type: ignore[attr-defined]
        screen = screen_of(app)
        await until(screen, complete(screen))
        await pilot.press("d")
        await pilot.pause()
        detail = str(screen.query_one("#detail-body", Static).render())
        assert "Tags     BEST CHEAPEST FASTEST" in detail
        await pilot.press("f1")
        keys = app.screen  # type: ignore[attr-defined]
        assert isinstance(keys, KeysScreen)
        legend = " ".join(str(s.render()) for s in keys.query(".keys-row").results(Static))
        for word in ("BEST  (B)", "CHEAPEST  (C)", "FASTEST  (F)", "STALE"):
            assert word in legend


@pytest.mark.parametrize("size", [(80, 40), (120, 40)])
async def test_a_long_value_as_received_wraps_in_the_detail_panel(size: tuple[int, int]) -> None:
    """`channel_icon https://static.any2any.example/ch…`: cut, so not as received."""
    app = board_app(Ticker())
    async with app.run_test(size=size) as pilot:  # type: ignore[attr-defined]
        screen = screen_of(app)
        await until(screen, complete(screen))
        if size[0] < 120:
            await pilot.press("d")
        await pilot.pause()
        panel = screen.query_one(QuoteDetail)
        body = screen.query_one("#detail-body", Static)
        text = str(body.render())
        assert "…" not in text
        assert ICON in text.replace("\n  ", "").replace("\n", "")  # every character
        lines = text.split("\n")
        assert max(len(line) for line in lines) <= panel.scrollable_content_region.width
        assert body.size.height == len(lines)  # the panel grew to show it all


async def test_the_detail_panel_shown_by_widening_the_terminal_has_the_row() -> None:
    """At 80 columns the panel is hidden; widened to 200 it said `No row selected.`"""
    app = board_app(Ticker())
    async with app.run_test(size=(80, 24)) as pilot:  # type: ignore[attr-defined]
        screen = screen_of(app)
        await until(screen, complete(screen))
        await pilot.resize_terminal(200, 40)
        await pilot.pause()
        await pilot.pause()
        assert str(screen.query_one("#detail-body", Static).render()).startswith("Lumen Pools")


ROUTE = "Basalt Stable 60% · Orchard V3 40% · router 0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"


async def test_a_long_labelled_value_continues_under_itself() -> None:
    """At 200x50 the route and a fee's note went on at the panel's left edge,
    under the labels (`network cost` under `Fees`), reading as a label."""
    routed = quote("r1", 4_712_000_000, source="okx", name="Basalt", route_text=ROUTE)
    app = fake_app(ScriptedSource([routed]), initial=ARGS)
    async with app.run_test(size=(200, 50)):
        screen = screen_of(app)
        await until(screen, complete(screen))
        panel = screen.query_one(QuoteDetail)
        lines = str(screen.query_one("#detail-body", Static).render()).split("\n")
        start = next(i for i, line in enumerate(lines) if line.startswith("Route"))
        end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
        assert end - start > 1  # it needed more than one line
        assert all(line.startswith(" " * 9) for line in lines[start + 1 : end])
        shown = "".join(lines[start:end]).replace(" ", "")
        assert shown == f"Route{ROUTE}".replace(" ", "")  # every character
        assert max(len(line) for line in lines) <= panel.scrollable_content_region.width
