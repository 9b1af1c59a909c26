"""The support desk: every order of this host, looked up, read, refunded, explained.

`SupportDesk` stands beside `OrderService` (it shares its host, key and
journal). It lists the journal's orders of this host plus the watch list,
looks an order up by number (and watches it), reads an order's detail for
the tracker (writing to the journal only what changed), merges the host's
``status_history`` with what the journal saw into one timeline, and
requests refunds: guide 3.4's rules checked first, the address checked for
the source chain, the request journaled before it leaves, retried when the
host says ``order_state_changed_retry`` (or does not answer: a repeat with
the same address is the same request, guide 3.5), and every answer of 3.7
turned into what to do next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from a2a_tui import __version__
from a2a_tui.domain.display import amount_to_send
from a2a_tui.domain.order_input import OrderInputError, address_hint, check_address
from a2a_tui.domain.orders import (
    FeeSnapshot,
    JournalState,
    OrderNumberError,
    OrderRecord,
    OrderStatus,
    OrderView,
    RefundAttempt,
    TokenRef,
    WatchRecord,
    parse_order_no,
    parse_status,
    status_label,
)
from a2a_tui.domain.refunds import (
    RefundAssessment,
    RefundPath,
    RefundReason,
    assess_refund,
)
from a2a_tui.domain.support import TimelineEntry, bundle_text, merge_timeline, next_step
from a2a_tui.domain.text import count, inert, sentence
from a2a_tui.infra.journal import TimelineEvent
from a2a_tui.providers.http.errors import ProviderError, describe
from a2a_tui.providers.registry import Any2AnyHost, ApiError, RefundRejected
from a2a_tui.services.orders import (
    OrderService,
    RetryPolicy,
    key_unreadable_message,
    record_tokens,
)

__all__ = [
    "OrderEntry",
    "OrderNumberError",
    "Polled",
    "RefundPolicy",
    "RefundResult",
    "SupportDesk",
    "host_offset",
    "parse_order_no",
]


#: Clocks closer than this are taken as agreeing (see `SupportDesk.now`).
SKEW = timedelta(seconds=90)


def host_offset(said: datetime | None, local: datetime) -> timedelta:
    """The host's clock less this machine's, from a ``Date`` the host has just sent
    (``local``: this machine's time then). A skew under `SKEW` is none (whole-second
    ``Date``, network delay; the refund rules leave 2 min of doubt around
    ``expire_at`` anyway)."""
    if said is None:
        return timedelta(0)
    offset = said - local
    return offset if abs(offset) >= SKEW else timedelta(0)


@dataclass(frozen=True, slots=True)
class OrderEntry:
    """One row of the orders screen: a journaled order (``created``), a request
    whose outcome is not known yet (``pending``), a looked-up one (``watched``), or
    an older journaled order whose number a reset host gave to another
    (``replaced``). Entries are told apart by journal entry, never merged by number
    across different ``client_order_id``s."""

    key: str  # the order number, or ``pending:<journal id>``, ``replaced:<journal id>``
    origin: Literal["created", "pending", "watched", "replaced"]
    view: OrderView | None
    since: datetime  # journaled, or added to the watch list
    record: OrderRecord | None = None
    watch: WatchRecord | None = None
    channel: str | None = None

    @property
    def order_no(self) -> str | None:
        """The number to ask the host about (none for a request not confirmed, or an
        order whose number the host has given to another since)."""
        return None if self.origin in ("pending", "replaced") else self.key

    @property
    def client_order_id(self) -> str | None:
        if self.view is not None and self.view.client_order_id:
            return self.view.client_order_id
        return None if self.record is None else self.record.client_order_id

    def with_view(self, view: OrderView) -> OrderEntry:
        return replace(self, view=view)


@dataclass(frozen=True, slots=True)
class Polled:
    view: OrderView
    changed: bool  # the detail differs from the last one read (status, deposit, refund...)


@dataclass(frozen=True, slots=True)
class RefundPolicy(RetryPolicy):
    """Bounded retries of one refund request: ``order_state_changed_retry``
    (guide 3.7) and no answer at all are sent again, the same address each time."""

    attempts: int = 4
    timeout: float = 30.0
    wait_initial: float = 0.3
    wait_max: float = 2.0
    wait_jitter: float = 0.3


Outcome = Literal["requested", "already_requested", "refused", "unknown", "bad_input"]


@dataclass(frozen=True, slots=True)
class RefundResult:
    """What came of a refund request, and what to do about it.

    ``up_front``: refused before anything was sent (the host would have);
    ``field``: the input to fix (``address``); ``on_record``: the refund
    address the host holds, when the answer was that it cannot change.
    """

    outcome: Outcome
    message: str
    reason: RefundReason | None = None
    view: OrderView | None = None
    path: RefundPath | None = None
    up_front: bool = False
    field: str | None = None
    on_record: str | None = None
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome in ("requested", "already_requested")


class SupportDesk:
    """Orders of one Any2Any host, for the orders screen, the tracker and the CLI."""

    def __init__(
        self,
        service: OrderService,
        *,
        wall_clock: Callable[[], datetime] | None = None,
        refund_policy: RefundPolicy | None = None,
    ) -> None:
        self.service = service
        self.journal = service.journal
        self.wall_clock = wall_clock or (lambda: datetime.now(UTC))
        self.refund_policy = refund_policy or RefundPolicy()
        self._tokens: dict[int, TokenRef] | None = None
        self._tokens_lock = asyncio.Lock()
        self._last: dict[str, Mapping[str, Any]] = {}  # order_no -> last detail read
        self._known: dict[str, tuple[OrderRecord | None, FeeSnapshot | None]] = {}
        self._manual: dict[str, bool] = {}  # order_no -> needs a manual confirmation
        #: Journal entries whose number the host now gives another order (a reset).
        self._replaced: set[int] = set()
        #: The host's clock less this machine's (see `now`).
        self.clock_offset = timedelta(0)

    # -- what the screens show -----------------------------------------------------

    @property
    def host_url(self) -> str:
        return self.service.host_url

    @property
    def key_entry(self) -> str | None:
        """The integrator key in use, by entry name (never the key)."""
        return self.service.backend.key_entry if self.service.key_sent else None

    def now(self) -> datetime:
        """The host's time, estimated: this machine's clock plus the offset the
        host's latest answer showed (its ``Date`` header). Every countdown, window
        and age of an order is computed against it (the host's ``expire_at`` is on
        its clock); times stamped here are shown as "seen here", secondary."""
        return self.host_time(self.wall_clock())

    def host_time(self, local: datetime) -> datetime:
        return local + self.clock_offset

    def sync_clock(self) -> None:
        """Take the offset from the host's latest answer (its ``Date``): call it right
        after one (a poll does; so does the order step once an order is placed). A
        change under 2 s is rounding."""
        host = self.service.backend.host
        said = None if host is None else host.server_date
        if said is None:
            return
        offset = host_offset(said, self.wall_clock())
        if abs(offset - self.clock_offset) >= timedelta(seconds=2) or not offset:
            self.clock_offset = offset

    async def _io(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def tokens(self) -> dict[int, TokenRef]:
        """The host's tokens by id, loaded once (a looked-up order has no journaled
        tokens); empty if they cannot be loaded, and tried again next time."""
        if self._tokens is not None:
            return self._tokens
        async with self._tokens_lock:
            if self._tokens is None:
                try:
                    loaded = await self.service.backend.load_tokens()
                except ProviderError:
                    return {}
                self._tokens = {t.token_id: TokenRef.of(t) for t in loaded}
        return self._tokens

    def _watched_view(self, watch: WatchRecord, tokens: Mapping[int, TokenRef]) -> OrderView | None:
        host = self.service.backend.host
        detail = watch.detail
        if host is None or not detail:
            return None
        ids = (detail.get("src_token_id"), detail.get("dst_token_id"))
        refs = tuple(tokens.get(i) if isinstance(i, int) else None for i in ids)
        return host.view_from_journal(detail, tokens=(refs[0], refs[1]), key_sent=None)

    async def entries(self) -> list[OrderEntry]:
        """This host's journaled orders (newest first), then its watch list."""
        tokens = await self.tokens()
        entries: list[OrderEntry] = await self._io(self._entries, tokens)
        return entries

    def _entries(self, tokens: Mapping[int, TokenRef]) -> list[OrderEntry]:
        host = self.host_url
        entries: list[OrderEntry] = []
        seen: set[str] = set()
        for record in self.journal.records(host=host):
            if record.state is JournalState.REFUSED:
                continue  # nothing exists on the host
            chosen = record.quote.get("chosen")
            channel = chosen.get("name") if isinstance(chosen, Mapping) else None
            channel = None if channel is None else inert(channel, limit=40)
            if record.state is JournalState.PENDING or record.order_no is None:
                entries.append(
                    OrderEntry(f"pending:{record.id}", "pending", None, record.journaled_at,
                               record, channel=channel)
                )  # fmt: skip
                continue
            if record.order_no in seen or record.id in self._replaced:
                # an older order under a number the host gave again (it was reset): its
                # own row, on the journal's view, never read (the number is another's now)
                entries.append(OrderEntry(f"replaced:{record.id}", "replaced",
                                          self.service.view_of(record), record.journaled_at,
                                          record, channel=channel))  # fmt: skip
                continue
            seen.add(record.order_no)
            entries.append(OrderEntry(record.order_no, "created", self.service.view_of(record),
                                      record.journaled_at, record, channel=channel))  # fmt: skip
        for watch in self.journal.watched(host=host):
            if watch.order_no in seen:
                continue
            entries.append(OrderEntry(watch.order_no, "watched", self._watched_view(watch, tokens),
                                      watch.added_at, watch=watch))  # fmt: skip
        return entries

    async def entry(self, order_no: str) -> OrderEntry | None:
        return next((e for e in await self.entries() if e.key == order_no), None)

    async def other_hosts(self, order_no: str) -> list[str]:
        """The other hosts the journal has ``order_no`` for (created or watched
        there): an order is read from the host it was made on."""
        hosts: list[str] = await self._io(self._other_hosts, order_no)
        return hosts

    def _other_hosts(self, order_no: str) -> list[str]:
        found = [r.host for r in self.journal.records() if r.order_no == order_no]
        found += [w.host for w in self.journal.watched() if w.order_no == order_no]
        return [h for h in dict.fromkeys(found) if h != self.host_url]

    # -- reading the host -------------------------------------------------------------

    def _host(self) -> Any2AnyHost:
        host = self.service.backend.host
        if host is None:
            raise RuntimeError("the support desk needs an Any2Any host")
        return host

    async def poll(self, order_no: str) -> Polled:
        """Read the order detail once; journal it only if it changed (the tracker
        reads hundreds of orders: an fsync per unchanged read would be waste).
        Raises `ProviderError`."""
        known = self._known.get(order_no)
        if known is None:
            known = self._known[order_no] = await self._io(self._lookup_record, order_no)
        record, fees = known
        tokens: dict[int, TokenRef] = {}
        if record is not None:
            tokens = {t.token_id: t for t in record_tokens(record) if t is not None}
        if not tokens:
            tokens = await self.tokens()
        view, raw = await self._host().order_detail(order_no, tokens=tokens)
        self.sync_clock()
        said = raw.get("client_order_id")
        if (
            record is not None
            and said
            and record.client_order_id
            and said != record.client_order_id
        ):
            # another order under the same number (the host was reset and reuses numbers):
            # never merged into this entry; the journal's entry for it, if any, instead
            self._replaced.add(record.id)
            known = self._known[order_no] = await self._io(self._record_of, order_no, said)
            record, fees = known
        changed = self._last.get(order_no) != raw
        if changed:
            self._last[order_no] = raw
            await self._remember(order_no, record, view, raw)
        if record is not None:
            merged = view.fees if fees is None else view.fees.merged(fees)
            view = replace(view, fees=merged, key_sent=record.key_fingerprint is not None)
        else:
            view = replace(view, key_sent=None)  # not created here: which key is unknown
        return Polled(view, changed)

    def _record_of(
        self, order_no: str, client_order_id: str
    ) -> tuple[OrderRecord | None, FeeSnapshot | None]:
        for record in self.journal.records(host=self.host_url):
            if record.order_no == order_no and record.client_order_id == client_order_id:
                creation = self.service.view_of(record)
                return record, None if creation is None else creation.fees
        return None, None

    def _lookup_record(self, order_no: str) -> tuple[OrderRecord | None, FeeSnapshot | None]:
        """The journal's entry for an order of this host, and its creation fees
        (an idempotent repeat's detail may lack them), read once per order."""
        record = self.journal.find_order(order_no)
        if record is None or record.host != self.host_url:
            return None, None
        creation = self.service.view_of(record)
        return record, None if creation is None else creation.fees

    async def _remember(
        self, order_no: str, record: OrderRecord | None, view: OrderView, raw: Mapping[str, Any]
    ) -> None:
        status = None if view.status is None else str(view.status)
        server_at = next((h.at for h in reversed(view.history) if h.status == view.status), None)
        if record is not None:
            merged = {**(record.response or {}), **{k: v for k, v in raw.items() if v is not None}}
            await self._io(self.journal.record_detail, record.id, merged, status or "",
                           server_at=server_at)  # fmt: skip
            return
        watch = await self._io(self.journal.find_watched, self.host_url, order_no)
        if watch is not None:
            await self._io(self.journal.record_watch_detail, watch.id, raw, status,
                           server_at=server_at)  # fmt: skip

    async def lookup(self, order_no: str) -> OrderEntry:
        """The order with this number: the journal's, or fetched and put on the
        watch list. Raises `ProviderError` (``order not found`` is an `ApiError`)."""
        order_no = parse_order_no(order_no)
        polled = await self.poll(order_no)
        known = await self.entry(order_no)
        if known is not None and known.origin == "created":
            return known.with_view(polled.view)
        status = None if polled.view.status is None else str(polled.view.status)
        await self._io(self.journal.watch, self.host_url, order_no, self._last[order_no], status)
        found = await self.entry(order_no)
        assert found is not None
        return found.with_view(polled.view)

    async def forget(self, entry: OrderEntry) -> None:
        """Take a looked-up order off the watch list (journaled orders stay)."""
        if entry.watch is not None:
            await self._io(self.journal.unwatch, entry.watch.id)

    # -- the story of an order -----------------------------------------------------------

    async def timeline(
        self, entry: OrderEntry, view: OrderView | None = None
    ) -> list[TimelineEntry]:
        merged: list[TimelineEntry] = await self._io(self._timeline, entry, view or entry.view)
        return merged

    def _timeline(self, entry: OrderEntry, view: OrderView | None) -> list[TimelineEntry]:
        local: list[TimelineEntry] = []
        floor = None if entry.record is None else entry.record.journaled_at
        if entry.record is not None:
            events = self.journal.timeline(entry.record.id)
            local += [_entry(e) for e in events]
            # the host's story starts once it answered: after "created on the host",
            # even when its clock is up to SKEW behind (such a skew is not corrected)
            created = [e.at for e in events if e.kind in ("journaled", "created")]
            floor = max([entry.record.journaled_at, *created])
        if entry.watch is not None:
            local += [_entry(e) for e in self.journal.watch_timeline(entry.watch.id)]
        if entry.order_no is not None:
            local += [_refund_entry(r) for r in self.journal.refunds(self.host_url, entry.order_no)]
        return merge_timeline(() if view is None else view.history, local,
                              offset=self.clock_offset, floor=floor)  # fmt: skip

    def manual_confirmation(self, order_no: str) -> bool:
        """The host answered ``refund_requires_manual_confirmation`` for this order
        (read from the journal once per order: the screens ask every second)."""
        known = self._manual.get(order_no)
        if known is None:
            reason = RefundReason.MANUAL_CONFIRMATION.value
            refunds = self.journal.refunds(self.host_url, order_no)
            known = self._manual[order_no] = any(r.error == reason for r in refunds)
        return known

    def assess(self, view: OrderView) -> RefundAssessment:
        manual = self.manual_confirmation(view.order_no)
        return assess_refund(view, self.now(), manual_confirmation=manual)

    def next_step(self, view: OrderView) -> str:
        return next_step(
            view, self.now(), manual_confirmation=self.manual_confirmation(view.order_no)
        )

    async def bundle(self, entry: OrderEntry, view: OrderView | None = None,
                     *, source: str = "host") -> str:  # fmt: skip
        """The plain-text support bundle: no secret, the key named by its entry only."""
        view = view or entry.view
        if view is None:
            raise ValueError("no order detail to bundle yet")
        timeline = await self.timeline(entry, view)
        extra: dict[str, object] = {"journal": entry.origin}
        if entry.record is not None:
            extra["created with key"] = entry.record.key_entry or "no key"
            extra["journal entry"] = f"#{entry.record.id} ({entry.record.state.value})"
        return bundle_text(view, timeline, host=self.host_url, version=__version__,
                           now=self.now(), key_entry=self.key_entry, source=source,
                           extra=extra)  # fmt: skip

    # -- refunds ---------------------------------------------------------------------

    def check_address(self, view: OrderView, address: str) -> str:
        """The refund address for the SOURCE chain (guide 3.3), with the order
        step's validators; raises `OrderInputError` naming the format."""
        src = view.src
        if src is None:
            return check_address(None, address, "the source chain")
        return check_address(src.address_format, address, src.chain)

    async def refund(
        self,
        order_no: str,
        address: str,
        *,
        view: OrderView | None = None,
        progress: Callable[[str], object] | None = None,
    ) -> RefundResult:
        """Check, journal, send, retry, explain. ``view`` is what the caller shows
        (read again here when the host can be reached)."""
        try:
            view = (await self.poll(order_no)).view
        except ProviderError as exc:
            if _not_found(exc):  # the host answered: there is nothing to refund there
                return RefundResult("refused", self._unreachable(order_no, exc),
                                    RefundReason.NOT_FOUND)  # fmt: skip
            if view is None:
                return RefundResult("unknown", self._unreachable(order_no, exc))
        assert view is not None
        assessment = self.assess(view)
        try:
            address = self.check_address(view, address)
        except OrderInputError as exc:
            return RefundResult("bad_input", str(exc), path=assessment.path, field="address",
                                view=view, up_front=True)  # fmt: skip
        if self.service.key_problem is not None:  # a locked keyring is not "no key"
            return RefundResult(
                "bad_input", key_unreadable_message(self.service.key_problem, doing="the refund"),
                RefundReason.UNAUTHORIZED, view, assessment.path, up_front=True,
            )  # fmt: skip
        if not self.service.key_sent:
            return RefundResult("refused", self._key_guidance(RefundReason.UNAUTHORIZED, view),
                                RefundReason.UNAUTHORIZED, view, assessment.path,
                                up_front=True)  # fmt: skip
        if assessment.on_record is not None and assessment.on_record != address:
            return RefundResult(
                "refused",
                f"A refund was already requested to {assessment.on_record}; the host keeps that "
                "address (guide 3.5: refund_address_cannot_be_changed). Nothing was sent.",
                RefundReason.ADDRESS_LOCKED, view, assessment.path, up_front=True,
                field="address", on_record=assessment.on_record,
            )  # fmt: skip
        if assessment.allowed is False:
            return RefundResult(
                "refused",
                f"Not sent: {assessment.why}"
                + (f" (the host would answer {assessment.reason})." if assessment.reason else "."),
                assessment.reason, view, assessment.path, up_front=True,
            )  # fmt: skip
        repeat = assessment.on_record == address
        return await self._send(order_no, address, view, assessment, repeat, progress)

    async def _send(
        self,
        order_no: str,
        address: str,
        view: OrderView,
        assessment: RefundAssessment,
        repeat: bool,
        progress: Callable[[str], object] | None,
    ) -> RefundResult:
        host = self._host()
        attempt_row: RefundAttempt = await self._io(
            self.journal.refund_sending, host=self.host_url, order_no=order_no,
            refund_address=address, key_entry=self.key_entry,
        )  # fmt: skip
        policy = self.refund_policy
        attempts = 0
        try:
            async for attempt in policy.attempts_on(
                lambda e: isinstance(e, ProviderError) and e.retryable
            ):
                with attempt:
                    attempts = attempt.num
                    if attempt.num > 1:
                        await self._io(self.journal.refund_attempt, attempt_row.id)
                        if progress is not None:
                            progress(f"the order changed meanwhile: asking again (attempt "
                                     f"{attempt.num} of {policy.attempts})…")  # fmt: skip
                    elif progress is not None:
                        progress(f"requesting the refund to {address}…")
                    await host.request_refund(order_no, address)
        except RefundRejected as exc:
            await self._io(self.journal.refund_outcome, attempt_row.id, "refused", exc.msg)
            if exc.reason is RefundReason.MANUAL_CONFIRMATION:
                self._manual[order_no] = True
            return await self._refused(exc, order_no, view, assessment, attempts)
        except ProviderError as exc:
            await self._io(self.journal.refund_outcome, attempt_row.id, "unknown", describe(exc))
            return RefundResult(
                "unknown",
                f"No answer from {self.host_url} after {count(attempts, 'attempt')} "
                f"({describe(exc)}). "
                "The request may have arrived: asking again with the same address is safe "
                "(the host treats it as the same request).",
                view=view, path=assessment.path, attempts=attempts,
            )  # fmt: skip
        outcome: Outcome = "already_requested" if repeat else "requested"
        await self._io(self.journal.refund_outcome, attempt_row.id, outcome)
        fresh = await self._fresh(order_no, view)
        refund = fresh.refund
        if repeat:
            state = refund.status if refund else "recorded"
            message = (
                f"Already requested to {address}: the host has this refund on record "
                f"({state}); nothing new was asked."
            )
        else:
            message = _requested(fresh, assessment)
        return RefundResult(outcome, message, view=fresh, path=assessment.path, attempts=attempts)

    async def _fresh(self, order_no: str, fallback: OrderView) -> OrderView:
        try:
            return (await self.poll(order_no)).view
        except ProviderError:
            return fallback

    async def _refused(
        self,
        exc: RefundRejected,
        order_no: str,
        view: OrderView,
        assessment: RefundAssessment,
        attempts: int,
    ) -> RefundResult:
        reason = exc.reason
        fresh = await self._fresh(order_no, view)
        said = inert(exc.msg)
        path = assessment.path
        match reason:
            case (
                RefundReason.UNAUTHORIZED
                | RefundReason.INTEGRATOR_DISABLED
                | RefundReason.NOT_OWNED
            ):
                message = self._key_guidance(reason, fresh)
            case RefundReason.ADDRESS_LOCKED:
                on_record = fresh.refund.refund_address if fresh.refund else None
                shown = on_record or "an address this client could not read"
                return RefundResult(
                    "refused",
                    f"The host keeps the refund address already on record: {shown} "
                    "(refund_address_cannot_be_changed, guide 3.5).",
                    reason, fresh, path, field="address", on_record=on_record, attempts=attempts,
                )  # fmt: skip
            case RefundReason.STATE_CHANGED:
                message = (
                    f"The order kept changing while the refund was asked ({attempts} attempts, "
                    "order_state_changed_retry): its state is now "
                    f"{status_label(fresh.status) if fresh.status else 'unknown'}; try again "
                    "in a moment."
                )
            case RefundReason.MANUAL_CONFIRMATION:
                path = RefundPath.MANUAL_CONFIRMATION
                message = (
                    "The host has no execution details for this swap, so it cannot refund it "
                    "automatically (refund_requires_manual_confirmation): ask Any2Any support "
                    "to confirm it manually and send them the support bundle."
                )
            case RefundReason.NOT_EXPIRED_YET:
                message = (
                    "The deposit window has not expired yet (order_not_expired_yet): a refund "
                    f"can be asked after {fresh.expire_at:%Y-%m-%d %H:%M:%S} UTC."
                )
            case RefundReason.WINDOW_PASSED:
                until = (f" ({fresh.auto_cancel_at:%Y-%m-%d %H:%M:%S} UTC)"
                         if fresh.auto_cancel_at else "")  # fmt: skip
                message = (
                    f"The refund window closed at auto-cancel{until}: the order is settled "
                    "(order_auto_cancel_window_passed). Contact Any2Any support if funds arrived."
                )
            case RefundReason.FINALIZED:
                message = (
                    f"The order is final ({status_label(fresh.status) if fresh.status else ''}) "
                    "and cannot be refunded (order_already_finalized)."
                )
            case RefundReason.NOT_REFUNDABLE:
                message = (
                    f"The order is {status_label(fresh.status) if fresh.status else 'busy'}: not "
                    "refundable in this state (order_not_in_refundable_state). "
                    + self.next_step(fresh)
                )
            case RefundReason.NOTHING_TO_REFUND:
                message = (
                    "Nothing to refund (no_amount_to_refund): no deposit reached the order, or "
                    "it does not cover the source chain's gas."
                )
            case RefundReason.ADDRESS_INVALID:
                src = fresh.src
                hint = address_hint(src.address_format if src else None)
                return RefundResult(
                    "refused",
                    f"The host rejected the refund address for "
                    f"{src.chain if src else 'the source chain'}: expected {hint}.",
                    reason, fresh, path, field="address", attempts=attempts,
                )  # fmt: skip
            case RefundReason.NOT_FOUND:
                message = f"The host has no order {order_no} (order not found)."
            case _:
                message = (
                    f"The host refused the refund: {sentence(said)} This may be a bug in a2a-tui: "
                    "include the support bundle when you report it."
                )
        return RefundResult("refused", message, reason, fresh, path, attempts=attempts)

    def _key_guidance(self, reason: RefundReason, view: OrderView) -> str:
        """401/403 (guide 3.2): the refund endpoint never falls back to a plain order."""
        entry = self.key_entry
        host = self.host_url
        which = (
            f"the key in use ({entry})" if entry else f"no integrator key (none is set for {host})"
        )
        owner = (
            "The order must belong to that key's integrator: refunds go through the integrator "
            "that created the order."
        )
        match reason:
            case RefundReason.INTEGRATOR_DISABLED:
                return f"The host says the integrator of {which} is disabled (403). {owner}"
            case RefundReason.NOT_OWNED:
                created = ""
                record = self.journal.find_order(view.order_no)
                if record is not None:
                    created = f" This journal created it with {record.key_entry or 'no key'}."
                elif view.integrator_bound is False:
                    created = " It is not bound to any integrator (created without a key)."
                return (
                    f"Order {view.order_no} does not belong to the integrator of {which} (403)."
                    f"{created} {owner}"
                )
            case _:
                if not entry:
                    return (
                        f"The refund endpoint needs an integrator key (guide 3.2) and none is "
                        f"set for {host}. Next: {self.service.backend.key_how_to_set}. "
                        f"{owner}"
                    )
                return (
                    f"The host refused {which} as missing or invalid (401 unauthorized). Check "
                    f"it in Settings (F2: Test). {owner}"
                )

    def _unreachable(self, order_no: str, exc: ProviderError) -> str:
        if _not_found(exc):
            return f"{self.host_url} has no order {order_no} (it answered: {describe(exc)})."
        return (
            f"Cannot read order {order_no} from {self.host_url} ({describe(exc)}): nothing was "
            "sent. Try again when the host answers."
        )


