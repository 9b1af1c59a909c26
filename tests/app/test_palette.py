"""The command palette offers every action, with the key that really triggers it."""

from __future__ import annotations

from pathlib import Path

from app_helpers import fake_app
from fakes import ScriptedSource

from a2a_tui.infra.config import load_settings


async def test_the_palette_shows_the_users_keymap_not_the_class_default(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\n"quote.requote" = "f5"\n"app.settings" = "f9,f2"\n')
    app = fake_app(ScriptedSource(), settings=load_settings({"A2A_TUI_CONFIG": str(path)}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Re-quote"].endswith("(f5)"), helps["Re-quote"]
        assert "ctrl+r" not in helps["Re-quote"].lower()
        assert helps["Settings"].endswith("(f9)"), helps["Settings"]
        await pilot.press("f5")  # and the key shown is the key that works
        await pilot.press("f9")
        assert type(app.screen).__name__ == "SettingsScreen"


async def test_without_a_keymap_the_palette_shows_the_defaults() -> None:
    app = fake_app(ScriptedSource())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Re-quote"] == "Re-quote (^r)"  # as the footer writes it
        assert helps["Settings"].endswith("(f2)"), helps["Settings"]
