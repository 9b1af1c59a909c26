"""The command palette offers every action, with the key that really triggers it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app_helpers import fake_app, type_into, until
from fakes import ScriptedSource
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Footer

from a2a_tui.infra.config import load_settings
from a2a_tui.ui.screens.keys import KeysScreen


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


async def open_from_palette(pilot: Pilot[Any], title: str) -> None:
    """ctrl+p, type the command's name, Enter on it, as a user does."""
    app = pilot.app
    await pilot.press("ctrl+p")
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    await type_into(pilot, title)
    await until(palette, lambda: palette.query_one(CommandList).option_count > 0)
    await until(
        palette, lambda: title in str(palette.query_one(CommandList).get_option_at_index(0).prompt)
    )
    await pilot.press("enter")
    await pilot.pause()


async def test_keys_lists_the_active_bindings_fits_80x24_and_closes_with_esc(
    tmp_path: Path,
) -> None:
    """Issue 7.18: Textual's Keys panel squeezed the board, overlapped the footer at 80x24
    and did not close with esc."""
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\n"quote.requote" = "f5"\n')
    app = fake_app(ScriptedSource(), settings=load_settings({"A2A_TUI_CONFIG": str(path)}))
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        await pilot.pause()
        await open_from_palette(pilot, "Keys")
        keys = app.screen
        assert isinstance(keys, KeysScreen)
        assert not board.query("HelpPanel")
        box = keys.query_one("#keys").region
        footer = keys.query_one(Footer).region
        assert box.bottom <= footer.y  # the footer stays readable
        assert box.right <= 80
        assert box.height > 5
        rows = {text: key for _, group in keys.rows for key, text in group}
        assert "f5" in rows["Re-quote"].split()  # the user's key, not the class default
        assert "^r" not in rows["Re-quote"].split()
        assert rows["Settings"] == "f2"
        assert rows["Quit"] == "^q"  # hidden from the footer, listed here
        assert "Keys" in rows
        await pilot.press("escape")
        assert app.screen is board
        await pilot.press("f1")
        assert isinstance(app.screen, KeysScreen)
        await pilot.press("f1")
        assert app.screen is board


async def test_a_theme_that_cannot_be_saved_says_so_once(tmp_path: Path) -> None:
    """The toast read "theme not saved: not saved: …"."""
    path = tmp_path / "config.toml"
    path.mkdir()  # a folder where the file should be: every write fails
    app = fake_app(ScriptedSource(), settings=load_settings({"A2A_TUI_CONFIG": str(path)}))
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await pilot.pause()
        (message,) = [str(n.message) for n in app._notifications if "theme" in str(n.message)]
        assert message.startswith("theme not saved: ")
        assert "not saved: not saved" not in message
