"""``a2a-tui quote`` with every provider: the provider of each row, in JSON and the table."""

from __future__ import annotations

import io
import json
from typing import Any

from direct_helpers import direct_backend

from a2a_tui.cli.quote import run_quote
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.sim.server import SimServer

ETH_USDT = QuoteArgs("ETH@ethereum", "USDT@ethereum", "1.5")
LABELS = {"any2any": "Any2Any", "okx": "OKX DEX", "changelly": "Changelly", "swapkit": "SwapKit"}


async def run(sim: SimServer, *, as_json: bool) -> tuple[int, str, str]:
    backend = direct_backend(sim)
    out, err = io.StringIO(), io.StringIO()
    try:
        code = await run_quote(backend, ETH_USDT, as_json=as_json, out=out, err=err)
    finally:
        await backend.close()
    return code, out.getvalue(), err.getvalue()


async def test_json_rows_carry_their_provider(sim: SimServer) -> None:
    code, out, err = await run(sim, as_json=True)
    assert (code, err) == (0, "")
    events: list[dict[str, Any]] = [json.loads(line) for line in out.splitlines()]
    rows = [e for e in events if e["event"] == "channel"]
    assert {r["source"] for r in rows} == set(LABELS)
    for r in rows:
        assert r["provider"] == LABELS[r["source"]]
        if r["source"] == "any2any":
            assert isinstance(r["channel_id"], int)
            assert r["route"] == r["channel_id"]
        else:
            assert r["channel_id"] is None
        assert r["estimated_out"].isdigit()
        assert r["decimals"] == 6
        assert r["comparable"] is True
    swapkit = {r["route"] for r in rows if r["source"] == "swapkit"}
    assert swapkit == {"THORCHAIN", "CHAINFLIP", "MAYACHAIN", "NEAR", "ONEINCH"}
    assert all(r["eta_s"] for r in rows if r["source"] == "swapkit")
    changelly = next(r for r in rows if r["source"] == "changelly")
    assert changelly["expires_at"]
    assert changelly["fees"][0]["bps"] == "100"
    done = events[-1]
    assert done["sources"] == 5
    assert done["unavailable"] == [
        {"source": "swapscanner", "provider": "Swapscanner", "reason": "not available: Kaia only"}
    ]
    assert done["answered"] == len(rows) == 7 + 1 + 1 + 5
    skipped = next(e for e in events if e["event"] == "source_done" and not e["available"])
    assert skipped["source"] == "swapscanner"


async def test_the_table_names_each_provider_and_what_was_not_asked(sim: SimServer) -> None:
    code, out, _ = await run(sim, as_json=False)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["#", "Channel", "Provider", "Receive"]
    ranked = [line for line in lines[1:-1] if line[:2].strip().isdigit()]
    assert len(ranked) == 14
    for label in LABELS.values():
        assert any(f"  {label}  " in line for line in ranked), label
    assert any("Swapscanner" in line and "not available: Kaia only" in line for line in lines)
    assert lines[-1] == "14 answered, 0 failed, 1 not available"
