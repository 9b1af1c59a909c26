"""The journaled order path that the TUI and the CLI both use.

``place`` writes the request to the journal, then sends it; a timeout, a
dropped connection or a 5xx is retried with the same body and so the same
``client_order_id`` (bounded, exponential backoff with jitter, by stamina),
which the server answers with the existing order (guide 2.4). The short
idempotent reply is completed from the order detail, and the detail's
``integrator_id`` says whether the order earns commission (guide 2.2: a
missing, unknown or disabled key silently creates a plain order).

If every attempt fails the entry stays pending; ``resolve_pending`` (run at
every start) sends it again the same way, so an order is never lost and
never doubled. Each refusal of guide 2.5 becomes `Guidance` a trader can act on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import stamina

from a2a_tui.domain.amounts import format_units
from a2a_tui.domain.credentials import KEYRING_PASSWORD_ENV as KEYRING_PASSWORD
from a2a_tui.domain.order_input import (
    address_hint,
    check_address,
    check_client_order_id,
    check_user_id,
    new_client_order_id,
)
from a2a_tui.domain.orders import (
    MIN_ORDER_USD,
    JournalState,
    OrderDraft,
    OrderRecord,
    OrderView,
    Refusal,
    TokenRef,
    fell_by_bps,
    request_differences,
)
from a2a_tui.domain.quotes import ChannelFailed, Quote, QuoteSource, QuoteSpec
from a2a_tui.domain.text import inert, sentence
from a2a_tui.engine.board import STALE_AFTER, QuoteBoard, RowKey, RowState
from a2a_tui.infra.journal import (
    DuplicateEntry,
    Journal,
    JournalError,
    TimelineEvent,
    journal_path,
    key_fingerprint,
)
from a2a_tui.providers.http.errors import ProviderError, describe
from a2a_tui.providers.registry import Any2AnyHost, OrderRejected
from a2a_tui.services.backend import Backend

__all__ = [
    "STALE_AFTER",
    "AlreadyJournaled",
    "Guidance",
    "JournalError",
    "OrderRefused",
    "OrderService",
    "OutcomeUnknown",
    "Placed",
    "Progress",
    "Requote",
    "Resolution",
    "RetryPolicy",
    "draft_from_board",
    "guidance_for",
    "record_tokens",
    "reuse_message",
]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard one order request is pushed before its outcome is called unknown.

    Attempts are capped by count and by total time; each waits
    ``wait_initial * 2**n`` (at most ``wait_max``) plus up to ``wait_jitter``.
    """

    attempts: int = 5
    timeout: float = 60.0
    wait_initial: float = 0.5
    wait_max: float = 8.0
    wait_jitter: float = 1.0

    def attempts_on(self, on: Callable[[Exception], bool]) -> Any:
        """stamina's attempts under this policy, retrying what ``on`` accepts."""
        return stamina.retry_context(
            on=on, attempts=self.attempts, timeout=self.timeout,
            wait_initial=self.wait_initial, wait_max=self.wait_max,
            wait_jitter=self.wait_jitter,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Guidance:
    """What to do about a refusal. ``field`` is the input to fix (the screen
    focuses it); ``action`` is a one-key remedy (``requote``, ``show_existing``)."""

    message: str
    field: str | None = None
    action: Literal["requote", "show_existing"] | None = None
    existing: OrderRecord | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    stage: Literal["journaled", "sending", "retrying", "verifying"]
    attempt: int = 0
    reason: str = ""

    @property
    def text(self) -> str:
        match self.stage:
            case "journaled":
                return "journaled; sending the order…"
            case "sending":
                return "sending the order…" if self.attempt <= 1 else f"attempt {self.attempt}…"
            case "retrying":
                return (
                    f"no answer ({self.reason}): the order may exist; checking with the same "
                    f"client_order_id (attempt {self.attempt})…"
                )
            case "verifying":
                return "created; reading the order detail to verify the commission…"


@dataclass(frozen=True, slots=True)
class Placed:
    view: OrderView
    record: OrderRecord
    found_again: bool  # the server answered with an order that already existed (2.4)


@dataclass(frozen=True, slots=True)
class Requote:
    """A fresh single-channel quote for a draft; ``draft`` carries it, ready to send."""

    old: Quote
    new: Quote | None
    draft: OrderDraft | None
    problem: str | None = None

    @property
    def fell(self) -> bool:
        return self.new is not None and self.new.out_amount < self.old.out_amount

    @property
    def change_bps(self) -> Fraction:
        """Below the old quote, in basis points (negative: better)."""
        return Fraction(0) if self.new is None else fell_by_bps(self.old.out_amount,
                                                                self.new.out_amount)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Resolution:
    record: OrderRecord
    outcome: Literal["created", "refused", "unknown", "skipped"]
    message: str
    view: OrderView | None = None


class OrderRefused(Exception):
    """The server refused the order: nothing was created."""

    def __init__(
        self, refusal: Refusal | None, message: str, guidance: Guidance, record: OrderRecord
    ) -> None:
        super().__init__(message)
        self.refusal, self.guidance, self.record = refusal, guidance, record


class KeyUnreadable(Exception):
    """This host's key may exist but cannot be read (a locked keyring): nothing is
    sent, since the host would make a plain order that earns no commission."""

    def __init__(self, problem: str) -> None:
        super().__init__(key_unreadable_message(problem))
        self.problem = problem


def key_unreadable_message(
    problem: str, *, doing: str = "the order", then: str = "then run a2a-tui again"
) -> str:
    """What to say of a key that cannot be read: the way out first (a screen's
    status line may cut what comes last), then why."""
    fix = (
        f"set ${KEYRING_PASSWORD}, or give the key itself in $A2A_TUI_ANY2ANY_API_KEY"
        if KEYRING_PASSWORD in problem
        else "unlock the keyring, or give the key itself in $A2A_TUI_ANY2ANY_API_KEY"
    )
    return (
        f"cannot read this host's integrator key, so nothing was sent ({doing} would go "
        f"out without it). Next: {fix}, {then}. Why: {sentence(problem)}"
    )


class OutcomeUnknown(Exception):
    """Every attempt failed without an answer: the order may exist. It stays
    journaled as pending; `OrderService.resolve_pending` settles it."""

    def __init__(self, reason: str, record: OrderRecord) -> None:
        super().__init__(
            f"no answer after {record.attempts} attempts ({reason}); the order may exist. "
            f"It is journaled as {record.client_order_id} and is checked again at the next "
            "start (or now, with the same client_order_id)"
        )
        self.reason, self.record = reason, record


class AlreadyJournaled(Exception):
    """This client_order_id already belongs to another request in the journal.

    ``differences`` says what differs (`request_differences`); nothing was sent."""

    def __init__(self, existing: OrderRecord, differences: Sequence[str] = ()) -> None:
        super().__init__(reuse_message(existing, differences))
        self.existing, self.differences = existing, tuple(differences)
        action: Literal["show_existing"] | None = "show_existing" if existing.order_no else None
        self.guidance = Guidance(str(self), "client_order_id", action, existing)


def reuse_message(existing: OrderRecord, differences: Sequence[str]) -> str:
    """A reused client_order_id with another request, in words: which order it is, what
    differs, and that nothing was sent."""
    if existing.order_no:
        where = f"order {existing.order_no}"
    else:
        where = (
            f"a {existing.state.value} request journaled {existing.journaled_at:%Y-%m-%d %H:%M} UTC"
        )
    differs = f": this request differs ({'; '.join(differences)})" if differences else ""
    return (
        f"client_order_id {existing.client_order_id} already belongs to {where}{differs}. "
        "Nothing was sent: use another client_order_id (or repeat that order's request "
        "to see it again)"
    )


def draft_from_board(board: QuoteBoard, key: RowKey) -> OrderDraft | str:
    """The order a chosen row stands for, or why that row cannot be ordered.

    ``channels`` is every quote its source answered in this quote request.
    """
    ranked = board.find(key)
    if ranked is None:
        return "that row is gone; choose another"
    row = ranked.row
    if row.state is not RowState.QUOTED or row.quote is None:
        return "this channel has no quote to order from" + (
            f" ({row.error})" if row.error else " yet"
        )
    quotes = tuple(
        r.row.quote
        for r in board.ranked()
        if r.row.quote is not None and r.row.key[0] == key[0] and r.row.state is RowState.QUOTED
    )
    quoted_at = row.arrived_at if row.arrived_at is not None else board.started_at
    return OrderDraft(board.spec, row.quote, quotes, quoted_at)


def _retryable(exc: Exception) -> bool:
    return isinstance(exc, ProviderError) and exc.retryable and not isinstance(exc, OrderRejected)


def _quote_snapshot(draft: OrderDraft, now: float) -> dict[str, Any]:
    """What the trader saw, for the journal (the body holds what was sent)."""
    chosen = draft.chosen
    return {
        "src": _token_json(draft.src),
        "dst": _token_json(draft.dst),
        "amount_in": str(draft.spec.amount_in),
        "slippage": str(Decimal(draft.spec.slippage.numerator) / draft.spec.slippage.denominator),
        "promo_code": draft.promo_code,
        "chosen": {
            "source": chosen.source,
            "channel_id": chosen.channel_id,
            "name": chosen.name,
            "estimated_out": str(chosen.out_amount),
            "fee_pct": str(chosen.fee_pct),
        },
        "min_out": str(draft.min_out),
        "src_usd_price": None if (price := draft.spec.src.usd_price) is None else str(price),
        "channels": len(draft.channels),
        "quote_age_s": round(draft.age(now), 3),
    }


def _token_json(token: TokenRef) -> dict[str, Any]:
    return {
        "token_id": token.token_id,
        "symbol": token.symbol,
        "decimals": token.decimals,
        "chain": token.chain,
        "address_format": token.address_format,
    }


def _token_ref(data: object) -> TokenRef | None:
    if not isinstance(data, Mapping):
        return None
    try:
        return TokenRef(
            int(data["token_id"]),
            str(data["symbol"]),
            int(data["decimals"]),
            str(data["chain"]),
            None if data.get("address_format") is None else str(data["address_format"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def record_tokens(record: OrderRecord) -> tuple[TokenRef | None, TokenRef | None]:
    return _token_ref(record.quote.get("src")), _token_ref(record.quote.get("dst"))


class OrderService:
    """Orders on one Any2Any host, journaled. Construct one per app or command."""

    def __init__(
        self,
        backend: Backend,
        journal: Journal,
        *,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.backend = backend
        self.journal = journal
        self.retry = retry or RetryPolicy()
        self.clock = clock
        #: Called with every order this service creates or finds again (the tracker
        #: starts following it at once, whichever screen or command placed it).
        self.created_listeners: list[Callable[[OrderView], object]] = []
        # stamina's default hook logs each retry to stderr, which would scribble
        # over the TUI; progress is reported through `Progress` instead.
        stamina.instrumentation.set_on_retry_hooks([])

    @classmethod
    def in_memory(
        cls, backend: Backend, *, clock: Callable[[], float] = time.monotonic
    ) -> OrderService:
        """A journal that forgets (the demo, tests): never the user's file."""
        return cls(backend, Journal.in_memory(), clock=clock)

    @classmethod
    def on_disk(cls, backend: Backend, path: Path | None = None) -> OrderService:
        """The journal at ``path``, else ``$A2A_TUI_DATA_DIR`` or the platform's data
        directory. Raises `JournalError` with a sentence if it cannot be opened."""
        return cls(backend, Journal(path or journal_path()))

    # -- what the screens ask before sending ----------------------------------------

    @property
    def host_url(self) -> str:
        return self.backend.base_url

    @property
    def can_order(self) -> bool:
        return self.backend.host is not None

    def source_id(self) -> str | None:
        """The quote source whose rows can become orders (Any2Any's), if any."""
        host = self.backend.host
        return None if host is None else host.source.id

    def refuse_source(self, source: str, label: str) -> str | None:
        """Why a row of ``source`` cannot be ordered, or None if it can."""
        if self.source_id() is None:
            return "orders need an Any2Any host; this board has none"
        if source != self.source_id():
            return (
                f"{label} quotes are for comparison only: orders go through Any2Any. "
                "Choose an Any2Any row to order."
            )
        return None

    @property
    def key_problem(self) -> str | None:
        """Why the key cannot be read now (a locked keyring); None when it can, or is unset."""
        return self.backend.key_problem

    @property
    def key_sent(self) -> bool:
        host = self.backend.host
        return host is not None and host.api_key is not None

    def new_client_order_id(self) -> str:
        return new_client_order_id()

    def is_stale(self, draft: OrderDraft) -> bool:
        """Guide FAQ Q4: more than 10 s since the quote arrived."""
        return draft.age(self.clock()) > STALE_AFTER

    def integrator_fee_rate(self) -> Decimal | None:
        """The key's commission rate as this journal last saw it in a fee snapshot
        on this host; None if no order with this key was seen (or no key is set)."""
        fingerprint = self._fingerprint()
        if fingerprint is None:
            return None
        for record in self.journal.records(host=self.host_url, state=JournalState.CREATED):
            if record.key_fingerprint != fingerprint or not record.response:
                continue
            rate = record.response.get("integrator_fee_rate")
            if rate is not None:
                try:
                    return Decimal(str(rate))
                except ArithmeticError:
                    continue
        return None

    def checked(
        self, draft: OrderDraft, *, address: str, client_order_id: str, user_id: str
    ) -> OrderDraft:
        """The draft with its inputs validated; raises `OrderInputError` naming the field."""
        dst = draft.spec.dst
        return replace(
            draft,
            dst_address=check_address(dst.chain.address_format, address, dst.chain.name),
            client_order_id=check_client_order_id(client_order_id),
            user_id=check_user_id(user_id),
        )

    # -- quoting again ------------------------------------------------------------------

    def _source(self, source_id: str) -> QuoteSource | None:
        return next((s for s in self.backend.sources if s.id == source_id), None)

    async def requote(self, draft: OrderDraft) -> Requote:
        """Quote the chosen channel alone, again (guide FAQ Q4, and the remedy for
        ``quote amount mismatch``)."""
        old = draft.chosen
        source = self._source(old.source)
        if source is None:
            return Requote(old, None, None, "the quote's source is gone")
        spec = replace(draft.spec, channel_id=old.channel_id)
        problem: str | None = None
        events = source.stream(spec)
        try:
            async with asyncio.timeout(self.backend.timeouts.stream_budget):
                async for event in events:
                    if isinstance(event, Quote) and event.channel_id == old.channel_id:
                        fresh = draft.with_quote(event, self.clock())
                        return Requote(old, event, fresh)
                    if isinstance(event, ChannelFailed) and event.channel_id in (
                        None,
                        old.channel_id,
                    ):
                        problem = event.message
                        break
        except TimeoutError:
            problem = "no answer in time"
        except ProviderError as exc:
            problem = describe(exc)
        finally:
            close = getattr(events, "aclose", None)
            if close is not None:  # an async generator: closing it closes the stream
                await close()
        return Requote(old, None, None, problem or f"{old.name} did not quote again")

    # -- sending --------------------------------------------------------------------

    def _host(self) -> Any2AnyHost:
        host = self.backend.host
        if host is None:
            raise RuntimeError("orders need an Any2Any host")
        return host

    def _fingerprint(self) -> str | None:
        host = self.backend.host
        if host is None or host.api_key is None:
            return None
        return key_fingerprint(host.api_key.get_secret_value())

    async def _journal(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Journal calls block (an fsync, maybe another process's lock): off the loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def place(
        self, draft: OrderDraft, progress: Callable[[Progress], None] | None = None
    ) -> Placed:
        """Journal, send, retry, verify. Raises `OrderRefused`, `OutcomeUnknown`
        or `AlreadyJournaled`; cancelling leaves the entry pending, to be resolved.
        `KeyUnreadable` before anything is journaled or sent."""
        if self.key_problem is not None:
            raise KeyUnreadable(self.key_problem)
        host = self._host()
        body = host.order_body(draft)
        try:
            record = await self._journal(
                self.journal.journal_pending,
                host=self.host_url,
                client_order_id=draft.client_order_id,
                body=body,
                quote=_quote_snapshot(draft, self.clock()),
                key_entry=self.backend.key_entry if self.key_sent else None,
                key_fingerprint=self._fingerprint(),
            )
        except DuplicateEntry as duplicate:
            existing = duplicate.existing
            differences = request_differences(
                existing.body, body, journaled_tokens=record_tokens(existing),
                wanted_tokens=(draft.src, draft.dst),
            )  # fmt: skip
            if differences:
                raise AlreadyJournaled(existing, differences) from None
            if existing.state is JournalState.PENDING:  # the same request: resolve it as it was
                claimed = await self._journal(self.journal.claim, existing.id)
                if claimed is None:
                    raise AlreadyJournaled(existing) from None
                return await self._send(claimed, progress)
            view = self.view_of(existing)
            if view is None:
                raise AlreadyJournaled(existing) from None
            return Placed(view, existing, found_again=True)  # nothing sent: it exists
        if progress is not None:
            progress(Progress("journaled"))
        return await self._send(record, progress, first_counted=True)

    async def _send(
        self,
        record: OrderRecord,
        progress: Callable[[Progress], None] | None,
        *,
        first_counted: bool = False,
    ) -> Placed:
        """``first_counted``: the pending write already counted the first attempt
        and took the lease, so nothing more is written before the first POST."""
        host = self._host()
        src, dst = record_tokens(record)
        policy = self.retry
        last_reason = ""
        try:
            async for attempt in policy.attempts_on(_retryable):
                with attempt:
                    if attempt.num > 1 or not first_counted:
                        await self._journal(self.journal.record_attempt, record.id, attempt.num)
                    if progress is not None:
                        stage: Literal["sending", "retrying"] = (
                            "sending" if attempt.num == 1 else "retrying"
                        )
                        progress(Progress(stage, attempt.num, last_reason))
                    try:
                        view, reply = await host.submit_order(record.body, src=src, dst=dst)
                    except ProviderError as exc:
                        last_reason = describe(exc)
                        raise
        except OrderRejected as exc:
            refused = await self._journal(
                self.journal.record_refused, record.id, error=inert(exc.msg)
            )
            raise OrderRefused(
                exc.refusal, inert(exc.msg), self.guidance(exc.refusal, exc.msg, refused), refused
            ) from None
        except ProviderError as exc:
            # retries exhausted, or an answer nobody can read: the order may exist
            unknown = await self._journal(
                self.journal.record_unknown, record.id, error=describe(exc)
            )
            raise OutcomeUnknown(describe(exc), unknown) from None
        except BaseException:
            with contextlib.suppress(Exception):  # cancelled: let the next start resolve it
                await asyncio.shield(
                    self._journal(self.journal.release, record.id, reason="cancelled")
                )
            raise
        created = await self._journal(
            self.journal.record_created, record.id, order_no=view.order_no, response=reply
        )
        if progress is not None:
            progress(Progress("verifying"))
        sent_to = record.body.get("dst_address")
        sent_to = view.dst_address or (str(sent_to) if sent_to else None)
        view = replace(view, key_sent=record.key_fingerprint is not None, dst_address=sent_to)
        full = await self._complete(view, created)
        for listener in list(self.created_listeners):
            listener(full)
        return Placed(full, self.journal.get(created.id), found_again=view.fees.empty)

    async def _complete(self, view: OrderView, record: OrderRecord) -> OrderView:
        """The detail completes a short reply and says whether the order is bound."""
        try:
            async for attempt in stamina.retry_context(
                on=_retryable, attempts=3, timeout=15.0, wait_initial=0.2, wait_max=2.0
            ):
                with attempt:
                    detail = await self.detail(view.order_no, record)
        except ProviderError:
            return view  # unverified: the screen says so, and `refresh` tries again
        return replace(detail, fees=detail.fees.merged(view.fees), key_sent=view.key_sent)

    async def detail(self, order_no: str, record: OrderRecord | None = None) -> OrderView:
        """Read the order detail once and note its status in the journal's timeline."""
        host = self._host()
        if record is None:
            record = await self._journal(self.journal.find_order, order_no)
        tokens: dict[int, TokenRef] = {}
        if record is not None:
            for token in record_tokens(record):
                if token is not None:
                    tokens[token.token_id] = token
        view, raw = await host.order_detail(order_no, tokens=tokens)
        if record is not None:
            await self._journal(self.journal.record_detail, record.id, {
                **(record.response or {}), **{k: v for k, v in raw.items() if v is not None},
            }, str(view.status))  # fmt: skip
            view = replace(view, key_sent=record.key_fingerprint is not None)
        return view

    async def refresh(self, view: OrderView) -> OrderView:
        """The same order, as the server sees it now (status, binding, fees)."""
        fresh = await self.detail(view.order_no)
        return replace(fresh, fees=fresh.fees.merged(view.fees), key_sent=view.key_sent)

    # -- pending entries ------------------------------------------------------------

    async def resolve_pending(
        self, progress: Callable[[Progress], None] | None = None
    ) -> list[Resolution]:
        """Send every pending entry of this host again, as it was (same body, same
        client_order_id), unless another live process is sending it."""
        if not self.can_order:
            return []
        claimed: Sequence[OrderRecord] = await self._journal(
            self.journal.claim_pending, self.host_url
        )
        return [await self._resolve(record, progress) for record in claimed]

    async def retry_pending(
        self, record: OrderRecord, progress: Callable[[Progress], None] | None = None
    ) -> Resolution:
        """Check one pending entry again now (the screen's "check again")."""
        claimed = await self._journal(self.journal.claim, record.id)
        if claimed is None:
            return Resolution(record, "skipped", "another process is sending this order")
        return await self._resolve(claimed, progress)

    async def _resolve(
        self, record: OrderRecord, progress: Callable[[Progress], None] | None
    ) -> Resolution:
        if record.key_fingerprint != self._fingerprint():
            await self._journal(self.journal.release, record.id, reason="key changed")
            which = record.key_entry or "no key"
            return Resolution(
                record,
                "skipped",
                f"{record.client_order_id} was sent with {which}, which is not the key in use "
                "now: resending with another key would make a second order. Restore that "
                "key to resolve it"
                + (f" (it cannot be read now: {self.key_problem})." if self.key_problem else "."),
            )
        try:
            placed = await self._send(record, progress)
        except OrderRefused as refused:
            return Resolution(
                refused.record,
                "refused",
                f"{record.client_order_id}: refused, nothing was created ({refused})",
            )
        except OutcomeUnknown as unknown:
            return Resolution(unknown.record, "unknown", str(unknown))
        return Resolution(
            placed.record,
            "created",
            f"{record.client_order_id}: order {placed.view.order_no}",
            placed.view,
        )

    # -- reading the journal --------------------------------------------------------

    def records(self, *, all_hosts: bool = True) -> list[OrderRecord]:
        return self.journal.records(host=None if all_hosts else self.host_url)

    def pending_elsewhere(self) -> int:
        """Pending entries of other hosts: resolved only when the app runs against them."""
        pending = self.journal.records(state=JournalState.PENDING)
        return sum(1 for r in pending if r.host != self.host_url)

    def timeline(self, record: OrderRecord) -> list[TimelineEvent]:
        return self.journal.timeline(record.id)

    def find(self, client_order_id: str) -> OrderRecord | None:
        return self.journal.find(self.host_url, client_order_id)

    def reuse(
        self, client_order_id: str, spec: QuoteSpec, *, address: str, channel_id: int | None
    ) -> tuple[OrderRecord | None, tuple[str, ...]]:
        """The live journal entry that already has this client_order_id on this host
        (None if none), and how this request differs from it (guide 2.4: the same
        request is answered with that order; 2.5: another is refused). ``channel_id``
        None compares no channel (``--channel best``)."""
        existing = self.find(client_order_id)
        if existing is None or existing.state is JournalState.REFUSED:
            return None, ()
        wanted = {
            "src_token_id": spec.src.token_id,
            "dst_token_id": spec.dst.token_id,
            "amount_in": str(spec.amount_in),
            "dst_address": address,
            "chosen_channel_id": channel_id,
        }
        return existing, request_differences(
            existing.body, wanted, journaled_tokens=record_tokens(existing),
            wanted_tokens=(TokenRef.of(spec.src), TokenRef.of(spec.dst)),
        )  # fmt: skip

    def view_of(self, record: OrderRecord) -> OrderView | None:
        """An order view from what the journal holds, without the network (the
        orders screen opens the deposit screen with it); None before creation."""
        response = record.response
        if record.state is not JournalState.CREATED or not response:
            return None
        host = self.backend.host
        if host is None:
            return None
        return host.view_from_journal(
            response, tokens=record_tokens(record), key_sent=record.key_fingerprint is not None
        )

    # -- guidance -------------------------------------------------------------------

    def guidance(
        self, refusal: Refusal | None, message: str, record: OrderRecord | None = None
    ) -> Guidance:
        src, dst = record_tokens(record) if record is not None else (None, None)
        price = record.quote.get("src_usd_price") if record is not None else None
        try:
            usd_price = None if price is None else Decimal(str(price))
        except ArithmeticError:
            usd_price = None
        return guidance_for(refusal, message, src=src, dst=dst,
                            existing=self._existing(record), src_usd_price=usd_price)  # fmt: skip

    def _existing(self, record: OrderRecord | None) -> OrderRecord | None:
        if record is None:
            return None
        found = self.journal.find(record.host, record.client_order_id)
        return found if found is not None and found.state is JournalState.CREATED else None

    def close(self) -> None:
        self.journal.close()


def guidance_for(
    refusal: Refusal | None,
    message: str,
    *,
    src: TokenRef | None = None,
    dst: TokenRef | None = None,
    existing: OrderRecord | None = None,
    src_usd_price: Decimal | None = None,
) -> Guidance:
    """Each refusal of guide 2.5 as a sentence that says what to do next."""
    said = inert(message)
    chain = dst.chain if dst is not None else "the destination chain"
    match refusal:
        case Refusal.DST_ADDRESS_INVALID:
            hint = address_hint(dst.address_format if dst is not None else None)
            return Guidance(
                f"The host rejected the destination address for {chain}. Expected {hint}.",
                field="address",
            )
        case Refusal.QUOTE_MISMATCH:
            return Guidance(
                "The price moved since this quote; nothing was created. Quote this channel "
                "again and review the new amount.",
                action="requote",
            )
        case Refusal.AMOUNT_BELOW_MINIMUM:
            return Guidance(_below_minimum(src, src_usd_price))
        case Refusal.DUPLICATE_CLIENT_ORDER_ID:
            if existing is not None:
                return Guidance(
                    f"client_order_id {existing.client_order_id} already belongs to order "
                    f"{existing.order_no}: open it, or choose another id.",
                    field="client_order_id",
                    action="show_existing",
                    existing=existing,
                )
            return Guidance(
                "This client_order_id is already used by a different order of your "
                "integrator (not in this journal): choose another id.",
                field="client_order_id",
            )
        case Refusal.MIN_OUT_TOO_LOW:
            return Guidance(
                "The host wants a higher minimum output: lower the slippage on the board "
                "(/ then the slippage field) and quote again."
            )
        case Refusal.SLIPPAGE_OUT_OF_RANGE:
            return Guidance("Slippage must be between 0 and 1 exclusive: fix it on the board.")
        case Refusal.TOKEN_NOT_FOUND | Refusal.CHAIN_NOT_FOUND | Refusal.CHANNEL_NOT_FOUND:
            return Guidance(
                f"The host no longer offers this ({said}): go back, reload the tokens "
                "(ctrl+r) and choose another row."
            )
        case Refusal.CHANNEL_NOT_IN_CHANNELS:
            return Guidance(
                "The chosen channel was missing from the quote sent along: re-quote and "
                "choose the row again.",
                action="requote",
            )
        case Refusal.INVALID_BODY | Refusal.TOKENS_REQUIRED | Refusal.SPLIT_NOT_SUPPORTED:
            return Guidance(
                f"The host could not accept the request ({said}); nothing was created. "
                "This is a bug in a2a-tui: please report it with `a2a-tui order list --json`."
            )
        case None:
            return Guidance(f"The host refused the order: {sentence(said)} Nothing was created.")


def _below_minimum(src: TokenRef | None, usd_price: Decimal | None) -> str:
    minimum = f"{MIN_ORDER_USD} USD"
    if src is not None and usd_price is not None and usd_price > 0:
        exact = Fraction(MIN_ORDER_USD) * 10**src.decimals / Fraction(usd_price)
        units = -(-exact.numerator // exact.denominator)  # ceil: at least the minimum
        minimum += f" (about {format_units(units, src.decimals)} {src.symbol} at the listed price)"
    return (
        f"The amount is below the host's minimum order of {minimum}. Go back (esc), "
        "raise the amount and quote again."
    )
