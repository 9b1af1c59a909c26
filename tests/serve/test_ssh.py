"""``a2a-tui serve ssh`` end to end: the real server process, OpenSSH's client on a pty."""

from __future__ import annotations

import asyncio
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import asyncssh
import pytest
from serve_helpers import (
    GREYS,
    ServeProcess,
    Terminal,
    colours,
    environ_of,
    needs_ssh,
    process_gone,
    serve_ssh,
    ssh_command,
    write_key,
)

pytestmark = needs_ssh

#: The ranked rows of a 2 ETH -> USDT quote: thousands of USDT with 6 decimals.
ROW = re.compile(r"^\s+1 \S.*\d,\d{3}\.\d{6}", re.MULTILINE)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The test's key (authorized) and a stranger's."""
    where = tmp_path_factory.mktemp("keys")
    write_key(where / "id_test")
    write_key(where / "id_stranger")
    return where / "id_test", where / "id_stranger"


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]
) -> Iterator[ServeProcess]:
    data = tmp_path_factory.mktemp("serve")
    (data / "authorized_keys").write_text(keys[0].with_suffix(".pub").read_text())
    env = {**os.environ, "A2A_TUI_ANY2ANY_API_KEY": "host-secret-never-in-a-session",
           "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent", "COLUMNS": "33"}  # fmt: skip
    with serve_ssh(data, "--demo", env=env) as server:
        yield server


async def connect(server: ServeProcess, key: Path, columns: int = 80, rows: int = 24,
                  *extra: str, term: str = "xterm-256color") -> Terminal:  # fmt: skip
    terminal = Terminal(columns, rows)
    await terminal.start(ssh_command(server, key, "-tt", *extra), env={**os.environ, "TERM": term})
    return terminal


async def session_pid(server: ServeProcess, number: int) -> int:
    match = await server.await_line(rf"session {number} from .*: app pid (\d+)")
    return int(match.group(1))


def count_sessions(server: ServeProcess) -> int:
    return sum(1 for line in server.lines if re.search(r"session \d+ from", line))


async def test_the_board_over_ssh_follows_keys_and_resizes_and_ends_with_the_client(
    demo: ServeProcess, keys: tuple[Path, Path]
) -> None:
    number = count_sessions(demo) + 1
    terminal = await connect(demo, keys[0])
    await terminal.wait_text("Receive USDT")
    pid = await session_pid(demo, number)

    # A new quote from the keyboard: back to the amount (its text selected), type
    # over it, Enter. Each key waits for the screen to show the last one's effect,
    # as a person would: keys that arrive together may land before the focus moves.
    await terminal.wait_for(lambda t: ROW.search(t.text) is not None)
    terminal.send("/")
    await terminal.wait_for(lambda t: "Details" not in t.screen.display[-1])  # input focused
    terminal.send("2")
    await terminal.wait_for(lambda t: re.search(r"Amount\s+2\s", t.text) is not None)
    terminal.send("\r")
    await terminal.wait_for(lambda t: re.search(r"^\s+1 \S.*\s6,\d{3}\.\d{6}", t.text, re.M)
                            is not None)  # fmt: skip

    # TERM=xterm-256color and no COLORTERM: 256 colours at most, never 24-bit.
    kinds, entries = colours(bytes(terminal.raw))
    assert kinds == {"256"}
    assert not entries <= GREYS

    # Wider: the layout follows (the detail panel moves beside the table from 120 columns).
    assert all(len(line.rstrip()) <= 80 for line in terminal.screen.display)
    terminal.resize(130, 30)
    await terminal.wait_for(lambda t: any(len(line.rstrip()) > 100 for line in t.screen.display))

    # The client drops: the app and everything in its session are ended and reaped.
    await terminal.close()
    await demo.await_line(rf"session {number} ended \(client left\)")
    assert process_gone(pid)


async def test_a_demo_session_reaches_nothing_of_the_host(
    demo: ServeProcess, keys: tuple[Path, Path]
) -> None:
    number = count_sessions(demo) + 1
    terminal = await connect(demo, keys[0], 80, 24, "-o", "SetEnv=NO_COLOR=1")
    await terminal.wait_text("Receive USDT")
    pid = await session_pid(demo, number)
    env = environ_of(pid)
    home = Path(env["HOME"])
    assert home.name.startswith("a2a-tui-session-")
    assert await asyncio.to_thread(home.is_dir)
    assert env["A2A_TUI_CONFIG"].startswith(str(home))
    assert all(env[name].startswith(str(home)) for name in env if name.startswith("XDG_"))
    assert "A2A_TUI_ANY2ANY_API_KEY" not in env
    assert "DBUS_SESSION_BUS_ADDRESS" not in env
    assert "COLUMNS" not in env
    assert env["PYTHON_KEYRING_BACKEND"] == "keyring.backends.null.Keyring"
    # The client's NO_COLOR (SetEnv) reached the app: Textual draws in greys only.
    kinds, entries = colours(bytes(terminal.raw))
    assert kinds == {"256"}
    assert entries
    assert entries <= GREYS

    terminal.send(b"\x11")  # ctrl+q: the app quits, the session closes with its status
    assert await terminal.exited() == 0
    await demo.await_line(rf"session {number} ended \(app exited\)")
    assert process_gone(pid)
    assert not await asyncio.to_thread(home.exists)


async def test_term_linux_gets_the_sixteen_colours_of_the_console(
    demo: ServeProcess, keys: tuple[Path, Path]
) -> None:
    terminal = await connect(demo, keys[0], 80, 24, term="linux")
    await terminal.wait_for(lambda t: ROW.search(t.text) is not None)
    assert colours(bytes(terminal.raw))[0] == {"16"}
    terminal.send(b"\x11")
    assert await terminal.exited() == 0


async def test_ssh_without_a_terminal_or_with_a_command_is_refused(
    demo: ServeProcess, keys: tuple[Path, Path]
) -> None:
    async def run(
        *extra: str, remote: Sequence[str] = (), key: Path = keys[0]
    ) -> subprocess.CompletedProcess[bytes]:
        process = await asyncio.create_subprocess_exec(
            *ssh_command(demo, key, *extra, remote=remote),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        assert process.returncode is not None
        return subprocess.CompletedProcess([], process.returncode, out, err)

    no_pty = await run("-T")
    assert no_pty.returncode == 1
    assert b"needs a terminal" in no_pty.stderr

    command = await run("-tt", remote=["cat", "/etc/passwd"])
    assert command.returncode == 1
    assert b"runs only the a2a-tui app" in command.stdout + command.stderr
    assert b"root:" not in command.stdout

    sftp = await run("-s", remote=["sftp"])
    assert sftp.returncode != 0
    assert b"subsystem request failed" in sftp.stderr

    forward = await run("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9")
    assert forward.returncode == 255
    assert b"remote port forwarding failed" in forward.stderr

    stranger = await run("-tt", key=keys[1])
    assert stranger.returncode == 255
    assert b"Permission denied (publickey)" in stranger.stderr


async def test_forwarding_and_sftp_are_refused_to_a_scripted_client(
    demo: ServeProcess, keys: tuple[Path, Path]
) -> None:
    async with asyncssh.connect(
        "127.0.0.1", demo.port, client_keys=[str(keys[0])], known_hosts=None, agent_path=None
    ) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_connection("127.0.0.1", demo.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.start_server(lambda *_: True, "127.0.0.1", 0)  # type: ignore[arg-type,return-value]
        with pytest.raises((asyncssh.Error, OSError)):
            async with conn.start_sftp_client():
                pass


async def test_sessions_beyond_the_cap_are_told_politely(
    tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    (tmp_path / "authorized_keys").write_text(keys[0].with_suffix(".pub").read_text())
    with serve_ssh(tmp_path, "--demo", "--max-sessions", "1", "--spares", "0") as server:
        first = await connect(server, keys[0])
        await first.wait_text("Receive USDT")
        second = await connect(server, keys[0])
        await second.wait_text("all 1 sessions are in use")
        assert await second.exited() == 1
        pid = await session_pid(server, 1)

        # The server stops with a session open: its app is ended, the client let go.
        await asyncio.to_thread(server.stop)
        assert server.process.returncode == 0
        await first.exited()
        assert process_gone(pid)


async def test_a_public_demo_needs_no_key_and_closes_idle_sessions(tmp_path: Path) -> None:
    with serve_ssh(tmp_path, "--demo", "--allow-anyone", "--idle-timeout", "3",
                   "--spares", "0") as server:  # fmt: skip
        assert any("warning: --allow-anyone" in line for line in server.lines) or (
            await server.await_line("warning: --allow-anyone")
        )
        terminal = await connect(server, tmp_path / "no-such-key", 80, 24,
                                 "-o", "PubkeyAuthentication=no")  # fmt: skip
        pid = await session_pid(server, 1)  # in without a key
        # No key for 3 s (counted from the connection, the app's start included)
        await terminal.wait_text("closed after 3 s without a key")
        assert await terminal.exited() == 0
        await server.await_line(r"session 1 ended \(idle\)")
        assert process_gone(pid)
        # the client's terminal is left usable: main screen, cursor shown, mouse off
        tail = bytes(terminal.raw[-400:])
        assert b"\x1b[?1049l" in tail
        assert b"\x1b[?1000l" in tail


def run_cli(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    ambient = {k: v for k, v in os.environ.items() if k != "A2A_TUI_DATA_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "a2a_tui", "serve", *args],
        capture_output=True, text=True, timeout=30,
        env={**ambient, "XDG_DATA_HOME": str(data_dir), **(env or {})},
    )  # fmt: skip


def test_the_host_key_lives_in_the_apps_data_directory(tmp_path: Path) -> None:
    """`serve ssh` wrote its host key under $HOME's data folder though
    A2A_TUI_DATA_DIR (which the journal honours) pointed elsewhere."""
    from a2a_tui.serve.keys import HOST_KEY_NAME

    chosen, xdg = tmp_path / "chosen", tmp_path / "xdg"
    run = run_cli("ssh", "--port", "0", data_dir=xdg, env={"A2A_TUI_DATA_DIR": str(chosen)})
    assert run.returncode == 2  # no authorized keys yet: it says where they go
    assert str(chosen / "serve" / "authorized_keys") in run.stderr
    assert (chosen / "serve" / HOST_KEY_NAME).is_file()
    assert not xdg.exists()  # nothing written under the platform's folder

    plain = run_cli("ssh", "--port", "0", data_dir=xdg)  # without it: the platform's
    assert str(xdg / "a2a-tui" / "serve" / "authorized_keys") in plain.stderr
    assert (xdg / "a2a-tui" / "serve" / HOST_KEY_NAME).is_file()


def test_the_server_refuses_to_start_unsafely(tmp_path: Path) -> None:
    no_keys = run_cli("ssh", "--port", "0", "--data-dir", str(tmp_path), data_dir=tmp_path)
    assert no_keys.returncode == 2
    assert "no authorized keys file" in no_keys.stderr
    assert str(tmp_path / "authorized_keys") in no_keys.stderr

    anyone = run_cli("ssh", "--allow-anyone", data_dir=tmp_path)
    assert anyone.returncode == 2
    assert "--allow-anyone needs --demo" in anyone.stderr

    web = run_cli("web", "--host", "0.0.0.0", data_dir=tmp_path)
    assert web.returncode == 2
    assert "without authentication" in web.stderr


def test_the_host_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    from a2a_tui.serve.keys import HOST_KEY_NAME, ServeSetupError, load_or_create_host_key

    key, path, new = load_or_create_host_key(tmp_path / "serve")
    assert new
    assert path == tmp_path / "serve" / HOST_KEY_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again, _, new_again = load_or_create_host_key(tmp_path / "serve")
    assert not new_again
    assert again.get_fingerprint() == key.get_fingerprint()
    path.chmod(0o644)
    with pytest.raises(ServeSetupError, match="chmod 600"):
        load_or_create_host_key(tmp_path / "serve")
