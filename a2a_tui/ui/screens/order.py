"""The order step: one Any2Any channel of the board, about to become an order.

It shows exactly what will be sent (amounts in human and smallest units, the
exact minimum out, the fees), checks the destination address for its chain
before anything leaves, quotes the channel again when the quote is older
than 10 s (guide FAQ Q4) and asks again if the amount fell, then creates the
order through the journaled path and opens the deposit screen. Every refusal
of guide 2.5 is shown as what to do next. Workers only post messages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static

from a2a_tui.domain import display
from a2a_tui.domain.credentials import mask
from a2a_tui.domain.failures import advice
from a2a_tui.domain.order_input import OrderInputError, address_hint
from a2a_tui.domain.orders import JournalState, OrderDraft, OrderRecord
from a2a_tui.domain.text import count, inert, sentence
from a2a_tui.providers.http.errors import describe
from a2a_tui.services.orders import (
    AlreadyJournaled,
    Guidance,
    KeyUnreadable,
    OrderRefused,
    OrderService,
    OutcomeUnknown,
    Placed,
    Progress,
    Requote,
    key_unreadable_message,
)
from a2a_tui.ui.glyphs import GLYPHS
from a2a_tui.ui.screens.deposit import DepositScreen
from a2a_tui.ui.widgets.typed_input import TypedInput

__all__ = ["OrderScreen"]


class RequoteDone(Message):
    def __init__(self, requote: Requote, then_send: bool) -> None:
        super().__init__()
        self.requote, self.then_send = requote, then_send


class SendProgress(Message):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress


class SendDone(Message):
    def __init__(self, placed: Placed) -> None:
        super().__init__()
        self.placed = placed


class SendFailed(Message):
    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


def summary(draft: OrderDraft, service: OrderService, now: float) -> Content:
    """Plain spans only: channel names and symbols came from a server."""
    spec, quote = draft.spec, draft.chosen
    src, dst = spec.src, spec.dst

    def amount(units: int, decimals: int, symbol: str) -> str:
        """What is sent or owed: exact, trailing zeros trimmed (``1.5 ETH``)."""
        return display.amount_to_send(units, decimals, symbol)

    def quoted(units: int, decimals: int, symbol: str) -> str:
        """A channel's estimate: the board's digits, every decimal (``4,712.541099``)."""
        return display.amount_exact(units, decimals, symbol)

    fee = display.percent(quote.fee_pct)
    if quote.promo_applied:
        fee += f" (promo; {display.percent(quote.fee_pct_original)} before)"
    host = service.backend.host
    key = host.api_key if host is not None else None
    if key is None and service.key_problem is not None:
        integrator = "key cannot be read: no order is sent"
    elif key is None:
        integrator = "no key for this host: a plain order, no commission"
    else:
        rate = service.integrator_fee_rate()
        shown = "shown once created" if rate is None else f"{display.percent(rate)}"
        integrator = f"{shown} (key {mask(key)})"
    age = draft.age(now)
    lines: list[tuple[str, str, str]] = [
        ("Pay", amount(spec.amount_in, src.decimals, src.symbol) + f" on {src.chain.name}",
         f"{spec.amount_in} units"),
        ("Receive", f"{GLYPHS.approx} " + quoted(quote.out_amount, dst.decimals, dst.symbol)
         + f" on {dst.chain.name}", f"{quote.out_amount} units"),
        ("Min out", amount(draft.min_out, dst.decimals, dst.symbol),
         f"{draft.min_out} units at {display.fraction_percent(spec.slippage)} slippage"),
        ("Fees", f"channel {fee} · integrator {integrator}", ""),
        ("Quote", f"{display.duration(age)} old"
         + (" (older than 10 s: re-quoted before sending)" if service.is_stale(draft) else "")
         + f" · {count(len(draft.channels), 'channel')} in the request"
         + (f" · promo {draft.promo_code}" if draft.promo_code else ""), ""),
    ]  # fmt: skip
    parts: list[tuple[str, str] | str] = [
        (f"{quote.name}", "bold"),
        (f"  channel {quote.channel_id} · Any2Any", "$text-muted"),
    ]
    for label, value, units in lines:
        parts += [(f"\n{label:<9}", "$text-muted"), value]
        if units:
            parts.append((f"  {units}", "$text-muted"))
    return Content.assemble(*parts)


#: What the status line says while nothing is wrong.
READY = "Enter (or ctrl+s) creates the order · esc goes back to the board"
#: The one-key remedies, as the footer names them.
_KEYS = {"requote": " ctrl+r re-quotes.", "show_existing": " ctrl+o shows that order."}


class OrderScreen(Screen[None]):
    CSS_PATH = "order.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="order.back"),
        Binding("ctrl+s", "create", "Create order", id="order.create"),
        # one key, two labels: the footer says which of the two ctrl+r does now
        Binding("ctrl+r", "check_again", "Check again", id="order.check_again"),
        Binding("ctrl+r", "requote", "Re-quote", id="order.requote"),
        Binding("ctrl+o", "show_existing", "Show existing", id="order.show_existing"),
    ]

    def __init__(
        self,
        draft: OrderDraft,
        service: OrderService,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.draft = draft
        self.service = service
        self.clock = clock
        self.wall_clock = wall_clock
        self.busy: str | None = None  # "requoting" or "sending": inputs wait
        self.awaiting_confirmation = False  # the fresh quote fell: the next create sends it
        self.guidance: Guidance | None = None
        self.pending: OrderRecord | None = None  # outcome unknown: ctrl+r checks again
        self.requote_again = False  # the re-quote failed in a way a retry can cure
        self.placed: Placed | None = None
        self.address_problem = ""  # what #address-problem says, about the address as it was
        self._problem_about = ""

    def compose(self) -> ComposeResult:
        dst = self.draft.spec.dst
        yield Header(icon=GLYPHS.pair)
        with Vertical(id="order-body"):
            yield Static(id="summary")
            yield Label(
                f"Destination address on {dst.chain.name}: "
                f"{address_hint(dst.chain.address_format)}",
                id="address-label",
                markup=False,
            )
            yield TypedInput(placeholder=f"your {dst.symbol} address on {dst.chain.name}",
                        id="address")  # fmt: skip
            yield Static(id="address-problem", markup=False)
            with Horizontal(id="ids"):
                yield Label("client_order_id", classes="id-label")
                yield TypedInput(self.service.new_client_order_id(), id="client_order_id",
                            compact=True)  # fmt: skip
                yield Label("user_id", classes="id-label")
                yield TypedInput(placeholder="optional", id="user_id", compact=True)
            yield Static(id="order-status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show_summary()
        self._say(READY)
        # focused once the screen is laid out, so the key after the board's Enter lands here
        self.call_after_refresh(self.query_one("#address", Input).focus)
        self.set_interval(1.0, self._show_summary, name="quote age")

    # -- display ----------------------------------------------------------------------

    def _show_summary(self) -> None:
        self.query_one("#summary", Static).update(summary(self.draft, self.service, self.clock()))

    def _say(self, text: str, kind: str = "") -> None:
        status = self.query_one("#order-status", Static)
        status.update(Content(text))
        for name in ("-error", "-busy", "-warning", "-ok"):
            status.set_class(name == kind, name)

    def _problem(self, field: str | None, text: str) -> None:
        self.address_problem = text if field == "address" else ""
        self._problem_about = self.query_one("#address", Input).value  # what it is about
        self.query_one("#address-problem", Static).update(Content(self.address_problem))
        target = field if field in ("address", "client_order_id", "user_id") else None
        if target is not None:
            self.query_one(f"#{target}", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that do something now: none that would double-send while
        sending, ctrl+r only where a retry (or the re-quote a refusal asks for) applies."""
        match action:
            case "back":
                return self.busy != "sending"
            case "create":
                return self.busy is None
            case "check_again":
                return self.busy is None and self.pending is not None
            case "requote":
                return (
                    self.busy is None
                    and self.pending is None
                    and (
                        self.requote_again
                        or (self.guidance is not None and self.guidance.action == "requote")
                    )
                )
            case "show_existing":
                return (
                    self.busy is None
                    and self.guidance is not None
                    and self.guidance.action == "show_existing"
                )
        return True

    # -- submitting --------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_create()

    @on(Input.Changed, "#address")
    def _address_edited(self, event: Input.Changed) -> None:
        """A problem said about the address goes as soon as it is edited: it was about
        the old text. The new one is checked on Enter (no error flashes while typing)."""
        if self.address_problem and self.busy is None and event.value != self._problem_about:
            self._problem(None, "")
            self._say(READY)

    def action_create(self) -> None:
        if self.busy is not None:
            return
        try:
            draft = self.service.checked(
                self.draft,
                address=self.query_one("#address", Input).value,
                client_order_id=self.query_one("#client_order_id", Input).value,
                user_id=self.query_one("#user_id", Input).value,
            )
        except OrderInputError as exc:
            self._problem(exc.field, str(exc))
            self._say("Fix the address above." if exc.field == "address" else str(exc), "error")
            return
        self._problem(None, "")
        if self.service.key_problem is not None:  # never a plain order by accident
            self._say(key_unreadable_message(self.service.key_problem), "error")
            return
        self.draft = draft
        self.guidance = None
        self.requote_again = False
        self.refresh_bindings()
        if self._reused(draft):
            return
        if self.awaiting_confirmation and not self.service.is_stale(draft):
            self.awaiting_confirmation = False
            self._send()
        elif self.service.is_stale(draft):
            self._requote(then_send=True)
        else:
            self._send()

    def _reused(self, draft: OrderDraft) -> bool:
        """A client_order_id this journal already has: the same request is that order
        (guide 2.4: shown, nothing sent); another is refused before anything is sent."""
        existing, differences = self.service.reuse(
            draft.client_order_id, draft.spec, address=draft.dst_address,
            channel_id=draft.chosen.channel_id,
        )  # fmt: skip
        if existing is None:
            return False
        if differences or (existing.state is not JournalState.PENDING
                           and self.service.view_of(existing) is None):  # fmt: skip
            refused = AlreadyJournaled(existing, differences)
            self.guidance = refused.guidance
            self._problem("client_order_id", "")
            key = _KEYS["show_existing"] if refused.guidance.action else ""
            self._say(f"{refused}.{key}", "error")
            self.refresh_bindings()
            return True
        view = self.service.view_of(existing)
        if view is not None:
            said = f"client_order_id {existing.client_order_id} is order {existing.order_no}"
            self.notify(f"{said}: found again, nothing sent.", markup=False)
            self.app.switch_screen(
                DepositScreen(view, service=self.service, wall_clock=self.wall_clock)
            )
            return True
        self.busy = "sending"  # the same request, still pending: check it again as it was
        self.refresh_bindings()
        self._say("this request is journaled and pending: checking with the same "
                  "client_order_id…", "busy")  # fmt: skip
        self.run_send(self.draft, existing)
        return True

    def _requote(self, *, then_send: bool) -> None:
        self.busy = "requoting"
        self.refresh_bindings()
        age = display.duration(self.draft.age(self.clock()))
        self._say(f"The quote is {age} old: quoting {self.draft.chosen.name} again…", "busy")
        self.run_requote(self.draft, then_send)

    @work(exclusive=True, group="order-requote", exit_on_error=False)
    async def run_requote(self, draft: OrderDraft, then_send: bool) -> None:
        self.post_message(RequoteDone(await self.service.requote(draft), then_send))

    @on(RequoteDone)
    def _requoted(self, message: RequoteDone) -> None:
        self.busy = None
        requote = message.requote
        if requote.new is None or requote.draft is None:
            retry, step = advice([requote.problem or ""])
            self.requote_again = retry
            self.refresh_bindings()
            remedy = (
                "ctrl+r to try again, esc to choose another row"
                if retry
                else f"esc goes back to the board: {step}"
                if step
                else "esc goes back to the board to choose another row"
            )
            said = sentence(f"Could not quote {requote.old.name} again: {requote.problem}")
            self._say(f"{said} {remedy}.",
                      "error")  # fmt: skip
            return
        dst = self.draft.spec.dst
        old = display.amount_exact(requote.old.out_amount, dst.decimals, dst.symbol)
        new = display.amount_exact(requote.new.out_amount, dst.decimals, dst.symbol)
        self.draft = requote.draft
        self._show_summary()
        if requote.fell:
            self.awaiting_confirmation = True
            self.refresh_bindings()
            self._say(
                f"The amount fell: {old} → {new} ({display.signed_bps(-requote.change_bps)} bps). "
                "Enter (or ctrl+s) creates the order at the new amount; esc goes back.",
                "warning",
            )
            self.call_after_refresh(self.query_one("#address", Input).focus)
            return
        self._say(f"Fresh quote: {old} → {new}", "ok")
        if message.then_send:
            self._send()
        else:
            self.refresh_bindings()

    def _send(self) -> None:
        self.busy = "sending"
        self.pending = None
        self.refresh_bindings()
        self._say("journaling the order…", "busy")
        self.run_send(self.draft, None)

    @work(exclusive=True, group="order-send", exit_on_error=False)
    async def run_send(self, draft: OrderDraft, record: OrderRecord | None) -> None:
        def report(progress: Progress) -> None:
            self.post_message(SendProgress(progress))

        try:
            if record is not None:
                resolution = await self.service.retry_pending(record, report)
                if resolution.view is None:
                    raise OutcomeUnknown(resolution.message, resolution.record)
                self.post_message(SendDone(Placed(resolution.view, resolution.record, True)))
                return
            placed = await self.service.place(draft, report)
        except Exception as exc:  # every failure is shown as what to do next
            self.post_message(SendFailed(exc))
        else:
            self.post_message(SendDone(placed))

    @on(SendProgress)
    def _progress(self, message: SendProgress) -> None:
        kind = "warning" if message.progress.stage == "retrying" else "busy"
        self._say(message.progress.text, kind)

    @on(SendDone)
    def _done(self, message: SendDone) -> None:
        self.busy = None
        self.placed = message.placed
        deposit = DepositScreen(message.placed.view, service=self.service,
                                wall_clock=self.wall_clock, fresh=True)  # fmt: skip
        self.app.switch_screen(deposit)

    @on(SendFailed)
    def _failed(self, message: SendFailed) -> None:
        self.busy = None
        error = message.error
        match error:
            case OrderRefused(guidance=guidance):
                self.guidance = guidance
                self._problem(guidance.field, guidance.message)
                shown = "" if guidance.field == "address" else f" {guidance.message}"
                key = _KEYS.get(guidance.action or "", "")
                self._say(f"Refused by the host: {error}.{shown}{key}", "error")
            case AlreadyJournaled(guidance=guidance):
                self.guidance = guidance
                self._problem(guidance.field, "")
                self._say(f"{error}.{_KEYS.get(guidance.action or '', '')}", "error")
            case OutcomeUnknown(record=record):
                self.pending = record
                self._say(f"{sentence(str(error))} ctrl+r checks again now.", "warning")
            case KeyUnreadable(problem=problem):
                self._say(key_unreadable_message(problem), "error")
            case _:
                self._say(f"The order could not be sent: {describe(error)}", "error")
        self.refresh_bindings()

    # -- actions ------------------------------------------------------------------------

    def action_check_again(self) -> None:
        """An outcome not known yet: ask again with the same client_order_id."""
        if self.busy is not None or self.pending is None:
            return
        record, self.pending = self.pending, None
        self.busy = "sending"
        self.refresh_bindings()
        self._say("checking with the same client_order_id…", "busy")
        self.run_send(self.draft, record)

    def action_requote(self) -> None:
        if self.busy is not None or self.pending is not None:
            return
        self.guidance = None
        self.requote_again = False
        self._requote(then_send=True)

    def action_show_existing(self) -> None:
        guidance = self.guidance
        if guidance is None or guidance.existing is None:
            return
        view = self.service.view_of(guidance.existing)
        if view is None:
            self._say(f"{inert(guidance.existing.client_order_id)} has no order yet.", "error")
            return
        self.app.push_screen(DepositScreen(view, service=self.service, wall_clock=self.wall_clock))

    def action_back(self) -> None:
        if self.busy == "sending":
            self._say(
                "Sending: wait for the answer (the order may already exist; it is journaled).",
                "warning",
            )
            return
        self.workers.cancel_group(self, "order-requote")
        self.dismiss(None)
