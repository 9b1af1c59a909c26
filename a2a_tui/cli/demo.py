"""``a2a-tui demo``: the simulator in this process, the app pointed at it.

The simulator runs on its own thread and event loop on a free loopback port,
so its work never competes with the UI's loop. The demo's keys (Any2Any's and
every direct provider's) live in memory only, and each provider's settings
point at its simulated endpoint; nothing is read from or written to the
user's keyring or config.

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
from a2a_tui.infra.config import LoadedSettings, Settings
from a2a_tui.services.backend import Backend, provider_settings_from
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.preferences import Preferences
from a2a_tui.sim.catalog import API_KEYS
from a2a_tui.sim.direct.catalog import demo_provider_credentials
from a2a_tui.ui.app import A2AApp

if TYPE_CHECKING:
    from a2a_tui.sim.simulator import SimConfig

__all__ = ["DEMO_QUOTE", "attached_app", "demo_app", "demo_settings", "demo_sim_config"]

#: The demo opens with a quote already streaming, on a pair every Any2Any channel and
#: most direct providers serve: OKX (same chain only), Changelly and SwapKit's routes
#: answer beside the channels, and Swapscanner (Kaia only) says it is not available.
#: A cross-chain pair (USDT on Tron) would leave OKX out too.
DEMO_QUOTE = QuoteArgs("ETH@ethereum", "USDT@ethereum", "1.5")
#: The guide's 60 s upstream timeout is realistic, but a long wait in a demo.
DEMO_UPSTREAM_TIMEOUT = 8.0
#: Seconds between the demo market's price moves: longer than its first quote
#: (8 s at most), as long as a price stays fresh (the guide's 10 s).
DEMO_PRICE_STEP = 10.0


def demo_sim_config() -> SimConfig:
    """The simulator as the demo runs it. Failures stay (they are half of what the
    board is for), but the first quote, the first thing a new user sees, has no
    random ones: with the fixed seed it used to open on a timeout every time.
    From the first re-quote on, channels fail at their usual rates. The seed
    stays fixed, and prices move in steps of `DEMO_PRICE_STEP` seconds counted
    from the start (they wobbled with the real clock, so three starts showed
    three boards): every demo start shows the same first board, while the
    clock, expiries and countdowns stay real."""
    from a2a_tui.sim.simulator import SimConfig

    return SimConfig(
        upstream_timeout=DEMO_UPSTREAM_TIMEOUT, failure_free_quotes=1, price_step=DEMO_PRICE_STEP
    )


def demo_settings(base_url: str) -> tuple[Settings, dict[str, dict[str, str]]]:
    """Settings with every direct provider enabled at its simulated endpoint,
    and the demo secrets by provider (entry name -> value)."""
    data = Settings().model_dump()
    secrets: dict[str, dict[str, str]] = {}
    for provider, entry in demo_provider_credentials(base_url).items():
        data["providers"][provider].update(enabled=True, base_url=entry["base_url"])
        secrets[provider] = {name: value for name, value in entry.items() if name != "base_url"}
    return Settings.model_validate(data), secrets


def attached_app(base_url: str, initial: QuoteArgs | None = None, *, direct: bool = True) -> A2AApp:
    """The demo app against a simulator at ``base_url``, with its demo keys in memory;
    ``direct`` False: Any2Any alone."""
    settings, secrets = demo_settings(base_url)
    # never the user's keyring or env
    credentials = CredentialService.in_memory(provider_settings_from(settings))
    credentials.set("any2any.api_key", SecretStr(API_KEYS[0].key), base_url)
    for entries in secrets.values():
        for name, value in entries.items():
            credentials.set(name, SecretStr(value))
    api_key = credentials.get("any2any.api_key", base_url)
    backend = (
        Backend.from_settings(settings, base_url=base_url, api_key=api_key, secrets=credentials.get)
        if direct
        else Backend.any2any(base_url, api_key)
    )
    return A2AApp(
        backend,
        preferences=Preferences(LoadedSettings(settings, None)),
        credentials=credentials,
        initial=initial or DEMO_QUOTE,
        subtitle=f"demo · simulator on {base_url}",
    )


@contextmanager
def demo_app(
    initial: QuoteArgs | None = None, config: SimConfig | None = None, *, direct: bool = True
) -> Iterator[A2AApp]:
    """``direct`` False: Any2Any alone (the benchmark's start-up baseline)."""
    from a2a_tui.sim.server import SimServer
    from a2a_tui.sim.simulator import Simulator

    with SimServer(Simulator(config or demo_sim_config())) as server:
        yield attached_app(server.base_url, initial, direct=direct)
