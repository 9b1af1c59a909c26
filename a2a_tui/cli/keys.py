"""``a2a-tui keys`` and ``a2a-tui config``: credentials and settings without the UI.

A secret enters through a hidden prompt or stdin, never argv (so it stays out
of shell history and ``ps``), and no command ever prints one.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from pydantic import SecretStr

from a2a_tui.infra.config import LoadedSettings
from a2a_tui.infra.keystore import ALTERNATIVES, SecretStore, SecretStoreError
from a2a_tui.services.credentials import PROVIDERS, CredentialService

__all__ = ["run_config", "run_keys"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def run_keys(
    args: argparse.Namespace,
    store: SecretStore,
    host: str,
    *,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    provider_settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> int:
    """``provider_settings``: each direct provider's settings table (where its
    Test goes); ``host`` is the Any2Any host."""
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    match args.keys_command:
        case "list":
            return _list(store, host, out)
        case "set":
            return _set(args.name, store, host, stdin, out, err)
        case "delete":
            return _delete(args.name, store, host, out, err)
        case "test":
            return _test(args.provider, store, host, out, err, provider_settings)
    return EXIT_USAGE


def _list(store: SecretStore, host: str, out: TextIO) -> int:
    check = store.check
    if check.usable:
        out.write(f"keyring: {check.name} (service a2a-tui)\n")
        if check.ignored:
            out.write(f"  not used (also in keyring's chain): {', '.join(check.ignored)}\n")
    else:
        out.write(f"keyring: unavailable: {check.reason}\n")
        if not check.locked:  # a locked file needs its password, not another keyring
            out.write(f"  alternatives: {ALTERNATIVES}\n")
    rows = [("NAME", "PROVIDER", "STATE", "ENVIRONMENT VARIABLE")]
    for spec, state in store.rows(host):
        rows.append((store.entry(spec.name, host), spec.provider, state.value, spec.env))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out.write("\n")
    return EXIT_OK


def _read_secret(name: str, multiline: bool, stdin: TextIO, err: TextIO) -> str:
    if stdin.isatty():
        if multiline:
            err.write(f"Paste {name} (PEM), then an empty line:\n")
            lines = []
            for line in stdin:
                if not line.strip():
                    break
                lines.append(line)
            return "".join(lines)
        return getpass.getpass(f"{name} (hidden): ", stream=err)
    return stdin.read()


def _set(name: str, store: SecretStore, host: str, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    try:
        spec = store.spec(name.partition("@")[0])
        store.require_writable(spec.name)  # before the prompt: nobody types a key in vain
        raw = _read_secret(spec.name, spec.multiline, stdin, err)
        CredentialService(store).set(spec.name, SecretStr(raw.strip()), host)
    except SecretStoreError as exc:
        err.write(f"a2a-tui keys set: {exc}\n")
        return EXIT_FAILED
    except (EOFError, KeyboardInterrupt):
        err.write("a2a-tui keys set: nothing stored\n")
        return EXIT_FAILED
    out.write(f"stored {store.entry(spec.name, host)} in {store.check.name}\n")
    return EXIT_OK


def _delete(name: str, store: SecretStore, host: str, out: TextIO, err: TextIO) -> int:
    try:
        spec = store.spec(name.partition("@")[0])
        deleted = store.delete(spec.name, host)
    except SecretStoreError as exc:
        err.write(f"a2a-tui keys delete: {exc}\n")
        return EXIT_FAILED
    entry = store.entry(spec.name, host)
    out.write(f"deleted {entry}\n" if deleted else f"{entry} was not set\n")
    return EXIT_OK


def _test(
    provider: str | None,
    store: SecretStore,
    host: str,
    out: TextIO,
    err: TextIO,
    provider_settings: Mapping[str, Mapping[str, Any]] | None,
) -> int:
    chosen = [
        p for p in PROVIDERS if provider is None or provider.lower() in (p.id, p.label.lower())
    ]
    if not chosen:
        names = ", ".join(p.id for p in PROVIDERS)
        err.write(f"a2a-tui keys test: unknown provider; one of: {names}\n")
        return EXIT_USAGE
    service = CredentialService(store, provider_settings=provider_settings)

    async def run() -> bool:
        all_ok = True
        for spec in chosen:
            result = await service.test(spec.id, host)
            out.write(f"{'ok  ' if result.ok else 'FAIL'}  {spec.label}: {result.message}\n")
            all_ok = all_ok and result.ok
        return all_ok

    return EXIT_OK if asyncio.run(run()) else EXIT_FAILED


def run_config(args: argparse.Namespace, loaded: LoadedSettings, out: TextIO | None = None) -> int:
    import tomlkit

    out = out or sys.stdout
    if args.config_command == "path":
        out.write(f"{loaded.path}\n")
        return EXIT_OK
    exists = loaded.path is not None and loaded.path.is_file()
    out.write(f"# config file: {loaded.path}{'' if exists else ' (not created yet)'}\n")
    for key in loaded.from_env:
        out.write(f"# from the environment: {key}\n")
    for problem in loaded.problems:
        out.write(f"# problem: {problem}\n")
    out.write("# secrets are not settings: see `a2a-tui keys list`\n")
    data = loaded.settings.model_dump(mode="json", exclude_none=True)
    out.write(tomlkit.dumps(data))
    return EXIT_OK
