"""One line that says where the quote stands: progress, errors, age, staleness."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from a2a_tui.domain import display
from a2a_tui.engine.board import STALE_AFTER, BoardStatus

__all__ = ["QuoteStatus", "StatusView"]


@dataclass(frozen=True, slots=True)
class StatusView:
    """Everything the line shows; the screen builds it, the widget only draws."""

    status: BoardStatus | None = None
    elapsed: float = 0.0  # since the request, while running
    age: float | None = None  # since completion
    running: bool = False
    auto_refresh: bool = False
    notice: str | None = None  # e.g. tokens failed to load; already inert
    request: tuple[str, str] | None = None  # what is being quoted: ("1,000 ETH", "10²¹ units")
    promo_ignored: str | None = None  # a promo code no answering channel applied; inert

    @property
    def stale(self) -> bool:
        return not self.running and self.age is not None and self.age > STALE_AFTER

    @property
    def problem(self) -> bool:
        return bool(self.notice) or (
            not self.running and self.status is not None and bool(self.status.problems)
        )

    @property
    def warning(self) -> bool:
        """Finished, but a promo code was applied by no channel."""
        return bool(self.promo_ignored) and not self.running and not self.problem


class QuoteStatus(Widget):
    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()

    view: reactive[StatusView] = reactive(StatusView)

    def watch_view(self, view: StatusView) -> None:
        self.set_class(view.problem, "-problem")
        self.set_class(view.stale and not view.problem, "-stale")
        self.set_class(view.warning and not view.stale, "-warning")

    def render(self) -> Content:
        view = self.view
        auto = " · auto-refresh on" if view.auto_refresh else ""
        if view.notice:
            return Content(f"⚠ {view.notice}")
        status = view.status
        if status is None:
            return Content(f"Pick a pair and an amount, then press Enter.{auto}")
        answered = (
            f"{status.answered} of {status.expected} channels answered"
            if status.expected is not None
            else f"{status.answered} answered"
        )
        errors = f" · {status.failed} error{'s' if status.failed != 1 else ''}"
        if view.running:
            progress = f"{answered}{errors} · {display.duration(view.elapsed)}{auto}"
            if view.request is None:
                return Content(progress)
            human, units = view.request
            long = f"quoting {human} ({units}) · {progress}"
            fits = len(long) <= self.content_size.width
            return Content(long if fits else f"quoting {human} · {progress}")
        if status.problems:
            return Content(f"⚠ incomplete · {answered}{errors} · {'; '.join(status.problems)}")
        age = view.age or 0.0
        if view.stale:
            return Content(
                f"⚠ stale: quoted {display.duration(age)} ago, past the {STALE_AFTER:g} s the"
                f" guide allows · r to re-quote{auto}"
            )
        if view.promo_ignored:
            return Content(
                f"⚠ no channel applied promo {view.promo_ignored} · {answered}"
                f" · quote age {int(age)} s{auto}"
            )
        return Content(f"✓ {answered}{errors} · quote age {int(age)} s{auto}")
