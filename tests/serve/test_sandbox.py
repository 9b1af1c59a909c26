"""What a served session's app may see of the host, and what a client may choose."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from a2a_tui.cli.serve import is_loopback
from a2a_tui.serve.sandbox import client_env, host_env, isolated_env
from a2a_tui.serve.web import web_command

HOST = {
    "PATH": "/usr/bin",
    "LANG": "en_GB.UTF-8",
    "HOME": "/home/operator",
    "A2A_TUI_ANY2ANY_API_KEY": "secret",
    "A2A_TUI_CONFIG": "/home/operator/a2a.toml",
    "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus",
    "SSH_AUTH_SOCK": "/tmp/agent.sock",
    "COLUMNS": "80",
    "LINES": "24",
    "TEXTUAL_DRIVER": "x:Y",
}


def test_a_demo_environment_keeps_only_path_and_locale(tmp_path: Path) -> None:
    env = isolated_env(tmp_path, HOST)
    assert env["PATH"] == "/usr/bin"
    assert env["LANG"] == "en_GB.UTF-8"
    assert env["HOME"] == str(tmp_path)
    assert env["A2A_TUI_CONFIG"].startswith(str(tmp_path))
    assert env["PYTHON_KEYRING_BACKEND"] == "keyring.backends.null.Keyring"
    for name in ("A2A_TUI_ANY2ANY_API_KEY", "DBUS_SESSION_BUS_ADDRESS", "SSH_AUTH_SOCK",
                 "COLUMNS", "LINES", "TEXTUAL_DRIVER"):  # fmt: skip
        assert name not in env
    assert {v for k, v in env.items() if k.startswith("XDG_")} <= {
        str(tmp_path / d) for d in ("config", "data", "state", "cache")
    }


def test_an_operator_session_keeps_the_host_but_not_what_pins_the_terminal() -> None:
    env = host_env(HOST)
    assert env["A2A_TUI_ANY2ANY_API_KEY"] == "secret"  # the operator's own, by design
    assert env["HOME"] == "/home/operator"
    assert not {"COLUMNS", "LINES", "TEXTUAL_DRIVER"} & set(env)


def test_a_client_chooses_its_terminal_and_locale_and_nothing_else() -> None:
    env = client_env("xterm-kitty", {
        "LANG": "fr_FR.UTF-8", "LC_TIME": "C", "COLORTERM": "truecolor", "NO_COLOR": "1",
        "PATH": "/evil", "A2A_TUI_BASE_URL": "http://evil", "LD_PRELOAD": "/tmp/x.so",
        "PYTHONPATH": "/tmp", "LC_ALL": "x;rm -rf /", "COLORTERM_X": "1",
    })  # fmt: skip
    assert env == {
        "TERM": "xterm-kitty",
        "LANG": "fr_FR.UTF-8",
        "LC_TIME": "C",
        "COLORTERM": "truecolor",
        "NO_COLOR": "1",
    }
    assert client_env("\x1b]0;x\x07", {})["TERM"] == "xterm-256color"
    assert client_env(None, {})["TERM"] == "xterm-256color"


def test_web_tabs_run_the_app_in_the_sandbox_quoted_for_the_shell() -> None:
    command = shlex.split(web_command(["demo", "--attach", "http://127.0.0.1:1"], isolated=True))
    assert command == [sys.executable, "-m", "a2a_tui.serve.sandbox", "--", sys.executable,
                       "-m", "a2a_tui", "demo", "--attach", "http://127.0.0.1:1"]  # fmt: skip
    assert "sandbox" not in web_command([], isolated=False)


def test_loopback_is_recognised() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.0.2.1", "example.org"]))
