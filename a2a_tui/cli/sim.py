"""``a2a-tui sim``: the embedded provider simulator on its own."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys

from a2a_tui.sim.simulator import SimConfig

__all__ = ["run_sim", "sim_config_from"]


def sim_config_from(args: argparse.Namespace) -> SimConfig:
    return SimConfig(
        seed=args.seed,
        latency_scale=args.latency_scale,
        upstream_timeout=args.upstream_timeout,
        extra_channels=args.channels,
        failures=not args.no_failures,
        stamp_events=args.stamp_events,
    )


def run_sim(args: argparse.Namespace) -> int:
    from a2a_tui.sim.server import bind_socket, serve_forever
    from a2a_tui.sim.simulator import Simulator

    config = sim_config_from(args)
    sim = Simulator(config)
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        print(f"a2a-tui sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    host, port = sock.getsockname()[:2]
    base_url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    banner = {"base_url": base_url, **sim.credentials(),
              "providers": sim.provider_credentials(base_url)}  # fmt: skip
    print(json.dumps(banner), flush=True)
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
