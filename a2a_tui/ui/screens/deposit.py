"""The deposit screen: where to send what, by when, and whether it earns commission.

Built from an `OrderView` alone, so any screen can open it (the order step
now, the orders screen later). The address is plain selectable text, copied
with ``c`` through the terminal (OSC 52, which also works over SSH), and drawn
as a QR code in fixed dark-on-light colours. The countdown runs on the host's
clock (the support desk's estimate: ``expire_at`` is the host's), turns urgent in
the last five minutes and says "expired" after. Once the deposit window has
closed or the order has moved on, nothing invites a payment: the title says not
to send, the QR code goes and ``c`` is no longer offered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from a2a_tui.domain import display
from a2a_tui.domain.addresses import AddressFormat, address_problem
from a2a_tui.domain.orders import OrderStatus, OrderView, status_label
from a2a_tui.domain.support import Commission, commission_of, next_step
from a2a_tui.domain.text import inert, sentence, sentence_start
from a2a_tui.providers.http.errors import describe
from a2a_tui.services.desk import SupportDesk
from a2a_tui.services.orders import OrderService
from a2a_tui.services.tracker import OrderUpdate, Tracker
from a2a_tui.ui.glyphs import GLYPHS
from a2a_tui.ui.widgets.qr_code import QRCode, qr_rows

__all__ = ["URGENT_SECONDS", "DepositScreen", "countdown"]

#: The last five minutes before ``expire_at``.
URGENT_SECONDS = 5 * 60


def countdown(expire_at: datetime, now: datetime) -> tuple[str, str]:
    """The countdown text and its state: ``""``, ``urgent`` or ``expired``."""
    left = int((expire_at - now).total_seconds())
    at = expire_at.astimezone(UTC).strftime("%H:%M:%S UTC")
    if left <= 0:
        return f"expired at {at}: do not send", "expired"
    hours, rest = divmod(left, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"
    return f"expires in {clock} (at {at})", "urgent" if left <= URGENT_SECONDS else ""


class Tracked(Message):
    def __init__(self, update: OrderUpdate) -> None:
        super().__init__()
        self.update = update


class Refreshed(Message):
    def __init__(self, view: OrderView | None, problem: str | None = None) -> None:
        super().__init__()
        self.view, self.problem = view, problem


def _amount(units: int | None, view: OrderView) -> str:
    if units is None:
        return "—"
    if view.src is None:
        return f"{units} units"
    return display.amount_to_send(units, view.src.decimals, view.src.symbol)


def _rate(value: object) -> str:
    return "—" if value is None else f"{value}%"


def details(view: OrderView) -> Content:
    """Plain spans: the order number, status and addresses came from a server."""
    fees = view.fees
    src = view.src
    lines: list[tuple[str, str]] = [
        ("Amount", _amount(view.amount_in, view)),
        ("", "—" if view.amount_in is None else f"{view.amount_in} units"),
        ("Order", view.order_no),
        ("Status", "—" if view.status is None else status_label(view.status)),
    ]
    if view.client_order_id:
        lines.append(("Your id", view.client_order_id))
    if view.dst is not None and view.min_out is not None:
        dst = view.dst
        lines.append(("Min out", display.amount_to_send(view.min_out, dst.decimals, dst.symbol)))
    if fees.empty:
        lines.append(("Fees", "not in the reply (r reads the detail)"))
    else:
        lines += [
            ("Fees", f"integrator {_amount(fees.fee_integrator, view)}"),
            ("", f"  rate {_rate(fees.integrator_fee_rate)}"),
            ("", f"platform {_amount(fees.fee_platform, view)}"),
            ("", f"  rate {_rate(fees.platform_fee_rate)}"),
            ("", f"before commission {_amount(fees.fee_platform_original, view)}"),
        ]
    if src is None:
        lines.append(("", "(token unknown: amounts in smallest units)"))
    parts: list[tuple[str, str] | str] = []
    for i, (label, value) in enumerate(lines):
        parts += [("\n" if i else "") + f"{label:<8}", value]
    return Content.assemble(*parts)


def payout(view: OrderView) -> Content:
    """Where the swap pays out: the whole destination address on a line of its own
    (it wraps, never cut), so the trader can check it before sending."""
    if not view.dst_address:
        return Content("")
    dst = view.dst
    what = f"{dst.symbol} on {dst.chain}" if dst is not None else "the destination chain"
    return Content.assemble((f"Pays out {what} to\n", "$text-muted"), view.dst_address)


class DepositScreen(Screen[None]):
    CSS_PATH = "deposit.tcss"
    BINDINGS = [
        Binding("c", "copy", "Copy address", id="deposit.copy"),
        Binding("r", "refresh", "Refresh", id="deposit.refresh"),
        Binding("escape", "app.pop_screen", "Back", id="deposit.back"),
    ]

    #: The tracker reads at full rate while this screen is on top (and this order
    #: at the imminent rate: a deposit is expected).
    ORDERS_VIEW = True

    def __init__(
        self,
        view: OrderView,
        *,
        service: OrderService | None = None,
        wall_clock: Callable[[], datetime] | None = None,
        tracker: Tracker | None = None,
        fresh: bool = False,
    ) -> None:
        """``service`` only for ``r`` (read the order again); ``tracker`` (else the
        app's, if it has one) keeps the status live. Without either the screen
        shows what it was given. ``fresh``: the view was read from the host just
        now, so its answer's ``Date`` sets the host's clock before the countdown."""
        super().__init__()
        self.view = view
        self.service = service
        self._wall_clock = wall_clock
        self.tracker = tracker
        self._unsubscribe: Callable[[], None] | None = None
        self._fresh = fresh

    def now(self) -> datetime:
        """The host's time: this machine's clock (given, else the app's: tests freeze
        it) moved by the offset the support desk saw in the host's answers."""
        clock = self._wall_clock or getattr(self.app, "wall_clock", None)
        local = clock() if clock is not None else datetime.now(UTC)
        desk = self._desk()
        return local if desk is None else desk.host_time(local)

    def _desk(self) -> SupportDesk | None:
        desk = self.tracker.desk if self.tracker is not None else getattr(self.app, "desk", None)
        return desk if isinstance(desk, SupportDesk) else None

    @property
    def payable(self) -> bool:
        return self.view.awaits_deposit(self.now())

    def _title(self) -> str:
        view = self.view
        chain = view.src.chain if view.src is not None else "the source chain"
        if self.payable:
            return f"Send exactly {_amount(view.amount_in, view)} on {chain} to"
        status = view.status  # not payable while depositing: the window has closed
        why = "expired" if status is None or status is OrderStatus.DEPOSITING else (
            status_label(status))  # fmt: skip
        return f"Do not send to this address: {why}"

    @property
    def address_problem(self) -> str | None:
        """Why the server's deposit address fails its own chain's check, if it does."""
        src = self.view.src
        if src is None or src.address_format is None:
            return None
        try:
            family = AddressFormat(src.address_format)
        except ValueError:
            return None
        return address_problem(family, self.view.deposit_address)

    def compose(self) -> ComposeResult:
        view = self.view
        yield Header(icon=GLYPHS.pair)
        with Vertical(id="address-box"):
            yield Static(Content(view.deposit_address), id="deposit-address")
        with Horizontal(id="deposit-main"):
            if self.address_problem is None:
                yield QRCode(view.deposit_address, id="qr")
            with Vertical(id="deposit-side"):
                yield Static(id="stale", markup=False)
                yield Static(id="countdown", markup=False)
                yield Static(payout(view), id="payout")
                yield Static(id="commission", markup=False)
                yield Static(details(view), id="deposit-details")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._stale(None)
        desk = self._desk()
        if self._fresh and desk is not None:
            desk.sync_clock()
        self._show()
        self.set_interval(1.0, self._tick, name="countdown")
        self._fit_qr()
        tracker = self.tracker or getattr(self.app, "tracker", None)
        if isinstance(tracker, Tracker):
            self.tracker = tracker
            self._unsubscribe = tracker.subscribe(lambda u: self.post_message(Tracked(u)))
            tracker.track(self.view.order_no, self.view)
            tracker.watch_closely(self.view.order_no, True)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self.tracker is not None:
            self.tracker.watch_closely(self.view.order_no, False)

    def _stale(self, problem: str | None) -> None:
        """Said for as long as the host cannot be read: this screen tells the user to
        send money, so a status it cannot confirm is not left looking fresh."""
        widget = self.query_one("#stale", Static)
        widget.display = problem is not None
        if problem is not None:
            widget.update(Content(
                f"{GLYPHS.warn} Status not confirmed: the host cannot be read "
                f"({inert(problem, limit=120)}). Still trying; r tries now."))  # fmt: skip

    @on(Tracked)
    def _tracked(self, message: Tracked) -> None:
        update = message.update
        if update.order_no != self.view.order_no:
            return
        if update.error is not None:
            self._stale(update.error)
            return
        if update.view is None:
            return
        self._stale(None)
        fresh = update.view
        self.view = replace(fresh, fees=fresh.fees.merged(self.view.fees),
                            key_sent=self.view.key_sent)  # fmt: skip
        self._show()

    def on_resize(self) -> None:
        self._fit_qr()

    def _fit_qr(self) -> None:
        """A 4-module quiet zone when it fits, 2 when the screen is short (80x24)."""
        for qr in self.query(QRCode):
            room = self.size.height - 5  # header, address box, footer
            qr.border = 4 if len(qr_rows(qr.data, 4)) <= room else 2

    def _tick(self) -> None:
        box = self.query_one("#address-box")
        title = self._title()
        if box.border_title != title:  # the window closed, or the order moved on
            box.border_title = title
            box.set_class(not self.payable, "-closed")
            for qr in self.query(QRCode):  # an address not to pay is not offered to a camera
                qr.display = self.payable
            self.refresh_bindings()
        status = self.view.status
        if status is not None and status is not OrderStatus.DEPOSITING:
            widget = self.query_one("#countdown", Static)  # the deposit window no longer matters
            step = next_step(self.view, self.now())
            again = " again" if self.view.deposit is not None else ""
            widget.update(Content(f"Do not send{again}. {sentence(sentence_start(step))}"))
            widget.set_class(False, "-urgent")
            widget.set_class(False, "-expired")
            return
        text, state = countdown(self.view.expire_at, self.now())
        widget = self.query_one("#countdown", Static)
        widget.update(Content(text))
        widget.set_class(state == "urgent", "-urgent")
        widget.set_class(state == "expired", "-expired")

    def _show(self) -> None:
        view = self.view
        self._tick()
        commission = self.query_one("#commission", Static)
        problem = self.address_problem
        if problem is not None:
            chain = view.src.chain if view.src else ""
            text = (
                f"{GLYPHS.warn} This deposit address fails the {chain} "
                f"address check ({problem}): do not send; contact the host."
            )
            kind = "-danger"
        elif view.integrator_bound is False:
            summary = view.no_commission_summary(in_app=True)
            text = f"{GLYPHS.warn} {sentence(sentence_start(summary))}"
            kind = "-danger"
        elif view.integrator_bound is None:
            text = "Commission not verified yet (the order detail was not read): r checks."
            kind = "-unknown"
        elif commission_of(view) is Commission.NONE:  # bound, but the swap did not complete
            why = status_label(view.status) if view.status is not None else "not completed"
            text = f"Integrator order ({view.integrator_id}): no commission: {why}."
            kind = "-unknown"
        else:
            earned = "commission earned" if commission_of(view) is Commission.EARNED else (
                "commission applies")  # fmt: skip
            text = f"{GLYPHS.ok} Integrator order ({view.integrator_id}): {earned}."
            kind = "-ok"
        commission.update(Content(text))
        for name in ("-danger", "-unknown", "-ok"):
            commission.set_class(name == kind, name)
        self.query_one("#deposit-details", Static).update(details(view))
        self.query_one("#payout", Static).update(payout(view))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.view.deposit_address)
        self.notify(
            "Deposit address copied (through your terminal: OSC 52).",
            title="Copied",
            markup=False,
            timeout=4,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "refresh":
            return self.service is not None
        if action == "copy":  # an address not to pay is not put on the clipboard
            return self.payable
        return True

    def action_refresh(self) -> None:
        if self.service is not None:
            self.read_again()

    @work(exclusive=True, group="deposit-refresh", exit_on_error=False)
    async def read_again(self) -> None:
        assert self.service is not None
        try:
            view = await self.service.refresh(self.view)
        except Exception as exc:  # shown; the screen keeps what it had
            self.post_message(Refreshed(None, describe(exc)))
        else:
            self.post_message(Refreshed(view))

    @on(Refreshed)
    def _refreshed(self, message: Refreshed) -> None:
        if message.view is None:
            self._stale(message.problem or "no answer")
            self.notify(f"Could not read the order: {message.problem}", severity="warning",
                        markup=False)  # fmt: skip
            return
        self._stale(None)
        self.view = message.view
        self._show()
