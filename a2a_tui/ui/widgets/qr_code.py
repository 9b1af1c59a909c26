"""A QR code drawn with half blocks, two modules per cell, dark on light.

The colours are fixed, not the theme's: scanners expect dark modules on a
light ground with a light quiet zone, and a dark theme's inversion would
defeat many of them. Built with segno's ``make_qr`` (never ``make``, which may
choose a Micro QR that phone scanners cannot read).
"""

from __future__ import annotations

from pathlib import Path

import segno
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["QRCode", "qr_payload", "qr_rows"]

_GLYPHS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
_STYLE = Style(color="#000000", bgcolor="#ffffff")


def qr_payload(address: str) -> str:
    """What the code carries: the address itself, bech32 in upper case (BIP-173
    suggests it: the alphanumeric mode makes a smaller code for the same address)."""
    lowered = address.lower()
    if lowered.startswith("bc1") and address in (lowered, address.upper()):
        return address.upper()
    return address


def qr_rows(data: str, border: int = 4) -> list[str]:
    """The code as text rows: the top module row in the upper half of each cell."""
    matrix = [[bool(m) for m in row] for row in segno.make_qr(data).matrix_iter(border=border)]
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    return [
        "".join(_GLYPHS[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(matrix[::2], matrix[1::2], strict=True)
    ]


class QRCode(Widget):
    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()

    data: reactive[str] = reactive("", layout=True)
    border: reactive[int] = reactive(4, layout=True)
    """The quiet zone in modules: 4 as the standard asks, 2 when the screen is short."""

    def __init__(self, data: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[str] = []
        self.set_reactive(QRCode.data, data)
        self._build()

    def _build(self) -> None:
        self._rows = qr_rows(qr_payload(self.data), self.border) if self.data else []

    def watch_data(self) -> None:
        self._build()

    def watch_border(self) -> None:
        self._build()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(self._rows[0]) if self._rows else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows)

    def render_line(self, y: int) -> Strip:
        if y >= len(self._rows):
            return Strip.blank(self.size.width)
        row = self._rows[y]
        return Strip([Segment(row, _STYLE)], len(row)).extend_cell_length(self.size.width)
