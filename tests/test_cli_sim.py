"""``a2a-tui sim`` as a user runs it: a real process, a JSON first line, curl-able."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from a2a_tui.domain.credentials import SECRETS
from a2a_tui.providers.okx.check import PROBE
from a2a_tui.providers.okx.client import OkxClient
from a2a_tui.providers.okx.signing import OkxCredentials


@pytest.fixture
def sim_process() -> Iterator[tuple[subprocess.Popen[str], dict[str, object]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "a2a_tui", "sim", "--port", "0", "--latency-scale", "0",
         "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    first = json.loads(process.stdout.readline())
    yield process, first
    process.terminate()
    process.wait(timeout=10)


def test_first_line_is_json_with_base_url_and_demo_keys(
    sim_process: tuple[subprocess.Popen[str], dict[str, object]],
) -> None:
    process, banner = sim_process
    assert str(banner["base_url"]).startswith("http://127.0.0.1:")
    keys = banner["integrator_api_keys"]
    assert isinstance(keys, list)
    assert {"key", "integrator_id", "fee_rate", "enabled"} <= set(keys[0])
    assert any(not k["enabled"] for k in keys)
    assert process.stdout is not None
    assert "Ctrl+C" in process.stdout.readline()
    with httpx.stream(
        "GET",
        f"{banner['base_url']}/api/v2/quote/stream",
        params={"src_token_id": 1, "dst_token_id": 2, "amount_in": 1000000, "slippage": 0.01},
    ) as response:
        text = response.read().decode()
    assert text.rstrip().endswith("event: done\ndata: {}")


def test_first_line_carries_each_providers_endpoint_and_demo_credentials(
    sim_process: tuple[subprocess.Popen[str], dict[str, object]],
) -> None:
    _, banner = sim_process
    providers = banner["providers"]
    assert isinstance(providers, dict)
    entries = {spec.name for spec in SECRETS}
    assert set(providers) == {"okx", "swapscanner", "changelly", "swapkit"}
    for provider, entry in providers.items():
        assert entry["base_url"] == f"{banner['base_url']}/{provider}"
        names = set(entry) - {"base_url"}
        assert names <= entries, names
        assert all(name.startswith(f"{provider}.") for name in names)
    assert set(providers["okx"]) == {"base_url", "okx.api_key", "okx.secret_key",
                                     "okx.passphrase"}  # fmt: skip
    okx = providers["okx"]
    credentials = OkxCredentials(*(SecretStr(okx[f"okx.{n}"])
                                   for n in ("api_key", "secret_key", "passphrase")))  # fmt: skip

    async def quote() -> int:
        async with OkxClient(okx["base_url"], credentials) as client:
            return (await client.quote(PROBE)).to_token_amount

    assert asyncio.run(quote()) > 990_000  # 1 USDC for USDT, signed with the printed secret


def test_a_busy_port_is_a_clear_error() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "a2a_tui", "sim", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_the_port_accepts_connections_as_soon_as_the_first_line_is_printed() -> None:
    """The first line is printed right after binding, before uvicorn runs: a
    script that connects at once was refused now and then (a flaky test found it)."""
    import socket

    from a2a_tui.sim.server import bind_socket

    sock = bind_socket("127.0.0.1", 0)
    try:
        with socket.create_connection(sock.getsockname()[:2], timeout=2):
            pass  # queued by the kernel; nothing serves it yet, and that is fine
    finally:
        sock.close()
