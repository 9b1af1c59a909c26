"""What the two row tables (the board, the orders) share: keeping a row in view
under their fixed header line."""

from __future__ import annotations

from textual.scroll_view import ScrollView

__all__ = ["scroll_row_into_view"]


def scroll_row_into_view(view: ScrollView, index: int, *, header: int = 1) -> None:
    """Scroll the least that shows row ``index``: the cursor moved by keys must
    never sit below the bottom edge or under the header."""
    visible = max(1, view.size.height - header)
    top = int(view.scroll_offset.y)
    if index < top:
        view.scroll_to(y=index, animate=False)
    elif index >= top + visible:
        view.scroll_to(y=index - visible + 1, animate=False)
