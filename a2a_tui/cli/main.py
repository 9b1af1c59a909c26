"""Command line entry point: ``a2a-tui [demo|sim|quote|order|keys|config|serve]``.

Heavy imports (Textual, the simulator) happen inside the command that needs
them, so ``a2a-tui quote`` never pays for the UI and ``a2a-tui`` never pays
for uvicorn.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from a2a_tui import __version__
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.text import sentence
from a2a_tui.infra.config import DEFAULT_BASE_URL

if TYPE_CHECKING:
    from a2a_tui.infra.config import LoadedSettings
    from a2a_tui.infra.keystore import SecretStore
    from a2a_tui.providers.spec import SecretGetter
    from a2a_tui.services.backend import Backend
    from a2a_tui.services.orders import OrderService


__all__ = ["main"]

BASE_URL_ENV = "A2A_TUI_BASE_URL"


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _http_url(text: str) -> str:
    if not re.fullmatch(r"https?://[^\s/?#]+/?", text):
        raise argparse.ArgumentTypeError(f"not an http:// or https:// base URL: {text!r}")
    return text.rstrip("/")


def _add_sim_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="market seed (default 0)")
    parser.add_argument(
        "--latency-scale",
        type=_non_negative,
        default=1.0,
        metavar="F",
        help="multiply every simulated channel latency (0 = instant, 1 = realistic)",
    )
    parser.add_argument(
        "--upstream-timeout",
        type=_non_negative,
        default=60.0,
        metavar="S",
        help="per-channel timeout in seconds (default 60, as the guide says)",
    )
    parser.add_argument(
        "--channels",
        type=int,
        default=0,
        metavar="N",
        help="add N synthetic channels (load tests, benchmarks)",
    )
    parser.add_argument(
        "--no-failures",
        action="store_true",
        help="channels never fail at random (faults can still be set via /sim/faults)",
    )
    parser.add_argument(
        "--stamp-events",
        action="store_true",
        help="give each event an SSE id: its send time in ns since the epoch (benchmarks)",
    )


def _add_host_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help=f"Any2Any host (default: ${BASE_URL_ENV}, else the config's profile, "
        f"else {DEFAULT_BASE_URL})",
    )


def _add_quote_options(
    parser: argparse.ArgumentParser, *, required: bool, default: object = None
) -> None:
    """``default=argparse.SUPPRESS`` on a subcommand that repeats the top-level
    options, so ``a2a-tui --src X demo`` keeps X (argparse would reset it)."""
    parser.add_argument("--src", required=required, metavar="TOKEN", default=default,
                        help="source token: id, SYMBOL or SYMBOL@chain")  # fmt: skip
    parser.add_argument("--dst", required=required, metavar="TOKEN", default=default,
                        help="destination token")  # fmt: skip
    parser.add_argument("--amount", required=required, metavar="X", default=default,
                        help="amount in human units, e.g. 1.5")  # fmt: skip
    parser.add_argument("--slippage", metavar="S", default=default,
                        help="0.005 or 0.5%% (default: the config's, 1%%)")  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="a2a-tui",
        description="Terminal dashboard for cross-chain swap aggregation. Without a command, "
        "opens the quote board; with --src/--dst/--amount the quote starts at once.",
    )
    parser.add_argument("--version", action="version", version=f"a2a-tui {__version__}")
    _add_host_option(parser)
    _add_quote_options(parser, required=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="the app against an embedded simulator (the README's first command)",
        description="Start the simulator in this process on a free loopback port and open "
        "the quote board against it. Demo keys live in memory only.",
    )
    demo.add_argument(
        "--attach",
        metavar="URL",
        type=_http_url,
        help="start no simulator: use the one running at URL (a2a-tui sim; what "
        "serve --demo sessions run)",
    )
    _add_quote_options(demo, required=False, default=argparse.SUPPRESS)

    quote = commands.add_parser(
        "quote",
        help="stream a quote without the UI",
        description="Quote once and print the ranked result (or JSON lines as events arrive).",
    )
    _add_host_option(quote)
    _add_quote_options(quote, required=True)
    quote.add_argument("--promo", metavar="CODE", help="promo code")
    quote.add_argument(
        "--channel",
        type=int,
        metavar="ID",
        help="quote one channel only (its id; an id the pair has not is refused)",
    )
    quote.add_argument(
        "--timeout",
        type=_positive,
        metavar="SECONDS",
        help="stop waiting after SECONDS: channels that have not answered by "
        "then are reported as unanswered (exit 0 if any answered)",
    )
    quote.add_argument("--json", action="store_true",
                       help="one JSON object per line, as events arrive")  # fmt: skip

    sim = commands.add_parser(
        "sim",
        help="run the embedded provider simulator",
        description="Serve the Any2Any simulator. The first stdout line is JSON with "
        "base_url and the demo credentials.",
    )
    sim.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    sim.add_argument("--port", type=int, default=8787, help="port (default 8787, 0 = any free)")
    _add_sim_options(sim)

    keys = commands.add_parser(
        "keys",
        help="credentials in the OS keyring: list, set, delete, test",
        description="Secrets live in the OS keyring (service a2a-tui). Values are read from "
        "a hidden prompt or stdin, never from the command line, and never printed.",
    )
    keys_commands = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    for action, text in (
        ("list", "names and states, never values"),
        ("set", "store a secret (hidden prompt, or stdin when piped)"),
        ("delete", "remove a secret from the keyring"),
        ("test", "check a provider's credentials (Any2Any: without side effects)"),
    ):
        sub = keys_commands.add_parser(action, help=text, description=text)
        if action in ("set", "delete"):
            sub.add_argument("name", metavar="NAME", help="entry name (see keys list)")
        if action == "test":
            sub.add_argument(
                "provider", nargs="?", metavar="PROVIDER",
                help="any2any, okx, swapscanner, swapkit or changelly (id or name)",
            )  # fmt: skip
        _add_host_option(sub)

    order = commands.add_parser(
        "order",
        help="create, show, watch or list orders",
        description="Orders through the same journaled path as the app. See each action's "
        "--help for its exit statuses.",
    )
    order_commands = order.add_subparsers(dest="order_command", metavar="ACTION", required=True)
    create = order_commands.add_parser(
        "create",
        help="quote, pick a channel, create the order, print the deposit details",
        description="Quote, pick a channel (the best by default), create the order through "
        "the journal, and print where to deposit. The integrator key comes from the key "
        "store or $A2A_TUI_ANY2ANY_API_KEY. Exit status: 0 created (or found again), 1 the "
        "server refused (or no channel quoted: the server's reasons are printed), 2 bad input "
        "(an address for another chain, a --channel the pair does not have, a "
        "--client-order-id already used by another request: nothing is sent), 3 outcome "
        "unknown after every retry (journaled: running an order command again resolves it).",
    )
    _add_host_option(create)
    _add_quote_options(create, required=True)
    create.add_argument("--to", required=True, metavar="ADDRESS",
                        help="destination address (checked for the destination chain)")  # fmt: skip
    create.add_argument("--channel", default="best", metavar="ID|best",
                        help="a channel id, or best (default)")  # fmt: skip
    create.add_argument("--promo", metavar="CODE", help="promo code")
    create.add_argument(
        "--timeout",
        type=_positive,
        default=5.0,
        metavar="SECONDS",
        help="how long the quote may take (default 5): a named --channel is used as soon "
        "as it answers, best is the best of the channels that answered by then",
    )
    create.add_argument("--client-order-id", metavar="ID",
                        help="your id, the idempotency key (default: a fresh one); the "
                        "same request again is that order, another request is refused")  # fmt: skip
    create.add_argument("--json", action="store_true", help="one JSON object")
    listing = order_commands.add_parser(
        "list", help="the order journal and the watch list, newest first"
    )
    _add_host_option(listing)
    listing.add_argument("--status", metavar="S",
                         help="only this state (Depositing, Completed, ...; or pending, refused, "
                         "watched)")  # fmt: skip
    listing.add_argument("--json", action="store_true", help="a JSON array")
    show = order_commands.add_parser(
        "show",
        help="one order's detail from the host (the journal's when unreachable)",
        description="The order detail from the host, or the journal's last view (marked) "
        "when the host cannot be reached. Exit status: 0 shown, 1 no such order, 2 bad "
        "input, 3 the host could not be reached.",
    )
    _add_host_option(show)
    show.add_argument("order_no", metavar="ORDER_NO")
    show.add_argument("--json", action="store_true", help="one JSON object")
    show.add_argument("--bundle", action="store_true",
                      help="the plain-text support bundle for a ticket (no secrets)")  # fmt: skip
    watch = order_commands.add_parser(
        "watch",
        help="print each transition until every order is final",
        description="Track orders as the app does and print each state change as it "
        "happens, until every order is final. Exit status: 0 all completed, 1 any failed, "
        "was refunded or expired, 2 bad input, 3 the connection was lost and not recovered.",
    )
    _add_host_option(watch)
    watch.add_argument("order_nos", metavar="ORDER_NO", nargs="+")
    watch.add_argument("--json", action="store_true", help="one JSON object per transition")
    watch.add_argument("--lost-after", type=_positive, default=120.0, metavar="SECONDS",
                       help="give up (exit 3) after the host failed to answer for this long "
                       "(default 120)")  # fmt: skip

    refund = commands.add_parser(
        "refund",
        help="request a refund of an integrator order (guide section 3)",
        description="Request a refund to ADDR (on the order's source chain) with the same "
        "checks and guidance as the app's refund step. Exit status: 0 requested (or already "
        "requested with that address), 1 refused, 2 bad input, 3 no answer.",
    )
    _add_host_option(refund)
    refund.add_argument("order_no", metavar="ORDER_NO")
    refund.add_argument("--address", required=True, metavar="ADDR",
                        help="the refund address, on the order's SOURCE chain")  # fmt: skip
    refund.add_argument("--json", action="store_true", help="one JSON object")

    from a2a_tui.cli.serve import add_serve_parser

    add_serve_parser(commands)
    parser.add_argument("--session-fd", type=int, help=argparse.SUPPRESS)  # serve's spares

    config = commands.add_parser("config", help="show the settings or the config file's path")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_commands.add_parser("show", help="effective settings and where each came from")
    config_commands.add_parser("path", help="the config file's path")
    return parser


def _settings(*, quiet: bool = False) -> LoadedSettings:
    """The config; its problems go to stderr for commands (the app shows them)."""
    from a2a_tui.infra.config import load_settings

    loaded = load_settings()
    if not quiet:
        for problem in loaded.problems:
            print(f"a2a-tui: config: {problem}", file=sys.stderr)
    return loaded


def _store(loaded: LoadedSettings) -> SecretStore:
    from a2a_tui.infra.keystore import SecretStore

    secrets = loaded.settings.secrets
    return SecretStore(chosen=secrets.backend, allow_plaintext=secrets.allow_plaintext)


def _base_url(args: argparse.Namespace, loaded: LoadedSettings) -> str:
    return str(args.base_url or loaded.settings.base_url)


def _backend(
    args: argparse.Namespace, loaded: LoadedSettings, secrets: SecretGetter | None = None
) -> Backend:
    """Any2Any and every direct provider the settings enable. Without the
    integrator key: quotes need none, and the app loads it from the keyring in
    a worker once its screen is up (see A2AApp). ``secrets`` reads the direct
    providers' credentials (off the event loop, when a quote needs them)."""
    from a2a_tui.services.backend import Backend

    if secrets is None:
        return Backend.from_settings(loaded.settings, base_url=_base_url(args, loaded))
    return Backend.from_settings(loaded.settings, base_url=_base_url(args, loaded), secrets=secrets)