def _not_found(exc: BaseException) -> bool:
    return isinstance(exc, ApiError) and exc.msg == "order not found"


def _requested(view: OrderView, assessment: RefundAssessment) -> str:
    refund = view.refund
    to = f" to {refund.refund_address}" if refund else ""
    match view.status:
        case OrderStatus.MANUAL_REVIEW:
            return f"Refund requested{to}: it is under manual review, decided within 1 h."
        case OrderStatus.REFUNDING:
            amount = ""
            if refund is not None and refund.refund_amount is not None and view.src is not None:
                src = view.src
                amount = f" of {amount_to_send(refund.refund_amount, src.decimals, src.symbol)}"
                if refund.gas_fee is not None:
                    amount += (
                        f" (minus {amount_to_send(refund.gas_fee, src.decimals, src.symbol)} gas)"
                    )
            return f"Refund{amount} requested{to}: the host is sending it automatically."
        case _:
            path = f" ({assessment.path.label})" if assessment.path else ""
            return f"Refund requested{to}{path}; the order is tracked."


_KIND_TEXT = {
    "journaled": "order request journaled",
    "created": "created on the host",
    "refused": "refused by the host",
    "unknown": "no answer after every attempt",
    "released": "send lease released",
    "claimed": "send lease claimed",
    "watched": "looked up and added to the watch list",
}


def _entry(event: TimelineEvent) -> TimelineEntry:
    detail = event.detail
    if event.kind == "status" and event.status:
        status = parse_status(event.status)
        return TimelineEntry(event.at, "here", f"seen: {status_label(status)}", status)
    if event.kind == "attempt":
        return TimelineEntry(event.at, "here", f"sent (attempt {detail.get('attempt', '?')})")
    text = _KIND_TEXT.get(event.kind, event.kind)
    extra = detail.get("order_no") or detail.get("error") or detail.get("reason")
    return TimelineEntry(event.at, "here", text + (f": {inert(extra)}" if extra else ""))


def _refund_entry(attempt: RefundAttempt) -> TimelineEntry:
    outcome = attempt.outcome.replace("_", " ")
    error = f": {inert(attempt.error)}" if attempt.error else ""
    key = attempt.key_entry or "no key"
    tries = f", {attempt.attempts} attempts" if attempt.attempts > 1 else ""
    return TimelineEntry(
        attempt.requested_at, "here",
        f"refund to {attempt.refund_address} ({key}{tries}): {outcome}{error}",
    )  # fmt: skip
