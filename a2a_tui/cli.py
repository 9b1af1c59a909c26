"""Command line entry point: ``a2a-tui [demo|sim|quote|keys|config]``.

Heavy imports (Textual, the simulator) happen inside the command that needs
them, so ``a2a-tui quote`` never pays for the UI and ``a2a-tui`` never pays
for uvicorn.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from a2a_tui import __version__

if TYPE_CHECKING:
    from a2a_tui.sim.simulator import SimConfig

__all__ = ["main"]


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="a2a-tui",
        description="Terminal dashboard for cross-chain swap aggregation.",
    )
    parser.add_argument("--version", action="version", version=f"a2a-tui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sim = commands.add_parser(
        "sim",
        help="run the embedded provider simulator",
        description="Serve the Any2Any simulator. The first stdout line is JSON with "
        "base_url and the demo credentials.",
    )
    sim.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    sim.add_argument("--port", type=int, default=8787, help="port (default 8787, 0 = any free)")
    _add_sim_options(sim)
    return parser


def _sim_config_from(args: argparse.Namespace) -> SimConfig:
    from a2a_tui.sim.simulator import SimConfig

    return SimConfig(
        seed=args.seed,
        latency_scale=args.latency_scale,
        upstream_timeout=args.upstream_timeout,
        extra_channels=args.channels,
        failures=not args.no_failures,
    )


def run_sim(args: argparse.Namespace) -> int:
    from a2a_tui.sim.server import bind_socket, serve_forever
    from a2a_tui.sim.simulator import Simulator

    config = _sim_config_from(args)
    sim = Simulator(config)
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        print(f"a2a-tui sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    host, port = sock.getsockname()[:2]
    base_url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    print(json.dumps({"base_url": base_url, **sim.credentials()}), flush=True)
    print(
        f"a2a-tui simulator on {base_url} (seed {config.seed}, latency x{config.latency_scale:g},"
        f" upstream timeout {config.upstream_timeout:g}s). Ctrl+C stops it.",
        flush=True,
    )
    if host not in ("127.0.0.1", "::1", "localhost"):
        print("warning: listening beyond loopback; the simulator has no real security",
              file=sys.stderr)  # fmt: skip
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(sim, sock))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "sim":
        return run_sim(args)
    build_parser().print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
