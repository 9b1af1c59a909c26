"""What a served session's app may see of the host: its environment and its directories.

A demo session must not reach the host's keyring, config, credentials or
journal. Its app runs with an environment built from an allowlist (no
``A2A_TUI_*`` credential variables, no D-Bus address, so no Secret Service),
``HOME``, ``XDG_*`` and ``A2A_TUI_CONFIG`` pointing into a fresh empty
directory of its own, and the null keyring. Every session, demo or not, loses
the variables that would pin the terminal's size or Textual's driver.

``python -m a2a_tui.serve.sandbox -- COMMAND...`` runs a command that way,
for servers that start their sessions themselves (textual-serve).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = [
    "PINNED",
    "client_env",
    "host_env",
    "isolated_env",
    "make_session_dir",
]

#: Never passed on: COLUMNS/LINES win over the pty's size in shutil.get_terminal_size()
#: (the app would never follow a resize); the TEXTUAL_* ones would pick another driver.
PINNED = frozenset(
    {"COLUMNS", "LINES", "TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TEXTUAL"}
)
#: What a demo session keeps of the server's environment.
KEPT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH", "VIRTUAL_ENV")
#: What a client may set (OpenSSH sends LANG and LC_* by default; SetEnv for the rest).
_CLIENT = re.compile(r"LANG|LC_[A-Z]+|COLORTERM|NO_COLOR")
_SAFE_VALUE = re.compile(r"[\w.@:+-]{0,64}")
_TERM = re.compile(r"[\w.+-]{1,64}")


def make_session_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="a2a-tui-session-"))


def isolated_env(home: Path, source: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment that reaches nothing of the host's but PATH and the locale."""
    source = os.environ if source is None else source
    env = {name: source[name] for name in KEPT if source.get(name)}
    env.setdefault("LANG", "C.UTF-8")
    config = home / "config"
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(config),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        TMPDIR=str(home),
        A2A_TUI_CONFIG=str(config / "a2a-tui" / "config.toml"),
        # Belt and braces: the demo keeps its keys in memory, but nothing that
        # asks the default keyring may reach the host's.
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return env


def host_env(source: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's own environment for a session on the operator's settings and keyring."""
    source = os.environ if source is None else source
    return {name: value for name, value in source.items() if name not in PINNED}


def client_env(term: str | None, requested: Mapping[str, str]) -> dict[str, str]:
    """TERM from the pty request and the few variables a client may choose."""
    chosen = {
        name: value
        for name, value in requested.items()
        if _CLIENT.fullmatch(name) and _SAFE_VALUE.fullmatch(value)
    }
    return {"TERM": term if term and _TERM.fullmatch(term) else "xterm-256color", **chosen}


def run_isolated(command: Sequence[str], source: Mapping[str, str] | None = None) -> int:
    """Run ``command`` in a fresh directory with `isolated_env`, keeping what
    textual-serve set for its driver, and remove the directory afterwards."""
    source = os.environ if source is None else source
    home = make_session_dir()
    env = isolated_env(home, source)
    env.update(
        (name, value)
        for name, value in source.items()
        if name.startswith(("TEXTUAL", "TERM")) or name in ("COLUMNS", "ROWS", "COLORTERM")
    )
    child = subprocess.Popen(list(command), env=env, cwd=home)

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, forward)
    try:
        return child.wait()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        sys.stderr.write("usage: python -m a2a_tui.serve.sandbox -- COMMAND...\n")
        return 2
    return run_isolated(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
