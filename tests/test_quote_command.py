"""``a2a-tui quote``: event order, --timeout, the terminal progress line, promo codes, --channel."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from conftest import MakeSim
from late_list import LateList

from a2a_tui.cli.main import build_parser
from a2a_tui.cli.quote import run_quote
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.providers.any2any.models import Done
from a2a_tui.providers.any2any.source import Any2AnySource
from a2a_tui.services.backend import Backend
from a2a_tui.sim.catalog import SimChannel

FAST = SimChannel(301, "Fast Lane", "", Decimal("0.40"), 20, 10, 5, 0.0, 0.0, 0.0)
STUCK = SimChannel(303, "Stuck Relay", "", Decimal("0.1"), 5, 10, 60_000, 0.0, 0.0, 0.0)
ETH_TRON = QuoteArgs("ETH", "USDT@tron", "1.5")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def quote(
    backend: Backend, args: QuoteArgs, *, as_json: bool = True, err: io.StringIO | None = None,
    **options: Any,
) -> tuple[int, list[str], str]:  # fmt: skip
    out, err = io.StringIO(), err if err is not None else io.StringIO()
    try:
        code = await run_quote(backend, args, as_json=as_json, out=out, err=err, **options)
    finally:
        await backend.close()
    return code, out.getvalue().splitlines(), err.getvalue()


def events(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]


async def test_expecting_comes_first_even_when_the_channel_list_answers_last(
    make_sim: MakeSim,
) -> None:
    """The issue's `--channel 107` race, made certain: the list answers only
    after the whole stream has been read."""
    sim = make_sim()
    client = LateList(sim.base_url, lambda read: isinstance(read[-1], Done))
    plain = Backend.any2any(sim.base_url)
    backend = Backend(sim.base_url, [Any2AnySource(client)], plain.load_tokens, client.aclose)
    code, lines, _ = await quote(backend, QuoteArgs("ETH", "USDT@tron", "1.5", channel=107))
    await plain.close()
    assert code == 0
    assert [e["event"] for e in events(lines)] == ["expecting", "channel", "source_done", "done"]


async def test_timeout_reports_the_channels_that_did_not_answer_and_exits_0(
    make_sim: MakeSim,
) -> None:
    sim = make_sim(channels=(FAST, STUCK), latency_scale=1.0)
    code, lines, err = await quote(Backend.any2any(sim.base_url), ETH_TRON, within=0.5)
    assert code == 0
    done = events(lines)[-1]
    assert done["answered"] == 1
    assert done["unanswered"] == [
        {"source": "any2any", "provider": "Any2Any", "channel_id": 303, "name": "Stuck Relay"}
    ]
    assert done["problems"] == ["Any2Any: no answer within 0.5 s"]
    assert err == ""  # not a terminal: nothing extra on stderr

    code, lines, err = await quote(
        Backend.any2any(sim.base_url), ETH_TRON, as_json=False, within=0.5
    )
    assert code == 0
    stuck = next(line for line in lines if "Stuck Relay" in line)
    assert "no answer within 0.5 s" in stuck
    assert stuck.count("no answer") == 1  # was `no answer · no answer within 0.5 s`
    assert "failed" not in stuck  # unanswered, not failed
    assert lines[-1] == "1 answered, 0 failed, 1 did not answer"
    assert err == "incomplete: Any2Any: no answer within 0.5 s\n"


async def test_a_timeout_with_no_answer_exits_1(make_sim: MakeSim) -> None:
    sim = make_sim(channels=(STUCK,), latency_scale=1.0)
    code, lines, _ = await quote(Backend.any2any(sim.base_url), ETH_TRON, within=0.2)
    assert code == 1
    assert events(lines)[-1]["unanswered"][0]["name"] == "Stuck Relay"


def test_timeout_must_be_a_positive_number_of_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["quote", "--src", "ETH", "--dst", "BTC", "--amount", "1"]
    assert build_parser().parse_args([*base, "--timeout", "2.5"]).timeout == 2.5
    for bad in ("0", "-1", "soon", "inf"):
        with pytest.raises(SystemExit) as exited:
            build_parser().parse_args([*base, "--timeout", bad])
        assert exited.value.code == 2
    assert "--timeout" in capsys.readouterr().err


async def test_on_a_terminal_a_progress_line_is_shown_then_erased(make_sim: MakeSim) -> None:
    sim = make_sim(channels=(FAST, STUCK), latency_scale=1.0)
    terminal = Terminal()
    code, lines, err = await quote(
        Backend.any2any(sim.base_url), ETH_TRON, as_json=False, err=terminal, within=0.5
    )
    assert code == 0
    shown = [part for part in err.split("\r\x1b[2K") if part]
    assert any(p.startswith("1 of 2 answered") and p.endswith("…") for p in shown)
    assert err.index("incomplete:") > err.rindex("\r\x1b[2K")  # erased before the report
    assert all("\x1b" not in line for line in lines)  # stdout untouched


async def test_an_unknown_promo_code_is_reported_as_applied_by_no_channel(
    make_sim: MakeSim,
) -> None:
    sim = make_sim()
    args = QuoteArgs("USDT@ethereum", "USDC@ethereum", "1000", promo="NOSUCHCODE")
    code, lines, err = await quote(Backend.any2any(sim.base_url), args)
    assert code == 0
    promo = events(lines)[-1]["promo"]
    assert (promo["code"], promo["applied"]) == ("NOSUCHCODE", 0)
    assert promo["message"] == "no channel applied promo code NOSUCHCODE"
    assert err == "a2a-tui quote: no channel applied promo code NOSUCHCODE\n"


async def test_a_code_some_channels_do_not_take_is_not_an_unknown_code(make_sim: MakeSim) -> None:
    """Guide: promo_applied per channel. Nimbus Relay takes no promos in the simulator."""
    sim = make_sim()
    args = QuoteArgs("USDT@ethereum", "USDC@ethereum", "1000", promo="WELCOME")
    code, lines, err = await quote(Backend.any2any(sim.base_url), args, as_json=False)
    assert code == 0
    assert "applied by 6 of 7 channels (not by Nimbus Relay)" in err
    assert "no channel applied" not in err
    _, lines, err = await quote(Backend.any2any(sim.base_url), ETH_TRON)
    assert events(lines)[-1]["promo"] is None
    assert err == ""


@pytest.mark.parametrize(
    ("channel", "code", "message"),
    [
        (999, 2, "channel 999 does not quote ETH (Ethereum) → USDT (Tron); its channels: 101"),
        (103, 2, "channel 103 does not quote"),  # Helix Router exists but has no Tron
        (107, 0, None),
    ],
)
async def test_a_channel_id_is_checked_against_the_pairs_channels(
    make_sim: MakeSim, channel: int, code: int, message: str | None
) -> None:
    sim = make_sim()
    args = QuoteArgs("ETH", "USDT@tron", "1.5", channel=channel)
    exit_code, lines, err = await quote(Backend.any2any(sim.base_url), args)
    assert exit_code == code
    if message is None:
        assert [e["channel_id"] for e in events(lines) if e["event"] == "channel"] == [107]
    else:
        assert lines == []
        assert message in err
