"""``a2a-tui order create`` and ``order list``: deposit details, JSON, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import stamina
from conftest import GUIDE_KEY, MakeSim
from faultproxy import FaultProxy
from helpers import BTC_ADDRESS, ETH_ADDRESS, TRON_ADDRESS
from order_helpers import server_orders

from a2a_tui.cli.main import main
from a2a_tui.sim.server import SimServer


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A journal in tmp_path, no config file, the key from the environment."""
    monkeypatch.setenv("A2A_TUI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("A2A_TUI_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("A2A_TUI_ANY2ANY_API_KEY", GUIDE_KEY)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def create(url: str, *extra: str, to: str = TRON_ADDRESS) -> list[str]:
    return ["order", "create", "--base-url", url, "--src", "ETH", "--dst", "USDT@tron",
            "--amount", "1.5", "--to", to, *extra]  # fmt: skip


def test_create_prints_one_json_object_and_list_shows_it(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = make_sim()
    assert main(create(sim.base_url, "--json", "--client-order-id", "cli-1")) == 0
    out, err = capsys.readouterr()
    order = json.loads(out)
    (on_server,) = server_orders(sim.base_url, "cli-1")
    assert order["order_no"] == on_server["order_no"]
    assert order["deposit_address"] == on_server["deposit_address"]
    assert order["amount_in"] == str(15 * 10**17)
    assert order["expire_at"] == on_server["expire_at"]
    assert order["integrator_bound"] is True
    assert order["fee_integrator"] == on_server["fee_integrator"]
    assert order["integrator_fee_rate"] == "0.3000"
    assert order["warnings"] == []
    assert err == ""

    assert main(create(sim.base_url, "--json", "--client-order-id", "cli-1")) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["order_no"], again["found_again"]) == (order["order_no"], True)
    assert len(server_orders(sim.base_url, "cli-1")) == 1

    assert main(["order", "list", "--json", "--base-url", sim.base_url]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["client_order_id"], r["state"], r["order_no"]) for r in listed] == [
        ("cli-1", "created", order["order_no"])
    ]
    assert listed[0]["key_entry"] == "$A2A_TUI_ANY2ANY_API_KEY"


def test_text_output_and_the_no_commission_warning(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("A2A_TUI_ANY2ANY_API_KEY")
    sim = make_sim()
    assert main(create(sim.base_url)) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Order OD")
    assert "Send exactly 1.5 ETH (1500000000000000000 units) on Ethereum" in out
    assert "warning: this order earns no commission" in err
    assert "No integrator API key was sent with it (none was set for this host)" in err
    assert (
        "Next: set this host's key for the next order: set $A2A_TUI_ANY2ANY_API_KEY (no keyring"
        in err
    )


@pytest.mark.parametrize(
    ("extra", "to", "said"),
    [
        ((), BTC_ADDRESS, "not a Tron address"),
        (("--channel", "fast"), TRON_ADDRESS, "a channel id or 'best'"),
        (("--client-order-id", "no spaces please"), TRON_ADDRESS, "letters, digits"),
        (("--slippage", "1"), TRON_ADDRESS, "slippage must be between 0 and 1"),
    ],
)
def test_bad_input_is_exit_2_and_sends_nothing(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], to: str,
    said: str,
) -> None:  # fmt: skip
    sim = make_sim()
    assert main(create(sim.base_url, *extra, to=to)) == 2
    assert said in capsys.readouterr().err
    assert sim.sim.orders.orders == {}


