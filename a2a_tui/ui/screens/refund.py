"""The refund step: which path guide 3.4 gives this order, its window, the address
for the SOURCE chain, the request, and every answer of guide 3.7 as what to do.

The rules are checked before anything is sent (a final order, a window not
open yet or closed: refused with the reason); a doubtful case is sent and the
host decides. After the request the refund record is shown and the order
stays tracked (read at the imminent rate while this step is open).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from a2a_tui.domain.order_input import OrderInputError, address_hint
from a2a_tui.domain.orders import OrderStatus, OrderView, status_label
from a2a_tui.domain.refunds import RefundPath
from a2a_tui.domain.support import amount_and_units
from a2a_tui.providers.http.errors import describe
from a2a_tui.services.desk import OrderEntry, RefundResult, SupportDesk
from a2a_tui.services.tracker import OrderUpdate, Tracker
from a2a_tui.ui.glyphs import GLYPHS
from a2a_tui.ui.widgets.typed_input import TypedInput

__all__ = ["RefundScreen", "window_text"]


class RefundProgress(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class RefundDone(Message):
    def __init__(self, result: RefundResult) -> None:
        super().__init__()
        self.result = result


class RefundViewChanged(Message):
    def __init__(self, update: OrderUpdate) -> None:
        super().__init__()
        self.update = update


class BundleCopied(Message):
    def __init__(self, text: str | None, problem: str | None = None) -> None:
        super().__init__()
        self.text, self.problem = text, problem


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _span(seconds: float) -> str:
    seconds = int(abs(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes}:{secs:02d}"


def window_text(view: OrderView, now: datetime) -> str:
    """The manual-review window (guide 3.4), live; the host's state beats this clock."""
    opens, closes = view.expire_at, view.auto_cancel_at
    until = (f"closes {_at(closes)} (in {_span((closes - now).total_seconds())})"
             if closes is not None and now < closes else
             f"closed {_at(closes)} ({_span((now - closes).total_seconds())} ago)"
             if closes is not None else "closes at auto-cancel (time unknown)")  # fmt: skip
    if view.status is OrderStatus.CANCELLED_NO_DEPOSIT and view.settled:
        # the host's word: closed, whatever a clock says is left
        return "Window closed: the order is settled" + (
            f" (auto-cancel {_at(closes)})" if closes is not None else ""
        )
    if view.status is OrderStatus.CANCELLED_NO_DEPOSIT or now >= opens:
        expired = "the host reports it expired" if view.status is not OrderStatus.DEPOSITING else (
            "by this machine's clock")  # fmt: skip
        return f"Window open ({expired}) · {until}"
    return (f"Window opens {_at(opens)} (in {_span((opens - now).total_seconds())}), when the "
            f"deposit window expires · {until}")  # fmt: skip


def record_text(view: OrderView) -> str:
    refund = view.refund
    if refund is None:
        return "Refund record: none yet."
    src = view.src
    lines = [
        f"Refund record · {refund.status} · {refund.handling.replace('_', ' ')}",
        f"  to        {refund.refund_address}",
        f"  amount    {amount_and_units(refund.refund_amount, src)}",
        f"  gas       {amount_and_units(refund.gas_fee, src)}",
        f"  requested {_at(refund.requested_at)}",
    ]
    if refund.completed_at is not None:
        lines.append(f"  completed {_at(refund.completed_at)}" +
                     (f" · tx {refund.tx_hash}" if refund.tx_hash else ""))  # fmt: skip
    lines.append(f"  order     {status_label(view.status) if view.status else '—'}")
    return "\n".join(lines)


