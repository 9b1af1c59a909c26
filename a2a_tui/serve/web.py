"""``a2a-tui serve web``: the app in a browser tab, through textual-serve.

textual-serve starts one app process per tab (over pipes, with its web
driver) and has no authentication of its own, so it listens on loopback
unless told otherwise; demo tabs run inside `a2a_tui.serve.sandbox`. What we
add: a cap on concurrent tabs, page URLs built from the address the browser
used (textual-serve builds them from the bind address, which for 0.0.0.0
points every remote browser at itself), and our copy of its page template,
which does not fetch a web font from a third party (nothing a tab loads
leaves this server).
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.server import Server

__all__ = ["WebServer", "serve_web", "web_command"]

TEMPLATES = Path(__file__).with_name("templates")


def web_command(app_argv: Sequence[str], *, isolated: bool) -> str:
    """The shell command textual-serve runs for each tab."""
    app = [sys.executable, "-m", "a2a_tui", *app_argv]
    if isolated:
        app = [sys.executable, "-m", "a2a_tui.serve.sandbox", "--", *app]
    return shlex.join(app)


class WebServer(Server):
    def __init__(self, command: str, host: str, port: int, title: str, max_sessions: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        super().__init__(
            command,
            host=host,
            port=port,
            title=title,
            public_url=f"http://{shown}:{port}",
            templates_path=str(TEMPLATES),  # absolute: textual-serve joins it to its own directory
        )
        self.max_sessions = max_sessions
        self.active = 0

    async def handle_index(self, request: web.Request) -> Any:
        # Everything below runs before the page's first await: no other request interleaves.
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.active >= self.max_sessions:
            refused = web.WebSocketResponse()
            await refused.prepare(request)
            await refused.close(code=1013, message=b"all sessions are in use; try again later")
            return refused
        self.active += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.active -= 1


def serve_web(command: str, host: str, port: int, title: str, max_sessions: int = 8) -> None:
    """Serve until Ctrl+C or SIGTERM; OSError if the port cannot be bound."""
    WebServer(command, host, port, title, max_sessions).serve()
