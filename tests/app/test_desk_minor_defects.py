"""User-reported defects of the support desk's screens: a notification's "Next:"
that contradicts the order, the refund step's keys where nothing can be sent,
its marks on the Linux console, the look-up dialog on a dead host, failed reads
invisible at 80 columns, the deposit and detail's wording of final states."""

from __future__ import annotations

import pytest
import textual.constants
from app_helpers import until_shown as until
from conftest import MakeSim
from test_orders_screen import (
    REFUND_TO,
    cell,
    control,
    desk_app,
    notes,
    open_orders,
    place,
    place_failed,
)
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input, Static
from tracking_helpers import ManualTime

from a2a_tui.domain.orders import OrderStatus
from a2a_tui.infra.journal import Journal
from a2a_tui.ui.screens.lookup import LookupScreen
from a2a_tui.ui.screens.refund import RefundScreen

CONSOLE_MISSING = set("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏⇄▾✓✗⚠≠🔎◷⌛↺⚑")


def footer_keys(app: object) -> set[str]:
    """The actions the footer offers now."""
    screen = app.screen  # type: ignore[attr-defined]
    return {binding.action for (_, binding, enabled, _) in screen.active_bindings.values()
            if enabled and binding.show}  # fmt: skip


async def open_refund(app: object, pilot: object, order_no: str, status: str) -> RefundScreen:
    await open_orders(app, pilot)  # type: ignore[arg-type]
    await until(app, lambda: status in cell(app, order_no, "status"))  # type: ignore[arg-type]
    await pilot.press("ctrl+r")  # type: ignore[attr-defined]
    await until(app, lambda: isinstance(app.screen, RefundScreen))  # type: ignore[attr-defined]
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, RefundScreen)
    return screen


# -- 1. the notification's "Next:" agrees with the order ---------------------------------


async def test_a_requested_refund_is_not_asked_for_again_by_the_notification(
    make_sim: MakeSim,
) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place_failed(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        refund = await open_refund(app, pilot, order_no, "slippage failed")
        refund.query_one("#refund-address", Input).insert_text_at_cursor(REFUND_TO)
        await pilot.press("enter")
        await until(app, lambda: refund.result is not None)
        time.advance(5)
        await until(app, lambda: any("refund in progress" in n for n in notes(app)))
        said = next(n for n in notes(app) if "refund in progress" in n)
        assert said.startswith(f"Order {order_no}: refund in progress (was swap failed")
        assert "request the refund" not in said


async def test_an_expired_order_with_nothing_received_is_not_told_to_request_a_refund(
    make_sim: MakeSim,
) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_orders(app, pilot)
        await until(app, lambda: "awaiting deposit" in cell(app, order_no, "status"))
        await control(sim, "/sim/clock/advance", {"seconds": 31 * 60})
        time.advance(60)
        await until(app, lambda: any("deposit expired" in n for n in notes(app)))
        said = next(n for n in notes(app) if "deposit expired" in n)
        assert "request the refund" not in said


async def test_a_failed_swap_is_still_told_to_request_the_refund(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_orders(app, pilot)
        await until(app, lambda: "awaiting deposit" in cell(app, order_no, "status"))
        await control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "chain_failed"})
        await control(sim, "/sim/clock/advance", {"seconds": 30})
        time.advance(5)
        await until(app, lambda: any("on-chain failure (was" in n for n in notes(app)))
        said = next(n for n in notes(app) if "on-chain failure (was" in n)
        assert said.endswith(
            "Next: F3, then ctrl+r, to request the refund "
            "(failed swap: automatic refund of the principal minus gas)"
        )


# -- 2. the refund step offers ^s only where a request can be sent --------------------------


async def test_the_refund_step_offers_no_request_while_waiting_for_the_deposit(
    make_sim: MakeSim,
) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        refund = await open_refund(app, pilot, order_no, "awaiting deposit")
        await pilot.pause()
        assert "request" not in footer_keys(app)
        assert "Request refund" not in app.export_screenshot()
        refund.query_one("#refund-address", Input).insert_text_at_cursor(REFUND_TO)
        await pilot.press("enter")  # Enter agrees with the footer: nothing is sent
        await pilot.pause()
        assert refund.result is None
        assert not refund.busy
        said = str(refund.query_one("#refund-result", Static).render())
        assert said.startswith("No refund can be requested now (why above)")
        assert journal.refunds(sim.base_url, order_no) == []


