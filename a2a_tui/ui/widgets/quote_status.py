"""One line that says where the quote stands: progress, errors, age, staleness.

What matters most comes first, behind a mark that reads without colour:
``≠`` the board is for a previous request, ``⚠`` stale or incomplete, ``✗``
nothing answered, ``■`` stopped, ``✓`` done. The age shown is the best
row's, counted from its own arrival, so a price never looks newer than it is.

The line is composed for its width, never cut: each part has forms (``9 of 12
routes answered``, ``9/12 routes``) and priorities; with too little room the
least important step is taken first (a short form, or the part dropped whole),
and what the mark stands for stays. Auto-refresh is a badge at the right end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from a2a_tui.domain import display
from a2a_tui.domain.failures import advice
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
    notice: tuple[str, ...] = ()  # e.g. tokens failed to load: (what, *what to do); inert
    notice_short: str = ""  # the notice's lead in fewer words, for a narrow line; inert
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


#: A part's forms, longest first, each with the priority at which it is given
#: up (for the next form, or the part itself after the last); None: never.
Form = tuple[str, int | None]


@dataclass(frozen=True, slots=True)
class Part:
    forms: tuple[Form, ...]

    @classmethod
    def of(cls, *forms: Form) -> Part:
        return cls(tuple(forms))


def _lead(*texts: str, first: int = 38) -> Part:
    """The line's most important part: never dropped. Its longest form goes at
    priority ``first``, its shorter ones only when nothing else is left."""
    steps: list[Form] = [(text, first if i == 0 else 90 + i) for i, text in enumerate(texts[:-1])]
    return Part.of(*steps, (texts[-1], None))


def status_line(view: StatusView, width: int | None = None) -> str:
    """The line as plain text (server text in it is inert already), composed to
    fit ``width`` cells: parts are never cut; with too little room the less
    important ones take a short form, then go whole. The auto-refresh badge
    stays at the right end."""
    mark, parts = _parts(view)
    badge = ("auto paused" if view.previous else "auto") if view.auto_refresh else ""
    return compose(mark, parts, badge, width)


def compose(mark: str, parts: list[Part], badge: str = "", width: int | None = None) -> str:
    """``mark`` and ``parts`` joined by `` · ``, the ``badge`` right-aligned.

    Each part is in its longest form unless the line is too long: then the
    step (a shorter form, or dropping the part) with the lowest priority is
    taken, and the next, until it fits. A lead that is still too long at its
    shortest is ended with ``…`` between words, never inside one, and the
    parts kept after it stay whole.
    """
    chosen = [0] * len(parts)  # each part's form; len(forms): dropped
    steps = sorted(
        (priority, -index, index, form)
        for index, part in enumerate(parts)
        for form, (_, priority) in enumerate(part.forms)
        if priority is not None
    )
    room = None if width is None else width - (len(badge) + 2 if badge else 0)

    def text() -> str:
        words = [p.forms[f][0] for p, f in zip(parts, chosen, strict=True) if f < len(p.forms)]
        line = " · ".join(words)
        return f"{mark} {line}" if mark and line else mark or line

    line = text()
    taken: list[tuple[int, int]] = []  # (part, the form it had)
    for _, _, index, form in steps:
        if room is None or len(line) <= room:
            break
        if chosen[index] == form:
            taken.append((index, form))
            chosen[index] = form + 1
            line = text()
    # a step taken early may be undone once later ones made room (a short part
    # dropped before a long one that had to go anyway)
    for index, form in reversed(taken[:-1]):
        if room is not None and chosen[index] == form + 1:
            chosen[index] = form
            if len(trial := text()) <= room:
                line = trial
            else:
                chosen[index] = form + 1
    if room is not None and len(line) > room:
        line = _clip_lead(mark, [p.forms[f][0] for p, f in zip(parts, chosen, strict=True)
                                 if f < len(p.forms)], room)  # fmt: skip
    if not badge:
        return line
    if width is None:
        return f"{line}  {badge}"
    return f"{line}{' ' * max(2, width - len(line) - len(badge))}{badge}"


def _shorter(text: str) -> list[str]:
    """``text``, then without what follows its last `` · `` or `` (``, and so on:
    the forms of a message that still say what it is (``cannot connect to
    host · is `a2a-tui sim` running?``, then ``cannot connect to host``)."""
    forms = [text]
    while True:
        cut = max(forms[-1].rfind(" · "), forms[-1].rfind(" ("))
        if cut <= 0:
            return forms
        forms.append(forms[-1][:cut])


def _clip_lead(mark: str, words: list[str], room: int) -> str:
    """The line in ``room`` cells when even its shortest forms are too long: the
    lead (the first part) is ended with ``…`` so that the parts after it (what to
    do next) stay whole; only when they alone fill the room is the line ended."""
    prefix = f"{mark} " if mark else ""
    lead, rest = (words[0], " · ".join(words[1:])) if words else ("", "")
    left = room - len(prefix) - (len(rest) + 3 if rest else 0)
    if rest and left >= 8:  # room for a few words of what failed
        return f"{prefix}{_clip_words(lead, left)} · {rest}"
    return _clip_words(f"{prefix}{' · '.join(words)}", max(room, 1))


def _clip_words(text: str, width: int) -> str:
    """``text`` in ``width`` cells, ended with ``…`` where a word ends."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    head = text[:cut] if cut > 0 else text[: width - 1]
    return head.rstrip(" ·") + "…"


def _parts(view: StatusView) -> tuple[str, list[Part]]:
    """(mark, parts) in the order shown; what the mark stands for leads."""
    if view.notice:
        # what to do next (ctrl+r to retry) is never given up: the lead's own words are
        lead, *rest = view.notice
        forms = _shorter(lead)
        forms += [f for f in _shorter(view.notice_short) if f and len(f) < len(forms[-1])]
        return "⚠", [_lead(*forms, first=86), *(Part.of((text, None)) for text in rest)]
    status = view.status
    if status is None:
        return "", [_lead("Pick a pair and an amount, then press Enter.")]
    mark, parts = _board_parts(view, status)
    if view.running and view.request is not None:
        human, units = view.request
        parts = [_lead(f"quoting {human} ({units})", f"quoting {human}", first=12), *parts]
    leads: list[tuple[str, Part]] = []
    if view.hint:
        leads.append(("⚠", _lead(*_shorter(view.hint))))
    if view.previous:
        leads.append(("≠", _lead(
            f"previous request: {view.previous} · Enter to quote the new one",
            "previous request · Enter quotes the new one",
            "previous request",
            first=70,
        )))  # fmt: skip
    if view.stale:
        assert view.age is not None
        age = display.duration(view.age)
        limit = (
            f"past its own {view.lifetime:.0f} s expiry"
            if view.lifetime is not None
            else f"over the guide's {STALE_AFTER:g} s"
        )
        leads.append(("⚠", _lead(
            f"stale: best quoted {age} ago ({limit}) · r to re-quote",
            f"stale: best quoted {age} ago · r to re-quote",
            f"stale: {age} old · r to re-quote",
            f"stale: {age} old",
        )))  # fmt: skip
    if view.warning and mark == "✓":
        code = view.promo_ignored
        leads.append(("⚠", _lead(f"no channel applied promo {code}", f"promo {code} not applied")))
    if leads:
        mark = leads[0][0]
        # the first says what the mark means; the others give way to it, then to the board's own
        parts = [
            leads[0][1],
            *(_demoted(p, 70 - i) for i, (_, p) in enumerate(leads[1:])),
            *(_demoted(p, 65) for p in parts),
        ]
    return mark, parts


def _demoted(part: Part, top: int) -> Part:
    """A lead that is not the line's lead: given up like any part, at most at ``top``."""
    forms = part.forms
    return Part(tuple((text, min(p if p is not None else top, top)) for text, p in forms))


def _board_parts(view: StatusView, status: BoardStatus) -> tuple[str, list[Part]]:
    """The board's own state: (mark, parts), before staleness and the form are considered.

    A board of one source counts its channels; of several, the sources, then
    their routes (Any2Any's channels and every direct provider's quotes).
    """
    several = status.sources > 1
    noun = "routes" if several else "channels"
    # an incomplete board's count gives way to why it is incomplete
    keep = 80 if status.phase is BoardPhase.INCOMPLETE else 88
    if status.expected is not None:
        of = f"{status.answered} of {status.expected}"
        answered = Part.of(
            (f"{of} {noun} answered", 40), (f"{status.answered}/{status.expected} {noun}", keep)
        )
    else:
        answered = Part.of((f"{status.answered} answered", keep))
    sources = [Part.of((f"{status.sources} sources", 10))] if several else []
    nothing = "no route answered" if several else "no channel answered"
    errors_text = f"{status.failed} error{'s' if status.failed != 1 else ''}"
    errors = Part.of((errors_text, 45 if status.failed else 15))
    fresh = view.age is not None and not view.stale  # a stale age is said up front instead
    seconds = int(view.age or 0)
    age = [Part.of((f"best quote {seconds} s old", 35), (f"age {seconds} s", 75))] if fresh else []
    match status.phase:
        case BoardPhase.STREAMING:
            elapsed = Part.of((display.duration(view.elapsed), 20))
            return "", [*sources, answered, errors, elapsed, *age]
        case BoardPhase.STOPPED:
            by = _lead(f"stopped by {status.stopped_by}")
            if not status.answered:
                return "■", [by, Part.of((nothing, 80)), Part.of(("r to re-quote", 85))]
            of = f" of {status.expected}" if status.expected is not None else ""
            slash = f"/{status.expected}" if status.expected is not None else ""
            unanswered = f", {status.stopped} unanswered" if status.stopped else ""
            count = Part.of(
                (f"{status.answered}{of} answered{unanswered}", 40),
                (f"{status.answered}{slash} answered", 88),
            )
            failed = [errors] if status.failed else []
            return "■", [by, *sources, count, *failed, *age]
        case _ if not status.answered:
            # a source that failed as a whole says why first (cannot connect, and to what);
            # the error list leaves out what that says already
            said = [p.partition(": ")[2] for p in status.problems]
            listed = (
                f"{errors_text}{_error_list(tuple(e for e in view.errors if e[0] not in said))}"
            )
            first, *others = [*status.problems, nothing] if status.problems else [nothing]
            # retry only where it can succeed (a timeout, a 5xx, a rate limit); a refusal
            # of the request (insufficient liquidity) names what to change instead
            retry, step = advice([*status.problems, *(e[0] for e in view.errors)])
            remedy = "r to retry" if retry or (step is None and not view.errors) else step
            return "✗", [
                _lead(*_shorter(first), first=86),
                *([Part.of((remedy, 85))] if remedy else []),
                *(Part.of((p, 50)) for p in others),
                Part.of((listed, 40), (errors_text, 60)) if listed != errors_text
                else Part.of((errors_text, 60)),
            ]  # fmt: skip
        case BoardPhase.INCOMPLETE:
            problems = [Part.of(*((f, 86) for f in _shorter(p))) for p in status.problems]
            return "⚠", [_lead("incomplete"), *sources, answered, errors, *problems, *age]
        case _:
            answered = Part((*answered.forms[:-1], (answered.forms[-1][0], None)))
            return "✓", [*sources, answered, errors, *age]


def _error_list(errors: tuple[tuple[str, int], ...]) -> str:
    if not errors:
        return ""
    shown = [f"{message} ×{n}" if n > 1 else message for message, n in errors[:_ERRORS_SHOWN]]
    more = ", …" if len(errors) > _ERRORS_SHOWN else ""
    return f": {', '.join(shown)}{more}"
