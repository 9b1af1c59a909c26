"""``a2a-tui keys`` and ``a2a-tui config``: values in through stdin, never out."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import GUIDE_KEY, MakeSim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fakes import CRYPTFILE, PasswordKeyring, secret_service_chain
from helpers import machine, sim_get
from keyring.backends.fail import Keyring as FailKeyring
from pydantic import SecretStr

from a2a_tui.cli.keys import run_config, run_keys
from a2a_tui.cli.main import build_parser
from a2a_tui.infra.config import load_settings
from a2a_tui.infra.keystore import SERVICE, MemoryKeyring, SecretStore
from a2a_tui.providers.registry import changelly_api_key

#: The EIP-712 "Mail" example's key, keccak256("cow"), and its address.
COW_KEY = "0xc85ef7d79691fe79573b1a7064c19c1a9819ebdbd1faaab1a8ec92344438aaf4"
COW_ADDRESS = "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"
HOST = "http://127.0.0.1:8787"
#: Where the direct providers' Tests go unless a test says otherwise: a closed
#: loopback port, so no test ever reaches a real provider.
OFFLINE = {p: {"base_url": f"http://127.0.0.1:9/{p}"}
           for p in ("okx", "swapscanner", "changelly", "swapkit")}  # fmt: skip


def keys(
    store: SecretStore,
    *argv: str,
    stdin: str = "",
    host: str = HOST,
    providers: dict[str, dict[str, str]] | None = None,
) -> tuple[int, str, str]:
    args = build_parser().parse_args(["keys", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = run_keys(args, store, host, stdin=io.StringIO(stdin), out=out, err=err,
                    provider_settings=OFFLINE | (providers or {}))  # fmt: skip
    return code, out.getvalue(), err.getvalue()


def fresh(env: dict[str, str] | None = None) -> SecretStore:
    return SecretStore(MemoryKeyring(), env=env or {})


def test_list_shows_names_states_and_variables_never_values() -> None:
    secrets = fresh({"A2A_TUI_SWAPKIT_API_KEY": "swapkit-from-env-000000"})
    secrets.set("okx.api_key", SecretStr("okx-key-value-123456"))
    code, out, _ = keys(secrets, "list")
    assert code == 0
    assert "keyring: a2a_tui.infra.keystore.MemoryKeyring" in out
    lines = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert "any2any.api_key@127.0.0.1:8787" in lines
    assert " set " in lines["okx.api_key"]
    assert "not set" in lines["okx.secret_key"]
    assert "from environment" in lines["swapkit.api_key"]
    assert "A2A_TUI_OKX_API_KEY" in lines["okx.api_key"]
    assert "okx-key-value" not in out
    assert "swapkit-from-env" not in out


def test_set_reads_stdin_and_never_echoes() -> None:
    secrets = fresh()
    code, out, err = keys(secrets, "set", "okx.secret_key", stdin="s3cr3t-okx-secret\n")
    assert code == 0
    assert out == "stored okx.secret_key in a2a_tui.infra.keystore.MemoryKeyring\n"
    assert "s3cr3t" not in out + err
    value = secrets.get("okx.secret_key")
    assert value is not None
    assert value.get_secret_value() == "s3cr3t-okx-secret"


def test_the_value_cannot_come_from_the_command_line() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["keys", "set", "okx.api_key", "the-value"])


def test_per_host_and_delete() -> None:
    secrets = fresh()
    keys(secrets, "set", "any2any.api_key", stdin=GUIDE_KEY, host="https://prod.example")
    assert secrets.get("any2any.api_key", "https://prod.example") is not None
    assert secrets.get("any2any.api_key", HOST) is None
    code, out, _ = keys(secrets, "delete", "any2any.api_key", host="https://prod.example")
    assert (code, out) == (0, "deleted any2any.api_key@prod.example\n")
    code, out, _ = keys(secrets, "delete", "any2any.api_key", host="https://prod.example")
    assert out == "any2any.api_key@prod.example was not set\n"


def test_errors_go_to_stderr_with_a_non_zero_status() -> None:
    code, _, err = keys(fresh(), "set", "nope", stdin="x")
    assert code == 1
    assert "unknown secret 'nope'" in err
    code, _, err = keys(fresh(), "set", "okx.api_key", stdin="")
    assert code == 1
    assert "empty" in err


def test_a_pem_from_stdin_keeps_its_lines() -> None:
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    secrets = fresh()
    assert keys(secrets, "set", "changelly.private_key", stdin=pem.decode())[0] == 0
    stored = secrets.get("changelly.private_key")
    assert stored is not None
    assert stored.get_secret_value() == pem.decode().strip()  # surrounding whitespace goes


async def test_any2any_test_without_side_effects(make_sim: MakeSim) -> None:
    server = make_sim()
    cases = [
        (GUIDE_KEY, 0, "ok  ", "key accepted"),
        ("wrong-key-0000000000", 1, "FAIL", "key rejected by"),
        ("a2a_demo_suspended_0000000000001", 1, "FAIL", "integrator disabled (HTTP 403)"),
        (
            None,
            1,
            "FAIL",
            "no integrator API key for this host. Next: `a2a-tui keys set "
            "any2any.api_key` (or F2 in the app), or $A2A_TUI_ANY2ANY_API_KEY",
        ),
    ]
    for key, status, mark, text in cases:
        secrets = fresh()
        if key:
            secrets.set("any2any.api_key", SecretStr(key), server.base_url)
        code, out, _ = await _in_thread(secrets, server.base_url)
        assert (code, out[:4]) == (status, mark), out
        assert text in out
        assert (key or "") == "" or key not in out
    async with httpx.AsyncClient(base_url=server.base_url) as raw:
        assert await sim_get(raw, "/sim/orders") == []  # nothing was created


def test_keys_test_says_how_to_set_what_is_missing() -> None:
    """It said only "missing: …": the next step (the command, or the variables where
    no keyring can hold the key) was left to the user to find."""
    code, out, _ = keys(fresh(), "test", "okx")
    assert code == 1
    assert out.strip().endswith(
        "missing: API key, Secret key, Passphrase. Next: `a2a-tui keys set okx.api_key` and "
        "the others (or F2 in the app), or $A2A_TUI_OKX_API_KEY, $A2A_TUI_OKX_SECRET_KEY, "
        "$A2A_TUI_OKX_PASSPHRASE"
    )
    no_keyring = SecretStore(FailKeyring(), env={})
    out = keys(no_keyring, "test", "swapkit")[1]
    assert "Next: set $A2A_TUI_SWAPKIT_API_KEY (no keyring here can store it" in out


def test_keys_test_with_a_locked_keyring_says_locked_not_missing() -> None:
    backend = PasswordKeyring()
    out = keys(SecretStore(backend, env={}, chosen=CRYPTFILE), "test", "swapkit")[1]
    assert "cannot read swapkit.api_key: " in out
    assert "set $A2A_TUI_KEYRING_PASSWORD" in out
    assert "missing" not in out


async def _in_thread(secrets: SecretStore, host: str) -> tuple[int, str, str]:
    """`keys test` runs its own event loop, as on the command line."""
    import asyncio

    return await asyncio.to_thread(keys, secrets, "test", "any2any", host=host)


def test_swapscanner_test_shows_the_signer_address_only() -> None:
    secrets = fresh()
    secrets.set("swapscanner.signer_key", SecretStr(COW_KEY))
    code, out, _ = keys(secrets, "test", "swapscanner")
    assert code == 1  # the provider cannot be reached: the address is still shown
    assert f"signs as {COW_ADDRESS}; cannot check with http://127.0.0.1:9/swapscanner" in out
    assert COW_KEY[2:10] not in out
    secrets.set("swapscanner.signer_key", SecretStr("0x1234"))
    assert "not a valid private key" in keys(secrets, "test", "swapscanner")[1]


def test_changelly_test_derives_the_api_key_and_checks_the_pair() -> None:
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()  # fmt: skip
    secrets = fresh()
    secrets.set("changelly.private_key", SecretStr(pem))
    derived = changelly_api_key(SecretStr(pem))
    code, out, _ = keys(secrets, "test", "changelly")
    assert code == 1  # the provider cannot be reached: the derived key is still shown
    assert f"x-api-key {derived[:8]}…, cannot check with http://127.0.0.1:9/changelly" in out
    secrets.set("changelly.api_key", SecretStr("not-the-matching-key"))
    assert "does not belong to this RSA key" in keys(secrets, "test", "changelly")[1]


def test_an_unreachable_provider_and_an_unknown_one() -> None:
    secrets = fresh()
    assert "missing: API key, Secret key, Passphrase" in keys(secrets, "test", "okx dex")[1]
    for name in ("okx.api_key", "okx.secret_key", "okx.passphrase", "swapkit.api_key"):
        secrets.set(name, SecretStr("value-for-" + name))
    code, out, _ = keys(secrets, "test")
    assert code == 1
    assert "FAIL  OKX DEX: cannot check with http://127.0.0.1:9/okx: cannot connect" in out
    assert "FAIL  SwapKit: cannot check with http://127.0.0.1:9/swapkit: cannot connect" in out
    assert "value-for-" not in out
    assert keys(secrets, "test", "kraken")[0] == 2


async def test_every_provider_is_tested_for_real_against_the_simulator(make_sim: MakeSim) -> None:
    """The credentials a2a-tui sim prints, stored as a user would, then ``keys test``."""
    server = make_sim()
    secrets = fresh()
    secrets.set("any2any.api_key", SecretStr(GUIDE_KEY), server.base_url)
    settings: dict[str, dict[str, str]] = {}
    for provider, entry in server.sim.provider_credentials(server.base_url).items():
        settings[provider] = {"base_url": entry.pop("base_url")}
        for name, value in entry.items():
            secrets.set(name, SecretStr(value))
    code, out, _ = await asyncio.to_thread(keys, secrets, "test", host=server.base_url,
                                           providers=settings)  # fmt: skip
    lines = out.splitlines()
    assert code == 0, out
    names = ["Any2Any", "OKX DEX", "Swapscanner", "SwapKit", "Changelly"]
    assert [line.split(":")[0] for line in lines] == [f"ok    {name}" for name in names]
    assert f"accepted by {server.base_url}/okx (a signed probe quote)" in lines[1]
    secrets.set("okx.secret_key", SecretStr("not-the-secret"))
    code, out, _ = await asyncio.to_thread(keys, secrets, "test", "okx", host=server.base_url,
                                           providers=settings)  # fmt: skip
    assert code == 1
    assert out.startswith("FAIL  OKX DEX: bad signature: the secret key does not belong")


def test_config_show_and_path(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[quote]\ndefault_slippage = "0.5%"\n', encoding="utf-8")
    loaded = load_settings({"A2A_TUI_CONFIG": str(path), "A2A_TUI_UI__THEME": "textual-light"})
    out = io.StringIO()
    assert run_config(build_parser().parse_args(["config", "show"]), loaded, out) == 0
    text = out.getvalue()
    assert f"# config file: {path}" in text
    assert "# from the environment: ui.theme" in text
    assert 'default_slippage = "0.5%"' in text
    assert 'theme = "textual-light"' in text
    out = io.StringIO()
    run_config(build_parser().parse_args(["config", "path"]), loaded, out)
    assert out.getvalue() == f"{path}\n"


def test_the_command_line_end_to_end(tmp_path: Path) -> None:
    """A real process: the config from $A2A_TUI_CONFIG, a secret from the environment
    listed by name only. (Keyrings on real machines: tests/test_keyring_machines.py.)"""
    env = machine(tmp_path, A2A_TUI_OKX_PASSPHRASE="env-passphrase-99")
    listing = subprocess.run(
        [sys.executable, "-m", "a2a_tui", "keys", "list"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    assert "okx.passphrase" in listing.stdout
    assert "from environment" in listing.stdout
    assert "env-passphrase" not in listing.stdout
    shown = subprocess.run(
        [sys.executable, "-m", "a2a_tui", "config", "path"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert shown.stdout.strip() == str(tmp_path / "config.toml")
    assert SERVICE == "a2a-tui"


def test_keys_names_the_member_of_keyrings_chain_in_use() -> None:
    """Issue 7.2: with keyrings.alt beside a Secret Service, the chain was refused whole."""
    chain, os_keyring = secret_service_chain()
    store = SecretStore(chain, env={})
    code, out, err = keys(store, "set", "okx.api_key", stdin="okx-key-value-123456")
    assert (code, err) == (0, "")
    assert out == "stored okx.api_key in keyring.backends.SecretService.Keyring\n"
    assert os_keyring.get_password(SERVICE, "okx.api_key") == "okx-key-value-123456"
    code, out, _ = keys(store, "list")
    lines = out.splitlines()
    assert lines[0] == "keyring: keyring.backends.SecretService.Keyring (service a2a-tui)"
    assert lines[1] == (
        "  not used (also in keyring's chain): "
        "keyrings.alt.file.EncryptedKeyring, keyrings.alt.file.PlaintextKeyring"
    )
    assert " set " in next(line for line in lines if line.startswith("okx.api_key"))
