"""``a2a-tui order show``, ``order watch`` and ``refund``: the support desk without a screen.

``show`` prints an order's detail from the host (the journal's view, marked as
such, when the host cannot be reached), or its support bundle. ``watch``
follows orders with the same tracker as the app and prints each transition
until every order is final. ``refund`` applies the same checks and guidance
as the refund step.

Exit statuses. show: 0 shown from the host, 1 no such order, 3 the host
could not be reached (the journal's view is printed if it has one).
watch: 0 every order completed, 1 any failed, was refunded or expired,
3 the connection was lost and did not come back within ``--lost-after``.
refund: 0 requested (or already requested with that address), 1 refused
(by the host, or up front because it would be), 2 bad input, 3 no answer.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from a2a_tui.domain import display
from a2a_tui.domain.orders import OrderStatus, OrderView, TokenRef, status_label
from a2a_tui.domain.support import amount_and_units, commission_of, short_status
from a2a_tui.providers.http.errors import ProviderError, describe
from a2a_tui.providers.registry import ApiError
from a2a_tui.services.desk import (
    OrderEntry,
    OrderNumberError,
    RefundResult,
    SupportDesk,
    parse_order_no,
)
from a2a_tui.services.tracker import OrderUpdate, Tracker

__all__ = [
    "EXIT_LOST",
    "run_order_show",
    "run_order_watch",
    "run_refund",
    "view_json",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOST = 0, 1, 2, 3


def _say(err: TextIO, command: str, text: str) -> None:
    print(f"a2a-tui {command}: {text}", file=err)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(moment: datetime | None) -> str | None:
    """Text output's times, as the app, the bundle and ``order create`` write them."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _human(units: int | None, token: TokenRef | None) -> str | None:
    if units is None or token is None:
        return None
    return display.amount_to_send(units, token.decimals, token.symbol)


def view_json(view: OrderView, desk: SupportDesk, *, source: str = "host") -> dict[str, Any]:
    """Every field of the order, amounts as integer strings beside their human form."""
    src, dst = view.src, view.dst
    refund, deposit = view.refund, view.deposit
    assessment = desk.assess(view)
    return {
        "order_no": view.order_no,
        "order_id": view.order_id,
        "source": source,
        "status": None if view.status is None else str(view.status),
        "status_label": None if view.status is None else status_label(view.status),
        "final": view.final,
        "settled": view.settled,
        "integrator_id": view.integrator_id,
        "integrator_bound": view.integrator_bound,
        "commission": commission_of(view).value,
        "client_order_id": view.client_order_id,
        "src": None if src is None else src.label,
        "dst": None if dst is None else dst.label,
        "amount_in": None if view.amount_in is None else str(view.amount_in),
        "amount_in_human": _human(view.amount_in, src),
        "estimated_out": None if view.estimated_out is None else str(view.estimated_out),
        "min_acceptable_out_amount": None if view.min_out is None else str(view.min_out),
        "out_amount": None if view.out_amount is None else str(view.out_amount),
        "out_tx_hash": view.out_tx_hash,
        "slippage": None if view.slippage is None else str(view.slippage),
        "chosen_channel_id": view.chosen_channel_id,
        "promo_code": view.promo_code,
        "deposit_address": view.deposit_address,
        "dst_address": view.dst_address,
        "created_at": _iso(view.created_at),
        "expire_at": _iso(view.expire_at),
        "auto_cancel_at": _iso(view.auto_cancel_at),
        **view.fees.as_dict(),
        "deposit": None if deposit is None else {
            "amount": str(deposit.amount), "amount_human": _human(deposit.amount, src),
            "received_at": _iso(deposit.received_at), "tx_hash": deposit.tx_hash,
            "late": deposit.late,
        },
        "refund": None if refund is None else {
            "refund_address": refund.refund_address, "handling": refund.handling,
            "status": refund.status,
            "refund_amount": None if refund.refund_amount is None else str(refund.refund_amount),
            "gas_fee": None if refund.gas_fee is None else str(refund.gas_fee),
            "requested_at": _iso(refund.requested_at), "completed_at": _iso(refund.completed_at),
            "tx_hash": refund.tx_hash,
        },
        "refund_path": None if assessment.path is None else assessment.path.value,
        "refund_allowed": assessment.allowed,
        "refund_assessment": assessment.why,
        "next_step": desk.next_step(view),
        "status_history": [
            {"status": str(h.status), "at": _iso(h.at), "note": h.note} for h in view.history
        ],
    }  # fmt: skip


