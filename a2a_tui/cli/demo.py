"""``a2a-tui demo``: the simulator in this process, the app pointed at it.

The simulator runs on its own thread and event loop on a free loopback port,
so its work never competes with the UI's loop. The demo's keys live in the
simulator's memory only; nothing is read from or written to the user's
keyring or config.

``a2a-tui demo --attach URL`` starts no simulator and opens the same demo
against one already running: what every ``a2a-tui serve ... --demo`` session
runs, all of them sharing the server's one simulator. That path imports
neither uvicorn nor the simulator's HTTP layer, which a session's start-up
would pay for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pydantic import SecretStr

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.sim.catalog import API_KEYS
from a2a_tui.ui.app import A2AApp

if TYPE_CHECKING:
    from a2a_tui.sim.simulator import SimConfig

__all__ = ["DEMO_QUOTE", "attached_app", "demo_app", "demo_sim_config"]

#: The demo opens with a quote already streaming: a cross-chain pair most channels serve.
DEMO_QUOTE = QuoteArgs("ETH@ethereum", "USDT@tron", "1.5")
#: The guide's 60 s upstream timeout is realistic, but a long wait in a demo.
DEMO_UPSTREAM_TIMEOUT = 8.0


def demo_sim_config() -> SimConfig:
    from a2a_tui.sim.simulator import SimConfig

    return SimConfig(upstream_timeout=DEMO_UPSTREAM_TIMEOUT)


def attached_app(base_url: str, initial: QuoteArgs | None = None) -> A2AApp:
    """The demo app against a simulator at ``base_url``, with its demo key in memory."""
    credentials = CredentialService.in_memory()  # never the user's keyring or env
    credentials.set("any2any.api_key", SecretStr(API_KEYS[0].key), base_url)
    return A2AApp(
        Backend.any2any(base_url, credentials.get("any2any.api_key", base_url)),
        credentials=credentials,
        initial=initial or DEMO_QUOTE,
        subtitle=f"demo · simulator on {base_url}",
    )


@contextmanager
def demo_app(initial: QuoteArgs | None = None, config: SimConfig | None = None) -> Iterator[A2AApp]:
    from a2a_tui.sim.server import SimServer
    from a2a_tui.sim.simulator import Simulator

    with SimServer(Simulator(config or demo_sim_config())) as server:
        yield attached_app(server.base_url, initial)
