"""Faults between client and server, for real: a loopback proxy that drops, resets,
answers 502 or holds an order request after the server has created the order,
a client cancelled mid-request, and a process killed between the journal write
and the reply. Every time: exactly one order on the server, one in the journal.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GUIDE_KEY, MakeSim
from faultproxy import Action, FaultProxy
from helpers import TRON_ADDRESS
from order_helpers import journal_entries, quoted_draft, server_orders, service_for

from a2a_tui.domain.orders import JournalState
from a2a_tui.infra.journal import Journal
from a2a_tui.services.orders import OutcomeUnknown


@pytest.mark.parametrize(
    "fault",
    ["drop_after", "reset_after", "502_after", "hold_after", "reset_before"],
)
async def test_a_fault_on_the_way_back_is_retried_into_the_same_order(
    make_sim: MakeSim, fault: Action
) -> None:
    sim = make_sim()
    with FaultProxy(sim.base_url, plan=[fault]) as proxy:
        service = service_for(proxy.base_url, read_timeout=0.5)
        try:
            draft = await quoted_draft(service, client_order_id=f"fault-{fault}")
            placed = await service.place(draft)
        finally:
            await service.backend.close()
    orders = server_orders(sim.base_url, f"fault-{fault}")
    assert len(orders) == 1
    assert placed.view.order_no == orders[0]["order_no"]
    entries = journal_entries(service.journal, f"fault-{fault}")
    assert [(e.state, e.order_no, e.attempts) for e in entries] == [
        (JournalState.CREATED, orders[0]["order_no"], 2)
    ]
    # the second attempt was the same request, byte for byte
    assert [s.action for s in proxy.seen] == [fault, "pass"]
    assert proxy.seen[0].body == proxy.seen[1].body
    if fault != "reset_before":
        # the server had already created it: the retry found it again (guide 2.4),
        # and the detail completed the short reply and verified the binding
        assert placed.found_again
    assert placed.view.integrator_bound is True
    assert placed.view.fees.fee_integrator is not None


async def test_the_request_is_exactly_guide_2_3(make_sim: MakeSim) -> None:
    sim = make_sim()
    with FaultProxy(sim.base_url) as proxy:
        service = service_for(proxy.base_url)
        try:
            draft = await quoted_draft(service)
            await service.place(draft)
        finally:
            await service.backend.close()
    (seen,) = proxy.seen
    body = json.loads(seen.body)
    assert seen.headers["x-integrator-api-key"] == GUIDE_KEY
    assert "authorization" not in seen.headers
    assert GUIDE_KEY not in seen.body.decode()
    assert not {"split_count", "is_risk"} & body.keys()
    # every channel object received in that quote, the chosen one among them
    received = {q.channel_id: q for q in draft.channels}
    assert {c["channel_id"] for c in body["channels"]} == set(received)
    for channel in body["channels"]:
        wire = received[channel["channel_id"]].wire
        assert channel["estimated_out_str"] == str(wire["estimated_out_str"])
        assert channel["name"] == wire["name"]
    assert body["chosen_channel_id"] == draft.chosen.channel_id
    assert body["main_channel_estimated_out_amount"] == str(draft.chosen.out_amount)
    out = draft.chosen.out_amount
    assert body["min_acceptable_out_amount"] == str(out * 99 // 100)  # floor at 1 %
    assert body["slippage"] == 0.01
    assert body["client_order_id"] == "test-order-1"
    assert body["dst_address"] == TRON_ADDRESS
    assert body["amount_in"] == str(15 * 10**17)


async def test_every_attempt_failing_leaves_it_pending_and_a_later_run_finds_it(
    make_sim: MakeSim,
) -> None:
    sim = make_sim()
    journal = Journal.in_memory()
    with FaultProxy(sim.base_url, plan=["drop_after"] * 4) as proxy:
        service = service_for(proxy.base_url, journal=journal)
        try:
            draft = await quoted_draft(service, client_order_id="lost-answer")
            with pytest.raises(OutcomeUnknown) as unknown:
                await service.place(draft)
            assert unknown.value.record.state is JournalState.PENDING
            assert unknown.value.record.attempts == 4
            assert unknown.value.record.owner is None  # released: anyone may resolve it
            resolutions = await service.resolve_pending()
        finally:
            await service.backend.close()
    assert [r.outcome for r in resolutions] == ["created"]
    orders = server_orders(sim.base_url, "lost-answer")
    assert len(orders) == 1
    entries = journal_entries(journal, "lost-answer")
    assert [(e.state, e.order_no) for e in entries] == [
        (JournalState.CREATED, orders[0]["order_no"])
    ]


async def test_a_client_cancelled_mid_request_is_resolved_into_the_same_order(
    make_sim: MakeSim,
) -> None:
    sim = make_sim()
    journal = Journal.in_memory()
    with FaultProxy(sim.base_url, plan=["hold_after"]) as proxy:
        service = service_for(proxy.base_url, journal=journal, read_timeout=30)
        try:
            draft = await quoted_draft(service, client_order_id="cancelled")
            task = asyncio.create_task(service.place(draft))
            await asyncio.to_thread(proxy.held.wait, 10)  # the server created it by now
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            (entry,) = journal_entries(journal, "cancelled")
            assert (entry.state, entry.owner) == (JournalState.PENDING, None)
            resolutions = await service.resolve_pending()
        finally:
            await service.backend.close()
    assert [r.outcome for r in resolutions] == ["created"]
    orders = server_orders(sim.base_url, "cancelled")
    assert len(orders) == 1
    entries = journal_entries(journal, "cancelled")
    assert [(e.state, e.order_no) for e in entries] == [
        (JournalState.CREATED, orders[0]["order_no"])
    ]


def _cli(args: list[str], data_dir: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "A2A_TUI_DATA_DIR": str(data_dir),
        "A2A_TUI_CONFIG": str(data_dir / "absent.toml"),
        "A2A_TUI_ANY2ANY_API_KEY": GUIDE_KEY,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "a2a_tui", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_process_killed_between_journal_and_reply_is_resolved_at_the_next_start(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    sim = make_sim()
    with FaultProxy(sim.base_url, plan=["hold_after"]) as proxy:
        create = _cli(
            ["order", "create", "--base-url", proxy.base_url, "--src", "ETH", "--dst",
             "USDT@tron", "--amount", "1.5", "--to", TRON_ADDRESS, "--client-order-id",
             "killed"],
            tmp_path,
        )  # fmt: skip
        try:
            assert proxy.held.wait(60), create.stderr.read() if create.stderr else ""
            journal = Journal(tmp_path / "journal.sqlite3")
            (entry,) = journal_entries(journal, "killed")
            assert entry.state is JournalState.PENDING  # written before the request left
            assert len(server_orders(sim.base_url, "killed")) == 1
        finally:
            create.kill()
            create.wait()
        restart = _cli(["order", "list", "--json", "--base-url", proxy.base_url], tmp_path)
        out, err = restart.communicate(timeout=60)
    assert restart.returncode == 0, err
    orders = server_orders(sim.base_url, "killed")
    assert len(orders) == 1
    listed = json.loads(out)
    assert [(r["client_order_id"], r["state"], r["order_no"]) for r in listed] == [
        ("killed", "created", orders[0]["order_no"])
    ]
    assert f"killed: order {orders[0]['order_no']}" in err
    entries = journal_entries(journal, "killed")
    assert [(e.state, e.order_no) for e in entries] == [
        (JournalState.CREATED, orders[0]["order_no"])
    ]
    journal.close()