def view_text(view: OrderView, desk: SupportDesk, *, source: str = "host") -> str:
    src, dst = view.src, view.dst
    assessment = desk.assess(view)
    rows: list[tuple[str, object]] = [
        ("order", f"{view.order_no} (id {view.order_id})"),
        ("status", f"{short_status(view.status, settled=view.settled)}"
                   + (" · final" if view.final else "")),
        ("next", desk.next_step(view)),
        ("pair", f"{src.label if src else '?'} → {dst.label if dst else '?'}"),
        ("amount in", amount_and_units(view.amount_in, src)),
        ("min out", amount_and_units(view.min_out, dst)),
        ("deposit to", view.deposit_address),
        ("receive at", view.dst_address),
        ("expire_at", _when(view.expire_at)),
        ("auto-cancel", _when(view.auto_cancel_at)),
        ("integrator", "not verified" if view.integrator_bound is None
         else view.integrator_id if view.integrator_bound else "none (not bound: no commission)"),
        ("commission", f"{commission_of(view).value} · fee_integrator "
                       f"{amount_and_units(view.fees.fee_integrator, src)}"),
        ("refund", "none" if view.refund is None else
         f"{view.refund.status} to {view.refund.refund_address} ({view.refund.handling})"),
        ("refund path", assessment.path.label if assessment.path else "—"),
    ]  # fmt: skip
    if view.client_order_id:
        rows.insert(1, ("client id", view.client_order_id))
    lines = [f"{label:<12}{'—' if value is None else value}" for label, value in rows]
    if source != "host":
        lines.insert(0, f"({source})")
    for index, change in enumerate(view.history):
        note = f" ({change.note})" if change.note else ""
        label = "timeline" if index == 0 else ""
        lines.append(f"{label:<12}{_when(change.at)}  {status_label(change.status)}{note}")
    return "\n".join(lines) + "\n"


async def _find(desk: SupportDesk, order_no: str) -> OrderEntry | None:
    try:
        return await desk.entry(order_no)
    except Exception:  # the journal is the fallback; its absence is not an error here
        return None


async def _elsewhere(desk: SupportDesk, order_no: str) -> str:
    """`` and the journal has it for host X: use --base-url X`` when it does."""
    try:
        hosts = await desk.other_hosts(order_no)
    except Exception:  # the journal is only a hint here
        return ""
    if not hosts:
        return ""
    options = " or ".join(f"--base-url {h}" for h in hosts)
    return f"; the journal has {order_no} for {' and '.join(hosts)}: use {options}"


async def run_order_show(
    desk: SupportDesk, order_no: str, *, as_json: bool, bundle: bool, out: TextIO, err: TextIO
) -> int:
    try:
        order_no = parse_order_no(order_no)
    except OrderNumberError as exc:
        _say(err, "order show", str(exc))
        return EXIT_USAGE
    source = "host"
    code = EXIT_OK
    entry = await _find(desk, order_no)
    try:
        view = (await desk.poll(order_no)).view
    except ProviderError as exc:
        elsewhere = await _elsewhere(desk, order_no) if entry is None else ""
        if isinstance(exc, ApiError) and exc.msg == "order not found":
            _say(err, "order show", f"{desk.host_url} has no order {order_no}{elsewhere}")
            return EXIT_FAILED
        journaled = entry.view if entry is not None else None
        if journaled is None:
            journal = elsewhere or " and the journal does not have this order"
            _say(err, "order show", f"cannot reach {desk.host_url} ({describe(exc)}){journal}")
            return EXIT_LOST
        view = journaled
        source = f"from the journal: {desk.host_url} could not be reached ({describe(exc)})"
        _say(err, "order show", f"showing the journal's view: {describe(exc)}")
        code = EXIT_LOST
    if entry is None:
        entry = OrderEntry(order_no, "watched", view, desk.now())
    if bundle:
        out.write(await desk.bundle(entry, view, source=source))
    elif as_json:
        out.write(json.dumps(view_json(view, desk, source=source), ensure_ascii=False) + "\n")
    else:
        out.write(view_text(view, desk, source=source))
    out.flush()
    return code