class RefundScreen(Screen[None]):
    CSS_PATH = "refund.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="refund.back"),
        Binding("ctrl+s", "request", "Request refund", id="refund.request"),
        Binding("ctrl+b", "bundle", "Bundle", id="refund.bundle"),
    ]

    ORDERS_VIEW = True

    def __init__(
        self,
        entry: OrderEntry,
        view: OrderView,
        desk: SupportDesk,
        tracker: Tracker | None = None,
        *,
        wall_clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.entry = entry
        self.view = view
        self.desk = desk
        self.tracker = tracker
        self._wall_clock = wall_clock
        self.busy = False
        self.result: RefundResult | None = None
        #: What the result line was said for (`_situation`): when that changes the
        #: line is no longer true, and it is cleared.
        self._said_for: tuple[object, ...] | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def now(self) -> datetime:
        clock = self._wall_clock or getattr(self.app, "wall_clock", None)
        return self.desk.host_time(clock()) if clock is not None else self.desk.now()

    def compose(self) -> ComposeResult:
        src = self.view.src
        chain = src.chain if src is not None else "the source chain"
        yield Header()  # its icon: the app's (A2AApp._own_glyphs)
        with VerticalScroll(id="refund-body"):
            yield Static(id="refund-path")
            yield Static(id="refund-window", markup=False)
            yield Static(id="refund-facts", markup=False)
            yield Static(
                f"Refund address on {chain} (the order's SOURCE chain): "
                f"{address_hint(src.address_format if src else None)}",
                id="refund-label", markup=False,
            )  # fmt: skip
            yield TypedInput(placeholder=f"your address on {chain}", id="refund-address")
            yield Static(id="refund-problem", markup=False)
            yield Static(id="refund-result", markup=False)
            with Vertical(id="refund-record-box"):
                yield Static(id="refund-record", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.tracker is not None:
            self._unsubscribe = self.tracker.subscribe(
                lambda u: self.post_message(RefundViewChanged(u))
            )
            self.tracker.watch_closely(self.view.order_no, True)
        refund = self.view.refund
        field = self.query_one("#refund-address", Input)
        if refund is not None:
            field.value = refund.refund_address
        field.focus()
        self._show()
        self.set_interval(1.0, self._tick, name="refund window")

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self.tracker is not None:
            self.tracker.watch_closely(self.view.order_no, False)

    # -- display ----------------------------------------------------------------------

    def _show(self) -> None:
        view = self.view
        assessment = self.desk.assess(view)
        path = assessment.path
        mark, kind = {True: (GLYPHS.ok, "-ok"), False: (GLYPHS.fail, "-refused"),
                      None: ("?", "-doubt")}[assessment.allowed]  # fmt: skip
        title = f"Refund {view.order_no} · {status_label(view.status) if view.status else '—'}"
        lines: list[tuple[str, str] | str] = [(title, "bold")]
        lines += [("\nPath    ", "$text-muted"), path.label if path else "none applies now"]
        lines += [(f"\n{mark}       ", "bold"), assessment.why]
        if assessment.allowed is False:
            lines.append(("\nNothing is sent: the host would refuse it.", "bold"))
        box = self.query_one("#refund-path", Static)
        box.update(Content.assemble(*lines))
        for name in ("-ok", "-refused", "-doubt"):
            box.set_class(name == kind, name)
        self._tick()
        self.query_one("#refund-facts", Static).update(Content(self._facts(path)))
        self.query_one("#refund-record", Static).update(Content(record_text(view)))
        field = self.query_one("#refund-address", Input)
        field.disabled = self.done
        if self.done:
            self._said_for = None
            what = status_label(view.status) if view.status else "final"
            self._say(f"{GLYPHS.ok} Done: the order is {what}; there is nothing left to request "
                      "here. esc goes back · ctrl+b copies the support bundle", "ok")  # fmt: skip
        elif self._said_for is not None and self._said_for != self._situation(path):
            self._said_for = None  # a result for another state or path: no longer true
            self._hint()
        elif self._said_for is None and not self.busy:
            self._hint()
        self.refresh_bindings()  # ^s is offered only while a request can be sent

    def _situation(self, path: RefundPath | None) -> tuple[object, ...]:
        """What a result is about: the state, the path, a deposit, a refund record."""
        view = self.view
        return (view.status, path, view.deposit is not None, view.refund is not None,
                view.settled)  # fmt: skip

    @property
    def done(self) -> bool:
        """Nothing left to ask: the order is final (refunded, completed, settled...)."""
        return self.view.final

    @property
    def can_request(self) -> bool:
        """A request can be sent: the order is not final and the host would not
        certainly refuse it (waiting for its deposit, a swap still running)."""
        return not self.done and self.desk.assess(self.view).allowed is not False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "request":  # hidden from the footer, and inert, when it cannot act
            return self.can_request
        return True

    def _hint(self) -> None:
        """The keys that help now: when the host would refuse (waiting for a deposit, a
        swap still running), Enter is not offered; it would only say so again."""
        if not self.can_request:
            self._say("No refund can be requested now (why above) · esc goes back · ctrl+b "
                      "copies the support bundle")  # fmt: skip
            return
        self._say("Enter (or ctrl+s) requests the refund · esc goes back · ctrl+b copies the "
                  "support bundle")  # fmt: skip

    def _facts(self, path: RefundPath | None) -> str:
        view = self.view
        src = view.src
        deposit = (f"deposited {amount_and_units(view.deposit.amount, src)}" if view.deposit
                   else "no deposit reported")  # fmt: skip
        key = self.desk.key_entry or "none (the refund endpoint needs one: F2)"
        amount = {
            RefundPath.AUTOMATIC: "refund = the deposit minus the source chain's gas",
            RefundPath.MANUAL_REVIEW: "refund decided by a person within 1 h",
            RefundPath.MANUAL_CONFIRMATION: "Any2Any support must confirm the swap first",
        }.get(path, "") if path is not None else ""  # fmt: skip
        return (f"Funds   {deposit}" + (f" · {amount}" if amount else "") +
                f"\nKey     {key} (the order must belong to this key's integrator)")  # fmt: skip

    def _tick(self) -> None:
        widget = self.query_one("#refund-window", Static)
        path = self.desk.assess(self.view).path
        if self.done:
            widget.update(Content("Window  none: the order is final"))
        elif path is RefundPath.MANUAL_REVIEW:
            widget.update(Content(window_text(self.view, self.now())))
        elif path is not None:
            widget.update(Content("Window  none: any time while the swap stays failed"))
        else:
            widget.update(Content(""))

    def _say(self, text: str, kind: str = "") -> None:
        """``kind``: ``error``, ``busy``, ``warning``, ``ok`` or plain."""
        result = self.query_one("#refund-result", Static)
        result.update(Content(GLYPHS.text(text)))  # a message's marks too, on the console
        for name in ("error", "busy", "warning", "ok"):
            result.set_class(name == kind, f"-{name}")

    # -- requesting --------------------------------------------------------------------

    @on(Input.Submitted, "#refund-address")
    def _submitted(self) -> None:
        if not self.can_request:  # as ^s: nothing to send; the hint says why again
            if not self.busy and not self.done:
                self._said_for = None
                self._hint()
            return
        self.action_request()

    def action_request(self) -> None:
        if self.busy or not self.can_request:
            return
        field = self.query_one("#refund-address", Input)
        problem = self.query_one("#refund-problem", Static)
        try:
            address = self.desk.check_address(self.view, field.value)
        except OrderInputError as exc:
            problem.update(Content(str(exc)))
            self._say("Fix the address above: nothing was sent.", "error")
            field.focus()
            return
        problem.update(Content(""))
        self.busy = True
        self._say("checking the order with the host…", "busy")
        self.run_refund(address)

    @work(exclusive=True, group="refund-send", exit_on_error=False)
    async def run_refund(self, address: str) -> None:
        try:
            result = await self.desk.refund(
                self.view.order_no, address, view=self.view,
                progress=lambda text: self.post_message(RefundProgress(text)),
            )  # fmt: skip
        except Exception as exc:  # shown, never a crash
            result = RefundResult("unknown", f"The refund could not be sent: {describe(exc)}")
        self.post_message(RefundDone(result))

    @on(RefundProgress)
    def _progress(self, message: RefundProgress) -> None:
        self._say(message.text, "busy")

    @on(RefundDone)
    def _done(self, message: RefundDone) -> None:
        self.busy = False
        result = self.result = message.result
        if result.view is not None:
            self.view = result.view
        kind = "ok" if result.ok else "warning" if result.outcome == "unknown" else "error"
        mark = GLYPHS.ok if result.ok else GLYPHS.fail
        self._say(f"{mark} {result.message}", kind)
        self._said_for = self._situation(self.desk.assess(self.view).path)
        if result.field == "address":
            field = self.query_one("#refund-address", Input)
            if result.on_record:
                field.value = result.on_record  # Enter now asks again with it: idempotent
            field.focus()
        if self.tracker is not None:
            self.tracker.track(self.view.order_no, self.view)
            if result.ok:
                self.tracker.poll_soon(self.view.order_no)
        self._show()

    @on(RefundViewChanged)
    def _tracked(self, message: RefundViewChanged) -> None:
        update = message.update
        if update.order_no != self.view.order_no or update.view is None:
            return
        self.view = update.view
        self._show()

    def action_bundle(self) -> None:
        self.make_bundle()

    @work(exclusive=True, group="refund-bundle", exit_on_error=False)
    async def make_bundle(self) -> None:
        try:
            text = await self.desk.bundle(self.entry, self.view)
        except Exception as exc:  # shown
            self.post_message(BundleCopied(None, describe(exc)))
        else:
            self.post_message(BundleCopied(text))

    @on(BundleCopied)
    def _copied(self, message: BundleCopied) -> None:
        if message.text is None:
            self.notify(f"No bundle: {message.problem}", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(message.text)
        self.notify("Support bundle copied (OSC 52, no secrets).", title="Copied",
                    markup=False, timeout=4)  # fmt: skip

    def action_back(self) -> None:
        if self.busy:
            self._say("Sending: wait for the answer (asking again later is safe).", "warning")
            return
        self.dismiss(None)
