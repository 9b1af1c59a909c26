"""Quote requests and the events every provider's answer is converted into.

Providers speak their own wire formats; the engine and the UI see only
these types. A route is named provider-neutrally (`RouteId`: the source's
id and the source's own id for the route, Any2Any's channel number being one
case). Amounts are smallest-unit ints, with the decimals they are counted
in, so quotes from different providers compare with integer arithmetic.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple, Protocol

from a2a_tui.domain.text import inert
from a2a_tui.domain.tokens import AssetId, Token

__all__ = [
    "ChannelFailed",
    "ChannelRef",
    "ChannelsExpected",
    "FeeLine",
    "Quote",
    "QuoteEvent",
    "QuoteSource",
    "QuoteSpec",
    "RouteId",
    "RouteKey",
    "SourceFinished",
    "SourceUnavailable",
    "not_available",
]

#: A source's own id for one of its routes: Any2Any's channel number (an int),
#: a SwapKit route's providers (``"THORCHAIN"``); None: the source as a whole,
#: which is also the one route of a source that answers with a single quote.
RouteKey = int | str | None


class RouteId(NamedTuple):
    """Which route of which source: the board's row key.

    A tuple, so ``("any2any", 101)`` is the same key. Never ordered: the
    board sorts by its own keys, in which each RouteId is unique.
    """

    source: str
    route: RouteKey = None


@dataclass(frozen=True, slots=True)
class QuoteSpec:
    """What the trader asked for."""

    src: Token
    dst: Token
    amount_in: int
    slippage: Fraction
    promo_code: str | None = None
    channel_id: int | None = None


def _channel(route: RouteKey) -> int | None:
    return route if isinstance(route, int) and not isinstance(route, bool) else None


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A route a source will ask, announced before it answers."""

    source: str
    route_id: RouteKey
    name: str

    @property
    def key(self) -> RouteId:
        return RouteId(self.source, self.route_id)

    @property
    def channel_id(self) -> int | None:
        """Any2Any's channel number; None for another source's route."""
        return _channel(self.route_id)


@dataclass(frozen=True, slots=True)
class FeeLine:
    """One fee as its provider states it, for the detail panel: an amount of
    a token (smallest units and the decimals they count in), a USD value, a
    rate in basis points, or several of these."""

    label: str
    units: int | None = None
    decimals: int | None = None
    symbol: str = ""
    usd: Decimal | None = None
    bps: Decimal | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Quote:
    """One route's answer. Text fields are already inert (see `domain.text`);
    ``wire`` is the provider's object as received, for the detail view only,
    and reachable as text only through `display_fields`.

    ``out_amount`` is net of every fee the provider deducts from the output,
    in smallest units counted with ``out_decimals`` (None: the destination
    token's own); ``asset`` is what it delivers when that is not the asked-for
    destination (a provider's wrapped coin): such a quote is not ranked
    against the others. ``valid_for`` is the quote's own lifetime in seconds
    from its arrival, when the provider states one (Changelly's
    ``expires_at``); otherwise a price is stale after the guide's 10 s.
    """

    source: str
    route_id: RouteKey
    name: str
    out_amount: int
    out_usd: Decimal | None
    fee_pct: Decimal | None  # effective, after any promo; None: not stated as a rate
    fee_pct_original: Decimal | None = None
    promo_applied: bool | None = None  # None: the source has no promo codes
    discount_pct: Decimal | None = None
    icon: str = ""
    wire: Mapping[str, object] = field(default_factory=dict)
    out_decimals: int | None = None
    asset: AssetId | None = None
    asset_label: str = ""
    min_out: int | None = None  # the provider's own worst case, same units as out_amount
    eta: float | None = None  # seconds until the bought asset arrives, as the provider says
    warnings: tuple[str, ...] = ()
    fees: tuple[FeeLine, ...] = ()
    price_impact_pct: Decimal | None = None
    route_text: str = ""  # a short summary of the path (venues, split)
    provider_tags: tuple[str, ...] = ()  # the provider's own labels (SwapKit's RECOMMENDED)
    expires_at: datetime | None = None
    valid_for: float | None = None

    @property
    def key(self) -> RouteId:
        return RouteId(self.source, self.route_id)

    @property
    def channel_id(self) -> int | None:
        """Any2Any's channel number (what an order body carries); None otherwise."""
        return _channel(self.route_id)

    def decimals(self, destination: Token) -> int:
        """The decimals ``out_amount`` counts in."""
        return destination.decimals if self.out_decimals is None else self.out_decimals

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
    """A route answered with an error; ``route_id`` None is the source as a whole."""

    source: str
    route_id: RouteKey
    message: str

    @property
    def key(self) -> RouteId:
        return RouteId(self.source, self.route_id)

    @property
    def channel_id(self) -> int | None:
        return _channel(self.route_id)


@dataclass(frozen=True, slots=True)
class ChannelsExpected:
    """The channels a source will ask, when it can tell in advance: before its
    first answer, or never (the merger drops a late one)."""

    source: str
    channels: tuple[ChannelRef, ...]


@dataclass(frozen=True, slots=True)
class SourceFinished:
    """Emitted by the merger when a source's stream ends; ``complete`` is False
    when it ended without its end-of-quote marker, failed, or ran out of time.
    ``available`` False: the source could not be asked at all (the pair, its
    settings or credentials, a request budget spent); ``message`` says why,
    and that is not an error of the quote."""

    source: str
    complete: bool
    message: str | None = None
    available: bool = True


class SourceUnavailable(Exception):
    """Raised by a source's stream before it asks anything: this source cannot
    quote the request now. ``str()`` is the row's text, already inert
    (``not available: Kaia only``, ``held back until 14:02:11 (...)``)."""


def not_available(reason: str) -> str:
    return f"not available: {reason}"


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

    @property
    def tag(self) -> str:
        """At most 3 characters, where the provider column has no room (``OKX``)."""
        ...

    def unsupported_reason(self, spec: QuoteSpec) -> str | None:
        """None if this source can quote ``spec``; else a short reason to show
        (the board writes it as ``not available: <reason>``). Cheap and
        synchronous: what needs I/O (credentials) is the stream's, which then
        raises `SourceUnavailable`."""
        ...

    def stream(self, spec: QuoteSpec) -> AsyncIterator[Quote | ChannelFailed | ChannelsExpected]:
        """Events as they arrive; ending normally means the quote is complete,
        raising means it is not (the exception's text says why). Cancelling
        the iteration must release the connection."""
        ...
