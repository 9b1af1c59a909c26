"""``order show``, ``order watch``, ``order list --status`` and ``refund``: output,
JSON, the support bundle, exit statuses, against the simulator."""

from __future__ import annotations

import asyncio
import io
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import GUIDE_KEY, MakeSim
from order_helpers import quoted_draft, service_for
from tracking_helpers import ManualTime

from a2a_tui.cli.main import main
from a2a_tui.cli.support import run_order_watch
from a2a_tui.infra.journal import Journal
from a2a_tui.services.desk import SupportDesk
from a2a_tui.services.tracker import OrderUpdate, Tracker
from a2a_tui.sim.server import SimServer

REFUND_TO = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
OTHER_REFUND_TO = "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("A2A_TUI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("A2A_TUI_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("A2A_TUI_ANY2ANY_API_KEY", GUIDE_KEY)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def control(sim: SimServer, path: str, body: dict[str, Any]) -> None:
    response = httpx.post(f"{sim.base_url}{path}", json=body)
    assert response.status_code == 200, response.text


def create(sim: SimServer, capsys: pytest.CaptureFixture[str], cid: str = "cli-1") -> str:
    assert main(["order", "create", "--base-url", sim.base_url, "--src", "ETH", "--dst",
                 "USDT@tron", "--amount", "1.5", "--to", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
                 "--client-order-id", cid, "--json"]) == 0  # fmt: skip
    order_no: str = json.loads(capsys.readouterr().out)["order_no"]
    return order_no


def test_order_show_json_and_text(make_sim: MakeSim, capsys: pytest.CaptureFixture[str]) -> None:
    sim = make_sim()
    order_no = create(sim, capsys)
    assert main(["order", "show", order_no, "--base-url", sim.base_url, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["order_no"], shown["status"], shown["source"]) == (order_no, "Depositing", "host")
    assert (shown["amount_in"], shown["amount_in_human"]) == ("1500000000000000000", "1.5 ETH")
    assert shown["fee_integrator"] == "4500000000000000"
    assert shown["refund_path"] == "manual_review"
    assert shown["next_step"].startswith("waiting for deposit") or "closed" in shown["next_step"]
    assert [h["status"] for h in shown["status_history"]] == ["Depositing"]
    assert main(["order", "show", order_no, "--base-url", sim.base_url]) == 0
    text = capsys.readouterr().out
    assert f"order       {order_no}" in text
    assert "amount in   1.5 ETH (1500000000000000000 units)" in text
    # the app's, the bundle's and order create's time format, not ISO's (JSON keeps ISO)
    assert "\ntimeline    2026-05-25 10:00:00 UTC  waiting for deposit" in text
    assert "\nexpire_at   2026-05-25 10:30:00 UTC\n" in text
    assert not re.search(r"\d\dZ", text), text
    assert shown["expire_at"] == "2026-05-25T10:30:00Z"


def test_order_show_bundle_has_everything_but_secrets(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = make_sim()
    order_no = create(sim, capsys)
    control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "chain_failed"})
    assert main(["order", "show", order_no, "--base-url", sim.base_url, "--bundle"]) == 0
    bundle = capsys.readouterr().out
    for expected in (
        f"order_no                {order_no}",
        f"host: {sim.base_url}",
        "a2a-tui 0.1.0 support bundle",
        "integrator key in use: $A2A_TUI_ANY2ANY_API_KEY (the key itself is never included)",
        "amount_in               1.5 ETH (1500000000000000000 units)",
        "fee_integrator          0.0045 ETH (4500000000000000 units)",
        "integrator_fee_rate     0.3%",
        "settled                 no",
        "slippage                1%",  # was 0.01: a percentage, as everywhere else
        "late                    no",  # was False
        "deposit_address         0x",
        "dst_address             TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
        "host  deposit received, swapping",
        "here  order request journaled",
    ):
        assert expected in bundle, expected
    assert GUIDE_KEY not in bundle


def test_order_show_falls_back_to_the_journal_marked(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = make_sim()
    order_no = create(sim, capsys)
    sim.stop()  # the host is gone; the journal remembers
    assert main(["order", "show", order_no, "--base-url", sim.base_url, "--json"]) == 3
    out, err = capsys.readouterr()
    shown = json.loads(out)
    assert shown["order_no"] == order_no
    assert shown["source"].startswith(f"from the journal: {sim.base_url} could not be reached")
    assert "showing the journal's view" in err
    assert main(["order", "show", "OD2026052599999999", "--base-url", sim.base_url]) == 3


def test_order_show_unknown_and_bad_numbers(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = make_sim()
    assert main(["order", "show", "OD2026052599999999", "--base-url", sim.base_url]) == 1
    assert "has no order OD2026052599999999" in capsys.readouterr().err
    assert main(["order", "show", "OD 1", "--base-url", sim.base_url]) == 2


def test_order_list_by_status_includes_the_watch_list(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sim = make_sim()
    mine = create(sim, capsys, "mine")
    other = create(sim, capsys, "theirs")
    control(sim, f"/sim/orders/{other}/deposit", {"outcome": "success"})
    # "theirs" leaves this journal (another desk made it) and is looked up instead
    journal = Journal(tmp_path / "journal.sqlite3")
    journal._db.execute("DELETE FROM order_events WHERE order_id IN "
                        "(SELECT id FROM orders WHERE order_no = ?)", (other,))  # fmt: skip
    journal._db.execute("DELETE FROM orders WHERE order_no = ?", (other,))
    journal.watch(sim.base_url, other, {"status": "Swapping"}, "Swapping")
    journal.close()
    assert main(["order", "list", "--base-url", sim.base_url, "--status", "swapping",
                 "--json"]) == 0  # fmt: skip
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["order_no"], row["state"]) == (other, "watched")
    assert main(["order", "list", "--base-url", sim.base_url, "--status", "Depositing"]) == 0
    out = capsys.readouterr().out
    assert mine in out
    assert other not in out
    assert main(["order", "list", "--base-url", sim.base_url, "--status", "Lost"]) == 2
    assert "no state 'Lost'; one of: Depositing, Swapping" in capsys.readouterr().err


def test_refund_exit_statuses(make_sim: MakeSim, capsys: pytest.CaptureFixture[str]) -> None:
    sim = make_sim()
    order_no = create(sim, capsys)
    base = ["refund", order_no, "--base-url", sim.base_url, "--address"]
    assert main([*base, "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"]) == 2  # Tron, for an ETH order
    assert "not an Ethereum address" in capsys.readouterr().err
    # this machine's clock is months past the simulator's: the window is judged on the
    # host's clock (its answers' Date), where it is still open
    assert main([*base, REFUND_TO]) == 1
    assert (
        "at 2026-05-25 10:30:00 UTC (in 29 min) (the host would answer order_not_expired_yet)"
        in (capsys.readouterr().err)
    )
    control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "slippage_failed"})
    control(sim, "/sim/clock/advance", {"seconds": 30})
    assert main([*base, REFUND_TO, "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert (done["outcome"], done["path"], done["status"]) == ("requested", "automatic",
                                                               "Refunding")  # fmt: skip
    assert done["refund"]["refund_address"] == REFUND_TO
    assert main([*base, REFUND_TO]) == 0
    assert "Already requested to" in capsys.readouterr().out
    assert main([*base, OTHER_REFUND_TO, "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["address_on_record"] == REFUND_TO
    assert f"already requested to {REFUND_TO}" in err
    assert main(["refund", "OD 1", "--base-url", sim.base_url, "--address", REFUND_TO]) == 2


def test_refund_with_another_integrators_key(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = make_sim()
    order_no = create(sim, capsys)
    control(sim, f"/sim/orders/{order_no}/deposit", {"outcome": "chain_failed"})
    control(sim, "/sim/clock/advance", {"seconds": 30})
    monkeypatch.setenv("A2A_TUI_ANY2ANY_API_KEY", "a2a_demo_other_000000000000000001")
    assert main(["refund", order_no, "--base-url", sim.base_url, "--address", REFUND_TO]) == 1
    err = capsys.readouterr().err
    assert "does not belong to the integrator of the key in use ($A2A_TUI_ANY2ANY_API_KEY)" in err
    assert "a2a_demo_other" not in err
    monkeypatch.delenv("A2A_TUI_ANY2ANY_API_KEY")
    assert main(["refund", order_no, "--base-url", sim.base_url, "--address", REFUND_TO]) == 1
    said = capsys.readouterr().err
    assert "needs an integrator key (guide 3.2) and none is set for" in said
    # no keyring here (the fail backend): the variable is the one way to set it
    assert "Next: set $A2A_TUI_ANY2ANY_API_KEY (no keyring here can store it" in said
    assert said.count("integrator key") == 1  # said once


class Watch:
    """``order watch`` run in-process on manual tracker time."""

    def __init__(self, sim: SimServer, journal: Journal, *, base_url: str | None = None) -> None:
        self.time = ManualTime()
        self.desk = SupportDesk(service_for(base_url or sim.base_url, journal=journal))
        self.tracker = Tracker(self.desk, clock=self.time.clock, sleep=self.time.sleep)
        self.reads: asyncio.Queue[OrderUpdate] = asyncio.Queue()
        self.tracker.subscribe(self.reads.put_nowait)
        self.out, self.err = io.StringIO(), io.StringIO()
        self.task: asyncio.Task[int] | None = None

    def start(self, *order_nos: str, as_json: bool = False, lost_after: float = 120) -> Any:
        self.task = asyncio.create_task(run_order_watch(
            self.desk, order_nos, as_json=as_json, out=self.out, err=self.err,
            tracker=self.tracker, lost_after=lost_after,
        ))  # fmt: skip
        return self.task

    async def step(self, seconds: float) -> OrderUpdate | None:
        """Let time pass until the next read (returned), or the end of the watch (None)."""
        assert self.task is not None
        self.time.advance(seconds)
        read = asyncio.ensure_future(self.reads.get())
        done, _ = await asyncio.wait({read, self.task}, timeout=10,
                                     return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        assert done, "neither a read nor the end of the watch"
        if read in done:
            return read.result()
        read.cancel()
        return None


async def sim_post(sim: SimServer, path: str, body: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=sim.base_url) as raw:
        assert (await raw.post(path, json=body)).status_code == 200


async def test_order_watch_prints_transitions_until_final(make_sim: MakeSim) -> None:
    sim, journal = make_sim(), Journal.in_memory()
    creator = service_for(sim.base_url, journal=journal)
    good = (await creator.place(await quoted_draft(creator, client_order_id="w-1"))).view.order_no
    bad = (await creator.place(await quoted_draft(creator, client_order_id="w-2"))).view.order_no
    watch = Watch(sim, journal)
    await sim_post(sim, f"/sim/orders/{good}/deposit", {"outcome": "success"})
    task = watch.start(good, as_json=True)
    await watch.step(0)  # the first read: Swapping
    await sim_post(sim, "/sim/clock/advance", {"seconds": 30})
    while not task.done():
        await watch.step(5)
    assert task.result() == 0
    events = [json.loads(line) for line in watch.out.getvalue().splitlines()]
    assert [(e["status"], e["previous"], e["final"]) for e in events] == [
        ("Swapping", None, False), ("Completed", "Swapping", True),
    ]  # fmt: skip

    watch = Watch(sim, journal)
    await sim_post(sim, f"/sim/orders/{bad}/deposit", {"outcome": "chain_failed"})
    task = watch.start(good, bad)
    await watch.step(0)
    await sim_post(sim, "/sim/clock/advance", {"seconds": 30 + 3600})
    await sim_post(sim, "/sim/faults", {"race_next_refund": False})
    async with httpx.AsyncClient(base_url=sim.base_url) as raw:
        response = await raw.post(f"/api/v1/integrator/orders/{bad}/request_refund",
                                  json={"refund_address": REFUND_TO},
                                  headers={"X-Integrator-Api-Key": GUIDE_KEY})  # fmt: skip
        assert response.status_code == 200
    await sim_post(sim, "/sim/clock/advance", {"seconds": 120})
    while not task.done():
        await watch.step(120)
    assert task.result() == 1  # refunded, not completed
    text = watch.out.getvalue()
    assert f"{good}  ✓ completed" in text
    assert f"{bad}  ↺ refunded" in text


async def test_order_watch_exit_3_when_the_host_stays_away(make_sim: MakeSim) -> None:
    sim = make_sim()
    watch = Watch(sim, Journal.in_memory(), base_url="http://127.0.0.1:9")
    task = watch.start("OD2026052510000001", lost_after=300)
    update = await watch.step(0)
    assert update is not None
    assert update.error is not None
    while not task.done():
        await watch.step(600)
    assert task.result() == 3
    assert "lost the connection to http://127.0.0.1:9 for 300 s" in watch.err.getvalue()


async def test_order_watch_an_unknown_order_is_exit_1(make_sim: MakeSim) -> None:
    sim = make_sim()
    watch = Watch(sim, Journal.in_memory())
    task = watch.start("OD2026052599999999")
    await watch.step(0)
    assert await asyncio.wait_for(task, 10) == 1
    assert "has no order OD2026052599999999" in watch.err.getvalue()


@pytest.mark.parametrize("as_json", [False, True])
async def test_order_watch_ends_lost_after_its_seconds_on_a_timer(as_json: bool) -> None:
    """The host never answers: exit 3 after about --lost-after seconds of failed reads,
    not at the next read (its retry used to wait the state's interval doubled)."""
    desk = SupportDesk(service_for("http://127.0.0.1:9", journal=Journal.in_memory()))
    out, err = io.StringIO(), io.StringIO()
    watch = run_order_watch(desk, ["OD2026052510000001"], as_json=as_json, out=out, err=err,
                            lost_after=0.5)  # fmt: skip
    assert await asyncio.wait_for(watch, 10) == 3
    assert "lost the connection to http://127.0.0.1:9 for 0.5 s" in err.getvalue()
    if as_json:
        assert json.loads(out.getvalue().splitlines()[0])["event"] == "error"


async def test_order_watch_shows_a_refund_requested_elsewhere_at_once(make_sim: MakeSim) -> None:
    """A watched failed swap is read at the fast rate: a refund another process asked
    for shows as Refunding within seconds, not after the failed state's 120 s."""
    sim, journal = make_sim(), Journal.in_memory()
    creator = service_for(sim.base_url, journal=journal)
    bad = (await creator.place(await quoted_draft(creator, client_order_id="w-3"))).view.order_no
    await sim_post(sim, f"/sim/orders/{bad}/deposit", {"outcome": "chain_failed"})
    await sim_post(sim, "/sim/clock/advance", {"seconds": 30})
    watch = Watch(sim, journal)
    task = watch.start(bad.lower())  # any case: the number is normalised
    first = await watch.step(0)
    assert first is not None
    assert first.status == "ChainFailed"
    async with httpx.AsyncClient(base_url=sim.base_url) as raw:
        response = await raw.post(f"/api/v1/integrator/orders/{bad}/request_refund",
                                  json={"refund_address": REFUND_TO},
                                  headers={"X-Integrator-Api-Key": GUIDE_KEY})  # fmt: skip
        assert response.status_code == 200
    update = await watch.step(5)
    assert update is not None
    assert update.status == "Refunding"
    assert f"{bad}  ↺ refunding" in watch.out.getvalue()
    task.cancel()


def test_refund_of_an_unknown_order_is_refused_by_the_host(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = make_sim()
    assert main(["refund", "OD2026052599999999", "--base-url", sim.base_url,
                 "--address", REFUND_TO, "--json"]) == 1  # fmt: skip
    out, err = capsys.readouterr()
    shown = json.loads(out)
    assert (shown["outcome"], shown["reason"]) == ("refused", "order not found")
    assert "has no order OD2026052599999999 (it answered: order not found (HTTP 400))" in err


@pytest.mark.parametrize(
    "command",
    [
        ["order", "show", "hello"],
        ["order", "show", "../../sim/clock"],
        ["order", "show", "OD20261202100000041"],
        ["order", "watch", "OD2026120210000004", "hello"],
        ["refund", "hello", "--address", REFUND_TO],
    ],
)
def test_bad_order_numbers_are_usage_errors_before_any_request(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # nothing listens on port 9: a request would be exit 3, not 2
    assert main([*command, "--base-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "not an order number" in err
    assert "expected OD followed by 16 digits" in err


def test_order_numbers_are_read_in_any_case(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = make_sim()
    order_no = create(sim, capsys)
    assert main(["order", "show", f" {order_no.lower()} ", "--base-url", sim.base_url,
                 "--json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["order_no"] == order_no


def test_order_show_names_the_host_the_journal_has_the_order_for(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "… and the journal does not have this order": it had, for another host."""
    sim, other = make_sim(), make_sim()  # other: a host with no orders
    order_no = create(sim, capsys)
    hint = f"; the journal has {order_no} for {sim.base_url}: use --base-url {sim.base_url}"
    assert main(["order", "show", order_no, "--base-url", "http://127.0.0.1:9"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("a2a-tui order show: cannot reach http://127.0.0.1:9 ("), err
    assert err.rstrip().endswith(hint), err
    assert "does not have" not in err
    assert main(["order", "show", order_no, "--base-url", other.base_url]) == 1
    err = capsys.readouterr().err
    assert err.rstrip() == f"a2a-tui order show: {other.base_url} has no order {order_no}{hint}"
    assert main(["order", "show", "OD2026052599999999", "--base-url", "http://127.0.0.1:9"]) == 3
    assert "and the journal does not have this order" in capsys.readouterr().err
