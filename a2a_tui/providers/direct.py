"""What every direct provider's quote source shares: when it cannot be asked,
its one placeholder row, credentials read off the event loop, one client
kept per set of credentials, and the conversions every adapter makes.

A direct provider answers one request with one quote (SwapKit: a few
routes), so its source announces one pending row named after itself, then
replaces it with its answer, its error (a refusal, a timeout: that row's
error, as a channel's is, and the quote stays complete), or why it could
not be asked. The
client, its wire models and any signing library are imported on a worker
thread the first time a quote needs them: start-up never pays for them, and
no other source's rows wait while they load.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from a2a_tui.domain.amounts import percent_of, rescale
from a2a_tui.domain.credentials import secret_spec
from a2a_tui.domain.quotes import (
    ChannelFailed,
    ChannelRef,
    ChannelsExpected,
    Quote,
    QuoteSpec,
    SourceUnavailable,
    not_available,
)
from a2a_tui.domain.tokens import Token
from a2a_tui.providers.http.errors import ProviderError, describe
from a2a_tui.providers.spec import SourceContext

if TYPE_CHECKING:
    from pydantic import SecretStr

    from a2a_tui.providers.assets import Asset

__all__ = ["DirectSource", "Pair", "fee_share", "usd_value"]

Event = Quote | ChannelFailed | ChannelsExpected

#: One client built at a time, whichever source: a first build imports modules
#: (Python work that holds the GIL), and three at once starved the event loop
#: reading the other sources' answers; one at a time it keeps half of it.
_BUILDING = threading.Lock()


class _Closable(Protocol):
    async def aclose(self) -> None: ...


C = TypeVar("C", bound=_Closable)


class Pair:
    """The request's two tokens as the registry knows them."""

    __slots__ = ("dst", "src")

    def __init__(self, src: Asset, dst: Asset) -> None:
        self.src, self.dst = src, dst


def usd_value(units: int, decimals: int, price: Decimal | None) -> Decimal | None:
    """``units`` at ``price`` (USD per whole token), exactly; None without a price."""
    if price is None:
        return None
    return Decimal(units).scaleb(-decimals) * price


def fee_share(fee: int, of: int) -> Decimal | None:
    """A fee as a percentage of the amount it was taken from."""
    return percent_of(Fraction(fee), Fraction(of))


