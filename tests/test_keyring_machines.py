"""The real command line on machines as users have them: no OS keyring at all, or a
Secret Service next to keyrings.alt. Each test runs `a2a-tui` in subprocesses whose
home, config, keyring files and D-Bus all point into a temporary directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import GUIDE_KEY, MakeSim
from helpers import ETH_ADDRESS, TRON_ADDRESS, machine
from order_helpers import server_orders

ROOT = Path(__file__).resolve().parent.parent
#: keyrings.alt lives apart from the venv (Makefile: keyrings-alt), so only the
#: subprocesses that ask for it see keyring's chain; everything else sees a machine
#: without it, as most users have.
KEYRINGS_ALT = ROOT / ".venv" / "keyrings-alt"
#: keyrings.cryptfile (the README's way out), apart the same way.
KEYRINGS_CRYPTFILE = ROOT / ".venv" / "keyrings-cryptfile"


def a2a(env: Mapping[str, str], *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "a2a_tui", *argv],
        input=stdin, capture_output=True, text=True, env=dict(env), timeout=60, cwd=ROOT,
    )  # fmt: skip


def okx_line(listing: str) -> str:
    return next(line for line in listing.splitlines() if line.startswith("okx.api_key"))


def test_without_any_keyring_every_run_gives_the_same_honest_answer(tmp_path: Path) -> None:
    """Issue 7.1: the demo's in-memory keyring competed with keyring's fail backend, so
    `keys set` said "stored" (into a store that died with the process) or refused, by chance."""
    env = machine(tmp_path)
    outcomes = set()
    for _ in range(4):
        result = a2a(env, "keys", "set", "okx.api_key", stdin="value-123456789\n")
        outcomes.add((result.returncode, result.stdout, result.stderr))
        listing = a2a(env, "keys", "list")
        assert listing.returncode == 0, listing.stderr
        first = listing.stdout.splitlines()[0]
        assert first == "keyring: unavailable: no keyring is available on this machine"
        assert "keyring unavailable" in okx_line(listing.stdout)
        outcomes.add(("list", listing.stdout))
    assert len(outcomes) == 2, outcomes  # one answer for set, one for list, every time
    code, out, err = next(o for o in outcomes if o[0] != "list")
    assert (code, out) == (1, "")
    assert err.startswith("a2a-tui keys set: cannot store okx.api_key: no keyring is available")
    assert "value-123456789" not in err
    assert "MemoryKeyring" not in str(outcomes)


def test_the_in_memory_keyring_cannot_be_chosen_by_variable(tmp_path: Path) -> None:
    """Named through keyring's own variable it would forget at exit: refused, with the reason."""
    env = machine(tmp_path, PYTHON_KEYRING_BACKEND="a2a_tui.infra.keystore.MemoryKeyring")
    result = a2a(env, "keys", "set", "okx.api_key", stdin="value-123456789\n")
    assert result.returncode == 1
    assert "stored" not in result.stdout
    assert "PYTHON_KEYRING_BACKEND=a2a_tui.infra.keystore.MemoryKeyring" in result.stderr
    assert "in-memory keyring forgets everything" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_backend_variable_that_does_not_load_is_reported(tmp_path: Path) -> None:
    env = machine(tmp_path, PYTHON_KEYRING_BACKEND="no.such.module.Keyring")
    listing = a2a(env, "keys", "list")
    assert listing.returncode == 0, listing.stderr
    assert "Traceback" not in listing.stderr
    assert listing.stdout.startswith(
        "keyring: unavailable: PYTHON_KEYRING_BACKEND=no.such.module.Keyring"
    )


