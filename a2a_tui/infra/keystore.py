"""Secrets: one home in the OS keyring, never in a file, a log or a repr.

Every credential has a stable entry name (service ``a2a-tui``). Reading
order: its environment variable (read-only, for CI and headless boxes), then
the keyring. In memory a secret is a `pydantic.SecretStr`, so a repr, a log
line or a traceback shows ``**********``.

keyring picks a backend by itself, and not always a safe one: on a box with
no Secret Service it is the *fail* backend (every call raises), and when
keyrings.alt happens to be installed it may be ``PlaintextKeyring`` (base64
in a file). So the backend is checked by class before any secret is stored:
known OS keyrings are trusted, plaintext and unknown ones are refused unless
the user names them in the config (``[secrets] backend``, ``allow_plaintext``).
When keyring offers a chain of backends, its trusted member is used directly
(`select_backend`).

A keyring must never ask for anything on the terminal: inside the TUI a hidden
``getpass`` prompt reads the user's keys (and a typed password crashed the
app), and without a terminal it raises ``EOFError``. keyrings.cryptfile (the
documented way out of a machine with no OS keyring) unlocks with a password it
asks for that way, so a2a-tui hands it ``$A2A_TUI_KEYRING_PASSWORD`` itself
(`_unlock`), refuses it without one, and runs every backend call with
``getpass`` disarmed (`_no_prompt`), so that no backend prompts, whatever it is.
"""

from __future__ import annotations

import getpass
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.compat.properties import classproperty
from pydantic import SecretStr

from a2a_tui.domain.credentials import (
    KEYRING_PASSWORD_ENV,
    SECRETS,
    BackendCheck,
    SecretSpec,
    SecretState,
    secret_spec,
)

__all__ = [
    "KEYRING_PASSWORD_ENV",
    "SERVICE",
    "MemoryKeyring",
    "SecretStore",
    "SecretStoreError",
    "check_backend",
    "select_backend",
]

SERVICE = "a2a-tui"
_T = TypeVar("_T")


class SecretStoreError(Exception):
    """A secret cannot be stored or read; the message says why and what to do."""


#: OS keyrings that encrypt at rest and unlock with the session.
_TRUSTED = {
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
    "keyring.backends.kwallet.DBusKeyringKWallet4",
    "keyring.backends.macOS.Keyring",
    "keyring.backends.Windows.WinVaultKeyring",
    "a2a_tui.infra.keystore.MemoryKeyring",
}
_PLAINTEXT = {"keyrings.alt.file.PlaintextKeyring", "keyrings.alt.Windows.RegistryKeyring"}
ALTERNATIVES = (
    "use environment variables (read-only; `a2a-tui keys list` shows their names), "
    "or choose an encrypted file explicitly: pip install keyrings.cryptfile, then set "
    '[secrets] backend = "keyrings.cryptfile.cryptfile.CryptFileKeyring" in the config '
    f"and its password in ${KEYRING_PASSWORD_ENV}"
)


class KeyringPrompted(keyring.errors.KeyringError):
    """A backend asked for something on the terminal, which a2a-tui never lets it do."""


_PROMPT_LOCK = threading.RLock()
#: What a backend call may raise besides keyring's own errors: file backends
#: (keyrings.cryptfile) raise ValueError for an entry they cannot decrypt.
_BACKEND_ERRORS = (keyring.errors.KeyringError, ValueError, OSError)


@contextmanager
def _no_prompt(name: str) -> Iterator[None]:
    """Run a backend call with ``getpass`` disarmed: a prompt raises instead of
    reading the terminal (the TUI's keys, or EOFError without a terminal). One
    call at a time, since the switch is process-wide."""

    def refuse(prompt: str = "", stream: Any = None) -> str:
        raise KeyringPrompted(
            f"{name} asked for a password on the terminal, which a2a-tui never lets a "
            f"keyring do; for keyrings.cryptfile set ${KEYRING_PASSWORD_ENV}"
        )

    with _PROMPT_LOCK:
        saved = getpass.getpass
        getpass.getpass = refuse
        try:
            yield
        finally:
            getpass.getpass = saved


