"""``a2a-tui serve web``: the app in a browser tab, through textual-serve.

textual-serve starts one app process per tab (over pipes, with its web
driver) and has no authentication of its own, so it listens on loopback
unless told otherwise; demo tabs run inside `a2a_tui.serve.sandbox`. Its page
is served from our copy of its template, which does not fetch a web font
from a third party (nothing a tab loads leaves this server).
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["serve_web", "web_command"]

TEMPLATES = Path(__file__).with_name("templates")


def web_command(app_argv: Sequence[str], *, isolated: bool) -> str:
    """The shell command textual-serve runs for each tab."""
    app = [sys.executable, "-m", "a2a_tui", *app_argv]
    if isolated:
        app = [sys.executable, "-m", "a2a_tui.serve.sandbox", "--", *app]
    return shlex.join(app)


def serve_web(command: str, host: str, port: int, title: str) -> None:
    """Serve until Ctrl+C or SIGTERM."""
    from textual_serve.server import Server

    shown = f"[{host}]" if ":" in host else host
    Server(
        command,
        host=host,
        port=port,
        title=title,
        public_url=f"http://{shown}:{port}",
        templates_path=str(TEMPLATES),  # absolute: textual-serve joins it to its own directory
    ).serve()
