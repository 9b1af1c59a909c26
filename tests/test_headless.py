"""``a2a-tui quote``: JSON lines as events arrive, a table at the end, honest exit codes."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from typing import Any

import httpx
import pytest
from conftest import MakeSim
from helpers import sim_post

from a2a_tui.cli.quote import run_quote
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.services.backend import Backend
from a2a_tui.sim.catalog import CHANNELS, SimChannel

HOSTILE_NAME = "[bold red]Evil[/] [@click=app.quit]x[/] \x1b]52;c;SGVsbG8=\x07\x1b[2J\u202eok"
HOSTILE = SimChannel(666, HOSTILE_NAME, "\x1b]8;;https://evil\x07", Decimal("0.1"), 5, 10, 1,
                     0.0, 0.0, 0.0)  # fmt: skip


async def quote(
    base_url: str, args: QuoteArgs, *, as_json: bool = True
) -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    backend = Backend.any2any(base_url)
    try:
        code = await run_quote(backend, args, as_json=as_json, out=out, err=err)
    finally:
        await backend.close()
    return code, out.getvalue().splitlines(), err.getvalue()


def parsed(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]


async def test_json_lines_carry_the_rank_at_each_moment(make_sim: MakeSim) -> None:
    server = make_sim(latency_scale=0.1)  # channels answer after the channel list
    code, lines, err = await quote(
        server.base_url, QuoteArgs("USDT@ethereum", "USDC@ethereum", "1000")
    )
    assert (code, err) == (0, "")
    events = parsed(lines)
    expecting = next(e for e in events if e["event"] == "expecting")
    assert sorted(expecting["channel_ids"]) == sorted(c.channel_id for c in CHANNELS)
    channels = [e for e in events if e["event"] == "channel"]
    assert {c["channel_id"] for c in channels} == {c.channel_id for c in CHANNELS}
    assert channels[0]["rank"] == 1  # alone, the first answer is the best so far
    for channel in channels:
        assert channel["estimated_out"].isdigit()
        assert channel["symbol"] == "USDC"
        assert int(channel["min_out"]) == int(channel["estimated_out"]) * 99 // 100
        # below the best in basis points: a decimal string of at most two places, like
        # every other number here, not a float such as 12.345678901234567
        shortfall = channel["shortfall_bps"]
        assert shortfall is None or re.fullmatch(r"\d+(\.\d{1,2})?", shortfall), shortfall
    assert any(c["shortfall_bps"] not in (None, "0") for c in channels)
    assert events[-2] == {"event": "source_done", "source": "any2any", "provider": "Any2Any",
                          "complete": True, "available": True, "message": None}  # fmt: skip
    assert {(c["source"], c["provider"], c["route"]) for c in channels} == {
        ("any2any", "Any2Any", c.channel_id) for c in CHANNELS
    }
    done = events[-1]
    assert done["event"] == "done"
    assert done["complete"] is True
    assert done["answered"] == len(CHANNELS)
    best = max(channels, key=lambda c: int(c["estimated_out"]))
    assert done["best"]["channel_id"] == best["channel_id"]
    assert done["best"]["tags"][0] == "BEST"


async def test_table_output_at_the_end(make_sim: MakeSim) -> None:
    server = make_sim()
    code, lines, _ = await quote(
        server.base_url, QuoteArgs("ETH", "USDT@tron", "1.5", "0.5%"), as_json=False
    )
    assert code == 0
    assert lines[0].split()[:3] == ["#", "Channel", "Provider"]
    assert "Receive (USDT)" in lines[0]
    assert lines[1].lstrip().startswith("1 ")
    assert "BEST" in lines[1]
    assert lines[-1] == "6 answered, 0 failed"  # Helix Router has no Tron


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (QuoteArgs("DOGE", "USDC", "1"), "no token 'DOGE'"),
        (QuoteArgs("USDT", "ETH", "1"), "'USDT' is on several chains; use one of: USDT@ethereum"),
        (QuoteArgs("USDT@ethereum", "USDT@mars", "1"), "destination: no token 'USDT@mars'"),
        (QuoteArgs("ETH", "BTC", "1.0000000000000000001"), "too many decimal places"),
        (QuoteArgs("ETH", "BTC", "0"), "greater than zero"),
        (QuoteArgs("ETH", "BTC", "1", "5"), "slippage must be between 0 and 1"),
        (QuoteArgs("ETH", "ETH", "1"), "the same token"),
    ],
)
async def test_bad_input_exits_2_with_the_reason(
    make_sim: MakeSim, args: QuoteArgs, message: str
) -> None:
    code, lines, err = await quote(make_sim().base_url, args)
    assert (code, lines) == (2, [])
    assert message in err


async def test_no_channel_answered_exits_1(make_sim: MakeSim) -> None:
    server = make_sim()
    async with httpx.AsyncClient(base_url=server.base_url) as raw:
        failing = {str(c.channel_id): "error" for c in CHANNELS}
        await sim_post(raw, "/sim/faults", {"channels": failing})
    code, lines, _ = await quote(server.base_url, QuoteArgs("ETH", "BTC", "1"))
    assert code == 1
    assert parsed(lines)[-1]["answered"] == 0


async def test_a_pre_stream_error_is_reported_and_exits_1(make_sim: MakeSim) -> None:
    server = make_sim()
    async with httpx.AsyncClient(base_url=server.base_url) as raw:
        await sim_post(raw, "/sim/faults", {"quote_service": "unavailable"})
    code, lines, _ = await quote(server.base_url, QuoteArgs("ETH", "BTC", "1"))
    assert code == 1
    assert parsed(lines)[-1]["problems"] == ["Any2Any: quote service unavailable (HTTP 502)"]


async def test_an_unreachable_host_exits_1() -> None:
    code, _, err = await quote("http://127.0.0.1:9", QuoteArgs("ETH", "BTC", "1"))
    assert code == 1
    assert "cannot load tokens from http://127.0.0.1:9: cannot connect" in err


@pytest.mark.parametrize("as_json", [True, False])
async def test_hostile_channel_names_come_out_inert(make_sim: MakeSim, as_json: bool) -> None:
    server = make_sim(channels=(HOSTILE,))
    code, lines, _ = await quote(server.base_url, QuoteArgs("ETH", "BTC", "1"), as_json=as_json)
    assert code == 0
    text = "\n".join(lines)
    assert not any(ch in text for ch in "\x1b\x07\x9b\x9d\u202e")
    if as_json:
        text = next(e["name"] for e in parsed(lines) if e["event"] == "channel")
    assert "[bold red]Evil[/] [@click=app.quit]x[/]" in text


def test_the_command_line_and_its_environment_variable(make_sim: MakeSim) -> None:
    server = make_sim()
    env = os.environ | {"A2A_TUI_BASE_URL": server.base_url}
    result = subprocess.run(
        [sys.executable, "-m", "a2a_tui", "quote", "--src", "ETH", "--dst", "USDT@tron",
         "--amount", "1.5", "--json"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["complete"] is True


def test_a_reader_that_goes_away_ends_the_command_quietly(make_sim: MakeSim) -> None:
    """`a2a-tui quote --json | head -1`: no traceback, and a stopped stream."""
    server = make_sim(latency_scale=0.2)
    env = os.environ | {"A2A_TUI_BASE_URL": server.base_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "a2a_tui", "quote", "--src", "ETH", "--dst", "USDT@tron",
         "--amount", "1.5", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()
    process.stdout.close()  # the reader goes away
    _, err = process.communicate(timeout=60)
    # a provider the settings leave off says so first (source_done, available false)
    assert json.loads(first)["event"] in {"expecting", "channel", "source_done"}
    assert process.returncode == 141
    assert b"Traceback" not in err
