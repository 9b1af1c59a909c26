"""The palette's Screenshot: saved where the notification says, or the reason why not."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app_helpers import fake_app, until
from fakes import ScriptedSource
from pydantic import SecretStr
from test_no_secret_leaks import HOST, KNOWN, leaks

from a2a_tui.infra.config import Settings, load_settings, screenshot_dir
from a2a_tui.infra.keystore import MemoryKeyring, SecretStore
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.settings import SettingsScreen
from a2a_tui.ui.widgets.secret_row import SecretRow


async def notified(app: A2AApp, predicate: Callable[[], bool], within: float = 5) -> None:
    """Wait, without sleeping, until a message the app handled makes ``predicate`` true."""
    if predicate():
        return
    reached = asyncio.Event()

    def check(_: object) -> None:
        if predicate():
            reached.set()

    app.message_signal.subscribe(app, check, immediate=True)
    try:
        await asyncio.wait_for(reached.wait(), within)
    finally:
        app.message_signal.unsubscribe(app)


def run_palette_command(app: A2AApp, title: str) -> None:
    command = next(c for c in app.get_system_commands(app.screen) if c.title == title)
    command.callback()


def screenshot_app(tmp_path: Path, folder: str, store: SecretStore | None = None) -> A2AApp:
    config = tmp_path / "config.toml"
    config.write_text(f"[ui]\nscreenshot_dir = {folder!r}\n", encoding="utf-8")
    return fake_app(ScriptedSource(), settings=load_settings({"A2A_TUI_CONFIG": str(config)}),
                    secrets=store)  # fmt: skip


async def test_saved_in_the_configured_folder_created_if_needed(tmp_path: Path) -> None:
    """Issue 7.14: Textual saved to ~/Downloads, absent on a headless box, with no reason."""
    folder = tmp_path / "shots" / "deep"
    store = SecretStore(MemoryKeyring(), env={})
    for name, value in KNOWN.items():
        store.set(name, SecretStr(value), HOST)
    app = screenshot_app(tmp_path, str(folder), store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        row = screen.query_one("#secret-okx-api_key", SecretRow)
        await until(screen, lambda: "•" in str(row.query_one(".secret-state").render()))
        help_text = next(c.help for c in app.get_system_commands(screen) if c.title == "Screenshot")
        assert help_text == f"Save an SVG of this screen in {folder}"
        run_palette_command(app, "Screenshot")
        await notified(app, lambda: bool(app._notifications))
        note = next(iter(app._notifications))
        files = list(folder.glob("*.svg"))
        assert len(files) == 1
        assert (note.title, note.severity) == ("Screenshot", "information")
        assert note.message == f"Saved to {files[0]}"
    svg = files[0].read_text(encoding="utf-8")
    assert "Integrator" in svg  # the settings screen, as shown...
    assert leaks(svg) == []  # ...with masks, never a secret


async def test_a_folder_that_cannot_be_made_is_reported_with_the_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    app = screenshot_app(tmp_path, str(blocker / "shots"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        run_palette_command(app, "Screenshot")
        await notified(app, lambda: bool(app._notifications))
        note = next(iter(app._notifications))
        assert note.severity == "error"
        assert note.message == (
            f"Not saved in {blocker / 'shots'}: Not a directory: {blocker / 'shots'}"
        )


def test_the_default_folder_exists_or_can_be_made(monkeypatch: Any, tmp_path: Path) -> None:
    """A desktop's pictures folder when there is one, else the data folder."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_PICTURES_DIR", str(tmp_path / "Pictures"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("A2A_TUI_DATA_DIR", raising=False)
    assert screenshot_dir(Settings()) == tmp_path / "data" / "a2a-tui" / "screenshots"
    monkeypatch.setenv("A2A_TUI_DATA_DIR", str(tmp_path / "chosen"))  # as for the journal
    assert screenshot_dir(Settings()) == tmp_path / "chosen" / "screenshots"
    (tmp_path / "Pictures").mkdir()
    assert screenshot_dir(Settings()) == tmp_path / "Pictures" / "a2a-tui"
    chosen = Settings.model_validate({"ui": {"screenshot_dir": "~/shots"}})
    assert screenshot_dir(chosen) == tmp_path / "shots"
