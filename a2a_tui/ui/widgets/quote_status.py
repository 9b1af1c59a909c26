"""One line that says where the quote stands: progress, errors, age, staleness.

What matters most comes first, behind a mark that reads without colour:
``≠`` the board is for a previous request, ``⚠`` stale or incomplete, ``✗``
nothing answered, ``■`` stopped, ``✓`` done. The age shown is the best
row's, counted from its own arrival, so a price never looks newer than it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from a2a_tui.domain import display
from a2a_tui.engine.board import STALE_AFTER, BoardPhase, BoardStatus
from a2a_tui.ui.glyphs import GLYPHS

__all__ = ["QuoteStatus", "StatusView"]

#: How many distinct error messages a "nothing answered" line spells out.
_ERRORS_SHOWN = 3


@dataclass(frozen=True, slots=True)
class StatusView:
    """Everything the line shows; the screen builds it, the widget only draws."""

    status: BoardStatus | None = None
    elapsed: float = 0.0  # since the request, until it ended
    age: float | None = None  # the best row's, since its price arrived; None: no quote
    errors: tuple[tuple[str, int], ...] = ()  # failures by message (read when none answered)
    previous: str | None = None  # the board's request, when the form no longer matches it
    auto_refresh: bool = False
    hint: str | None = None  # a refused choice, a row that is gone; already inert
    notice: str | None = None  # e.g. tokens failed to load; already inert
    request: tuple[str, str] | None = None  # what is being quoted: ("1,000 ETH", "10²¹ units")
    promo_ignored: str | None = None  # a promo code no answering channel applied; inert
    stale_now: bool | None = None  # the board's word; None: the age against the guide's 10 s
    lifetime: float | None = None  # the best quote's own stated lifetime, if any

    @property
    def running(self) -> bool:
        return self.status is not None and self.status.phase is BoardPhase.STREAMING

    @property
    def stale(self) -> bool:
        if self.stale_now is not None:
            return self.stale_now
        return self.age is not None and self.age > STALE_AFTER

    @property
    def nothing_answered(self) -> bool:
        status = self.status
        return status is not None and not self.running and status.answered == 0

    @property
    def problem(self) -> bool:
        status = self.status
        return bool(self.notice) or (
            status is not None
            and not self.stale
            and (status.phase is BoardPhase.INCOMPLETE or self.nothing_answered)
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
        stale_like = not view.problem and (view.stale or bool(view.previous))
        self.set_class(stale_like, "-stale")
        stopped = view.status is not None and view.status.phase is BoardPhase.STOPPED
        self.set_class(stopped and not view.problem and not stale_like, "-stopped")
        self.set_class(view.warning and not stale_like and not stopped, "-warning")

    def render(self) -> Content:
        return Content(GLYPHS.text(status_line(self.view, self.content_size.width or None)))


def status_line(view: StatusView, width: int | None = None) -> str:
    """The line as plain text (server text in it is inert already)."""
    if view.notice:
        return f"⚠ {view.notice}"
    status = view.status
    if status is None:
        auto = " · auto-refresh on" if view.auto_refresh else ""
        return f"Pick a pair and an amount, then press Enter.{auto}"
    mark, parts = _board_parts(view, status)
    if view.running and view.request is not None:
        human, units = view.request
        rest = " · ".join(parts)
        long = f"quoting {human} ({units}) · {rest}"
        fits = width is None or len(long) <= width
        parts = [f"quoting {human} ({units})" if fits else f"quoting {human}", *parts]
    if view.warning and mark == "✓":
        mark = "⚠"
        parts = [f"no channel applied promo {view.promo_ignored}", *parts]
    if view.stale:
        assert view.age is not None
        mark = "⚠"
        limit = (
            f"past its own {view.lifetime:.0f} s expiry"
            if view.lifetime is not None
            else f"over the guide's {STALE_AFTER:g} s"
        )
        parts = [
            f"stale: best quoted {display.duration(view.age)} ago ({limit}) · r to re-quote",
            *parts,
        ]
    if view.previous:
        mark = "≠"
        parts = [f"previous request: {view.previous} · Enter to quote the new one", *parts]
    if view.hint:
        mark = "⚠"
        parts = [view.hint, *parts]
    if view.auto_refresh:
        parts.append("auto-refresh paused" if view.previous else "auto-refresh on")
    sources = next((p for p in parts if p.endswith(" sources")), None)
    if sources is not None and width is not None and len(" · ".join(parts)) + 2 > width:
        parts.remove(sources)  # the rows name their providers; the age matters more
    text = " · ".join(parts)
    return f"{mark} {text}" if mark else text


def _board_parts(view: StatusView, status: BoardStatus) -> tuple[str, list[str]]:
    """The board's own state: (mark, parts), before staleness and the form are considered.

    A board of one source counts its channels; of several, the sources, then
    their routes (Any2Any's channels and every direct provider's quotes).
    """
    several = status.sources > 1
    noun = "routes" if several else "channels"
    answered = (
        f"{status.answered} of {status.expected} {noun} answered"
        if status.expected is not None
        else f"{status.answered} answered"
    )
    sources = [f"{status.sources} sources"] if several else []
    nothing = "no route answered" if several else "no channel answered"
    errors = f"{status.failed} error{'s' if status.failed != 1 else ''}"
    fresh = view.age is not None and not view.stale  # a stale age is said up front instead
    age = [f"best quote {int(view.age or 0)} s old"] if fresh else []
    match status.phase:
        case BoardPhase.STREAMING:
            return "", [*sources, answered, errors, display.duration(view.elapsed), *age]
        case BoardPhase.STOPPED:  # short: it must fit 80 columns with the age
            by = f"stopped by {status.stopped_by}"
            if not status.answered:
                return "■", [by, nothing, "r to re-quote"]
            of = f" of {status.expected}" if status.expected is not None else ""
            unanswered = f", {status.stopped} unanswered" if status.stopped else ""
            failed = [errors] if status.failed else []
            return "■", [by, *sources, f"{status.answered}{of} answered{unanswered}", *failed, *age]
        case _ if not status.answered:
            return "✗", [nothing, "r to retry", f"{errors}{_error_list(view.errors)}"]
        case BoardPhase.INCOMPLETE:
            return "⚠", ["incomplete", *sources, answered, errors, "; ".join(status.problems), *age]
        case _:
            return "✓", [*sources, answered, errors, *age]


def _error_list(errors: tuple[tuple[str, int], ...]) -> str:
    if not errors:
        return ""
    shown = [f"{message} ×{n}" if n > 1 else message for message, n in errors[:_ERRORS_SHOWN]]
    more = ", …" if len(errors) > _ERRORS_SHOWN else ""
    return f": {', '.join(shown)}{more}"