@pytest.mark.parametrize("command", ["quote", "order"])
def test_an_empty_amount_is_an_empty_amount_not_a_missing_one(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """`--amount ""` said "--src, --dst and --amount go together" (exit 1)."""
    sim = make_sim()
    args = ["--base-url", sim.base_url, "--src", "ETH", "--dst", "USDT@tron", "--amount", ""]
    argv = ["quote", *args] if command == "quote" else ["order", "create", *args, "--to",
                                                        TRON_ADDRESS]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "amount is empty" in err, err
    assert "go together" not in err
    assert sim.sim.orders.orders == {}


def test_a_channel_the_pair_does_not_have_is_exit_2_as_quote_says_it(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quote --channel 103` is an input error (2); `order create` agrees."""
    sim = make_sim()
    assert main(create(sim.base_url, "--channel", "103")) == 2
    err = capsys.readouterr().err
    assert "channel 103 does not quote ETH (Ethereum) → USDT (Tron); its channels: 101" in err
    assert sim.sim.stats.opened == 0  # refused before anything was quoted
    assert main(["quote", "--base-url", sim.base_url, "--src", "ETH", "--dst", "USDT@tron",
                 "--amount", "1.5", "--channel", "103"]) == 2  # fmt: skip


def test_an_amount_below_the_minimum_says_the_servers_reason(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = make_sim()
    code = main(["order", "create", "--base-url", sim.base_url, "--src", "USDT@ethereum",
                 "--dst", "USDT@tron", "--amount", "0.5", "--to", TRON_ADDRESS])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "no channel quoted this pair: amount below channel minimum (" in err, err
    assert "USD)" in err
    # the lowest minimum named, not "try again shortly": a retry does not lift it
    assert err.rstrip().endswith("; raise the amount to at least 1 USD"), err
    assert "every channel failed" not in err


def test_a_minimum_beside_a_timeout_says_to_raise_the_amount_first(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    """It ended `… ×4, upstream rate limited, … (25 USD); try again shortly`: when
    most channels named a minimum, raising the amount comes first."""
    sim = make_sim()
    sim.sim.faults.channels[105] = "timeout"  # one channel does not answer in time
    code = main(["order", "create", "--base-url", sim.base_url, "--src", "USDT@ethereum",
                 "--dst", "USDT@tron", "--amount", "0.5", "--to", TRON_ADDRESS,
                 "--timeout", "0.5"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "no answer within 0.5 s" in err, err
    assert err.rstrip().endswith("; raise the amount to at least 1 USD, or try again shortly"), err


@pytest.mark.parametrize(
    ("dst", "to", "said"),
    [
        ("USDT@ethereum", TRON_ADDRESS, "not an Ethereum address: "),
        ("USDT@tron", ETH_ADDRESS, "not a Tron address: "),
    ],
)
def test_an_address_message_has_its_article_and_names_the_format_once(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str], dst: str, to: str, said: str
) -> None:
    sim = make_sim()
    code = main(["order", "create", "--base-url", sim.base_url, "--src", "ETH", "--dst", dst,
                 "--amount", "1.5", "--to", to])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert said in err, err
    assert err.lower().count("expected") == 1, err


@pytest.mark.parametrize(
    ("change", "differs"),
    [
        (("--amount", "2"), "amount 2 ETH, that order's 1.5 ETH"),
        (("--to", "TBhCfAytTEh52WFL6HYr64i2nmc3u3TCUp"),
         f"address TBhCfAytTEh52WFL6HYr64i2nmc3u3TCUp, that order's {TRON_ADDRESS}"),
    ],
)  # fmt: skip
def test_a_reused_client_order_id_with_another_request_is_refused_before_sending(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str], change: tuple[str, str], differs: str
) -> None:
    sim = make_sim()
    assert main(create(sim.base_url, "--client-order-id", "mine-1")) == 0
    (first,) = server_orders(sim.base_url, "mine-1")
    opened = sim.sim.stats.opened
    capsys.readouterr()

    args = create(sim.base_url, "--client-order-id", "mine-1")
    flag, value = change
    args[args.index(flag) + 1] = value
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"client_order_id mine-1 already belongs to order {first['order_no']}" in err
    assert differs in err, err
    assert "Nothing was sent" in err
    assert sim.sim.stats.opened == opened  # not even quoted
    assert len(server_orders(sim.base_url, "mine-1")) == 1

    assert main(create(sim.base_url, "--client-order-id", "mine-1")) == 0  # the same request
    assert f"Order {first['order_no']} found again" in capsys.readouterr().out
    assert len(server_orders(sim.base_url, "mine-1")) == 1


def test_a_reused_client_order_id_with_another_channel_is_refused(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = make_sim()
    assert main(create(sim.base_url, "--client-order-id", "mine-2", "--json")) == 0
    (first,) = server_orders(sim.base_url, "mine-2")
    chosen = first["chosen_channel_id"]
    other = 101 if chosen != 101 else 102
    capsys.readouterr()
    assert main(create(sim.base_url, "--client-order-id", "mine-2", "--channel", str(other))) == 2
    assert f"channel {other}, that order's {chosen}" in capsys.readouterr().err
    assert main(create(sim.base_url, "--client-order-id", "mine-2", "--channel", str(chosen))) == 0


def test_order_list_writes_the_amount_to_send_exactly_trimmed(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = make_sim()
    assert main(create(sim.base_url, "--client-order-id", "list-1")) == 0
    capsys.readouterr()
    assert main(["order", "list", "--base-url", sim.base_url]) == 0
    out = capsys.readouterr().out
    assert "  1.5 ETH  " in out, out
    assert "1.50000000" not in out


def test_an_unknown_outcome_is_exit_3_and_the_next_run_resolves_it(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = make_sim()
    # stamina's test mode: the production policy's five attempts, without its waits
    with (
        stamina.set_testing(True, attempts=5, cap=True),
        FaultProxy(sim.base_url, plan=["drop_after"] * 5) as proxy,
    ):
        code = main(create(proxy.base_url, "--client-order-id", "cli-unknown"))
        out, err = capsys.readouterr()
        assert code == 3, err
        assert "the order may exist" in err
        assert main(["order", "list", "--base-url", proxy.base_url]) == 0
        out, err = capsys.readouterr()
    assert "pending from an earlier run: cli-unknown: order OD" in err
    assert "created" in out
    assert len(server_orders(sim.base_url, "cli-unknown")) == 1


def _hanging_105(make_sim: MakeSim) -> SimServer:
    """Channel 105 answers only at the upstream timeout, 12 s: past the guide's 10 s
    for a fresh quote, so waiting for it would also make the order re-quote."""
    sim = make_sim(upstream_timeout=12.0)
    sim.sim.faults.channels[105] = "timeout"
    return sim


def test_a_named_channel_is_ordered_as_soon_as_it_answers(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 8's headless defect: `--channel 107` waited for the slowest channel
    (60 s in the demo), then found its quote stale and quoted again."""
    sim = _hanging_105(make_sim)
    assert main(create(sim.base_url, "--channel", "107", "--json")) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["chosen_channel_id"] == 107
    assert "quoted again" not in err
    stats = sim.sim.stats
    assert (stats.opened, stats.disconnected) == (1, 1)  # one quote, left once 107 answered


def test_best_is_the_best_of_the_channels_that_answered_in_time(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = _hanging_105(make_sim)
    assert main(create(sim.base_url, "--timeout", "0.5", "--json")) == 0
    out, err = capsys.readouterr()
    order = json.loads(out)
    assert order["chosen_channel_id"] not in (None, 105)
    said = "1 channel had not answered within 0.5 s (105 Quill Cross): the best of the others is"
    assert said in err
    assert "quoted again" not in err
    assert sim.sim.stats.opened == 1


def test_a_named_channel_that_does_not_answer_in_time_is_refused(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = _hanging_105(make_sim)
    assert main(create(sim.base_url, "--channel", "105", "--timeout", "0.5")) == 1
    err = capsys.readouterr().err
    assert "channel 105 gave no quote for this pair: no answer within 0.5 s" in err
    assert sim.sim.orders.orders == {}


def test_the_time_left_is_on_the_hosts_clock_and_a_moved_on_order_is_not_to_pay(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    """The simulator's clock is 31 min ahead of its start (and months away from this
    machine's): the 30-minute window has 30 min left, by the host's clock. Found
    again once its swap failed, the order is not presented as something to pay."""
    sim = make_sim()
    httpx.post(f"{sim.base_url}/sim/clock/advance", json={"seconds": 31 * 60}).raise_for_status()
    assert main(create(sim.base_url, "--client-order-id", "clock-1")) == 0
    out = capsys.readouterr().out
    assert "before     2026-05-25 11:01:00 UTC (30 min left)" in out
    assert "Send exactly 1.5 ETH" in out
    (order,) = server_orders(sim.base_url, "clock-1")
    httpx.post(f"{sim.base_url}/sim/orders/{order['order_no']}/deposit",
               json={"outcome": "slippage_failed"}).raise_for_status()  # fmt: skip
    httpx.post(f"{sim.base_url}/sim/clock/advance", json={"seconds": 60}).raise_for_status()
    assert main(create(sim.base_url, "--client-order-id", "clock-1")) == 0
    out = capsys.readouterr().out
    assert "Send exactly" not in out
    assert "Do not send: 1.5 ETH (1500000000000000000 units) on Ethereum was the deposit" in out


def test_a_pending_entry_lists_as_pending_with_its_reason_whole_below(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str]
) -> None:
    """The state column read `pending (cannot connect to 127.0.0.1:8898 · is \\`a2a-tui
    sim\\``: the reason cut at 60 characters, an unclosed paren and backtick."""
    sim = make_sim()
    with (
        stamina.set_testing(True, attempts=5, cap=True),
        FaultProxy(sim.base_url, plan=["reset_before"] * 5) as proxy,
    ):
        code = main(create(proxy.base_url, "--client-order-id", "cli-gone"))
        assert code == 3, capsys.readouterr().err
    capsys.readouterr()
    # the proxy is gone: the host cannot be reached, the entry stays pending
    assert main(["order", "list", "--base-url", proxy.base_url]) == 0
    out, _ = capsys.readouterr()
    table, _, notes = out.partition("\n\n")
    _header, row = table.splitlines()
    assert row.split()[2:4] == ["pending", "—"], row  # the state alone, then the order
    assert len(row) < 150, row  # the column stays narrow
    reason = "cannot connect to 127.0.0.1:"
    assert reason not in table
    (note,) = notes.splitlines()
    assert note.startswith(f"cli-gone (pending): {reason}"), note
    assert note.endswith("· is `a2a-tui sim` running?"), note  # whole, never cut
    assert main(["order", "list", "--json", "--base-url", proxy.base_url]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["state"], note.endswith(listed["error"])) == ("pending", True)


def test_a_refusal_that_ends_in_a_question_mark_gets_no_extra_period(
    make_sim: MakeSim, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`refused: {reason}. …` read "…running?." when the reason asked a question."""
    from a2a_tui.services.orders import OrderRefused, OrderService, guidance_for

    async def refuse(self: OrderService, *args: object, **kwargs: object) -> None:
        said = "is the amount right?"
        raise OrderRefused(None, said, guidance_for(None, said), None)  # type: ignore[arg-type]

    monkeypatch.setattr(OrderService, "place", refuse)
    assert main(create(make_sim().base_url)) == 1
    err = capsys.readouterr().err
    assert "?." not in err, err
    assert "refused: is the amount right? The host refused the order: is the amount" in err, err