def _quote_args(args: argparse.Namespace, default_slippage: str) -> QuoteArgs | None:
    # `--amount ""` was given: it is refused as an empty amount, not as missing
    given = [value is not None for value in (args.src, args.dst, args.amount)]
    if not any(given):
        return None
    if not all(given):
        raise SystemExit("a2a-tui: --src, --dst and --amount go together")
    return QuoteArgs(args.src, args.dst, args.amount, args.slippage or default_slippage,
                     getattr(args, "promo", None), getattr(args, "channel", None))  # fmt: skip


def run_headless_quote(args: argparse.Namespace) -> int:
    from a2a_tui.cli.quote import run_quote

    loaded = _settings()
    quote = _quote_args(args, loaded.settings.quote.default_slippage)
    assert quote is not None

    store = _store(loaded)

    async def go() -> int:
        backend = _backend(args, loaded, store.get)
        try:
            return await run_quote(backend, quote, as_json=args.json, out=sys.stdout,
                                   err=sys.stderr, within=args.timeout)  # fmt: skip
        finally:
            await backend.close()

    try:
        return asyncio.run(go())
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do. The
        # quote's streams were closed on the way out; point stdout at devnull
        # so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _until_the_reader_leaves(command: Callable[[], int]) -> int:
    """`a2a-tui keys list | head -3`: a reader that stops early ends the command
    quietly (141, as Unix tools do), not with a traceback."""
    try:
        return command()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def run_tui(args: argparse.Namespace) -> int:
    from a2a_tui.services.backend import provider_settings_from, timeouts_from
    from a2a_tui.services.credentials import CredentialService
    from a2a_tui.services.orders import JournalError, OrderService
    from a2a_tui.services.preferences import Preferences
    from a2a_tui.ui.app import A2AApp

    loaded = _settings(quiet=True)  # the app shows the problems itself
    credentials = CredentialService(
        _store(loaded), timeouts_from(loaded.settings), provider_settings_from(loaded.settings)
    )
    backend = _backend(args, loaded, credentials.get)
    quote = _quote_args(args, loaded.settings.quote.default_slippage)
    orders, problem = None, None
    try:
        orders = OrderService.on_disk(backend)
    except JournalError as exc:  # quotes still work; the app says why orders do not
        problem = f"{sentence(str(exc))} Set $A2A_TUI_DATA_DIR to a writable folder."
    app = A2AApp(backend, preferences=Preferences(loaded), credentials=credentials,
                 initial=quote, orders=orders, orders_problem=problem)  # fmt: skip
    app.run()
    return app.return_code or 0


