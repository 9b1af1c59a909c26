"""The non-secret settings as the app uses them: read once, validated, saved with care."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from a2a_tui.infra.config import (
    LoadedSettings,
    Settings,
    check_setting,
    save_setting,
    screenshot_dir,
)

__all__ = ["PreferenceError", "Preferences"]


class PreferenceError(ValueError):
    """A value the next start would reject, or a file that cannot be written."""


class Preferences:
    def __init__(self, loaded: LoadedSettings) -> None:
        self.loaded = loaded

    @classmethod
    def defaults(cls) -> Preferences:
        """Defaults that are never saved (the demo, tests)."""
        return cls(LoadedSettings(Settings(), None))

    @property
    def settings(self) -> Settings:
        return self.loaded.settings

    @property
    def path(self) -> Path | None:
        """None: nothing is ever written (the demo)."""
        return self.loaded.path

    def screenshot_dir(self) -> Path:
        """Where screenshots go (may not exist yet: the caller creates it)."""
        return screenshot_dir(self.loaded.settings)

    @property
    def problems(self) -> list[str]:
        return self.loaded.problems

    def save(self, values: Mapping[str, str | bool | float]) -> Path:
        """Validate every value as the next start would read it, then write them
        all; nothing is written if one is invalid."""
        path = self.loaded.path
        if path is None:
            raise PreferenceError("not saved: the demo never writes your config")
        settings = self.loaded.settings
        for key, value in values.items():
            try:
                settings = check_setting(settings, key, value)
            except ValueError as exc:
                raise PreferenceError(str(exc)) from None
        try:
            for key, value in values.items():
                save_setting(path, key, value)
        except (OSError, ValueError) as exc:
            raise PreferenceError(f"not saved: {exc}") from None
        self.loaded.settings = settings
        return path
