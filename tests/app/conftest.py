"""The app's tests see a truecolor terminal, whatever runs them.

The app picks other colours on a 16-colour console (``TERM=linux``, or a
bare ``TERM=xterm``, which Rich reads as 16 colours), so snapshots would
otherwise depend on the machine. Colour-system tests set their own.
"""

from __future__ import annotations

import pytest
import textual.constants


@pytest.fixture(autouse=True)
def _truecolor_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "auto")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
