"""Shared fixtures: a real simulator on a free loopback port, and a client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import textual.constants
from pydantic import SecretStr

from a2a_tui.providers.any2any.client import Any2AnyClient
from a2a_tui.sim.server import SimServer
from a2a_tui.sim.simulator import SimConfig, Simulator

#: The guide's example key, enabled for integrator 1001 at fee_rate 0.30 %.
GUIDE_KEY = "aaaabbbbccccddddeeeeffff00001111"
START = datetime(2026, 5, 25, 10, 0, 0, tzinfo=UTC)

#: Instant channels, no random failures, a clock that moves only when told.
TEST_CONFIG = SimConfig(latency_scale=0, failures=False, frozen_clock=True, start=START)

MakeSim = Callable[..., SimServer]


@pytest.fixture(scope="session")
def _all_servers() -> Iterator[list[SimServer]]:
    """Servers stop together at the end: uvicorn takes ~0.1 s to wind down each."""
    servers: list[SimServer] = []
    yield servers
    for server in servers:
        server.stop(wait=False)
    for server in servers:
        server.join()


@pytest.fixture
def make_sim(_all_servers: list[SimServer]) -> MakeSim:
    """Start a fresh simulator per test: state never leaks between tests."""

    def make(**changes: Any) -> SimServer:
        server = SimServer(Simulator(replace(TEST_CONFIG, **changes))).start()
        _all_servers.append(server)
        return server

    return make


@pytest.fixture
def sim(make_sim: MakeSim) -> SimServer:
    return make_sim()


@pytest.fixture
async def client(sim: SimServer) -> AsyncIterator[Any2AnyClient]:
    async with Any2AnyClient(sim.base_url, api_key=SecretStr(GUIDE_KEY)) as c:
        yield c


@pytest.fixture
async def raw(sim: SimServer) -> AsyncIterator[httpx.AsyncClient]:
    """A plain httpx client: for asserting the wire itself, as curl would see it."""
    async with httpx.AsyncClient(base_url=sim.base_url, timeout=10) as c:
        yield c


@pytest.fixture(autouse=True)
def _truecolor_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees a truecolor terminal, whatever runs it: the app picks other
    colours on a 16-colour console (TERM=linux, or a bare TERM=xterm, which Rich
    reads as 16 colours), and snapshots must not depend on the machine. The
    colour-system tests set their own."""
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "auto")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
