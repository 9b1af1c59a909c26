"""The app's own glyphs in one place, with ASCII stand-ins for the Linux console.

The console (``TERM=linux``) draws with a kernel font of a few hundred glyphs:
the braille spinner, ``⇄ ▾ ✓ ✗ ⚠ ≠`` and the palette's 🔎 are not among them
and showed as blanks or diamonds. There the app draws ASCII instead; every
state keeps its word as well, so nothing is told by a glyph alone. Textual's
own frames and scrollbars follow in `a2a_tui.ui.console_font`.

`GLYPHS` is one object whose fields `use` sets when an app starts (the
environment of a test or a served session differs from the import's), so
widgets read ``GLYPHS.ok`` when they draw, never a copy taken at import.
Text built with the Unicode marks (the status line) goes through
``GLYPHS.text`` as it is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from a2a_tui.ui import console_font  # Textual's own frames, likewise

__all__ = ["ASCII", "BADGE_MARKS", "GLYPHS", "UNICODE", "Glyphs", "use"]


@dataclass(slots=True)
class Glyphs:
    spinner: str  # its frames, one character each
    pair: str  # the header's icon
    pick: str  # a field that opens a picker
    ok: str
    fail: str
    warn: str
    stop: str
    prev: str  # the board is for a previous request
    search: str  # the command palette's icon
    approx: str  # an estimate (the order step's amount received)

    def text(self, text: str) -> str:
        """``text`` (written with the Unicode marks) in these glyphs."""
        if self.ok == UNICODE.ok:
            return text
        return text.translate(_TO_ASCII)


UNICODE = Glyphs("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏", "⇄", "▾", "✓", "✗", "⚠", "■", "≠", "🔎", "≈")
ASCII = Glyphs("|/-\\", "<>", "v", "+", "x", "!", "-", "~", ">", "~")
_MARKS = ("ok", "fail", "warn", "stop", "prev", "pick", "approx")
#: The status badges' marks (their words stay): drawn as ASCII on the console too.
BADGE_MARKS = {"◷": "o", "⇄": "<>", "⌛": "-", "↺": "<", "⚑": "!"}
#: Letters of the app's own labels the console font lacks (the board's "Δ bps").
_LETTERS = {"Δ": "d"}
_TO_ASCII = str.maketrans(
    {getattr(UNICODE, m): getattr(ASCII, m) for m in _MARKS} | BADGE_MARKS | _LETTERS
)

GLYPHS = Glyphs(*(getattr(UNICODE, f.name) for f in fields(Glyphs)))


def linux_console(env: Mapping[str, str]) -> bool:
    """The cheap, reliable sign: the kernel console sets TERM=linux (and a terminal
    emulator never does)."""
    return env.get("TERM") == "linux"


def use(env: Mapping[str, str]) -> Glyphs:
    """Pick the glyphs for the terminal ``env`` describes; every widget draws with them."""
    console = linux_console(env)
    chosen = ASCII if console else UNICODE
    for field in fields(Glyphs):
        setattr(GLYPHS, field.name, getattr(chosen, field.name))
    console_font.use(console)
    return GLYPHS
