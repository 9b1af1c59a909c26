"""``a2a-tui order create`` and ``a2a-tui order list``: orders without a screen.

``create`` quotes, picks a channel (the best by default), and creates the order
through the same journaled path as the TUI, then prints the deposit details.
Exit status: 0 created (or found again), 1 the server refused (or nothing to
order from), 2 bad input (a --channel the pair does not have, a
client_order_id already used by another request, an integrator key that is
set but cannot be read, such as a locked keyring: refused before anything is
quoted or sent), 3 outcome unknown after every retry (journaled: running any
order command again resolves it). Both commands first resolve
this host's pending entries left by an earlier run.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TextIO

from a2a_tui.cli.quote import unknown_channel
from a2a_tui.domain import display
from a2a_tui.domain.failures import advice, what_next
from a2a_tui.domain.order_input import OrderInputError, check_address, check_client_order_id
from a2a_tui.domain.orders import (
    JournalState,
    OrderRecord,
    OrderStatus,
    OrderView,
    WatchRecord,
    status_label,
)
from a2a_tui.domain.quote_input import QuoteArgs, QuoteInputError, resolve_args
from a2a_tui.domain.quotes import QuoteSpec
from a2a_tui.domain.text import count, inert, sentence
from a2a_tui.engine.board import QuoteBoard, RowKey, RowState
from a2a_tui.engine.merger import QuoteRun
from a2a_tui.providers.http.errors import ProviderError, describe
from a2a_tui.services.backend import Backend
from a2a_tui.services.desk import host_offset
from a2a_tui.services.orders import (
    AlreadyJournaled,
    KeyUnreadable,
    OrderRefused,
    OrderService,
    OutcomeUnknown,
    draft_from_board,
    key_unreadable_message,
    record_tokens,
    reuse_message,
)

__all__ = [
    "EXIT_REFUSED",
    "EXIT_UNKNOWN",
    "EXIT_USAGE",
    "QUOTE_WITHIN",
    "run_order_create",
    "run_order_list",
]

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3
#: ``order create --timeout``'s default: well inside the guide's 10 s for a fresh quote.
QUOTE_WITHIN = 5.0


def _say(err: TextIO, text: str) -> None:
    print(f"a2a-tui order: {text}", file=err)


async def resolve_pending(service: OrderService, err: TextIO) -> None:
    """What an earlier run left pending on this host, settled before anything new."""
    for resolution in await service.resolve_pending():
        _say(err, f"pending from an earlier run: {resolution.message}")
    if elsewhere := service.pending_elsewhere():
        _say(err, f"{count(elsewhere, 'pending order')} of other hosts stay journaled (order list)")


async def run_order_create(
    service: OrderService,
    args: QuoteArgs,
    *,
    to: str,
    channel: str,
    client_order_id: str | None,
    as_json: bool,
    out: TextIO,
    err: TextIO,
    within: float = QUOTE_WITHIN,
) -> int:
    """``within``: how long the quote may take (``--timeout``). A named channel is
    used as soon as it answers; ``best`` is the best of the channels that answered
    by then, so one slow channel (the guide's upstream timeout is 60 s) neither
    holds the order back nor makes the quote stale before it is sent."""
    backend = service.backend
    channel = channel.strip().lower()
    if channel != "best" and not (channel.isdigit() and int(channel) > 0):
        _say(err, f"--channel: a channel id or 'best', not {channel!r}")
        return EXIT_USAGE
    try:
        cid = check_client_order_id(client_order_id or service.new_client_order_id())
    except OrderInputError as exc:
        _say(err, str(exc))
        return EXIT_USAGE
    if service.key_problem is not None:  # before anything is quoted, journaled or sent
        _say(err, key_unreadable_message(service.key_problem))
        return EXIT_USAGE
    await resolve_pending(service, err)
    try:
        spec = resolve_args(args, await backend.load_tokens())
        dst = spec.dst
        address = check_address(dst.chain.address_format, to, dst.chain.name)
    except (QuoteInputError, OrderInputError) as exc:
        _say(err, str(exc))
        return EXIT_USAGE
    except ProviderError as exc:
        _say(err, f"cannot load tokens from {backend.base_url}: {describe(exc)}")
        return EXIT_REFUSED
    if channel != "best" and (
        problem := await unknown_channel(backend, replace(spec, channel_id=int(channel)))
    ):
        _say(err, problem)  # an input error, as `quote --channel` says it
        return EXIT_USAGE
    # a client_order_id already journaled: the same request is that order again (guide
    # 2.4); another request is refused here, before anything is quoted or sent (2.5)
    wanted_channel = None if channel == "best" else int(channel)
    existing, differences = service.reuse(cid, spec, address=address, channel_id=wanted_channel)
    if existing is not None:
        if differences:
            _say(err, reuse_message(existing, differences))
            return EXIT_USAGE
        view = service.view_of(existing)
        if view is not None:  # a rerun of a command that already succeeded
            _say(err, f"client_order_id {cid} is order {existing.order_no}: found again")
            try:  # as the host has it now: it may have swapped, failed or expired since
                view = await service.refresh(view)
            except ProviderError as exc:
                _say(err, f"the host could not be read ({describe(exc)}): as journaled")
            _print_order(view, out, err, as_json=as_json, found_again=True,
                         how_to_set=backend.key_how_to_set, now=_host_now(backend))  # fmt: skip
            return EXIT_OK
        _say(err, f"client_order_id {cid} is a request journaled earlier whose outcome is "
                  "not known yet (checked again above); it stays journaled: run the command "
                  "again later, or `order list`")  # fmt: skip
        return EXIT_UNKNOWN
    source = service.source_id()
    key = RowKey(source or "", wanted_channel) if wanted_channel is not None else None
    board = await _quote(service, spec, within=within, until=key)
    if key is None:
        best = board.best()
        if best is None:
            _say(err, f"no channel quoted this pair: {_failures(board)}")
            return EXIT_REFUSED
        key = best.row.key
        if late := _late(board):
            _say(err, f"{count(len(late), 'channel')} had not answered within {within:g} s "
                      f"({', '.join(late)}): the best of the others is "
                      f"{best.row.name}")  # fmt: skip
    else:
        found = board.find(key)
        if found is None or found.row.state is not RowState.QUOTED:
            why = found.row.error if found is not None and found.row.error else "no quote"
            _, step = advice([why])
            _say(err, f"channel {channel} gave no quote for this pair: {why}"
                      + (f"; {step}" if step else ""))  # fmt: skip
            return EXIT_REFUSED
    draft = draft_from_board(board, key)
    if isinstance(draft, str):
        _say(err, draft)
        return EXIT_REFUSED
    draft = service.checked(draft, address=address, client_order_id=cid, user_id="")
    if service.is_stale(draft):
        requote = await service.requote(draft)
        if requote.draft is None or requote.new is None:
            _say(err, f"the quote is stale and {draft.chosen.name} did not quote again: "
                      f"{requote.problem}")  # fmt: skip
            return EXIT_REFUSED
        old = display.amount_exact(requote.old.out_amount, dst.decimals, dst.symbol)
        new = display.amount_exact(requote.new.out_amount, dst.decimals, dst.symbol)
        _say(err, f"quote older than 10 s, quoted again: {old} → {new}")
        draft = requote.draft
    try:
        placed = await service.place(draft)
    except OrderRefused as refused:
        _say(err, f"refused: {sentence(str(refused))} {refused.guidance.message}")
        return EXIT_REFUSED
    except (AlreadyJournaled, KeyUnreadable) as refused_here:
        _say(err, str(refused_here))
        return EXIT_USAGE
    except OutcomeUnknown as unknown:
        _say(err, str(unknown))
        return EXIT_UNKNOWN
    _print_order(placed.view, out, err, as_json=as_json, found_again=placed.found_again,
                 how_to_set=backend.key_how_to_set, now=_host_now(backend))  # fmt: skip
    return EXIT_OK


async def _quote(
    service: OrderService, spec: QuoteSpec, *, within: float, until: RowKey | None
) -> QuoteBoard:
    """The order's quote: every channel's answer within ``within`` seconds, or
    only until the channel ``until`` has answered (or failed)."""
    sources = [s for s in service.backend.sources if s.id == service.source_id()]
    async with QuoteRun(sources, spec, clock=service.clock, source_timeout=within) as run:
        board = QuoteBoard(spec, {s.id: s.label for s in sources}, run.started_at)
        async for batch in run:
            board.apply(batch)
            if (
                until is not None
                and (row := board.find(until)) is not None
                and (row.row.state is not RowState.PENDING)
            ):
                break  # leaving the run closes the stream: the rest is not waited for
    return board


def _late(board: QuoteBoard) -> list[str]:
    """The channels cut by the quote's time limit (``105 Quill Cross``)."""
    return [
        f"{r.row.key.route} {r.row.name}".strip()
        for r in board.ranked()
        if r.row.state is RowState.FAILED and (r.row.error or "").startswith("no answer within")
    ]


def _failures(board: QuoteBoard) -> str:
    """Why nothing quoted, as the server said it (``amount below channel minimum (10
    USD) ×7``), then the next step when a retry cannot help."""
    errors = board.errors()
    said = [*board.status().problems,
            *(f"{m} ×{n}" if n > 1 else m for m, n in errors if m)]  # fmt: skip
    if not said:
        return "no channel answered"
    hint = what_next(board.status().problems, errors)
    return ", ".join(said) + (f"; {hint}" if hint else "")


def _host_now(backend: Backend) -> datetime:
    """The host's time (``expire_at`` is on its clock), from the ``Date`` of the
    answer just read, as the support desk estimates it."""
    local = datetime.now(UTC)
    host = backend.host
    return local + host_offset(None if host is None else host.server_date, local)


def _print_order(view: OrderView, out: TextIO, err: TextIO, *, as_json: bool,
                 found_again: bool, how_to_set: str, now: datetime) -> None:  # fmt: skip
    warnings = _warnings(view, how_to_set)
    if as_json:
        out.write(json.dumps(order_json(view, found_again, warnings), ensure_ascii=False) + "\n")
    else:
        out.write(order_text(view, found_again, now))
    for warning in warnings:
        print(f"warning: {warning}", file=err)
    out.flush()


def _warnings(view: OrderView, how_to_set: str) -> list[str]:
    if view.integrator_bound is False:
        return [view.no_commission_summary(how_to_set=how_to_set)]
    if view.integrator_bound is None:
        return ["commission not verified: the order detail could not be read"]
    return []


def _human(units: int | None, view: OrderView) -> str | None:
    if units is None or view.src is None:
        return None
    return display.amount_to_send(units, view.src.decimals, view.src.symbol)


def order_json(view: OrderView, found_again: bool, warnings: list[str]) -> dict[str, Any]:
    fees = view.fees.as_dict()
    return {
        "order_no": view.order_no,
        "client_order_id": view.client_order_id,
        "deposit_address": view.deposit_address,
        "amount_in": None if view.amount_in is None else str(view.amount_in),
        "amount_in_human": _human(view.amount_in, view),
        "symbol": None if view.src is None else view.src.symbol,
        "chain": None if view.src is None else view.src.chain,
        "expire_at": view.expire_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": None if view.status is None else str(view.status),
        "integrator_bound": view.integrator_bound,
        "integrator_id": view.integrator_id,
        "chosen_channel_id": view.chosen_channel_id,
        "found_again": found_again,
        **fees,
        "warnings": warnings,
    }


def order_text(view: OrderView, found_again: bool, now: datetime) -> str:
    """``now``: the host's time. An order past its deposit (found again once it
    swapped, failed or expired) is not presented as something to pay."""
    amount = _human(view.amount_in, view) or f"{view.amount_in} units"
    chain = view.src.chain if view.src is not None else "the source chain"
    left = int((view.expire_at - now).total_seconds())
    expire = f"{view.expire_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
    when = f"{expire} ({left // 60} min left)" if left > 0 else f"{expire} (expired)"
    depositing = view.awaits_deposit(now)
    fees = view.fees
    lines = [
        f"Order {view.order_no} {'found again' if found_again else 'created'}"
        + (f" (client_order_id {view.client_order_id})" if view.client_order_id else ""),
        f"Send exactly {amount} ({view.amount_in} units) on {chain}"
        if depositing
        else f"Do not send: {amount} ({view.amount_in} units) on {chain} was the deposit",
        f"to         {view.deposit_address}",
        f"before     {when}",
        f"status     {'—' if view.status is None else status_label(view.status)}",
    ]
    if not fees.empty:
        integrator = _human(fees.fee_integrator, view) or "—"
        platform = _human(fees.fee_platform, view) or "—"
        original = _human(fees.fee_platform_original, view) or "—"
        lines.append(
            f"fees       integrator {integrator} ({fees.integrator_fee_rate or 0}%) · "
            f"platform {platform} ({fees.platform_fee_rate or 0}%) · "
            f"before commission {original}"
        )
    if view.integrator_bound:
        lines.append(f"commission bound to integrator {view.integrator_id}")
    return "\n".join(lines) + "\n"


def parse_status_filter(text: str | None) -> tuple[str | None, str | None]:
    """``--status``: an order state (any case) or a journal state; (value, problem)."""
    if text is None:
        return None, None
    wanted = text.strip().lower()
    for status in OrderStatus:
        if wanted == status.value.lower():
            return status.value, None
    for state in ("pending", "refused", "watched"):
        if wanted == state:
            return state, None
    known = ", ".join([s.value for s in OrderStatus] + ["pending", "refused", "watched"])
    return None, f"--status: no state {text!r}; one of: {known}"


def _matches(status_filter: str | None, state: str, last_status: str | None) -> bool:
    if status_filter is None:
        return True
    if status_filter in ("pending", "refused", "watched"):
        return state == status_filter
    return last_status == status_filter


async def run_order_list(
    service: OrderService,
    *,
    as_json: bool,
    out: TextIO,
    err: TextIO,
    status: str | None = None,
) -> int:
    status_filter, problem = parse_status_filter(status)
    if problem is not None:
        _say(err, problem)
        return EXIT_USAGE
    if service.can_order:
        try:
            await resolve_pending(service, err)
        except ProviderError as exc:  # the list is local: show it anyway
            _say(err, f"pending entries not resolved: {describe(exc)}")
    records = [r for r in service.records()
               if _matches(status_filter, r.state.value, r.last_status)]  # fmt: skip
    journaled = {r.order_no for r in service.records() if r.order_no}
    watched = [w for w in service.journal.watched()
               if w.order_no not in journaled
               and _matches(status_filter, "watched", w.last_status)]  # fmt: skip
    if as_json:
        rows = [record_json(r) for r in records] + [watch_json(w) for w in watched]
        out.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not records and not watched:
        which = f" with status {status_filter}" if status_filter else ""
        out.write(f"no order{which} in the journal ({service.journal.path})\n")
        return EXIT_OK
    header = ("journaled (UTC)", "state", "order", "status", "amount", "client_order_id", "host")
    table = [header] + [_record_row(r) for r in records] + [_watch_row(w) for w in watched]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    # why an entry is pending or refused: whole, on its own line, not cut in the table
    reasons = [f"{r.client_order_id} ({r.state.value}): {inert(r.error, limit=4000)}"
               for r in records if r.error and r.state is not JournalState.CREATED]  # fmt: skip
    if reasons:
        out.write("\n" + "\n".join(reasons) + "\n")
    return EXIT_OK


def _watch_row(watch: WatchRecord) -> tuple[str, ...]:
    detail = watch.detail or {}
    return (
        f"{watch.added_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
        "watched",
        watch.order_no,
        watch.last_status or "—",
        f"{detail.get('amount_in', '—')} units",
        str(detail.get("client_order_id") or "—"),
        watch.host,
    )


def watch_json(watch: WatchRecord) -> dict[str, Any]:
    detail = watch.detail or {}
    return {
        "id": None,
        "client_order_id": detail.get("client_order_id"),
        "host": watch.host,
        "state": "watched",
        "order_no": watch.order_no,
        "status": watch.last_status,
        "journaled_at": watch.added_at.isoformat(),
        "updated_at": watch.updated_at.isoformat(),
        "attempts": 0,
        "error": None,
        "key_entry": None,
        "src": None,
        "dst": None,
        "amount_in": detail.get("amount_in"),
        "deposit_address": detail.get("deposit_address"),
        "expire_at": detail.get("expire_at"),
        "integrator_id": detail.get("integrator_id"),
    }


def _record_row(record: OrderRecord) -> tuple[str, ...]:
    src, _ = record_tokens(record)
    amount = record.body.get("amount_in")
    human = (
        display.amount_to_send(int(amount), src.decimals, src.symbol)
        if src is not None and isinstance(amount, str) and amount.isdigit()
        else str(amount)
    )
    return (
        f"{record.journaled_at.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
        record.state.value,  # the reason, if any, follows the table
        record.order_no or "—",
        record.last_status or "—",
        human,
        record.client_order_id,
        record.host,
    )


def record_json(record: OrderRecord) -> dict[str, Any]:
    src, dst = record_tokens(record)
    response = record.response or {}
    return {
        "id": record.id,
        "client_order_id": record.client_order_id,
        "host": record.host,
        "state": record.state.value,
        "order_no": record.order_no,
        "status": record.last_status,
        "journaled_at": record.journaled_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
        "attempts": record.attempts,
        "error": record.error,
        "key_entry": record.key_entry,
        "src": None if src is None else src.label,
        "dst": None if dst is None else dst.label,
        "amount_in": record.body.get("amount_in"),
        "deposit_address": response.get("deposit_address"),
        "expire_at": response.get("expire_at"),
        "integrator_id": response.get("integrator_id"),
    }