def _transition(update: OrderUpdate) -> dict[str, Any]:
    view = update.view
    return {
        "event": "status" if update.error is None else "error",
        "order_no": update.order_no,
        "status": None if update.status is None else str(update.status),
        "previous": None if update.previous is None else str(update.previous),
        "final": bool(view is not None and view.final),
        "settled": None if view is None else view.settled,
        "error": update.error,
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


async def run_order_watch(
    desk: SupportDesk,
    order_nos: Sequence[str],
    *,
    as_json: bool,
    out: TextIO,
    err: TextIO,
    tracker: Tracker | None = None,
    lost_after: float = 120.0,
) -> int:
    """Until every order is final: 0 all completed, 1 any other end, 3 lost."""
    if not order_nos:
        _say(err, "order watch", "no order given")
        return EXIT_USAGE
    try:
        wanted = list(dict.fromkeys(parse_order_no(n) for n in order_nos))
    except OrderNumberError as exc:
        _say(err, "order watch", f"{exc}; nothing was watched")
        return EXIT_USAGE
    tracker = tracker or Tracker(desk)
    tracker.set_visible(True)  # someone is watching: the full rates
    done = asyncio.Event()
    verdict: list[int] = []
    missing: list[str] = []

    def show(update: OrderUpdate) -> None:
        if update.order_no not in wanted:
            return
        item = tracker.get(update.order_no)
        if update.error is not None:
            if update.not_found:
                missing.append(update.order_no)
                _say(err, "order watch", f"{desk.host_url} has no order {update.order_no}")
                verdict.append(EXIT_FAILED)
                done.set()
                return
            if as_json:
                out.write(json.dumps(_transition(update), ensure_ascii=False) + "\n")
            elif item is not None and item.failures in (1, 3, 6):
                _say(err, "order watch", f"{update.order_no}: {update.error} (retrying)")
            check_lost()
            out.flush()
            return
        if update.status_changed or update.previous is None:
            _print(update)
        if all((t := tracker.get(n)) is not None and t.final for n in wanted):
            done.set()

    started = tracker.clock()

    def check_lost() -> None:
        """Lost: an order's reads have failed for ``lost_after`` seconds (since its
        last good read, or the start). Checked on a timer too: a read that hangs or
        a retry due later must not keep the watch waiting past its deadline."""
        now = tracker.clock()
        for order_no in wanted:
            item = tracker.get(order_no)
            if item is None or item.final or not item.failures:
                continue
            since = item.last_ok if item.last_ok is not None else started
            if now - since >= lost_after:
                _say(err, "order watch", f"lost the connection to {desk.host_url} for "
                                         f"{lost_after:g} s: {item.error}")  # fmt: skip
                verdict.append(EXIT_LOST)
                done.set()
                return

    async def keep_time() -> None:
        step = max(min(lost_after / 10, 1.0), 0.05)
        while not done.is_set():
            await tracker.sleep(step)
            check_lost()

    def _print(update: OrderUpdate) -> None:
        if as_json:
            out.write(json.dumps(_transition(update), ensure_ascii=False) + "\n")
        else:
            stamp = datetime.now(UTC).strftime("%H:%M:%S")
            view = update.view
            label = short_status(update.status, settled=view.settled if view else None)
            step = desk.next_step(view) if view is not None else ""
            out.write(f"{stamp}  {update.order_no}  {label}  {step}\n")
        out.flush()

    unsubscribe = tracker.subscribe(show)
    for order_no in wanted:
        tracker.track(order_no, None)
        tracker.watch_closely(order_no)  # "as it happens": every watched order at the fast rate
    task = asyncio.create_task(tracker.run(load=False))
    timer = asyncio.create_task(keep_time())
    try:
        waiter = asyncio.ensure_future(done.wait())
        finished, _ = await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
        if task in finished:
            task.result()  # the tracker stopped by itself: raise what stopped it
        waiter.cancel()
    finally:
        unsubscribe()
        task.cancel()
        timer.cancel()
        await asyncio.gather(task, timer, return_exceptions=True)
    if verdict:
        return verdict[0]
    views = [t.view for n in wanted if (t := tracker.get(n)) is not None]
    completed = all(v is not None and v.status is OrderStatus.COMPLETED for v in views)
    return EXIT_OK if completed else EXIT_FAILED


def refund_json(result: RefundResult, order_no: str) -> dict[str, Any]:
    view = result.view
    refund = None if view is None else view.refund
    return {
        "order_no": order_no,
        "outcome": result.outcome,
        "ok": result.ok,
        "message": result.message,
        "reason": None if result.reason is None else result.reason.value,
        "refused_up_front": result.up_front,
        "path": None if result.path is None else result.path.value,
        "attempts": result.attempts,
        "address_on_record": result.on_record,
        "status": None if view is None or view.status is None else str(view.status),
        "refund": None if refund is None else {
            "refund_address": refund.refund_address, "handling": refund.handling,
            "status": refund.status,
            "refund_amount": None if refund.refund_amount is None else str(refund.refund_amount),
            "gas_fee": None if refund.gas_fee is None else str(refund.gas_fee),
        },
    }  # fmt: skip


async def run_refund(
    desk: SupportDesk, order_no: str, *, address: str, as_json: bool, out: TextIO, err: TextIO
) -> int:
    try:
        order_no = parse_order_no(order_no)
    except OrderNumberError as exc:
        _say(err, "refund", str(exc))
        return EXIT_USAGE
    if not address.strip():
        _say(err, "refund", "--address: the refund address on the order's SOURCE chain")
        return EXIT_USAGE
    result = await desk.refund(order_no, address)
    if as_json:
        out.write(json.dumps(refund_json(result, order_no), ensure_ascii=False) + "\n")
    if result.ok:
        if not as_json:
            out.write(result.message + "\n")
            view = result.view
            if view is not None and view.refund is not None:
                refund = view.refund
                out.write(f"refund      {refund.status} · {refund.handling} · to "
                          f"{refund.refund_address}\n")  # fmt: skip
                if refund.refund_amount is not None:
                    out.write(f"amount      {amount_and_units(refund.refund_amount, view.src)}\n")
                if refund.gas_fee is not None:
                    out.write(f"gas         {amount_and_units(refund.gas_fee, view.src)}\n")
        out.flush()
        return EXIT_OK
    _say(err, "refund", result.message)
    match result.outcome:
        case "bad_input":
            return EXIT_USAGE
        case "unknown":
            return EXIT_LOST
        case _:
            return EXIT_FAILED
