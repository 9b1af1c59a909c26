"""Textual's own frames and scrollbars in glyphs the Linux console's font has.

The kernel console (``TERM=linux``) draws with a font of a few hundred glyphs
(the VGA code page's box and block elements): Textual's round corners
``╭╮╰╯``, the eighth blocks of its ``tall``, ``vkey``, ``hkey`` and ``wide``
frames (every Input, the footer's ``▏`` before the palette key), its heavy and
dashed lines and its scrollbar's eighths showed as diamonds or blanks. Textual
has no setting for this, so on the console the frames it draws are mapped, by
name, to the light box lines and half blocks the font has: the same cells, so
no layout moves. Everything else, and every other terminal, is left as it is.

This patches Textual's border table (``textual._border.BORDER_CHARS``, not a
public API: `tests/app/test_linux_console.py` fails if it moves) and the
scrollbar's bar glyphs, for this process only; one app runs per process
(each SSH or browser session has its own), and `use` restores the originals
for any later app in the same process (the tests).
"""

from __future__ import annotations

from textual import _border
from textual.scrollbar import ScrollBarRender

__all__ = ["use"]

_Rows = tuple[tuple[str, str, str], tuple[str, str, str], tuple[str, str, str]]

_BOX: _Rows = (("┌", "─", "┐"), ("│", " ", "│"), ("└", "─", "┘"))
#: Frames the console font cannot draw, in the nearest it can.
_CONSOLE: dict[str, _Rows] = {
    "round": _BOX,
    "dashed": _BOX,
    "heavy": _BOX,
    "tall": _BOX,
    "panel": (("█", "█", "█"), ("│", " ", "│"), ("└", "─", "┘")),
    "wide": _BOX,
    "tab": _BOX,
    "vkey": (("│", " ", "│"), ("│", " ", "│"), ("│", " ", "│")),
    "hkey": (("─", "─", "─"), (" ", " ", " "), ("─", "─", "─")),
    "inner": (("▄", "▄", "▄"), ("▐", " ", "▌"), ("▀", "▀", "▀")),
    "outer": (("█", "▀", "█"), ("▌", " ", "▐"), ("█", "▄", "█")),
}
_ORIGINAL: dict[str, _Rows] = {name: _border.BORDER_CHARS[name] for name in _CONSOLE}  # type: ignore[index]
_BARS = (list(ScrollBarRender.VERTICAL_BARS), list(ScrollBarRender.HORIZONTAL_BARS))


def use(console: bool) -> None:
    """Draw Textual's frames for the Linux console (``console``), or as Textual does."""
    table = _CONSOLE if console else _ORIGINAL
    for name, rows in table.items():
        _border.BORDER_CHARS[name] = rows  # type: ignore[index]
    vertical, horizontal = _BARS
    # the thumb is drawn by its colour; its fractional ends become whole cells
    ScrollBarRender.VERTICAL_BARS = [" "] * len(vertical) if console else list(vertical)
    ScrollBarRender.HORIZONTAL_BARS = [" "] * len(horizontal) if console else list(horizontal)
    _border.get_box.cache_clear()
