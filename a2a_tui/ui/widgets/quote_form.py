"""The quote form: pair, amount, slippage, promo, channel filter (by name, from a list).

It checks everything it can before anything touches the network and shows
the problem under the form, with focus on the input to fix. A valid form
posts `QuoteForm.Submitted` with a ready `QuoteSpec`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label

from a2a_tui.domain import display
from a2a_tui.domain.amounts import SlippageError, parse_slippage
from a2a_tui.domain.quote_input import QuoteArgs, QuoteInputError, build_spec
from a2a_tui.domain.quotes import ChannelRef, QuoteSpec
from a2a_tui.domain.tokens import Token, TokenLookupError, resolve_token
from a2a_tui.ui.glyphs import GLYPHS
from a2a_tui.ui.widgets.channel_field import ChannelField
from a2a_tui.ui.widgets.token_field import TokenField
from a2a_tui.ui.widgets.typed_input import TypedInput

__all__ = ["QuoteForm"]


class QuoteForm(Widget):
    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text()

    class Submitted(Message):
        """``by_enter``: from Enter in the form (or its button), not a re-quote key."""

        def __init__(self, spec: QuoteSpec, by_enter: bool = True) -> None:
            super().__init__()
            self.spec = spec
            self.by_enter = by_enter

    def __init__(self, *, id: str | None = None, slippage: str = "1%") -> None:
        super().__init__(id=id)
        self.tokens: Sequence[Token] = ()
        self._slippage = slippage
        self._shown_with: dict[str | None, str] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form-row", id="pair-row"):
            yield Label("From", classes="field-label")
            yield TokenField("source token", id="src")
            yield Label("→", classes="field-label arrow")
            yield TokenField("destination", id="dst")
            yield Label("Amount", classes="field-label")
            yield TypedInput(placeholder="e.g. 1.5", id="amount", compact=True)
        with Horizontal(classes="form-row"):
            yield Label("Slippage", classes="field-label")
            yield TypedInput(self._slippage, id="slippage", compact=True)
            yield Label("Promo", classes="field-label")
            yield TypedInput(placeholder="none", id="promo", compact=True)
            yield Label("Channel", classes="field-label")
            yield ChannelField(id="channel")
            yield Button("Quote", id="go", compact=True, variant="primary")
        yield Label("", id="form-error", markup=False)

    # -- filling ----------------------------------------------------------------

    def hold(self, args: QuoteArgs) -> None:
        """A command line's quote while the token list is not loaded (or failed to):
        what needs no list goes in the form now, the tokens show as typed; `fill`
        resolves them once the list is here. Nothing the user sees is dropped."""
        self.query_one("#amount", Input).value = args.amount
        try:  # as `fill` shows it (1%), unless it is refused there
            slippage = display.fraction_percent(parse_slippage(args.slippage))
        except SlippageError:
            slippage = args.slippage
        self.query_one("#slippage", Input).value = slippage
        self.query_one("#promo", Input).value = args.promo or ""
        for field, typed in (("src", args.src), ("dst", args.dst)):
            self.query_one(f"#{field}", TokenField).pending = typed

    def held(self, args: QuoteArgs) -> QuoteArgs:
        """``args`` with what the user has edited in the form since `hold`."""
        amount, slippage, promo = (self.query_one(f"#{n}", Input).value
                                   for n in ("amount", "slippage", "promo"))  # fmt: skip
        return replace(args, amount=amount, slippage=slippage, promo=promo or None)

    def fill(self, args: QuoteArgs) -> QuoteSpec | None:
        """Put a command line's quote into the form; the spec if it is valid.

        Whatever resolves stays in the form even when something else does not
        (a bad ``--amount`` used to drop the whole request, tokens included):
        the first refusal is shown under the form, the focus on its field.
        """
        self.query_one("#amount", Input).value = args.amount
        self.query_one("#slippage", Input).value = args.slippage
        self.query_one("#promo", Input).value = args.promo or ""
        self.query_one("#channel", ChannelField).channel = (
            None
            if args.channel is None
            else ChannelRef("", args.channel, f"channel {args.channel}")
        )
        refusal: QuoteInputError | None = None
        for field, typed, role in (("src", args.src, "source"), ("dst", args.dst, "destination")):
            self.query_one(f"#{field}", TokenField).pending = ""
            try:
                self.query_one(f"#{field}", TokenField).token = resolve_token(typed, self.tokens)
            except TokenLookupError as exc:
                refusal = refusal or QuoteInputError(field, f"{role}: {exc}")
        try:
            spec = self.spec()
        except QuoteInputError as exc:
            refusal = refusal or exc
        if refusal is not None:
            self.show_error(refusal)
            self.screen.set_focus(self.query_one(f"#{refusal.field}"))
            return None
        self.query_one("#slippage", Input).value = display.fraction_percent(spec.slippage)
        self.show_error(None)
        return spec

    def swap(self) -> None:
        src, dst = self.query_one("#src", TokenField), self.query_one("#dst", TokenField)
        src.token, dst.token = dst.token, src.token

    # -- submitting -------------------------------------------------------------

    def spec(self) -> QuoteSpec:
        """The form as a spec; raises `QuoteInputError` naming the field to fix."""
        return build_spec(
            self.query_one("#src", TokenField).token,
            self.query_one("#dst", TokenField).token,
            self.query_one("#amount", Input).value,
            self.query_one("#slippage", Input).value,
            self.query_one("#promo", Input).value,
            None if (channel := self.channel) is None else channel.channel_id,
        )

    @property
    def channel(self) -> ChannelRef | None:
        return self.query_one("#channel", ChannelField).channel

    def pair(self) -> tuple[Token | None, Token | None]:
        return self.query_one("#src", TokenField).token, self.query_one("#dst", TokenField).token

    def submit(self, *, by_enter: bool = True) -> None:
        try:
            spec = self.spec()
        except QuoteInputError as exc:
            self.show_error(exc)
            self.screen.set_focus(self.query_one(f"#{exc.field}"))
            return
        self.show_error(None)
        self.post_message(self.Submitted(spec, by_enter))

    def show_error(self, error: QuoteInputError | None) -> None:
        label = self.query_one("#form-error", Label)
        label.update("" if error is None else f"{GLYPHS.warn} {error}")
        label.set_class(error is not None, "-visible")
        # what the inputs held when it was shown: only an edit clears it, not the
        # Changed events of values set just before (fill puts in what was refused)
        self._shown_with = {i.id: i.value for i in self.query(Input)} if error else {}

    @on(Input.Submitted)
    @on(Button.Pressed, "#go")
    def _submit(self) -> None:
        self.submit()

    @on(Input.Changed)
    def _clear_error(self, event: Input.Changed) -> None:
        if self._shown_with.get(event.input.id) != event.value:
            self.show_error(None)

    def chose(self, field: TokenField, token: Token | None) -> None:
        """The picker's answer for ``field`` (None: cancelled)."""
        if token is None:
            field.focus()
            return
        if token != field.token:  # a channel was chosen from the old pair's list
            self.query_one("#channel", ChannelField).channel = None
        field.token = token
        self.show_error(None)
        self.screen.focus_next()  # at once (not deferred): the next key goes there

    def chose_channel(self, choice: ChannelRef | str | None) -> None:
        """The channel picker's answer: a channel, "all", or None (cancelled)."""
        field = self.query_one("#channel", ChannelField)
        if choice is not None:
            field.channel = choice if isinstance(choice, ChannelRef) else None
            self.show_error(None)
        field.focus()