def _unlock(backend: KeyringBackend, env: Mapping[str, str]) -> BackendCheck | None:
    """Unlock a keyring file that asks for its password (keyrings.cryptfile) with
    ``$A2A_TUI_KEYRING_PASSWORD``; None when unlocked or when it needs no password,
    else why it cannot be used. keyrings.cryptfile 1.3.9 reads no variable of its
    own: its API is the ``keyring_key`` property, whose setter opens (or creates)
    the file with that password and raises ValueError for a wrong one."""
    kind = getattr(type(backend), "keyring_key", None)  # on the class: never prompts
    if kind is None:
        return None
    name = _path(backend)
    if not (isinstance(kind, property) and kind.fset is not None):
        return BackendCheck(
            False, name, f"{name} asks for its password on the terminal, which a2a-tui "
            "cannot answer; use keyrings.cryptfile.cryptfile.CryptFileKeyring with "
            f"${KEYRING_PASSWORD_ENV}", locked=True,
        )  # fmt: skip
    password = env.get(KEYRING_PASSWORD_ENV, "")
    if not password.strip():
        unread = (
            " (KEYRING_CRYPTFILE_PASSWORD is set, but keyrings.cryptfile never reads it)"
            if env.get("KEYRING_CRYPTFILE_PASSWORD")
            else ""
        )
        return BackendCheck(
            False, name, f"{name} unlocks with a password: set ${KEYRING_PASSWORD_ENV}"
            f"{unread}; a2a-tui never lets a keyring ask on the terminal", locked=True,
        )  # fmt: skip
    where = getattr(backend, "file_path", "its file")
    try:
        with _no_prompt(name):
            backend.keyring_key = password  # type: ignore[attr-defined]
    except Exception:  # a wrong password (ValueError), a damaged file: never its text
        return BackendCheck(
            False, name, f"${KEYRING_PASSWORD_ENV} does not unlock {where} (a wrong "
            "password, or a damaged file)", locked=True,
        )  # fmt: skip
    return None


