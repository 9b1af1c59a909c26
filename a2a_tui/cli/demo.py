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

from collections.abc import Callable, Iterator
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
from a2a_tui.ui.app import A2AApp, AppCommand

if TYPE_CHECKING:
    from a2a_tui.sim.server import SimServer
    from a2a_tui.sim.simulator import SimConfig

__all__ = [
    "DEMO_QUOTE",
    "attached_app",
    "demo_app",
    "demo_settings",
    "demo_sim_config",
    "sim_commands",
]

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


def attached_app(
    base_url: str,
    initial: QuoteArgs | None = None,
    *,
    direct: bool = True,
    commands: list[AppCommand] | None = None,
) -> A2AApp:
    """The demo app against a simulator at ``base_url``, with its demo keys in memory;
    ``direct`` False: Any2Any alone. ``commands``: the simulator's controls, when it
    runs in this process (an attached session's simulator is another process's)."""
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
        commands=commands or [],
    )


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
def demo_app(
    initial: QuoteArgs | None = None, config: SimConfig | None = None, *, direct: bool = True
) -> Iterator[A2AApp]:
    """``direct`` False: Any2Any alone (the benchmark's start-up baseline)."""
    from a2a_tui.sim.server import SimServer
    from a2a_tui.sim.simulator import Simulator

    with SimServer(Simulator(config or demo_sim_config())) as server:
        yield attached_app(server.base_url, initial, direct=direct, commands=sim_commands(server))
