"""The orders screen's user-test defects: columns at 80, badges that fit, the
status line composed to fit, the Linux console's glyphs, keys in the detail."""

from __future__ import annotations

import pytest
import textual.constants
from app_helpers import until_shown as until
from conftest import MakeSim
from rich.cells import cell_len
from test_orders_screen import cell, control, desk_app, notes, open_orders, place
from textual.command import CommandPalette, SearchIcon
from textual.widgets import Header, Input, Static
from tracking_helpers import ManualTime

from a2a_tui.domain.support import BADGE_LABELS
from a2a_tui.infra.journal import Journal
from a2a_tui.ui.glyphs import ASCII, UNICODE
from a2a_tui.ui.screens.lookup import LookupScreen
from a2a_tui.ui.screens.orders import OrdersScreen
from a2a_tui.ui.widgets.order_detail import OrderDetail
from a2a_tui.ui.widgets.order_table import BADGE_WIDTH, OrderTable

CONSOLE_MISSING = set("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏⇄▾✓✗⚠≠🔎◷⌛↺⚑")


def test_every_badge_fits_its_column() -> None:
    assert all(cell_len(f" {label} ") <= BADGE_WIDTH for label in BADGE_LABELS)
    assert all(cell_len(f" {ASCII.text(label)} ") <= BADGE_WIDTH for label in BADGE_LABELS)


def test_columns_drop_least_useful_first() -> None:
    table = OrderTable()
    assert table.columns_for(76) == ("order", "status", "time", "amount")
    wide = table.columns_for(400)
    assert wide[-1] == "origin"
    # a narrow column never stays past a more useful one that dropped
    for width in range(40, 200):
        shown = table.columns_for(width)
        order = ["order", "status", "time", "amount", "updated", "commission", "bound",
                 "channel", "created", "origin"]  # fmt: skip
        assert set(shown) == set(order[: len(shown)]), width


async def test_pair_and_amount_show_at_80x24(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(app, pilot)
        assert "amount" in screen.query_one(OrderTable).columns_for(
            screen.query_one(OrderTable).size.width
        )
        assert "Amount" in app.export_screenshot()


@pytest.mark.parametrize("term", ["linux", "xterm-256color"])
async def test_the_orders_screen_uses_only_the_console_font_on_linux(
    make_sim: MakeSim, monkeypatch: pytest.MonkeyPatch, term: str
) -> None:
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "auto")
    monkeypatch.setenv("TERM", term)
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_orders(app, pilot)
        await until(app, lambda: "awaiting deposit" in cell(app, order_no, "status"))
        await pilot.pause()
        header = screen.query_one(Header).icon
        drawn = set(app.export_screenshot())
        await pilot.press("ctrl+p")
        await until(app.screen, lambda: bool(app.screen.query(SearchIcon)))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        icon = app.screen.query_one(SearchIcon).icon
    if term == "linux":
        assert drawn & CONSOLE_MISSING == set()
        assert (header, icon) == (ASCII.pair, ASCII.search)
    else:
        assert "◷" in drawn
        assert (header, icon) == (UNICODE.pair, UNICODE.search)


async def test_the_status_line_fits_80_columns_with_whole_parts(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(app, pilot)
        status = screen.query_one("#orders-status", Static)
        await until(app, lambda: "1 order" in str(status.render()))
        assert "1 orders" not in str(status.render())
        await pilot.press("ctrl+t", "ctrl+t")  # needs action
        await pilot.pause()
        line = str(status.render())
        assert line.startswith("0 of 1 order")
        assert "needs action" in line
        assert len(line) <= status.content_size.width
        assert not line.endswith(("(full", "…"))
        assert "tracking 1" in line  # the tracking count stays; its rate may go


async def test_countdowns_run_on_the_hosts_clock(make_sim: MakeSim) -> None:
    """The host's clock is 40 min ahead of this machine's (the demo's "advance the
    clock"): a 30-minute order has 30 min left, not 70, on screen and in the CLI's
    next step alike."""
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    await control(sim, "/sim/clock/advance", {"seconds": 40 * 60})
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_orders(app, pilot)
        await until(app, lambda: "awaiting deposit" in cell(app, order_no, "status"))
        await until(app, lambda: cell(app, order_no, "time") == "30 min left")
        assert app.desk is not None
        view = (await app.desk.poll(order_no)).view
        assert "(30 min left)" in app.desk.next_step(view)


async def test_a_failure_says_what_to_do_next(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_orders(app, pilot)
        await until(app, lambda: "awaiting deposit" in cell(app, order_no, "status"))
        await control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "slippage_failed"})
        await control(sim, "/sim/clock/advance", {"seconds": 30})
        time.advance(5)
        await until(app, lambda: "slippage failed" in cell(app, order_no, "status"))
        await until(app, lambda: any("Next: F3, then ctrl+r" in n for n in notes(app)))
        await until(app, lambda: "ctrl+r opens the refund step" in str(
            screen.query_one("#detail-text", Static).render()))  # fmt: skip


async def test_newest_first_holds_across_reopenings(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    mine = await place(sim, journal, "mine")
    await control(sim, "/sim/clock/advance", {"seconds": 60})
    elsewhere = await place(sim, Journal.in_memory(), "made-elsewhere")  # newer
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_orders(app, pilot)
        await pilot.press("ctrl+l")
        await until(app, lambda: isinstance(app.screen, LookupScreen))
        app.screen.query_one("#lookup-value", Input).insert_text_at_cursor(elsewhere)
        await pilot.press("enter")
        await until(app, lambda: screen.shown_keys == [elsewhere, mine])
        await pilot.press("escape", "escape")
        await until(app, lambda: not isinstance(app.screen, OrdersScreen))
        screen = await open_orders(app, pilot)
        await until(app, lambda: len(screen.shown_keys) == 2)
        assert screen.shown_keys == [elsewhere, mine]  # by creation, not load order


async def test_keys_scroll_the_detail_at_80x24_and_home_end_move_in_the_table(
    make_sim: MakeSim,
) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    first = await place(sim, journal, "one")
    second = await place(sim, journal, "two")
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(app, pilot)
        table = screen.query_one(OrderTable)
        await until(app, lambda: len(screen.shown_keys) == 2)
        await pilot.press("end")
        assert table.highlighted_key() == screen.shown_keys[-1]
        await pilot.press("home")
        assert table.highlighted_key() == screen.shown_keys[0]
        assert {first, second} == set(screen.shown_keys)
        await pilot.press("enter")  # the detail replaces the table
        detail = screen.query_one(OrderDetail)
        await until(app, lambda: detail.max_scroll_y > 0)
        await pilot.press("pagedown")
        await until(app, lambda: detail.scroll_y > 0)
        await pilot.press("end")
        await until(app, lambda: detail.scroll_y == detail.max_scroll_y)
        await pilot.press("home")
        await until(app, lambda: detail.scroll_y == 0)
        await pilot.press("down")
        await until(app, lambda: detail.scroll_y == 1)