class DirectSource(Generic[C]):
    """A direct provider as a `QuoteSource`. Subclasses say which credentials
    they need, which pairs they serve, how to build a client and how to turn
    its answer into quotes."""

    id: str
    label: str
    tag: str

    def __init__(self, context: SourceContext) -> None:
        self.context = context
        self._client: C | None = None
        self._fingerprint = ""
        self._building = threading.Lock()  # a quote and `warm` may both be on threads
        self._retired: list[C] = []  # clients of credentials since changed: closed on the loop

    # -- what a subclass says ----------------------------------------------------

    def required(self) -> tuple[str, ...]:
        """Credential entry names a quote needs (given the settings)."""
        raise NotImplementedError

    def optional(self) -> tuple[str, ...]:
        """Credential entry names used when set."""
        return ()

    def pair_reason(self, spec: QuoteSpec) -> str | None:
        """Why this provider cannot quote the pair, before looking at the registry."""
        return None

    def build(self, secrets: dict[str, SecretStr | None]) -> C:
        """A client (on a worker thread: it may import and load keys). ValueError
        or TypeError: the credentials do not load, which is said as such."""
        raise NotImplementedError

    def quotes(self, client: C, spec: QuoteSpec, pair: Pair) -> AsyncIterator[Event]:
        raise NotImplementedError

    # -- the QuoteSource ----------------------------------------------------------

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.context.settings)

    def unsupported_reason(self, spec: QuoteSpec) -> str | None:
        if not self.context.settings.get("enabled"):
            return f"disabled in settings ([providers.{self.id}] enabled)"
        if spec.channel_id is not None:
            return "the quote is for one Any2Any channel"
        reason = self.pair_reason(spec)
        if reason is not None:
            return reason
        found = self._pair(spec)
        return found if isinstance(found, str) else None

    def _pair(self, spec: QuoteSpec) -> Pair | str:
        assets = self.context.assets()
        found = []
        for token in (spec.src, spec.dst):
            asset = assets.find(token.chain.key, token.contract_address)
            if asset is None:
                return f"{token.label} is not in the token registry"
            if getattr(asset, self.id, None) is None:
                return f"no {self.label} name for {token.label} (the token registry)"
            found.append(asset)
        return Pair(found[0], found[1])

    async def stream(self, spec: QuoteSpec) -> AsyncIterator[Event]:
        yield ChannelsExpected(self.id, (ChannelRef(self.id, None, self.label),))
        pair = self._pair(spec)
        if isinstance(pair, str):  # the registry changed since unsupported_reason
            raise SourceUnavailable(not_available(pair))
        if self._client is None:  # a first build: not while another row is on its way
            await self.context.hold()
        client = await asyncio.to_thread(self._ready)
        await self._close_retired()
        try:
            async for event in self.quotes(client, spec, pair):
                yield event
        except ProviderError as exc:  # the provider's refusal is its row's error, as a
            yield ChannelFailed(self.id, None, describe(exc))  # channel's is; not a broken quote

    def warm(self, src: Token, dst: Token) -> None:
        """On a worker thread, ahead of a quote for this pair: load what the
        first request would (the client, its signing library, the key), so
        that row does not wait for them. Nothing for a pair this source would
        not quote; quietly nothing it cannot do."""
        spec = QuoteSpec(src, dst, 1, Fraction(1, 100))
        with contextlib.suppress(Exception):
            if self.unsupported_reason(spec) is None:
                self._ready()

    def _ready(self) -> C:
        """On a worker thread: the credentials (the keyring may block) and a
        client for them (the previous one, if they changed, is retired)."""
        with self._building:
            return self._ready_locked()

    async def _close_retired(self) -> None:
        while self._retired:
            await self._retired.pop().aclose()

    def _ready_locked(self) -> C:
        names = self.required()
        secrets = {name: self.context.get(name) for name in (*names, *self.optional())}
        missing = [_label(name) for name in names if secrets[name] is None]
        if missing:
            raise SourceUnavailable(not_available(f"no {', '.join(missing)} set"))
        fingerprint = hashlib.sha256(
            "\0".join(
                [self.context.base_url, *(v.get_secret_value() for v in secrets.values() if v)]
            ).encode()
        ).hexdigest()
        if self._client is not None and fingerprint == self._fingerprint:
            return self._client
        try:
            with _BUILDING:
                client = self.build(secrets)
        except (ValueError, TypeError):  # their text could echo key material: not shown
            raise SourceUnavailable(
                not_available("the stored credentials do not load (the settings' Test says why)")
            ) from None
        if self._client is not None:
            self._retired.append(self._client)
        self._client, self._fingerprint = client, fingerprint
        return client

    async def aclose(self) -> None:
        await self._close_retired()
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    # -- conversions --------------------------------------------------------------

    def amount_for(self, spec: QuoteSpec, asset: Asset) -> int:
        """The amount in the units this provider counts the sold token in."""
        units = rescale(spec.amount_in, spec.src.decimals, asset.decimals_for(self.id))
        if units is None:
            raise SourceUnavailable(
                not_available(f"the amount has more decimals than {self.label} counts")
            )
        return units

    @staticmethod
    def asset_name(assets: Callable[[], Any], chain: str, contract: str | None) -> str:
        found = assets().find(chain, contract)
        return str(found.key) if found is not None else f"{contract or 'native'}@{chain}"


def _label(name: str) -> str:
    spec = secret_spec(name)
    return name if spec is None else spec.label
