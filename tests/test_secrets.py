"""Secrets in the keyring: stored, replaced, deleted, overridden, refused, never shown."""

from __future__ import annotations

import pytest
from fakes import CRYPTFILE, PasswordKeyring, fake_backend, keyring_chain
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.backends.fail import Keyring as FailKeyring
from pydantic import SecretStr

from a2a_tui.domain.credentials import SECRETS, SecretState, mask
from a2a_tui.infra.keystore import (
    SERVICE,
    MemoryKeyring,
    SecretStore,
    SecretStoreError,
    check_backend,
)
from a2a_tui.providers.registry import pem_from_paste

HOST = "http://127.0.0.1:8787"
OTHER_HOST = "https://api.any2any.example"


def store(**kwargs: object) -> tuple[SecretStore, MemoryKeyring]:
    backend = MemoryKeyring()
    return SecretStore(backend, env=kwargs.pop("env", {}), **kwargs), backend  # type: ignore[arg-type]


def test_set_get_replace_delete() -> None:
    secrets, backend = store()
    assert secrets.state("okx.secret_key") is SecretState.NOT_SET
    secrets.set("okx.secret_key", SecretStr("first-secret-value"))
    assert secrets.state("okx.secret_key") is SecretState.SET
    assert backend.get_password(SERVICE, "okx.secret_key") == "first-secret-value"
    secrets.set("okx.secret_key", SecretStr("  second-secret-value \n"))
    got = secrets.get("okx.secret_key")
    assert got is not None
    assert got.get_secret_value() == "second-secret-value"
    assert secrets.delete("okx.secret_key") is True
    assert secrets.delete("okx.secret_key") is False
    assert secrets.get("okx.secret_key") is None


def test_any2any_keys_are_kept_per_host() -> None:
    secrets, backend = store()
    secrets.set("any2any.api_key", SecretStr("staging-key-0000"), HOST)
    secrets.set("any2any.api_key", SecretStr("production-key-1111"), OTHER_HOST + "/")
    assert backend.get_password(SERVICE, "any2any.api_key@127.0.0.1:8787") == "staging-key-0000"
    stored = backend.get_password(SERVICE, "any2any.api_key@api.any2any.example")
    assert stored == "production-key-1111"
    assert secrets.state("any2any.api_key", "http://elsewhere.example") is SecretState.NOT_SET
    with pytest.raises(SecretStoreError, match="per host"):
        secrets.get("any2any.api_key")


def test_the_environment_takes_precedence_and_is_read_only() -> None:
    secrets, _ = store(env={"A2A_TUI_OKX_API_KEY": "from-env-abcdef"})
    secrets.set("okx.api_key", SecretStr("from-keyring-value"))
    assert secrets.state("okx.api_key") is SecretState.FROM_ENV
    got = secrets.get("okx.api_key")
    assert got is not None
    assert got.get_secret_value() == "from-env-abcdef"
    assert {spec.env for spec in SECRETS} >= {"A2A_TUI_ANY2ANY_API_KEY", "A2A_TUI_OKX_API_KEY"}
    assert len({spec.env for spec in SECRETS}) == len(SECRETS)


def test_empty_values_and_unknown_names_are_refused() -> None:
    secrets, _ = store()
    with pytest.raises(SecretStoreError, match="empty"):
        secrets.set("swapkit.api_key", SecretStr("   "))
    with pytest.raises(SecretStoreError, match="unknown secret 'nope'"):
        secrets.get("nope")


def test_without_a_keyring_the_store_says_so_and_offers_alternatives() -> None:
    secrets = SecretStore(FailKeyring(), env={"A2A_TUI_SWAPKIT_API_KEY": "env-works-12345"})
    assert not secrets.check.usable
    assert "no keyring" in secrets.check.reason
    assert secrets.state("okx.api_key") is SecretState.UNAVAILABLE
    assert secrets.get("okx.api_key") is None
    assert secrets.state("swapkit.api_key") is SecretState.FROM_ENV  # env still works
    with pytest.raises(SecretStoreError) as caught:
        secrets.set("okx.api_key", SecretStr("x" * 20))
    assert "environment variables" in str(caught.value)
    assert "keyrings.cryptfile" in str(caught.value)


class _EmptyChainer(ChainerBackend):
    """A chainer that found nothing, whatever this machine has installed."""

    backends: list[KeyringBackend] = []  # replaces keyring's classproperty


def test_an_empty_chainer_is_no_keyring() -> None:
    assert not check_backend(_EmptyChainer()).usable


def test_plaintext_is_refused_unless_chosen_explicitly() -> None:
    plaintext = fake_backend("keyrings.alt.file", "PlaintextKeyring")
    refused = check_backend(plaintext)
    assert not refused.usable
    assert "unencrypted" in refused.reason
    path = "keyrings.alt.file.PlaintextKeyring"
    assert not check_backend(plaintext, chosen=path).usable  # naming it is not enough...
    assert check_backend(plaintext, chosen=path, allow_plaintext=True).usable  # ...both are


