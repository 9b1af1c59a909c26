"""``a2a-tui serve ssh|web``: the app for people who have nothing installed.

With ``--demo`` the server starts one simulator (on a loopback port, in this
process) and every session runs ``a2a-tui demo --attach URL`` against it, in
a sandbox that reaches nothing of this machine's keys, settings or journal.
Without it, sessions run the app as this user, with this user's settings and
keyring: give keys only to people you would trust with those.

Heavy imports (asyncssh, textual-serve, the simulator) wait for the command.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from a2a_tui.serve.ssh import SSHServe

__all__ = ["add_serve_parser", "await_session", "run_serve"]

DEFAULT_MAX_SESSIONS = 8
DEFAULT_IDLE_TIMEOUT = 600.0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be 0 (never) or more seconds")
    return value


def add_serve_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the app over SSH or in a browser",
        description="Serve the app to people who have nothing installed: one app process "
        "per session. Loopback only unless --host says otherwise.",
    )
    kinds = serve.add_subparsers(dest="serve_command", metavar="KIND", required=True)

    ssh = kinds.add_parser(
        "ssh",
        help="an SSH server that runs only the app (asyncssh)",
        description="An SSH server that runs the app and nothing else: no shell, commands, "
        "SFTP or forwarding. Public-key authentication from an authorized_keys file; "
        "keyless only with --demo --allow-anyone.",
    )
    ssh.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    ssh.add_argument("--port", type=int, default=2222, help="port (default 2222, 0 = any free)")
    ssh.add_argument(
        "--authorized-keys",
        metavar="FILE",
        type=Path,
        help="public keys that may connect, OpenSSH format (default: authorized_keys in "
        "the data directory); read again at every connection",
    )
    ssh.add_argument(
        "--allow-anyone",
        action="store_true",
        help="no authentication at all: a public demo (needs --demo)",
    )
    ssh.add_argument(
        "--max-sessions",
        type=_positive,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"concurrent sessions; one more is told politely (default {DEFAULT_MAX_SESSIONS})",
    )
    ssh.add_argument(
        "--idle-timeout",
        type=_seconds,
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="S",
        help=f"close a session after S seconds without a key (default {DEFAULT_IDLE_TIMEOUT:g}, "
        "0 = never)",
    )
    ssh.add_argument(
        "--spares",
        type=_non_negative_int,
        default=1,
        metavar="N",
        help="app processes kept started and waiting, so a connection paints at once "
        "(default 1, 0 = start each on connect)",
    )
    ssh.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where the host key (made once, 0600) and the default authorized_keys live "
        "(default: $A2A_TUI_DATA_DIR/serve, else ~/.local/share/a2a-tui/serve)",
    )

    web = kinds.add_parser(
        "web",
        help="the app in a browser tab (textual-serve; no authentication)",
        description="Serve the app to browsers through textual-serve: one app process per "
        "tab. There is no authentication: it listens on loopback unless --host is given.",
    )
    web.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    web.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    web.add_argument("--max-sessions", type=_positive, default=DEFAULT_MAX_SESSIONS, metavar="N",
                     help=f"concurrent tabs (default {DEFAULT_MAX_SESSIONS})")  # fmt: skip
    for kind in (ssh, web):
        kind.add_argument(
            "--demo",
            action="store_true",
            help="every session on one shared simulator, with in-memory demo keys and "
            "nothing of this machine's settings",
        )
        kind.add_argument("--base-url", metavar="URL",
                          help="without --demo: the Any2Any host sessions use")  # fmt: skip


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _fail(kind: str, message: str) -> int:
    print(f"a2a-tui serve {kind}: {message}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def _simulator(demo: bool) -> Iterator[str | None]:
    """The one simulator every demo session shares, on a loopback port."""
    if not demo:
        yield None
        return
    from a2a_tui.cli.demo import demo_sim_config
    from a2a_tui.sim.server import SimServer
    from a2a_tui.sim.simulator import Simulator

    with SimServer(Simulator(demo_sim_config())) as server:
        yield server.base_url


def _app_argv(args: argparse.Namespace, sim_url: str | None) -> list[str]:
    if sim_url is not None:
        return ["demo", "--attach", sim_url]
    return ["--base-url", args.base_url] if args.base_url else []


def run_serve(args: argparse.Namespace) -> int:
    if args.demo and args.base_url:
        return _fail(args.serve_command, "--base-url is for sessions without --demo")
    if args.serve_command == "web":
        return _run_web(args)
    return _run_ssh(args)


def _run_web(args: argparse.Namespace) -> int:
    from a2a_tui.serve.web import serve_web, web_command

    if not is_loopback(args.host):
        if not args.demo:
            return _fail("web", f"refusing to serve this machine's keys and settings on "
                         f"{args.host} without authentication: use --demo there, or keep it "
                         "on loopback behind a proxy that authenticates")  # fmt: skip
        print(f"a2a-tui serve web: warning: no authentication; anyone who can reach "
              f"{args.host}:{args.port} gets a demo session", file=sys.stderr)  # fmt: skip
    with _simulator(args.demo) as sim_url:
        command = web_command(_app_argv(args, sim_url), isolated=args.demo)
        title = "a2a-tui demo" if args.demo else "a2a-tui"
        try:
            serve_web(command, args.host, args.port, title, args.max_sessions)
        except OSError as exc:
            return _fail("web", f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    return 0


def _run_ssh(args: argparse.Namespace) -> int:
    from a2a_tui.serve.keys import (
        ServeSetupError,
        authorized_keys,
        default_authorized_keys,
        default_data_dir,
        load_or_create_host_key,
    )
    from a2a_tui.serve.sandbox import host_env, isolated_env, make_session_dir
    from a2a_tui.serve.ssh import SSHOptions, SSHServe

    if args.allow_anyone and not args.demo:
        return _fail("ssh", "--allow-anyone needs --demo: a keyless session must never "
                     "reach this machine's keys and settings")  # fmt: skip
    data_dir = args.data_dir or default_data_dir()
    keys_path = None
    try:
        host_key, key_path, new = load_or_create_host_key(data_dir)
        if not args.allow_anyone:
            keys_path = args.authorized_keys or default_authorized_keys(data_dir)
            authorized_keys(keys_path)
    except ServeSetupError as exc:
        return _fail("ssh", str(exc))
    fingerprint = host_key.get_fingerprint()
    print(f"a2a-tui serve ssh: host key {fingerprint} ({'new, ' if new else ''}{key_path})",
          file=sys.stderr)  # fmt: skip
    if keys_path is not None:
        print(f"a2a-tui serve ssh: public keys from {keys_path}", file=sys.stderr)
    else:
        print(f"a2a-tui serve ssh: warning: --allow-anyone: anyone who can reach {args.host}:"
              f"{args.port} gets a demo session, without a key", file=sys.stderr)  # fmt: skip

    with _simulator(args.demo) as sim_url:

        def session_env() -> tuple[dict[str, str], Path | None]:
            if sim_url is None:
                return host_env(), None
            home = make_session_dir()
            return isolated_env(home), home

        options = SSHOptions(
            host=args.host,
            port=args.port,
            host_key=host_key,
            authorized_keys=keys_path,
            app_argv=_app_argv(args, sim_url),
            env=session_env,
            max_sessions=args.max_sessions,
            idle_timeout=args.idle_timeout,
            spares=args.spares,
        )
        try:
            asyncio.run(_serve_ssh(SSHServe(options), args))
        except OSError as exc:
            return _fail("ssh", f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    return 0


async def _serve_ssh(server: SSHServe, args: argparse.Namespace) -> None:
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    port_flag = "" if server.port == 22 else f"-p {server.port} "
    print(f"a2a-tui serve ssh: listening on {shown}:{server.port}{' (demo)' if args.demo else ''}"
          f"; connect with: ssh {port_flag}{shown}", flush=True)  # fmt: skip
    try:
        await stop.wait()
    finally:
        await server.close()


def await_session(args: argparse.Namespace) -> None:
    """A spare app's wait (``--session-fd``): import what the command needs, then
    block until the server hands it a client, whose TERM and locale then apply."""
    if args.command == "demo":
        import a2a_tui.cli.demo
    else:
        import a2a_tui.services.credentials
        import a2a_tui.services.preferences
        import a2a_tui.ui.app  # noqa: F401
    import httpcore  # noqa: F401  # imported by httpx on the first request
    import textual.drivers.linux_driver  # noqa: F401

    from a2a_tui.serve.spawn import receive_session

    os.environ.update(receive_session(args.session_fd))