def _path(backend: KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _check_one(backend: KeyringBackend, chosen: str | None, allow_plaintext: bool) -> BackendCheck:
    name = _path(backend)
    if name == "keyring.backends.fail.Keyring":
        return BackendCheck(False, name, "no keyring is available on this machine")
    if name in _PLAINTEXT and not (allow_plaintext and chosen == name):
        return BackendCheck(
            False, name, f"{name} stores secrets unencrypted; a2a-tui will not use it"
        )
    if name not in _TRUSTED and name != chosen and name not in _PLAINTEXT:
        return BackendCheck(
            False, name, f"{name} is not a keyring a2a-tui knows; name it in the config to use it"
        )
    return BackendCheck(True, name, "ok")


def select_backend(
    backend: KeyringBackend, *, chosen: str | None = None, allow_plaintext: bool = False
) -> tuple[KeyringBackend, BackendCheck]:
    """The backend to read and write, and whether it may hold secrets.

    With keyrings.alt beside an OS keyring, keyring's default is a chain
    (SecretService, EncryptedKeyring, PlaintextKeyring) that writes to the first
    member that accepts. Refusing the chain whole left nowhere to store a key, and
    using it whole would read plaintext leftovers; so the first member a2a-tui
    trusts (in keyring's priority order) is used directly and the others ignored.
    """
    from keyring.backends.chainer import ChainerBackend

    if not isinstance(backend, ChainerBackend):
        return backend, _check_one(backend, chosen, allow_plaintext)
    members: list[KeyringBackend] = list(backend.backends)
    if not members:
        return backend, BackendCheck(
            False, _path(backend), "no keyring is available on this machine"
        )
    refused = []
    for member in members:
        check = _check_one(member, chosen, allow_plaintext)
        if check.usable:
            ignored = tuple(_path(other) for other in members if other is not member)
            return member, BackendCheck(True, check.name, check.reason, ignored)
        refused.append(check.reason)
    return backend, BackendCheck(
        False,
        _path(backend),
        "none of the backends keyring offers is one a2a-tui trusts: " + "; ".join(refused),
    )


def check_backend(
    backend: KeyringBackend, *, chosen: str | None = None, allow_plaintext: bool = False
) -> BackendCheck:
    """Whether a backend (or a member of keyring's chain) may hold secrets, and why (not)."""
    return select_backend(backend, chosen=chosen, allow_plaintext=allow_plaintext)[1]


def host_key(base_url: str) -> str:
    """``https://api.example:8443/`` becomes ``api.example:8443``: the entry suffix."""
    parts = urlsplit(base_url.strip())
    return (parts.netloc or parts.path).lower().rstrip("/")


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets: the demo's and the tests', never the user's.

    keyring registers every subclass of `KeyringBackend` as a candidate for every
    process that imports it; at priority 0 this one tied with the fail backend, so
    on a machine without a keyring `keys set` said "stored" (into a store that died
    with the process) or "no keyring", by chance. A priority that raises makes it
    not viable: keyring never picks it, nor loads it from ``PYTHON_KEYRING_BACKEND``.
    The demo and the tests hand an instance to `SecretStore` themselves.
    """

    @classproperty
    def priority(cls) -> float:
        raise RuntimeError(
            "a2a-tui's in-memory keyring forgets everything when the process ends; "
            "it serves the demo and the tests only"
        )

    def __str__(self) -> str:  # keyring's own __str__ asks for the priority
        return _path(self)

    def __init__(self, entries: Mapping[tuple[str, str], str] | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._entries: dict[tuple[str, str], str] = dict(entries or {})

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such entry")


class SecretStore:
    """Reads and writes the secrets of `SECRETS`; holds no value itself."""

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        *,
        env: Mapping[str, str] | None = None,
        chosen: str | None = None,
        allow_plaintext: bool = False,
    ) -> None:
        """The keyring is found on first use, not here: finding it imports its
        backends and may talk to D-Bus, which start-up should not wait for."""
        self._env = os.environ if env is None else env
        self._given = backend
        self._chosen = chosen
        self._allow_plaintext = allow_plaintext
        self._resolved: tuple[KeyringBackend, BackendCheck] | None = None

    def _resolve(self) -> tuple[KeyringBackend, BackendCheck]:
        if self._resolved is None:
            backend, chosen = self._given, self._chosen
            if backend is None and chosen:
                try:
                    backend = _load_backend(chosen)
                except SecretStoreError as exc:  # said, not raised: the app must still start
                    self._resolved = _unusable(BackendCheck(False, chosen, str(exc)))
                    return self._resolved
            if backend is None:
                try:
                    backend = keyring.get_keyring()
                except Exception as exc:  # a bad PYTHON_KEYRING_BACKEND or keyringrc.cfg
                    self._resolved = _unusable(_keyring_failure(exc))
                    return self._resolved
            selected, check = select_backend(
                backend, chosen=chosen, allow_plaintext=self._allow_plaintext
            )
            locked = _unlock(selected, self._env) if check.usable else None
            self._resolved = (selected, check) if locked is None else _unusable(locked)
        return self._resolved

    def _call(self, method: Callable[..., _T], *args: str) -> _T:
        """One backend call, never a prompt (`_no_prompt`)."""
        with _no_prompt(self.check.name):
            return method(*args)

    @property
    def _backend(self) -> KeyringBackend:
        return self._resolve()[0]

    @property
    def check(self) -> BackendCheck:
        return self._resolve()[1]

    def __repr__(self) -> str:
        if self._resolved is None:
            return "SecretStore(backend=<not looked up yet>)"
        return f"SecretStore(backend={self.check.name!r}, usable={self.check.usable})"

    @staticmethod
    def spec(name: str) -> SecretSpec:
        spec = secret_spec(name)
        if spec is None:
            known = ", ".join(s.name for s in SECRETS)
            raise SecretStoreError(f"unknown secret {name!r}; known: {known}")
        return spec

    def entry(self, name: str, host: str | None = None) -> str:
        spec = self.spec(name)
        if spec.per_host:
            if not host:
                raise SecretStoreError(f"{name} is kept per host: give the host")
            return f"{name}@{host_key(host)}"
        return name

    def state(self, name: str, host: str | None = None) -> SecretState:
        if self._env.get(self.spec(name).env):
            return SecretState.FROM_ENV
        if not self.check.usable:
            return SecretState.UNAVAILABLE
        try:
            found = self._call(self._backend.get_password, SERVICE, self.entry(name, host))
        except _BACKEND_ERRORS:
            return SecretState.UNAVAILABLE
        return SecretState.SET if found else SecretState.NOT_SET

    def get(self, name: str, host: str | None = None) -> SecretStr | None:
        from_env = self._env.get(self.spec(name).env)
        if from_env:
            return SecretStr(from_env)
        if not self.check.usable:
            return None
        try:
            value = self._call(self._backend.get_password, SERVICE, self.entry(name, host))
        except _BACKEND_ERRORS:
            return None
        return SecretStr(value) if value else None

    def unreadable(self, name: str, host: str | None = None) -> str | None:
        """Why a secret that may exist cannot be read now (a locked keyring file, a
        backend that fails to read), or None: set, not set, or no keyring at all.
        An order or a refund must not go out without a key that is merely locked."""
        if self._env.get(self.spec(name).env):
            return None
        check = self.check
        if not check.usable:
            return check.reason if check.locked else None
        try:
            self._call(self._backend.get_password, SERVICE, self.entry(name, host))
        except KeyringPrompted as exc:  # our own words
            return str(exc)
        except _BACKEND_ERRORS as exc:  # never the backend's text: it may quote the file
            return f"{check.name} could not read {self.entry(name, host)} ({type(exc).__name__})"
        return None

    def require_writable(self, name: str) -> None:
        """Raise, saying why and what to do instead, if ``name`` cannot be stored:
        asked before the secret is asked for, so nobody types one in vain."""
        self.spec(name)
        if not self.check.usable:  # a locked file needs its password, not another keyring
            way_out = "" if self.check.locked else f". {ALTERNATIVES}"
            raise SecretStoreError(f"cannot store {name}: {self.check.reason}{way_out}")

    def set(self, name: str, value: SecretStr, host: str | None = None) -> None:
        entry = self.entry(name, host)
        self.require_writable(name)
        secret = value.get_secret_value().strip()
        if not secret:
            raise SecretStoreError(f"{name}: an empty value; use delete to remove it")
        try:
            self._call(self._backend.set_password, SERVICE, entry, secret)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"the keyring refused to store {name}: {exc}") from None
        except (ValueError, OSError) as exc:  # a file backend's own failure: not its text
            raise SecretStoreError(
                f"the keyring could not store {name} ({type(exc).__name__})"
            ) from None

    def delete(self, name: str, host: str | None = None) -> bool:
        """True if something was deleted."""
        entry = self.entry(name, host)
        if not self.check.usable:
            raise SecretStoreError(f"cannot delete {name}: {self.check.reason}")
        try:
            self._call(self._backend.delete_password, SERVICE, entry)
        except keyring.errors.PasswordDeleteError:
            return False
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"the keyring refused to delete {name}: {exc}") from None
        return True

    def rows(self, host: str | None) -> Iterator[tuple[SecretSpec, SecretState]]:
        for spec in SECRETS:
            yield spec, self.state(spec.name, host)


def _unusable(check: BackendCheck) -> tuple[KeyringBackend, BackendCheck]:
    from keyring.backends.fail import Keyring as NoKeyring

    none: KeyringBackend = NoKeyring()  # type: ignore[no-untyped-call]
    return none, check


def _keyring_failure(exc: Exception) -> BackendCheck:
    """keyring could not pick a backend at all; say which setting made it fail."""
    chosen = os.environ.get("PYTHON_KEYRING_BACKEND")
    where = f"PYTHON_KEYRING_BACKEND={chosen}" if chosen else "keyring's configuration"
    name = chosen or "keyring"
    return BackendCheck(False, name, f"{where} does not give a usable keyring: {exc}")


def _load_backend(dotted: str) -> KeyringBackend:
    """The backend the user chose by name in the config."""
    module_name, _, class_name = dotted.rpartition(".")
    try:
        module = __import__(module_name, fromlist=[class_name])
        backend: Any = getattr(module, class_name)()
    except (ImportError, AttributeError, TypeError) as exc:
        raise SecretStoreError(f"cannot load the keyring backend {dotted}: {exc}") from None
    if not isinstance(backend, KeyringBackend):
        raise SecretStoreError(f"{dotted} is not a keyring backend")
    return backend
