"""What became of a promo code: which answering channels applied it.

The guide says only that each channel answer carries ``promo_applied``. An
unknown code is not an error: every channel simply answers without the
discount. Some channels take no promos at all (the simulator's Nimbus
Relay), so a code some channels applied is working; a code that no
answering channel applied is what the trader has to be told about.
"""

from __future__ import annotations

from dataclasses import dataclass

from a2a_tui.domain.text import inert
from a2a_tui.engine.board import QuoteBoard

__all__ = ["PromoOutcome", "promo_outcome"]


@dataclass(frozen=True, slots=True)
class PromoOutcome:
    code: str  # inert, as the trader typed it
    applied: tuple[str, ...]  # names of the answering channels that applied it
    declined: tuple[str, ...]  # names of those that answered without it

    @property
    def ignored(self) -> bool:
        """Channels answered, and not one applied the code."""
        return bool(self.declined) and not self.applied

    def message(self) -> str | None:
        """One line for the trader; None when there is nothing to say."""
        if self.ignored:
            return f"no channel applied promo code {self.code}"
        if self.applied and self.declined:
            answered = len(self.applied) + len(self.declined)
            return (
                f"promo code {self.code} applied by {len(self.applied)} of {answered}"
                f" channels (not by {', '.join(self.declined)})"
            )
        return None


def promo_outcome(board: QuoteBoard) -> PromoOutcome | None:
    """None without a promo code. O(answers): call it when a quote ends, not per event."""
    code = board.spec.promo_code
    if not code:
        return None
    applied: list[str] = []
    declined: list[str] = []
    for index in range(board.status().answered):
        row = board.row_at(index).row
        if row.quote is not None and row.quote.promo_applied is not None:  # None: no promos
            (applied if row.quote.promo_applied else declined).append(row.name)
    return PromoOutcome(inert(code, limit=32), tuple(applied), tuple(declined))