def _order_service(args: argparse.Namespace, command: str) -> OrderService | int:
    """The journaled order service with this host's key; exit 2 if no journal."""
    from a2a_tui.services.backend import Backend, timeouts_from
    from a2a_tui.services.credentials import CredentialService
    from a2a_tui.services.orders import JournalError, OrderService

    loaded = _settings()
    base_url = _base_url(args, loaded)
    store = _store(loaded)
    backend = Backend.any2any(
        base_url, store.get("any2any.api_key", base_url), timeouts_from(loaded.settings)
    )
    credentials = CredentialService(store)
    backend.key_entry = credentials.origin("any2any.api_key", base_url)
    backend.key_problem = credentials.unreadable("any2any.api_key", base_url)
    backend.key_how_to_set = credentials.how_to_set("any2any.api_key")
    try:
        return OrderService.on_disk(backend)
    except JournalError as exc:
        print(f"a2a-tui {command}: {exc}; set $A2A_TUI_DATA_DIR to a writable folder",
              file=sys.stderr)  # fmt: skip
        return 2


def _with_orders(
    args: argparse.Namespace, command: str, body: Callable[[OrderService], Awaitable[int]]
) -> int:
    """Run ``body`` with the journaled order service, then close its clients and
    its journal whatever happens; ctrl+c is exit 130, as for any Unix tool."""
    service = _order_service(args, command)
    if isinstance(service, int):
        return service

    async def go() -> int:
        try:
            return await body(service)
        finally:
            await service.backend.close()
            service.close()

    try:
        return asyncio.run(go())
    except KeyboardInterrupt:
        return 130


