"""The quote board: the screen a trader lives in.

Network work happens in workers that only post messages; the handlers here
own every state change. A quote runs in one exclusive worker: starting
another cancels it, and the new one waits on a lock until the old run has
closed its connections (guide 1.7, "close the old connection first").
Arrivals come in batches from the engine, so a burst is one message, one
board update and one repaint.

The board's state is one model (see `engine.board`): streaming, complete,
incomplete or stopped, each row stale on its own clock. The screen adds one
thing the board cannot know: whether the form still holds the board's
request. When it does not, the board is marked as the previous request (its
amounts dim, auto-refresh pauses, Enter quotes the form) until a new quote
starts; nothing is stopped by editing.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable, Sequence

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input
from textual.worker import Worker, WorkerState

from a2a_tui.domain.amounts import format_units
from a2a_tui.domain.quote_input import QuoteArgs, QuoteInputError
from a2a_tui.domain.quotes import ChannelRef, QuoteSpec
from a2a_tui.domain.text import inert
from a2a_tui.domain.tokens import Token
from a2a_tui.engine.board import BoardPhase, QuoteBoard, RowKey, RowState
from a2a_tui.engine.merger import Arrival, QuoteRun
from a2a_tui.engine.promo import promo_outcome
from a2a_tui.providers.http.errors import describe
from a2a_tui.services.backend import Backend
from a2a_tui.services.orders import OrderService, draft_from_board
from a2a_tui.ui.glyphs import GLYPHS
from a2a_tui.ui.screens.channel_picker import ChannelPicker
from a2a_tui.ui.screens.order import OrderScreen
from a2a_tui.ui.screens.token_picker import TokenPicker
from a2a_tui.ui.widgets.channel_field import ChannelField
from a2a_tui.ui.widgets.quote_detail import QuoteDetail
from a2a_tui.ui.widgets.quote_form import QuoteForm
from a2a_tui.ui.widgets.quote_status import QuoteStatus, StatusView
from a2a_tui.ui.widgets.quote_table import QuoteTable
from a2a_tui.ui.widgets.token_field import TokenField

__all__ = ["QuoteScreen"]

#: Seconds between repaints of the board while quotes stream in (30 Hz).
PRESENT_INTERVAL = 1 / 30
#: Seconds between detail-panel updates while quotes stream in.
DETAIL_INTERVAL = 0.2
#: Seconds between status-line clock ticks (the best row's turning stale is timed exactly).
CLOCK_INTERVAL = 0.5
#: Seconds a hint (a refused choice, a row gone from a re-quote) stays on the status line.
HINT_SECONDS = 8.0
#: Keys that would type into an input: hidden from the footer while typing.
_LETTER_ACTIONS = {"swap", "toggle_detail", "toggle_auto", "edit", "requote_key", "order"}


def _echo(spec: QuoteSpec) -> tuple[str, str]:
    """The amount as understood, both ways: what was typed, and what is sent."""
    return f"{format_units(spec.amount_in, spec.src.decimals)} {spec.src.symbol}", (
        f"{spec.amount_in} units"
    )


class TokensLoaded(Message):
    def __init__(self, tokens: Sequence[Token]) -> None:
        super().__init__()
        self.tokens = tokens


class TokensFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class QuoteStarted(Message):
    def __init__(self, run_id: int, spec: QuoteSpec, started_at: float) -> None:
        super().__init__()
        self.run_id, self.spec, self.started_at = run_id, spec, started_at


class QuoteBatch(Message):
    def __init__(self, run_id: int, arrivals: list[Arrival]) -> None:
        super().__init__()
        self.run_id, self.arrivals = run_id, arrivals


class QuoteEnded(Message):
    def __init__(self, run_id: int) -> None:
        super().__init__()
        self.run_id = run_id


class QuoteScreen(Screen[None]):
    CSS_PATH = "quote.tcss"
    #: For F1: the table's tags, whose initials stand for them when it is narrow.
    LEGEND = (
        ("BEST  (B)", "the most received, net of fees"),
        ("CHEAPEST  (C)", "the lowest effective fee, among the rows that state one"),
        ("FASTEST  (F)", "the first to answer"),
        ("STALE", "priced over 10 s ago (or past its own expiry): re-quoted before an order"),
    )
    #: From 160 columns the detail panel takes more of the width (a route's fees and
    #: legs wrap less); the table's Route column would take it all otherwise.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide"), (160, "-roomy")]

    BINDINGS = [
        Binding("ctrl+r", "requote", "Re-quote", id="quote.requote"),
        Binding("r", "requote_key", "Re-quote", show=False),
        Binding("escape", "stop", "Stop", id="quote.stop"),
        Binding("s", "swap", "Swap", id="quote.swap"),
        Binding("d", "toggle_detail", "Details", id="quote.detail"),
        Binding("a", "toggle_auto", "Auto", id="quote.auto_refresh"),
        # priority: run when the key is read, so the keys after it in the same read
        # (`/2`, typed fast or over SSH) go to the amount (off while an input types)
        Binding("slash", "edit", "Edit", id="quote.edit", show=False, priority=True),
        Binding("o", "order", "Order", id="quote.order", show=False),
    ]

    def __init__(
        self,
        backend: Backend,
        *,
        initial: QuoteArgs | None = None,
        clock: Callable[[], float],
        auto_requote: bool = False,
        default_slippage: str = "1%",
        present_interval: float = PRESENT_INTERVAL,
        orders: OrderService | None = None,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.orders = orders
        self.initial = initial
        self.clock = clock
        self.auto_requote = auto_requote
        self.default_slippage = default_slippage
        self.board: QuoteBoard | None = None
        self._run_id = 0
        self._tokens_loaded = False
        self._notice: tuple[str, ...] = ()  # (what failed, *what to do)
        self._notice_short = ""  # what failed, in fewer words
        self._tokens_problem: str | None = None  # why the token list could not be loaded
        self._hint: tuple[str, float] | None = None  # (text, shown at)
        self._auto_fired_for: QuoteBoard | None = None  # auto-refresh fires once per board
        self._stale_timer_armed = False
        self._promo_ignored: str | None = None
        self._quote_lock = asyncio.Lock()
        self._warmed: set[tuple[int, int]] = set()  # pairs the sources were warmed for
        self._detail_due = False
        self.present_interval = present_interval
        self._present_due = False
        self._last_present = 0.0

    def compose(self) -> ComposeResult:
        yield Header(icon=GLYPHS.pair)
        yield QuoteForm(id="form", slippage=self.default_slippage)
        with Horizontal(id="body"):
            yield QuoteTable(id="table", clock=self.clock)
            yield QuoteDetail(id="detail")
        yield QuoteStatus(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.initial is not None:  # shown (and kept) until the token list is here
            self.query_one(QuoteForm).hold(self.initial)
        self.load_tokens()
        self.set_interval(CLOCK_INTERVAL, self.refresh_clock, name="status clock")
        for field in self.query(TokenField):
            self.watch(field, "token", self._form_changed, init=False)
        self.refresh_clock()

    @property
    def _streaming(self) -> bool:
        return self.board is not None and self.board.phase is BoardPhase.STREAMING

    # -- tokens -----------------------------------------------------------------

    @work(exclusive=True, group="tokens", exit_on_error=False)
    async def load_tokens(self) -> None:
        self._set_notice()
        try:
            tokens = await self.backend.load_tokens()
        except Exception as exc:  # shown, with a way to retry
            self.post_message(TokensFailed(describe(exc)))
        else:
            self.post_message(TokensLoaded(tokens))

    @on(TokensLoaded)
    def _tokens_loaded_handler(self, message: TokensLoaded) -> None:
        self._tokens_loaded = True
        self._set_notice()
        self._tokens_problem = None
        for notice in self.backend.notices:
            self.notify(inert(notice, limit=400), title="Settings", severity="warning",
                        timeout=12, markup=False)  # fmt: skip
        self.backend.notices.clear()
        gc.freeze()  # the token list lives as long as the screen (see A2AApp.on_ready)
        form = self.query_one(QuoteForm)
        form.tokens = message.tokens
        # the command line's request, with what the user edited while the list was out
        initial = None if self.initial is None else form.held(self.initial)
        self.initial = None
        spec = form.fill(initial) if initial is not None else None
        if spec is not None:
            self.start_quote(spec)
        elif initial is None:  # else the form has focused the field to fix
            self.query_one("#src").focus()
        self.refresh_clock()

    @on(TokensFailed)
    def _tokens_failed(self, message: TokensFailed) -> None:
        host = inert(self.backend.base_url)
        # the reason names the host when it is about reaching it: say it once
        where = "" if host.partition("://")[2] in message.reason else f" from {host}"
        self._tokens_problem = f"could not load the token list{where}: {message.reason}"
        self._set_notice(
            self._tokens_problem, "ctrl+r to retry", short=f"no token list: {message.reason}"
        )
        self.refresh_clock()

    def _set_notice(self, *texts: str, short: str = "") -> None:
        """(what failed, *what to do), and what failed in fewer words; none: cleared."""
        self._notice, self._notice_short = texts, short

    # -- quoting ----------------------------------------------------------------

    def start_quote(self, spec: QuoteSpec, *, focus_table: bool = True) -> None:
        """A new board at once (so the old one is never shown as this request's),
        then the worker; the board's start moves to the request's when it is sent.
        ``focus_table``: Enter in the form (and a command line's quote) moves on to
        the table; a re-quote (ctrl+r, r, auto-refresh) leaves the focus where it is."""
        self._run_id += 1
        sources = self.backend.sources
        labels = {source.id: source.label for source in sources}
        tags = {source.id: source.tag for source in sources}
        self.board = QuoteBoard(spec, labels, self.clock(), tags=tags)
        self._hint = None
        self._set_notice()  # a previous run's failure is not this one's
        self._promo_ignored = None
        # direct providers' first client builds wait until this quote's first row is painted
        self.backend.builds.hold()
        self.run_quote(spec, self._run_id)
        table = self.query_one(QuoteTable)
        table.show(self.board)
        if focus_table:
            self.set_focus(table)
        self._refresh_detail()
        self.refresh_clock()

    @work(exclusive=True, group="quote", exit_on_error=False)
    async def run_quote(self, spec: QuoteSpec, run_id: int) -> None:
        async with self._quote_lock:  # the previous run has closed its connections
            try:
                async with QuoteRun(self.backend.sources, spec, clock=self.clock) as run:
                    self.post_message(QuoteStarted(run_id, spec, run.started_at))
                    async for batch in run:
                        self.post_message(QuoteBatch(run_id, batch))
            finally:
                self.post_message(QuoteEnded(run_id))

    @on(QuoteStarted)
    def _quote_started(self, message: QuoteStarted) -> None:
        if message.run_id == self._run_id and self.board is not None and self._streaming:
            self.board.started_at = message.started_at  # latencies count from the request

    @on(QuoteBatch)
    def _quote_batch(self, message: QuoteBatch) -> None:
        if message.run_id != self._run_id or self.board is None:
            return
        priced = self.board.best() is not None
        self.board.apply(message.arrivals)
        if not self._streaming:  # complete: shown at once (the worker may still be closing)
            self._note_promo()
            self._present()
        elif not priced and self.board.best() is not None:
            # the first price is shown at once, even right after a paint of
            # placeholders (several sources announce themselves at the start)
            self._present()
        else:
            self._schedule_present()

    def _schedule_present(self) -> None:
        """Leading-edge throttle: a lone event shows at once; a dense stream is
        shown at most every `present_interval`, so painting never starves the
        loop that reads the stream (the board itself takes every event at once)."""
        if self._present_due:
            return
        wait = self._last_present + self.present_interval - time.monotonic()
        if wait <= 0:
            self._present()
        else:
            self._present_due = True
            self.set_timer(wait, self._present)

    def _present(self) -> None:
        self._present_due = False
        self._last_present = time.monotonic()
        self.query_one(QuoteTable).refresh_rows()
        self._refresh_detail()
        self.refresh_clock()
        board = self.board
        if board is None or board.best() is not None or not self._streaming:
            self.call_after_refresh(self.backend.builds.release)  # once it is painted

    def _warm_for_pair(self) -> None:
        """A pair is chosen: the sources that would quote it load what their first
        request needs (a client, a signing library: eth-account takes up to a
        second and more) on a thread now, so their first row does not wait.
        Only for the pair's sources: a library nobody needs is never loaded."""
        src, dst = self.query_one(QuoteForm).pair()
        if src is None or dst is None or src == dst or (src.token_id, dst.token_id) in self._warmed:
            return  # (a swap passes through src == dst: the fields change one at a time)
        self._warmed.add((src.token_id, dst.token_id))
        self.warm_sources(src, dst)

    @work(group="warm", exit_on_error=False)
    async def warm_sources(self, src: Token, dst: Token) -> None:
        await self.backend.builds.wait()  # not while a quote's first row is on its way
        await asyncio.to_thread(self.backend.warm, src, dst)

    @on(QuoteEnded)
    def _quote_ended(self, message: QuoteEnded) -> None:
        if message.run_id == self._run_id:
            self._stop("an error")  # a run that ends while streaming did not finish
            self._note_promo()
            self.refresh_clock()

    def _note_promo(self) -> None:
        """Once a quote ends: was its promo code applied by no channel at all?"""
        outcome = promo_outcome(self.board) if self.board is not None else None
        self._promo_ignored = outcome.code if outcome is not None and outcome.ignored else None

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "quote":
            self._stop("an error")
            self._set_notice(f"the quote failed: {describe(event.worker.error or Exception())}")
            self.refresh_clock()

    def _stop(self, by: str) -> bool:
        """Stop the board (not the worker): what answered stays, the rest says stopped."""
        if self.board is None or not self.board.stop(self.clock(), by):
            return False
        self._present()
        return True

    def refresh_clock(self) -> None:
        """Redraw the time-dependent parts: elapsed, ages, staleness, whether the
        form still holds the board's request; fire auto-refresh."""
        now = self.clock()
        board = self.board
        table = self.query_one(QuoteTable)
        previous = self._previous_request()
        table.previous = previous is not None
        table.refresh_ages()
        if self._hint is not None and now - self._hint[1] > HINT_SECONDS:
            self._hint = None
        status = None if board is None else board.status()
        view = StatusView(
            auto_refresh=self.auto_requote, notice=self._notice, notice_short=self._notice_short
        )
        if board is not None and status is not None:
            end = now if status.ended_at is None else status.ended_at
            view = StatusView(
                status=status,
                elapsed=end - board.started_at,
                age=board.age(now),
                stale_now=board.is_stale(now),
                lifetime=board.best_lifetime(),
                errors=tuple(board.errors()) if not status.answered and not self._streaming else (),
                previous=previous,
                auto_refresh=self.auto_requote,
                hint=None if self._hint is None else self._hint[0],
                notice=self._notice,
                notice_short=self._notice_short,
                request=_echo(board.spec),
                promo_ignored=self._promo_ignored,
            )
        self.query_one(QuoteStatus).view = view
        if board is None:
            return
        self._arm_stale_timer(board, now)
        if (
            self.auto_requote
            and previous is None  # paused while the form holds another request
            and board.is_stale(now)
            and self._auto_fired_for is not board  # once per board: a failing re-quote
        ):  # has no best row to go stale, so it cannot loop
            self._auto_fired_for = board
            self.start_quote(board.spec, focus_table=False)

    def _arm_stale_timer(self, board: QuoteBoard, now: float) -> None:
        """The best row's turning stale is shown when it happens, not at the next tick."""
        stale_at = board.best_stale_at()
        if self._stale_timer_armed or stale_at is None or now > stale_at:
            return
        due = stale_at - now
        if due < CLOCK_INTERVAL:
            self._stale_timer_armed = True
            self.set_timer(due + 0.001, self._stale_due)

    def _stale_due(self) -> None:
        self._stale_timer_armed = False
        self.refresh_clock()

    def _previous_request(self) -> str | None:
        """The board's request as text, if the form no longer holds it."""
        board = self.board
        if board is None:
            return None
        try:
            spec: QuoteSpec | None = self.query_one(QuoteForm).spec()
        except QuoteInputError:
            spec = None  # half-typed: not the board's request either
        if spec == board.spec:
            return None
        old = board.spec
        amount = format_units(old.amount_in, old.src.decimals)
        return f"{amount} {old.src.label} → {old.dst.label}"

    def _form_changed(self) -> None:
        if self._tokens_loaded:
            self.call_after_refresh(self._warm_for_pair)  # once the form has settled
        self._hint = None
        self.refresh_clock()

    def _set_hint(self, text: str) -> None:
        self._hint = (text, self.clock())
        self.refresh_clock()

    # -- the table and the detail -------------------------------------------------

    def _refresh_detail(self, *, now: bool = False) -> None:
        """Only while it is on screen, and while quotes stream in at most five
        times a second (unless the user moved): each update is a layout pass
        for the whole screen."""
        if not self.query_one(QuoteDetail).display:
            return
        if now or not self._streaming:
            self._show_detail()
        elif not self._detail_due:
            self._detail_due = True
            self.set_timer(DETAIL_INTERVAL, self._show_detail)

    def _show_detail(self) -> None:
        self._detail_due = False
        board, key = self.board, self.query_one(QuoteTable).cursor_key
        ranked = board.find(key) if board is not None and key is not None else None
        self.query_one(QuoteDetail).show(ranked, None if board is None else board.spec)

    @on(QuoteTable.Highlighted)
    def _highlighted(self, event: QuoteTable.Highlighted) -> None:
        if event.by_user and self._hint is not None:
            self._hint = None
            self.refresh_clock()
        self._refresh_detail(now=event.by_user)

    @on(QuoteTable.Selected)
    def _selected(self, event: QuoteTable.Selected) -> None:
        """Refuse, saying why, a choice that must not become an order; on a board
        for a previous request, Enter quotes what the form holds."""
        if event.previous:
            self.action_requote()
            return
        name = event.name or "this row"
        reason = None
        if event.state is RowState.PENDING:
            reason = f"not chosen: {name} has not answered yet"
        elif event.state is RowState.STOPPED:
            reason = f"not chosen: {name} never answered (stopped) · r to re-quote"
        elif event.state is RowState.FAILED:
            reason = f"not chosen: {name} failed, there is no price"
        elif event.state is RowState.UNAVAILABLE:
            reason = f"not chosen: {name} was not asked (see its row)"
        elif event.state is RowState.UNRANKED:
            reason = f"not chosen: {name} delivers another asset than asked"
        # a stale price is fine to choose: the order step re-quotes that channel
        # before anything is sent, and shows old against new (guide FAQ Q4)
        if reason is not None:
            self._set_hint(reason)
            return
        self.open_order(event.key)

    @on(QuoteTable.ChoiceLost)
    def _choice_lost(self, event: QuoteTable.ChoiceLost) -> None:
        self._set_hint(f"{event.name or 'your row'} is not in this quote: back on the best")

    @on(Input.Changed)
    def _input_changed(self) -> None:
        self._form_changed()

    def open_order(self, key: RowKey) -> None:
        """Enter on a row: its order step, or why that row cannot become an order."""
        board, orders = self.board, self.orders
        if board is None:
            return
        if orders is None:
            self.notify("Orders are unavailable in this session (see the notice at start).",
                        severity="warning", markup=False)  # fmt: skip
            return
        found = board.find(key)
        reason = orders.refuse_source(key[0], found.row.source_label if found else key[0])
        draft = draft_from_board(board, key) if reason is None else reason
        if isinstance(draft, str):
            self.notify(draft, severity="warning", markup=False)
            return
        self.app.push_screen(OrderScreen(draft, orders, clock=self.clock))

    @on(TokenField.PickRequested)
    def _pick(self, event: TokenField.PickRequested) -> None:
        """Keys that arrive in one read (a paste, SSH) all reach the field before the
        picker it asked for is up: they go to that picker, Enter included; and those
        after a choice go where the focus moved (the next field), not to a new picker."""
        form, field = self.query_one(QuoteForm), event.field
        if isinstance(self.app.screen, TokenPicker):  # typed fast: one picker, every key
            self.app.screen.feed(event.key, event.query, event.at)
            return
        if self.focused is not field and event.key is not None:  # typed after a choice
            self._replay(event.key, event.query)
            return
        if event.key == "backspace":
            return
        title = "Swap from" if field.id == "src" else "Swap to"
        picker = TokenPicker(
            title, form.tokens, event.query.strip(), event.at, problem=self._tokens_problem
        )

        def chosen(token: Token | None) -> None:
            form.chose(field, token)  # moves the focus on, at once
            for key, text in picker.typed_after:  # typed after Enter, before it was up
                self._replay(key, text)

        self.app.push_screen(picker, chosen)

    def _replay(self, key: str, text: str) -> None:
        """A key again, from the app, to wherever the focus is now. Sent as the app's
        (as the terminal's keys are): a key sent by this screen would stop bubbling
        here, before the app's bindings (Enter in an input) see it."""
        replayed = events.Key(key, text or None)
        replayed.set_sender(self.app)
        self.app.post_message(replayed)

    @on(ChannelField.PickRequested)
    def _pick_channel(self, event: ChannelField.PickRequested) -> None:
        if isinstance(self.app.screen, ChannelPicker):  # typed fast: one picker, every key
            self.app.screen.extend_query(event.query)
            return
        event.query = event.query.strip()  # a space alone opens it, as Enter does
        form = self.query_one(QuoteForm)
        src, dst = form.pair()
        pair = None
        if src is not None and dst is not None:
            pair = f"{src.symbol} · {src.chain.name} → {dst.symbol} · {dst.chain.name}"

        async def load() -> list[ChannelRef] | None:
            return await self.backend.list_channels(src, dst)

        self.app.push_screen(
            ChannelPicker(pair, load, form.channel, event.query), form.chose_channel
        )

    @on(QuoteForm.Submitted)
    def _submitted(self, event: QuoteForm.Submitted) -> None:
        self.start_quote(event.spec, focus_table=event.by_enter)

    # -- actions ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # a letter key types into an input: do not advertise it there
        return not (action in _LETTER_ACTIONS and isinstance(self.focused, Input))

    def action_requote(self) -> None:
        """Quote again with what the form holds now (or reload tokens if that failed)."""
        if not self._tokens_loaded:
            self.load_tokens()
            return
        self.query_one(QuoteForm).submit(by_enter=False)

    def action_requote_key(self) -> None:
        self.action_requote()

    def action_stop(self) -> None:
        """Stop streaming: the board says so at once; the worker closes the streams."""
        if self._stop("you"):
            self.workers.cancel_group(self, "quote")

    def action_swap(self) -> None:
        self.query_one(QuoteForm).swap()

    def on_resize(self) -> None:
        """Wide enough now for the detail panel beside the table: fill it."""
        self.call_after_refresh(self._refresh_detail, now=True)

    def action_toggle_detail(self) -> None:
        shown = self.query_one(QuoteDetail).display
        self.set_class(not shown, "-detail-open")
        self.set_class(shown, "-detail-closed")
        self.call_after_refresh(self._refresh_detail, now=True)

    def action_toggle_auto(self) -> None:
        self.auto_requote = not self.auto_requote
        self.notify(f"Auto-refresh {'on' if self.auto_requote else 'off'}", timeout=2)
        self.refresh_clock()

    def action_edit(self) -> None:
        self.set_focus(self.query_one("#amount", Input))  # at once, not deferred

    def action_order(self) -> None:
        """The same path as Enter in the table, with the same refusals."""
        self.query_one(QuoteTable).action_select()
