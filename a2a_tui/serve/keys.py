"""The SSH server's own files: its host key (made once, kept 0600) and who may connect.

Both live in the serve data directory (``--data-dir``, default the app's data
directory's ``serve``: ``$A2A_TUI_DATA_DIR/serve``, else on Linux
``~/.local/share/a2a-tui/serve``) unless told otherwise.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import asyncssh

__all__ = [
    "HOST_KEY_NAME",
    "ServeSetupError",
    "authorized_keys",
    "default_data_dir",
    "load_or_create_host_key",
]

HOST_KEY_NAME = "ssh_host_ed25519_key"
AUTHORIZED_KEYS_NAME = "authorized_keys"


class ServeSetupError(Exception):
    """The server cannot start safely; the message says what to do."""


def default_data_dir() -> Path:
    """The app's one data-directory rule (the journal's), so `A2A_TUI_DATA_DIR` counts."""
    from a2a_tui.infra.journal import data_dir

    return data_dir() / "serve"


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def load_or_create_host_key(data_dir: Path) -> tuple[asyncssh.SSHKey, Path, bool]:
    """The host key, generated on first use; refuses a key others can read,
    as OpenSSH does. Returns the key, its path and whether it is new."""
    path = _private_dir(data_dir) / HOST_KEY_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ServeSetupError(
                f"the host key {path} is readable by others (mode {mode:o}): run chmod 600 {path}"
            ) from None
        try:
            return asyncssh.read_private_key(path), path, False
        except (OSError, asyncssh.KeyImportError) as exc:
            raise ServeSetupError(f"cannot read the host key {path}: {exc}") from None
    key = asyncssh.generate_private_key("ssh-ed25519", comment="a2a-tui serve")
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    public = path.with_name(HOST_KEY_NAME + ".pub")
    public.write_bytes(key.export_public_key())
    return key, path, True


def default_authorized_keys(data_dir: Path) -> Path:
    return data_dir / AUTHORIZED_KEYS_NAME


def authorized_keys(path: Path) -> asyncssh.SSHAuthorizedKeys:
    """The keys allowed in, in OpenSSH's authorized_keys format (options included).
    Read at every connection, so an edit applies to the next one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ServeSetupError(
            f"no authorized keys file {path}: add the public keys that may connect, one per "
            f"line as in ~/.ssh/authorized_keys (e.g. cat ~/.ssh/id_ed25519.pub >> {path}), "
            "or serve a public demo with --demo --allow-anyone"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ServeSetupError(f"cannot read {path}: {exc}") from None
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise ServeSetupError(
            f"{path} has no keys: add the public keys that may connect, one per line "
            "(or serve a public demo with --demo --allow-anyone)"
        )
    try:
        return asyncssh.import_authorized_keys(text)
    except ValueError as exc:
        raise ServeSetupError(f"{path}: {exc}") from None
