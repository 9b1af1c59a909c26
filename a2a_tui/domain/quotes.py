"""Quote requests and the events every provider's stream is converted into.

Providers speak their own wire formats; the engine and the UI see only
these types. Amounts are smallest-unit ints of the destination token, so
quotes from different providers compare with integer arithmetic.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

from a2a_tui.domain.text import inert
from a2a_tui.domain.tokens import Token

__all__ = [
    "ChannelFailed",
    "ChannelRef",
    "ChannelsExpected",
    "Quote",
    "QuoteEvent",
    "QuoteSource",
    "QuoteSpec",
    "SourceFinished",
]


@dataclass(frozen=True, slots=True)
class QuoteSpec:
    """What the trader asked for."""

    src: Token
    dst: Token
    amount_in: int
    slippage: Fraction
    promo_code: str | None = None
    channel_id: int | None = None


@dataclass(frozen=True, slots=True)
class ChannelRef:
    source: str
    channel_id: int | None
    name: str


@dataclass(frozen=True, slots=True)
class Quote:
    """One channel's answer. Text fields are already inert (see `domain.text`);
    ``wire`` is the provider's object as received, for the detail view only,
    and reachable as text only through `display_fields`."""

    source: str
    channel_id: int
    name: str
    out_amount: int  # net of every fee, destination smallest units
    out_usd: Decimal | None
    fee_pct: Decimal  # effective, after any promo
    fee_pct_original: Decimal
    promo_applied: bool
    discount_pct: Decimal | None
    icon: str
    wire: Mapping[str, object]

    def display_fields(self) -> list[tuple[str, str]]:
        """Every wire field as inert text, JSON-spelled (``null``, ``false``).

        Computed on demand: only the detail panel needs it, and doing it per
        event cost more than parsing the event.
        """
        return [
            (inert(name, limit=40), inert(_json_text(value), limit=400))
            for name, value in self.wire.items()
        ]


def _json_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, default=str)


@dataclass(frozen=True, slots=True)
class ChannelFailed:
    """A channel answered with an error; ``channel_id`` None is the source as a whole."""

    source: str
    channel_id: int | None
    message: str


@dataclass(frozen=True, slots=True)
class ChannelsExpected:
    """The channels a source will ask, when it can tell in advance: before its
    first answer, or never (the merger drops a late one)."""

    source: str
    channels: tuple[ChannelRef, ...]


@dataclass(frozen=True, slots=True)
class SourceFinished:
    """Emitted by the merger when a source's stream ends; ``complete`` is False
    when it ended without its end-of-quote marker, failed, or ran out of time."""

    source: str
    complete: bool
    message: str | None = None


QuoteEvent = Quote | ChannelFailed | ChannelsExpected | SourceFinished


class QuoteSource(Protocol):
    """A provider, as the quote engine sees it."""

    @property
    def id(self) -> str:
        """Stable key, also the row-key prefix (``any2any``)."""
        ...

    @property
    def label(self) -> str:
        """Shown in the provider column (``Any2Any``)."""
        ...

    def unsupported_reason(self, spec: QuoteSpec) -> str | None:
        """None if this source can quote ``spec``; else a short reason to show."""
        ...

    def stream(self, spec: QuoteSpec) -> AsyncIterator[Quote | ChannelFailed | ChannelsExpected]:
        """Events as they arrive; ending normally means the quote is complete,
        raising means it is not (the exception's text says why). Cancelling
        the iteration must release the connection."""
        ...