def test_unknown_backends_are_refused_unless_named() -> None:
    unknown = fake_backend("somebody.keyring", "Cloud")
    assert not check_backend(unknown).usable
    assert check_backend(unknown, chosen="somebody.keyring.Cloud").usable


def test_a_chosen_backend_that_does_not_load_is_reported_not_raised() -> None:
    secrets = SecretStore(env={}, chosen="no.such.module.Keyring")
    assert not secrets.check.usable
    assert "cannot load the keyring backend no.such.module.Keyring" in secrets.check.reason


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("aaaabbbbccccddddeeeeffff00001111", "••••1111"),
        ("short-pass", "••••"),  # a short secret shows nothing of itself
        ("", "••••"),
    ],
)
def test_masked_display(value: str, shown: str) -> None:
    assert mask(SecretStr(value)) == shown
    assert mask(None) == ""


def test_reprs_never_carry_values() -> None:
    secrets, _ = store()
    secrets.set("okx.passphrase", SecretStr("hunter2-hunter2"))
    value = secrets.get("okx.passphrase")
    for text in (repr(secrets), repr(value), str(value), f"{value}", repr([value])):
        assert "hunter2" not in text


def test_a_pasted_pem_gets_its_line_breaks_back() -> None:
    body = "A" * 100
    pasted = f"-----BEGIN PRIVATE KEY----- {body[:50]} {body[50:]} -----END PRIVATE KEY-----"
    assert pem_from_paste(pasted) == (
        f"-----BEGIN PRIVATE KEY-----\n{body[:64]}\n{body[64:]}\n-----END PRIVATE KEY-----\n"
    )
    assert pem_from_paste("  plain  ") == "plain"


SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
ENCRYPTED = "keyrings.alt.file.EncryptedKeyring"
PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"


def test_the_trusted_member_of_keyrings_chain_is_used_directly() -> None:
    """Issue 7.2: SecretService + EncryptedKeyring + PlaintextKeyring was refused whole."""
    os_keyring = fake_backend("keyring.backends.SecretService", "Keyring")
    encrypted = fake_backend("keyrings.alt.file", "EncryptedKeyring")
    plaintext = fake_backend("keyrings.alt.file", "PlaintextKeyring")
    plaintext.set_password(SERVICE, "okx.passphrase", "left-in-a-plain-file")
    secrets = SecretStore(keyring_chain(os_keyring, encrypted, plaintext), env={})
    assert secrets.check.usable, secrets.check.reason
    assert secrets.check.name == SECRET_SERVICE
    assert secrets.check.ignored == (ENCRYPTED, PLAINTEXT)
    secrets.set("okx.api_key", SecretStr("okx-key-in-the-os-keyring"))
    assert os_keyring.get_password(SERVICE, "okx.api_key") == "okx-key-in-the-os-keyring"
    assert encrypted.get_password(SERVICE, "okx.api_key") is None
    assert plaintext.get_password(SERVICE, "okx.api_key") is None
    # reads ignore the untrusted members too: a plaintext leftover is not a secret of ours
    assert secrets.state("okx.passphrase") is SecretState.NOT_SET
    assert secrets.get("okx.passphrase") is None
    assert secrets.delete("okx.api_key") is True
    assert os_keyring.get_password(SERVICE, "okx.api_key") is None


def test_the_trusted_member_is_found_wherever_it_sits_in_the_chain() -> None:
    cryptfile = fake_backend("keyrings.cryptfile.cryptfile", "CryptFileKeyring")  # prompts: unknown
    kwallet = fake_backend("keyring.backends.kwallet", "DBusKeyring")
    check = check_backend(keyring_chain(cryptfile, kwallet))
    assert (check.usable, check.name) == (True, "keyring.backends.kwallet.DBusKeyring")
    assert check.ignored == ("keyrings.cryptfile.cryptfile.CryptFileKeyring",)


def test_a_member_named_in_the_config_is_trusted() -> None:
    encrypted = fake_backend("keyrings.alt.file", "EncryptedKeyring")
    plaintext = fake_backend("keyrings.alt.file", "PlaintextKeyring")
    check = check_backend(keyring_chain(encrypted, plaintext), chosen=ENCRYPTED)
    assert (check.usable, check.name, check.ignored) == (True, ENCRYPTED, (PLAINTEXT,))


