"""No secret value reaches a screen, a screenshot, a log, a notification or an output.

Every screen that handles secrets is visited with known values (the settings
screen and its prompt now; the order and refund screens will join this test
when they exist), screenshots are saved, logs and output captured, and every
byte is searched for the values.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from app_helpers import fake_app, type_into, until
from conftest import MakeSim
from fakes import ScriptedSource, quote
from pydantic import SecretStr
from textual.widgets import Button, Label

from a2a_tui.domain.credentials import SECRETS
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.infra.keystore import MemoryKeyring, SecretStore
from a2a_tui.ui.screens.secret_prompt import SecretPrompt
from a2a_tui.ui.screens.settings import SettingsScreen
from a2a_tui.ui.widgets.secret_row import SecretRow

HOST = "http://127.0.0.1:9"
#: One distinctive value per secret; the cow key so Swapscanner derives an address.
KNOWN = {spec.name: f"LEAK-{spec.name.replace('.', '-')}-7f3a9c" for spec in SECRETS}
KNOWN["swapscanner.signer_key"] = (
    "0xc85ef7d79691fe79573b1a7064c19c1a9819ebdbd1faaab1a8ec92344438aaf4"
)
FROM_ENV = {"A2A_TUI_SWAPKIT_API_KEY": "LEAK-env-swapkit-51e2d0"}
TYPED = "LEAK-typed-in-the-prompt-0d4b"


def needles() -> list[str]:
    values = [*KNOWN.values(), *FROM_ENV.values(), TYPED]
    # the values themselves and any long piece of them (a mask shows at most 4 characters)
    return values + [v[i : i + 8] for v in values for i in range(0, len(v) - 8, 4)]


def leaks(text: str) -> list[str]:
    return [needle for needle in needles() if needle in text]


async def test_no_secret_reaches_screens_logs_or_notifications(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    make_sim: MakeSim,
) -> None:
    caplog.set_level(logging.DEBUG)
    store = SecretStore(MemoryKeyring(), env=FROM_ENV)
    for name, value in KNOWN.items():
        store.set(name, SecretStr(value), HOST)
    sim = make_sim()  # the Tests make real calls: to the simulator, whose answers are shown
    providers = {p: {"base_url": f"{sim.base_url}/{p}"}
                 for p in ("okx", "swapscanner", "changelly", "swapkit")}  # fmt: skip
    app = fake_app(ScriptedSource([quote(1, 5)]), secrets=store, providers=providers,
                   initial=QuoteArgs("ETH", "USDT@tron", "1.5"))  # fmt: skip
    shots: list[str] = []

    def shoot(name: str) -> None:
        shots.append(app.export_screenshot())
        app.save_screenshot(f"{name}.svg", str(tmp_path))

    async with app.run_test(size=(120, 40)) as pilot:
        shoot("quote")
        await pilot.press("f2")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        await until(screen, lambda: "signs as" in _state(screen, "swapscanner.signer_key"))
        shoot("settings")
        for provider in ("any2any", "okx", "swapscanner", "swapkit", "changelly"):
            screen.query_one(f"#test-{provider}", Button).press()
            result = screen.query_one(f"#test-result-{provider}", Label)
            await until(screen, lambda r=result: str(r.render())[:1] in "✓✗")  # type: ignore[misc]
            shoot(f"test-{provider}")
        screen.query_one("#secret-okx-api_key .set", Button).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, SecretPrompt)
        await type_into(pilot, TYPED)
        shoot("prompt-typing")
        await pilot.press("enter")
        await until(screen, lambda: _state(screen, "okx.api_key").endswith("0d4b"))
        shoot("settings-after")
        notifications = " ".join(str(n.message) for n in app._notifications)

    saved, written = _saved(tmp_path)
    captured = capsys.readouterr()
    everything = {
        "screenshots": "".join(shots) + written,
        "logs": caplog.text,
        "stdout": captured.out,
        "stderr": captured.err,
        "notifications": notifications,
        "reprs": repr(store) + repr(app.credentials.store) + repr(store.get("okx.api_key", HOST)),
    }
    assert saved == 9
    for where, text in everything.items():
        assert leaks(text) == [], where
    assert "••••0d4b" in everything["screenshots"]  # what is shown instead: 4 characters
    assert "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" in everything["screenshots"]


def _saved(folder: Path) -> tuple[int, str]:
    files = sorted(folder.glob("*.svg"))
    return len(files), "".join(f.read_text(encoding="utf-8") for f in files)


def _state(screen: Any, name: str) -> str:
    row = next(r for r in screen.query(SecretRow) if r.spec.name == name)
    return str(row.query_one(".secret-state", Label).render())


async def test_a_crash_shows_where_never_the_values_of_locals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Textual's crash traceback printed every frame's locals: a typed keyring
    password and key material were on screen when a keyring prompt crashed the app."""
    app = fake_app(ScriptedSource())
    material = "-".join(("LEAK", "crash", "local", "93b1"))  # not in any source line

    def crash() -> None:
        held = SecretStr(material).get_secret_value()
        raise RuntimeError(f"a crash holding {len(held)} characters")

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            app.call_later(crash)
            await pilot.pause()

    with pytest.raises(RuntimeError, match="a crash holding"):
        await run()
    printed = capsys.readouterr()
    assert "a crash holding" in printed.out + printed.err  # the traceback is there...
    assert material not in printed.out + printed.err  # ...without the locals


class _PromptingKeyring(MemoryKeyring):
    """A keyring that asks on the terminal (keyrings.cryptfile without its password)."""

    def get_password(self, service: str, username: str) -> str | None:
        import getpass

        return getpass.getpass("Please enter password for encrypted keyring: ")


_PromptingKeyring.__module__, _PromptingKeyring.__qualname__ = "somebody.keyring", "Prompting"


async def test_a_keyring_that_would_prompt_never_reads_the_apps_keys() -> None:
    """Inside the TUI a hidden getpass prompt read the keystrokes (F1 stopped working)."""
    store = SecretStore(_PromptingKeyring(), env={}, chosen="somebody.keyring.Prompting")
    app = fake_app(ScriptedSource(), secrets=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        await until(screen, lambda: "…" not in _state(screen, "okx.api_key"))
        assert _state(screen, "okx.api_key") == "keyring unavailable"
        await pilot.press("f1")  # the keys still reach the app
        assert type(app.screen).__name__ == "KeysScreen"
