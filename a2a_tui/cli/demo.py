"""``a2a-tui demo``: the simulator in this process, the app pointed at it.

The simulator runs on its own thread and event loop on a free loopback port,
so its work never competes with the UI's loop. The demo's keys (Any2Any's and
every direct provider's) live in memory only, and each provider's settings
point at its simulated endpoint; nothing is read from or written to the
user's keyring or config.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pydantic import SecretStr

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.infra.config import LoadedSettings, Settings
from a2a_tui.services.backend import Backend, provider_settings_from
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.preferences import Preferences
from a2a_tui.sim.catalog import API_KEYS
from a2a_tui.sim.server import SimServer
from a2a_tui.sim.simulator import SimConfig, Simulator
from a2a_tui.ui.app import A2AApp, AppCommand

__all__ = ["DEMO_CONFIG", "DEMO_QUOTE", "demo_app", "demo_settings", "sim_commands"]

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


def demo_settings(sim: Simulator, base_url: str) -> tuple[Settings, dict[str, dict[str, str]]]:
    """Settings with every direct provider enabled at its simulated endpoint,
    and the demo secrets by provider (entry name -> value)."""
    data = Settings().model_dump()
    secrets: dict[str, dict[str, str]] = {}
    for provider, entry in sim.provider_credentials(base_url).items():
        data["providers"][provider].update(enabled=True, base_url=entry["base_url"])
        secrets[provider] = {name: value for name, value in entry.items() if name != "base_url"}
    return Settings.model_validate(data), secrets


def sim_commands(server: SimServer) -> list[AppCommand]:
    """The simulator's controls in the palette (``Simulator: ...``), on the order on
    screen: what `curl` against ``/sim/*`` does, without leaving the app."""

    def on_order(what: str, act: Callable[[str], object]) -> Callable[[A2AApp], None]:
        def run(app: A2AApp) -> None:
            order_no = app.current_order_no()
            if order_no is None:
                app.notify("Open an order first (F3, then choose one).", title="Simulator",
                           severity="warning", markup=False)  # fmt: skip
                return
            try:
                server.call(lambda: act(order_no))
            except Exception as exc:  # the simulator's refusal, shown
                app.notify(f"{order_no}: {exc}", title="Simulator", severity="warning",
                           markup=False)  # fmt: skip
                return
            app.notify(f"{order_no}: {what}", title="Simulator", markup=False)
            if app.tracker is not None:
                app.tracker.poll_soon(order_no)

        return run

    def advance(seconds: float, label: str) -> Callable[[A2AApp], None]:
        def run(app: A2AApp) -> None:
            server.call(lambda: server.sim.advance(seconds))
            app.notify(f"simulated time moved {label} forward", title="Simulator", markup=False)
            if app.tracker is not None:
                app.tracker.poll_all_soon()

        return run

    sim = server.sim
    deposits = [
        ("success", "deposit arrives; the swap succeeds 30 s (simulated) later", True),
        ("slippage_failed", "deposit arrives; the swap fails on slippage", True),
        ("chain_failed", "deposit arrives; the swap fails on chain", True),
        ("chain_failed", "deposit arrives; the swap fails without execution details", False),
    ]
    commands: list[AppCommand] = [
        (f"Simulator: {text}", "POST /sim/orders/{order_no}/deposit for the order on screen",
         on_order(text, lambda no, o=outcome, d=details: sim.simulate_deposit(no, o, None, d)))  # type: ignore[misc]
        for outcome, text, details in deposits
    ]  # fmt: skip
    commands += [
        ("Simulator: approve the manual review", "POST /sim/orders/{order_no}/review approve",
         on_order("manual review approved", lambda no: sim.orders.review(
             sim.find_order(no), approve=True, now=sim.clock.now()))),
        ("Simulator: reject the manual review", "POST /sim/orders/{order_no}/review reject",
         on_order("manual review rejected", lambda no: sim.orders.review(
             sim.find_order(no), approve=False, now=sim.clock.now()))),
        ("Simulator: advance the clock 30 s", "POST /sim/clock/advance: a swap finishes",
         advance(30, "30 s")),
        ("Simulator: advance the clock 2 min", "a refund settles", advance(120, "2 min")),
        ("Simulator: advance the clock 31 min", "the deposit window expires",
         advance(31 * 60, "31 min")),
        ("Simulator: advance the clock 1 day", "auto-cancel: an expired order settles",
         advance(24 * 3600, "1 day")),
    ]  # fmt: skip
    return commands


@contextmanager
def demo_app(initial: QuoteArgs | None = None, config: SimConfig | None = None) -> Iterator[A2AApp]:
    config = config or DEMO_CONFIG
    with SimServer(Simulator(config)) as server:
        settings, secrets = demo_settings(server.sim, server.base_url)
        # never the user's keyring or env
        credentials = CredentialService.in_memory(provider_settings_from(settings))
        credentials.set("any2any.api_key", SecretStr(API_KEYS[0].key), server.base_url)
        for entries in secrets.values():
            for name, value in entries.items():
                credentials.set(name, SecretStr(value))
        yield A2AApp(
            Backend.any2any(server.base_url, credentials.get("any2any.api_key", server.base_url)),
            preferences=Preferences(LoadedSettings(settings, None)),
            credentials=credentials,
            initial=initial or DEMO_QUOTE,
            subtitle=f"demo · simulator on {server.base_url}",
            commands=sim_commands(server),
        )