def test_a_reader_that_stops_early_ends_keys_list_quietly(tmp_path: Path) -> None:
    """`a2a-tui keys list | head -3` printed a BrokenPipeError traceback."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    with subprocess.Popen(
        [sys.executable, "-m", "a2a_tui", "keys", "list"],
        stdout=write, stderr=subprocess.PIPE, text=True, env=machine(tmp_path), cwd=ROOT,
    ) as process:  # fmt: skip
        os.close(write)
        _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (141, "")


#: Runs inside `dbus-run-session`: unlock a fresh gnome-keyring, then the real CLI.
SESSION = """
set -u
echo pw | gnome-keyring-daemon --unlock --components=secrets > /dev/null
run() {
    name=$1; shift
    "$PY" -m a2a_tui "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"; echo $? > "$OUT/$name.rc"
}
"$PY" -c "$CHAIN" > "$OUT/chain.out"
printf 'value-123456789' | run set keys set okx.api_key
run list keys list
"$PY" -c "$IN_SECRET_SERVICE" > "$OUT/in-secret-service.out"
run delete keys delete okx.api_key
run list-after keys list
"""
CHAIN = """
import keyring
print(*(f"{type(b).__module__}.{type(b).__name__}" for b in keyring.get_keyring().backends))
"""
IN_SECRET_SERVICE = """
from keyring.backends.SecretService import Keyring
print(Keyring().get_password("a2a-tui", "okx.api_key") == "value-123456789")
"""
MISSING = [name for name in ("dbus-run-session", "gnome-keyring-daemon") if not shutil.which(name)]


@pytest.mark.skipif(
    bool(MISSING),
    reason=f"needs {' and '.join(MISSING)} (Debian: dbus, gnome-keyring; see .ci/apt-packages)",
)
@pytest.mark.skipif(
    not (KEYRINGS_ALT / "keyrings" / "alt").is_dir(),
    reason=f"needs keyrings.alt in {KEYRINGS_ALT} (the Makefile puts it there)",
)
def test_a_real_secret_service_beside_keyrings_alt(tmp_path: Path) -> None:
    """Issue 7.2 on the real thing: a private D-Bus session with gnome-keyring, and
    keyrings.alt importable, so keyring's default is its chain. Secrets go to the
    Secret Service, nothing to keyrings.alt's files."""
    out = tmp_path / "out"
    out.mkdir()
    env = machine(tmp_path, PY=sys.executable, OUT=str(out), PYTHONPATH=str(KEYRINGS_ALT),
                  CHAIN=CHAIN, IN_SECRET_SERVICE=IN_SECRET_SERVICE)  # fmt: skip
    del env["DBUS_SESSION_BUS_ADDRESS"]  # dbus-run-session sets its own
    session = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", SESSION],
        capture_output=True, text=True, env=env, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert session.returncode == 0, session.stderr

    def read(name: str) -> str:
        return (out / name).read_text(encoding="utf-8")

    chain = read("chain.out").split()
    assert chain[0] == "keyring.backends.SecretService.Keyring", chain  # the chain formed
    assert "keyrings.alt.file.PlaintextKeyring" in chain
    assert (read("set.rc"), read("set.err")) == ("0\n", "")
    assert read("set.out") == "stored okx.api_key in keyring.backends.SecretService.Keyring\n"
    listing = read("list.out").splitlines()
    assert listing[0] == "keyring: keyring.backends.SecretService.Keyring (service a2a-tui)"
    assert "keyrings.alt.file.PlaintextKeyring" in listing[1]
    assert " set " in okx_line(read("list.out"))
    assert read("in-secret-service.out") == "True\n"
    assert read("delete.out") == "deleted okx.api_key\n"
    assert "not set" in okx_line(read("list-after.out"))
    leftovers = [p.name for p in (tmp_path / "home").rglob("*pass.cfg")]
    assert leftovers == []  # keyrings.alt's keyring_pass.cfg / crypted_pass.cfg
    assert "value-123456789" not in "".join(read(n) for n in ("set.out", "set.err", "list.out"))