def run_order(args: argparse.Namespace) -> int:
    from a2a_tui.cli.order import run_order_create, run_order_list
    from a2a_tui.cli.support import run_order_show, run_order_watch
    from a2a_tui.services.desk import SupportDesk

    loaded = _settings(quiet=True)

    async def body(service: OrderService) -> int:
        match args.order_command:
            case "list":
                return await run_order_list(service, as_json=args.json, out=sys.stdout,
                                            err=sys.stderr, status=args.status)  # fmt: skip
            case "show":
                return await run_order_show(
                    SupportDesk(service), args.order_no, as_json=args.json,
                    bundle=args.bundle, out=sys.stdout, err=sys.stderr,
                )  # fmt: skip
            case "watch":
                return await run_order_watch(
                    SupportDesk(service), args.order_nos, as_json=args.json,
                    out=sys.stdout, err=sys.stderr, lost_after=args.lost_after,
                )  # fmt: skip
        quote = _quote_args(args, loaded.settings.quote.default_slippage)
        assert quote is not None
        # --channel picks among every channel's answer, it does not filter the quote
        quote = replace(quote, channel=None)
        return await run_order_create(
            service, quote, to=args.to, channel=args.channel,
            client_order_id=args.client_order_id, as_json=args.json,
            out=sys.stdout, err=sys.stderr, within=args.timeout,
        )  # fmt: skip

    return _with_orders(args, "order", body)


def run_refund_command(args: argparse.Namespace) -> int:
    from a2a_tui.cli.support import run_refund
    from a2a_tui.services.desk import SupportDesk

    async def body(service: OrderService) -> int:
        return await run_refund(SupportDesk(service), args.order_no, address=args.address,
                                as_json=args.json, out=sys.stdout, err=sys.stderr)  # fmt: skip

    return _with_orders(args, "refund", body)


def run_demo(args: argparse.Namespace) -> int:
    quote = _quote_args(args, "1%")
    if args.attach:
        from a2a_tui.cli.demo import attached_app

        app = attached_app(args.attach, quote)
        app.run()
        return app.return_code or 0
    from a2a_tui.cli.demo import demo_app

    with demo_app(quote) as app:
        app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.session_fd is not None:
        from a2a_tui.cli.serve import await_session

        await_session(args)
    match args.command:
        case "sim":
            from a2a_tui.cli.sim import run_sim

            return run_sim(args)
        case "quote":
            return run_headless_quote(args)
        case "order":
            return _until_the_reader_leaves(lambda: run_order(args))
        case "refund":
            return run_refund_command(args)
        case "demo":
            return run_demo(args)
        case "keys":
            from a2a_tui.cli.keys import run_keys
            from a2a_tui.services.backend import provider_settings_from

            loaded = _settings()
            return _until_the_reader_leaves(
                lambda: run_keys(
                    args,
                    _store(loaded),
                    _base_url(args, loaded),
                    provider_settings=provider_settings_from(loaded.settings),
                )
            )
        case "serve":
            from a2a_tui.cli.serve import run_serve

            return run_serve(args)
        case "config":
            from a2a_tui.cli.keys import run_config

            return _until_the_reader_leaves(lambda: run_config(args, _settings(quiet=True)))
        case _:
            return run_tui(args)


if __name__ == "__main__":
    sys.exit(main())
