"""Which failures a retry can cure, and what to do about the others.

The guide names what is worth asking again: timeouts and server or upstream
errors (0.3: 500/502; 1.4: ``quote service timed out``/``unavailable``; 1.7:
``upstream timeout``), rate limits, and ``order_state_changed_retry`` (3.7).
A refusal of the request itself (insufficient liquidity, an amount below a
minimum, no route) comes back the same however often it is asked: offering
"retry" there wastes the user's time, so it names the next step instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

__all__ = ["advice", "lowest_minimum", "next_step", "retry_helps", "what_next"]

#: A refusal naming its minimum, as the host words it: ``… minimum (25 USD)``.
_MINIMUM = re.compile(r"minimum \(([0-9]+(?:\.[0-9]+)?) ([A-Za-z]{1,10})\)")

#: Words of a failure that another attempt can get past (matched in lower case).
_TRANSIENT = (
    "timeout",
    "timed out",
    "in time",
    "rate limit",
    "unavailable",
    "upstream error",
    "server error",
    "http 5",
    "order_state_changed_retry",
    "cannot connect",
    "connection",
    "lost",
    "no answer",
    "stream ended",
    "held back",
)

#: A refusal of the request and what the user can change, most specific first.
_NEXT_STEPS = (
    ("insufficient liquidity", "lower the amount or pick another channel"),
    ("too large", "lower the amount"),
    ("minimum", "raise the amount"),
    ("too small", "raise the amount"),
    ("no route", "pick another pair or channel"),
    ("not found", "pick another token or channel"),
    ("no available channels", "pick another pair"),
)


def retry_helps(message: str) -> bool:
    """Whether asking again, unchanged, can succeed (the guide's transient failures)."""
    text = message.lower()
    return any(word in text for word in _TRANSIENT)


def next_step(message: str) -> str | None:
    """What to change for a refusal that a retry cannot cure, if it is known."""
    text = message.lower()
    return next((step for word, step in _NEXT_STEPS if word in text), None)


def advice(messages: Iterable[str]) -> tuple[bool, str | None]:
    """For a set of failures: whether a retry can help (any one transient), else the
    next step of the first refusal whose remedy is known."""
    said = list(messages)
    if any(retry_helps(m) for m in said):
        return True, None
    return False, next((s for m in said if (s := next_step(m)) is not None), None)


def lowest_minimum(messages: Iterable[str]) -> str | None:
    """The lowest minimum the refusals name (``1 USD``), in the unit named first:
    the amount that would pass at least one of those channels. None if none does."""
    named = [(Decimal(m.group(1)), m.group(2)) for text in messages
             for m in _MINIMUM.finditer(text)]  # fmt: skip
    if not named:
        return None
    unit = named[0][1]
    lowest = min(value for value, u in named if u == unit)
    return f"{lowest} {unit}"


def what_next(problems: Sequence[str], errors: Sequence[tuple[str, int]]) -> str | None:
    """The next step when no channel quoted: ``problems`` the source's own, ``errors``
    the channels' messages with their counts. A retry does not lift a minimum, so
    one named makes "raise the amount to at least 1 USD" the step, "try again
    shortly" beside it when something else failed that a retry can cure (first
    when more channels failed that way than for the minimum)."""
    retry, step = advice([*problems, *(m for m, _ in errors)])
    minimum = lowest_minimum(m for m, _ in errors)
    if minimum is None:
        return "try again shortly" if retry else step
    raise_it = f"raise the amount to at least {minimum}"
    if not retry:
        return raise_it
    below = sum(n for m, n in errors if _MINIMUM.search(m))
    curable = sum(n for m, n in errors if retry_helps(m)) + sum(map(retry_helps, problems))
    if below >= curable:
        return f"{raise_it}, or try again shortly"
    return f"try again shortly, or {raise_it}"
