"""``a2a-tui demo``: the simulator in this process, the app pointed at it.

The simulator runs on its own thread and event loop on a free loopback port,
so its work never competes with the UI's loop. The demo's keys live in the
simulator's memory only; nothing is read from or written to the user's
keyring or config.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import SecretStr

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.sim.catalog import API_KEYS
from a2a_tui.sim.server import SimServer
from a2a_tui.sim.simulator import SimConfig, Simulator
from a2a_tui.ui.app import A2AApp

__all__ = ["DEMO_CONFIG", "DEMO_QUOTE", "demo_app"]

#: The demo opens with a quote already streaming: a cross-chain pair most channels serve.
DEMO_QUOTE = QuoteArgs("ETH@ethereum", "USDT@tron", "1.5")
#: The guide's 60 s upstream timeout is realistic, but a long wait in a demo.
DEMO_UPSTREAM_TIMEOUT = 8.0
#: The simulator as the demo runs it. Failures stay (they are half of what the
#: board is for), but the first quote, the first thing a new user sees, has no
#: random ones: with the fixed seed it used to open on a timeout every time.
#: From the first re-quote on, channels fail at their usual rates. The seed
#: stays fixed, so every demo start shows the same board.
DEMO_CONFIG = SimConfig(upstream_timeout=DEMO_UPSTREAM_TIMEOUT, failure_free_quotes=1)


@contextmanager
def demo_app(initial: QuoteArgs | None = None, config: SimConfig | None = None) -> Iterator[A2AApp]:
    config = config or DEMO_CONFIG
    with SimServer(Simulator(config)) as server:
        credentials = CredentialService.in_memory()  # never the user's keyring or env
        credentials.set("any2any.api_key", SecretStr(API_KEYS[0].key), server.base_url)
        yield A2AApp(
            Backend.any2any(server.base_url, credentials.get("any2any.api_key", server.base_url)),
            credentials=credentials,
            initial=initial or DEMO_QUOTE,
            subtitle=f"demo · simulator on {server.base_url}",
        )
