"""The command palette: every action the app and the current screen bind.

Each command shows the key that really triggers it: the user's ``[keymap]``
choice when there is one, not the binding's class default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

__all__ = ["binding_commands", "key_for"]


def key_for(app: App[Any], binding: Binding, keymap: Mapping[str, str]) -> str:
    """How the footer would write the first key of ``binding`` under ``keymap``."""
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    first = keys.split(",")[0].strip()
    if binding.key_display and first == binding.key.split(",")[0].strip():
        return binding.key_display
    return app.get_key_display(replace(binding, key=first, key_display=None))


def binding_commands(
    app: App[Any], screen: Screen[object], keymap: Mapping[str, str]
) -> Iterable[SystemCommand]:
    seen: set[str] = set()
    for owner, bindings in ((screen, screen.BINDINGS), (app, app.BINDINGS)):
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.description in seen or binding.action == "quit":
                continue
            if owner is screen and screen.check_action(binding.action, ()) is False:
                continue
            seen.add(binding.description)
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip or binding.description} ({key_for(app, binding, keymap)})",
                partial(owner.run_action, binding.action),
            )