@pytest.mark.skipif(
    not (KEYRINGS_CRYPTFILE / "keyrings" / "cryptfile").is_dir(),
    reason=f"needs keyrings.cryptfile in {KEYRINGS_CRYPTFILE} (the Makefile puts it there)",
)
def test_the_readmes_way_out_keyrings_cryptfile_works_without_a_terminal(tmp_path: Path) -> None:
    """The README said KEYRING_CRYPTFILE_PASSWORD, which keyrings.cryptfile 1.3.9 never
    reads: `keys set` prompted "Please set a password for your new keyring" (echo on),
    then stored nothing; `keys list </dev/null` ended in getpass's EOFError traceback."""
    (tmp_path / "config.toml").write_text(
        '[secrets]\nbackend = "keyrings.cryptfile.cryptfile.CryptFileKeyring"\n'
    )
    base = machine(tmp_path, PYTHONPATH=str(KEYRINGS_CRYPTFILE))
    stale = base | {"KEYRING_CRYPTFILE_PASSWORD": "pw123"}
    refused = a2a(stale, "keys", "set", "okx.api_key", stdin="value-123456789\n")
    assert refused.returncode == 1
    assert "Please set a password" not in refused.stdout + refused.stderr
    assert refused.stderr.startswith("a2a-tui keys set: cannot store okx.api_key: ")
    assert "set $A2A_TUI_KEYRING_PASSWORD" in refused.stderr
    assert "KEYRING_CRYPTFILE_PASSWORD is set, but keyrings.cryptfile never reads it" in (
        refused.stderr
    )
    listing = a2a(stale, "keys", "list")  # stdin is empty, as </dev/null
    assert (listing.returncode, listing.stderr) == (0, "")
    assert listing.stdout.startswith("keyring: unavailable: keyrings.cryptfile.cryptfile.")

    unlocked = base | {"A2A_TUI_KEYRING_PASSWORD": "pw123"}
    stored = a2a(unlocked, "keys", "set", "okx.api_key", stdin="value-123456789\n")
    assert (stored.returncode, stored.stderr) == (0, "")
    assert stored.stdout == (
        "stored okx.api_key in keyrings.cryptfile.cryptfile.CryptFileKeyring\n"
    )
    listing = a2a(unlocked, "keys", "list")
    assert (listing.returncode, listing.stderr) == (0, "")
    assert listing.stdout.splitlines()[0] == (
        "keyring: keyrings.cryptfile.cryptfile.CryptFileKeyring (service a2a-tui)"
    )
    assert " set " in okx_line(listing.stdout)
    (file,) = (tmp_path / "home").rglob("cryptfile_pass.cfg")
    assert "value-123456789" not in file.read_text()

    wrong = a2a(base | {"A2A_TUI_KEYRING_PASSWORD": "not-it-42"}, "keys", "list")
    assert (wrong.returncode, wrong.stderr) == (0, "")
    assert "A2A_TUI_KEYRING_PASSWORD does not unlock" in wrong.stdout.splitlines()[0]
    assert "not-it-42" not in wrong.stdout
    assert "value-123456789" not in listing.stdout + wrong.stdout + stored.stdout


@pytest.mark.skipif(
    not (KEYRINGS_CRYPTFILE / "keyrings" / "cryptfile").is_dir(),
    reason=f"needs keyrings.cryptfile in {KEYRINGS_CRYPTFILE} (the Makefile puts it there)",
)
def test_a_locked_keyring_stops_orders_and_refunds_instead_of_dropping_the_key(
    tmp_path: Path, make_sim: MakeSim
) -> None:
    """With the key in keyrings.cryptfile and $A2A_TUI_KEYRING_PASSWORD unset, `order
    create` made a plain order (exit 0, "none was set": no commission) and `refund`
    said no key was set. Both now refuse (exit 2) before sending, naming the password."""
    (tmp_path / "config.toml").write_text(
        '[secrets]\nbackend = "keyrings.cryptfile.cryptfile.CryptFileKeyring"\n'
    )
    sim = make_sim()
    base = machine(tmp_path, PYTHONPATH=str(KEYRINGS_CRYPTFILE), A2A_TUI_DATA_DIR=str(tmp_path))
    unlocked = base | {"A2A_TUI_KEYRING_PASSWORD": "pw123"}
    stored = a2a(unlocked, "keys", "set", "any2any.api_key", "--base-url", sim.base_url,
                 stdin=GUIDE_KEY + "\n")  # fmt: skip
    assert stored.returncode == 0, stored.stderr
    order = ["order", "create", "--base-url", sim.base_url, "--src", "ETH", "--dst",
             "USDT@tron", "--amount", "1.5", "--to", TRON_ADDRESS]  # fmt: skip

    locked = a2a(base, *order, "--client-order-id", "locked-1")
    assert (locked.returncode, locked.stdout) == (2, "")
    assert locked.stderr.startswith(
        "a2a-tui order: cannot read this host's integrator key, so nothing was sent"
    )
    assert "Next: set $A2A_TUI_KEYRING_PASSWORD" in locked.stderr
    assert server_orders(sim.base_url, "locked-1") == []

    made = a2a(unlocked, *order, "--client-order-id", "unlocked-1")
    assert made.returncode == 0, made.stderr
    assert "no commission" not in made.stderr
    (on_server,) = server_orders(sim.base_url, "unlocked-1")

    refund = a2a(base, "refund", on_server["order_no"], "--address", ETH_ADDRESS,
                 "--base-url", sim.base_url)  # fmt: skip
    assert refund.returncode == 2, refund.stderr
    assert "cannot read this host's integrator key" in refund.stderr
    assert "set $A2A_TUI_KEYRING_PASSWORD" in refund.stderr
    assert "none is set" not in refund.stderr