async def test_the_refund_step_offers_the_request_until_the_order_is_refunded(
    make_sim: MakeSim,
) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place_failed(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        refund = await open_refund(app, pilot, order_no, "slippage failed")
        await pilot.pause()
        assert "request" in footer_keys(app)
        refund.query_one("#refund-address", Input).insert_text_at_cursor(REFUND_TO)
        await pilot.press("enter")
        await until(app, lambda: refund.result is not None)
        await control(sim, "/sim/clock/advance", {"seconds": 120})
        time.advance(5)
        await until(app, lambda: refund.view.status is OrderStatus.REFUNDED)
        await pilot.pause()
        assert "request" not in footer_keys(app)  # final: nothing left to submit
        assert "Request refund" not in app.export_screenshot()


# -- 3. the refund step's marks on the Linux console -------------------------------------------


@pytest.mark.parametrize("term", ["linux", "xterm-256color"])
async def test_the_refund_step_uses_only_the_console_font_on_linux(
    make_sim: MakeSim, monkeypatch: pytest.MonkeyPatch, term: str
) -> None:
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "auto")
    monkeypatch.setenv("TERM", term)
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    order_no = await place_failed(sim, journal)
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        refund = await open_refund(app, pilot, order_no, "slippage failed")
        await pilot.pause()
        before = set(app.export_screenshot())
        path = str(refund.query_one("#refund-path", Static).render())
        refund.query_one("#refund-address", Input).insert_text_at_cursor(REFUND_TO)
        await pilot.press("enter")
        await until(app, lambda: refund.result is not None)
        await pilot.pause()
        after = set(app.export_screenshot())
        result = str(refund.query_one("#refund-result", Static).render())
    if term == "linux":
        assert (before | after) & CONSOLE_MISSING == set()
        assert "\n+       swap failed (slippage)" in path
        assert result.startswith("+ Refund of")
    else:
        assert "\n✓       swap failed (slippage)" in path
        assert result.startswith("✓ Refund of")


# -- 4. the look-up dialog on a dead host, and its intro at 80x24 ------------------------------


class _DeadHost:
    base_url = "http://127.0.0.1:9"  # nothing listens there


def shown_text(widget: Widget) -> str:
    """What the widget draws, line by line (a cut line loses its end here too)."""
    return "\n".join(
        strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.size))
    )


async def test_the_look_up_dialog_on_a_dead_host_says_what_to_do(make_sim: MakeSim) -> None:
    journal, time = Journal.in_memory(), ManualTime()
    app = desk_app(_DeadHost(), journal, time)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_orders(app, pilot)
        await pilot.press("ctrl+l")
        await until(app, lambda: isinstance(app.screen, LookupScreen))
        await pilot.pause()
        widget = app.screen.query_one("#lookup-intro")
        dialog = app.screen.query_one("#lookup")
        assert widget.region.right <= dialog.content_region.right  # nothing drawn past the frame
        intro = " ".join(shown_text(widget).split())
        assert intro.endswith("tracked.")
        assert "http://127.0.0.1:9" in intro
        app.screen.query_one("#lookup-value", Input).insert_text_at_cursor("OD2026052510000001")
        await pilot.press("enter")
        problem = app.screen.query_one("#lookup-problem", Static)
        await until(app, lambda: "cannot connect" in str(problem.render()))
        said = str(problem.render())
        assert "?." not in said
        assert "Correct the number" not in said  # the number is not the problem
        assert "127.0.0.1:9" in said
        assert "Enter to try again" in said


# -- 5. failed reads show on the orders screen's status line at any width ----------------------


async def test_failing_reads_are_said_on_the_status_line_at_80_columns(make_sim: MakeSim) -> None:
    sim, journal, time = make_sim(), Journal.in_memory(), ManualTime()
    first = await place(sim, journal, "desk-1")
    second = await place(sim, journal, "desk-2")
    app = desk_app(sim, journal, time)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_orders(app, pilot)
        tracker = app.tracker
        assert tracker is not None
        for order_no in (first, second):
            await until(app, lambda o=order_no: "awaiting deposit" in cell(app, o, "status"))
        status = screen.query_one("#orders-status", Static)

        def line() -> str:
            return str(status.render())

        await until(app, lambda: "tracking 2" in line())
        assert "failing" not in line()
        sim.stop()  # the host dies while the screen is open
        time.advance(300)  # every order is due
        await until(app, lambda: all((t := tracker.get(o)) is not None and t.failures
                                     for o in (first, second)))  # fmt: skip
        await until(app, lambda: "failing" in line(), within=5)  # at the next tick
        said = line()
        assert "2 failing to read: cannot connect to 127.0.0.1" in said, said
        assert status.has_class("-error")
        assert len(said) <= status.content_size.width
