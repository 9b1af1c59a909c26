"""When the host is not there: one clear row and status naming the host and what
to do, readable words instead of exception names, and a token picker that says
the list could not be loaded rather than that the host listed none."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
from app_helpers import complete, until
from conftest import MakeSim
from fakes import SPEC
from textual.widgets import Label

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.engine.board import QuoteBoard, RowState
from a2a_tui.engine.merger import QuoteRun
from a2a_tui.services.backend import Backend
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.quote import QuoteScreen
from a2a_tui.ui.screens.token_picker import TokenPicker
from a2a_tui.ui.widgets.quote_status import QuoteStatus, StatusView, status_line
from a2a_tui.ui.widgets.quote_table import QuoteTable

ARGS = QuoteArgs("ETH", "USDT@tron", "1.5")


def screen_of(app: A2AApp) -> QuoteScreen:
    screen = app.screen
    assert isinstance(screen, QuoteScreen)
    return screen


def table_text(screen: QuoteScreen) -> list[str]:
    table = screen.query_one(QuoteTable)
    table._prepare()
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_a_simulator_gone_is_one_row_and_a_status_that_says_what_to_do(
    make_sim: MakeSim,
) -> None:
    """Killing the simulator then `r` showed `✗ (whole prov… cannot connect`:
    cut, naming no host and no next step."""
    sim = make_sim()
    host = sim.base_url.removeprefix("http://")
    app = A2AApp(Backend.any2any(sim.base_url), initial=ARGS, present_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        await until(screen, complete(screen))
        sim.stop()
        await pilot.press("r")
        await until(screen, lambda: screen.board is not None and screen.board.phase != "streaming")
        assert screen.board is not None
        (row,) = screen.board.ranked()
        assert (row.row.name, row.row.state) == ("Any2Any", RowState.FAILED)
        assert row.row.error == f"cannot connect to {host} · is `a2a-tui sim` running?"
        line = next(t for t in table_text(screen) if "✗" in t)
        assert "Any2Any" in line
        assert f"cannot connect to {host}  " in line  # the hint gives way in a narrow row
        assert "…" not in line
        status = str(screen.query_one(QuoteStatus).render())
        assert status.startswith(f"✗ Any2Any: cannot connect to {host} · is `a2a-tui sim` running?")
        assert "Error" not in status
        await pilot.resize_terminal(200, 30)
        await pilot.pause()
        screen.refresh_clock()
        status = str(screen.query_one(QuoteStatus).render())
        assert status.startswith(
            f"✗ Any2Any: cannot connect to {host} · is `a2a-tui sim` running? · r to retry"
        )


async def test_tokens_that_cannot_be_loaded_are_not_an_empty_list() -> None:
    """With `--base-url http://127.0.0.1:9` the picker said "no tokens: the host
    listed none": it had failed to connect."""
    app = A2AApp(Backend.any2any("http://127.0.0.1:9"), present_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        said = "could not load the token list: cannot connect to 127.0.0.1:9"
        await until(screen, lambda: "cannot connect to 127.0.0.1:9" in str(
            screen.query_one(QuoteStatus).render()))  # fmt: skip
        await pilot.resize_terminal(200, 24)
        await pilot.pause()
        screen.refresh_clock()
        assert str(screen.query_one(QuoteStatus).render()).rstrip() == (
            f"⚠ {said} · is `a2a-tui sim` running? · ctrl+r to retry"
        )
        screen.query_one("#src").focus()
        await pilot.press("enter")
        picker = app.screen
        assert isinstance(picker, TokenPicker)
        await pilot.pause()
        text = str(picker.query_one("#no-match", Label).render())
        assert text.startswith(f"{said} · is `a2a-tui sim` running?"), text
        assert "ctrl+r retries" in text
        assert "listed none" not in text
        await pilot.press("u")  # typing does not turn it into "no token matches u"
        await pilot.pause()
        assert str(picker.query_one("#no-match", Label).render()).startswith(said)


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_the_token_list_failure_always_keeps_its_retry_hint(width: int) -> None:
    """At 80x24 the line was `⚠ could not load the token list: cannot connect to
    127.0.0.1:9`: the retry hint, the user's next step, was the part dropped."""
    app = A2AApp(Backend.any2any("http://127.0.0.1:9"), present_interval=0)
    async with app.run_test(size=(width, 24)):
        screen = screen_of(app)
        await until(screen, lambda: bool(screen._notice))
        status = screen.query_one(QuoteStatus)
        line = str(status.render()).rstrip()
        assert line.startswith("⚠ "), line
        assert line.endswith(" · ctrl+r to retry"), line
        if width >= 80:
            assert "cannot connect to 127.0.0.1:9" in line, line
        assert len(line) <= status.content_size.width


@pytest.mark.parametrize("width", range(30, 201, 7))
def test_a_notice_gives_up_its_own_words_before_its_next_step(width: int) -> None:
    """However long the host's name, the lead shortens (then ends with `…` between
    words) and what to do stays whole at the end."""
    host = "any2any-staging.internal.example.com:8443"
    reason = f"cannot connect to {host} · is `a2a-tui sim` running?"
    view = StatusView(
        notice=(f"could not load the token list: {reason}", "ctrl+r to retry"),
        notice_short=f"no token list: {reason}",
    )
    line = status_line(view, width)
    assert len(line) <= width, line
    assert line.startswith("⚠ "), line
    assert line.endswith(" · ctrl+r to retry"), line
    if width >= 94:  # `⚠ no token list: cannot connect to <host> · ctrl+r to retry`
        assert host in line, line  # what failed, whole, while there is room for it


# -- a stream cut mid-way -------------------------------------------------------------


@contextlib.asynccontextmanager
async def cutting_host(sim_url: str) -> AsyncIterator[str]:
    """A host that answers like the simulator, but cuts the quote stream after
    its first event, the way a killed process does (no end of the chunked body)."""
    async with httpx.AsyncClient(base_url=sim_url) as sim:
        pair = {"src_token_id": SPEC.src.token_id, "dst_token_id": SPEC.dst.token_id}
        channels = (await sim.get("/api/v1/channels", params=pair)).content
        params = {**pair, "amount_in": SPEC.amount_in, "slippage": "0.01"}
        stream = (await sim.get("/api/v2/quote/stream", params=params)).text
    first = stream.split("\n\n")[0] + "\n\n"
    assert first.startswith("event: channel")

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        if " /api/v1/channels" in head.split("\r\n")[0]:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(channels), channels))  # fmt: skip
            await writer.drain()
            return
        body = first.encode()
        start = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked"
        writer.write(start + b"\r\n\r\n%x\r\n%s\r\n" % (len(body), body))
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()  # mid-stream, without the last chunk

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def test_a_stream_cut_mid_way_says_so_in_words_on_the_routes_still_waiting(
    make_sim: MakeSim,
) -> None:
    """A mid-stream kill showed `connection lost: RemoteProtocolError` on every
    channel still waiting, as if each had failed."""
    async with cutting_host(make_sim().base_url) as url:
        backend = Backend.any2any(url)
        async with QuoteRun(backend.sources, SPEC) as run:
            board = QuoteBoard(SPEC, {"any2any": "Any2Any"}, run.started_at)
            async for batch in run:
                board.apply(batch)
        await backend.close()
    host = url.removeprefix("http://")
    assert board.status().problems == (f"Any2Any: connection to {host} lost",)
    waiting = [r.row for r in board.ranked() if r.row.state is RowState.FAILED]
    assert waiting
    assert {r.error for r in waiting} == {f"no answer · connection to {host} lost"}
    assert board.status().answered == 1