def test_a_chain_without_a_trusted_member_is_refused_with_every_reason() -> None:
    encrypted = fake_backend("keyrings.alt.file", "EncryptedKeyring")
    plaintext = fake_backend("keyrings.alt.file", "PlaintextKeyring")
    secrets = SecretStore(keyring_chain(encrypted, plaintext), env={})
    check = secrets.check
    assert not check.usable
    assert f"{ENCRYPTED} is not a keyring a2a-tui knows" in check.reason
    assert f"{PLAINTEXT} stores secrets unencrypted" in check.reason
    with pytest.raises(SecretStoreError, match=r"cannot store okx\.api_key"):
        secrets.set("okx.api_key", SecretStr("x" * 20))
    assert encrypted.get_password(SERVICE, "okx.api_key") is None


# -- keyrings that unlock with a password (keyrings.cryptfile) ---------------------------


def test_a_password_keyring_is_unlocked_with_the_apps_variable() -> None:
    """keyrings.cryptfile 1.3.9 reads no variable: the app gives it the password."""
    backend = PasswordKeyring()
    secrets = SecretStore(backend, env={"A2A_TUI_KEYRING_PASSWORD": "pw123"}, chosen=CRYPTFILE)
    assert secrets.check.usable, secrets.check.reason
    secrets.set("okx.api_key", SecretStr("stored-in-the-file-1234"))
    assert backend.given == ["pw123"]
    assert secrets.state("okx.api_key") is SecretState.SET


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, "set $A2A_TUI_KEYRING_PASSWORD"),
        ({"KEYRING_CRYPTFILE_PASSWORD": "pw123"}, "KEYRING_CRYPTFILE_PASSWORD is set, but"),
        ({"A2A_TUI_KEYRING_PASSWORD": "not-it-42"}, "does not unlock"),
    ],
)
def test_a_password_keyring_without_its_password_is_refused_never_prompted(
    env: dict[str, str], says: str
) -> None:
    """It prompted with getpass: echo on in a pipe, EOFError without a terminal,
    and inside the TUI a hidden prompt that read the user's keys."""
    backend = PasswordKeyring()
    secrets = SecretStore(backend, env=env, chosen=CRYPTFILE)
    assert not secrets.check.usable
    assert says in secrets.check.reason
    assert "not-it-42" not in secrets.check.reason
    assert "pw123" not in secrets.check.reason
    assert secrets.state("okx.api_key") is SecretState.UNAVAILABLE
    assert secrets.get("okx.api_key") is None
    with pytest.raises(SecretStoreError, match=r"cannot store okx\.api_key"):
        secrets.require_writable("okx.api_key")
    assert backend._key == ""  # never asked


def test_no_backend_call_can_prompt_on_the_terminal() -> None:
    """Whatever the backend, a getpass inside it raises instead of reading the terminal."""

    class Prompting(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            import getpass

            return getpass.getpass("Please enter password for encrypted keyring: ")

        def set_password(self, service: str, username: str, password: str) -> None:
            self.get_password(service, username)

    Prompting.__module__, Prompting.__qualname__ = "somebody.keyring", "Prompting"
    secrets = SecretStore(Prompting(), env={}, chosen="somebody.keyring.Prompting")
    assert secrets.state("okx.api_key") is SecretState.UNAVAILABLE
    assert secrets.get("okx.api_key") is None
    with pytest.raises(SecretStoreError, match="asked for a password on the terminal"):
        secrets.set("okx.api_key", SecretStr("x" * 20))


def test_a_locked_keyring_says_the_key_is_unreadable_not_unset() -> None:
    """A key in a locked file is not "not set": orders and refunds must not go out
    without it (`order create` made a plain order, with no commission)."""
    backend = PasswordKeyring()
    backend.set_password(SERVICE, "any2any.api_key@127.0.0.1:8787", "k" * 32)
    locked = SecretStore(backend, env={}, chosen=CRYPTFILE)
    said = locked.unreadable("any2any.api_key", "http://127.0.0.1:8787")
    assert said is not None
    assert "set $A2A_TUI_KEYRING_PASSWORD" in said

    unlocked = SecretStore(backend, env={"A2A_TUI_KEYRING_PASSWORD": "pw123"}, chosen=CRYPTFILE)
    assert unlocked.unreadable("any2any.api_key", "http://127.0.0.1:8787") is None
    from_env = SecretStore(backend, env={"A2A_TUI_ANY2ANY_API_KEY": "e" * 32}, chosen=CRYPTFILE)
    assert from_env.unreadable("any2any.api_key", "http://127.0.0.1:8787") is None
    # no keyring at all: nothing can be stored there, so "not set" is the truth
    assert SecretStore(FailKeyring(), env={}).unreadable("any2any.api_key", "h") is None


def test_a_backend_that_fails_to_read_is_unreadable_without_its_text() -> None:
    class Broken(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise ValueError("cannot decrypt /home/someone/secret-path")

    Broken.__module__, Broken.__qualname__ = "somebody.keyring", "Broken"
    secrets = SecretStore(Broken(), env={}, chosen="somebody.keyring.Broken")
    said = secrets.unreadable("okx.api_key")
    assert said == "somebody.keyring.Broken could not read okx.api_key (ValueError)"
