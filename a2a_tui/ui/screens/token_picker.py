"""Pick a token by typing: symbol, name or chain, in any order."""

from __future__ import annotations

import time
from bisect import insort
from collections.abc import Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from a2a_tui.domain.tokens import Token, search_tokens

__all__ = ["TokenPicker"]


def _prompt(token: Token) -> Content:
    """Plain-text spans: token names come from a server and are never markup."""
    return Content.assemble(
        (f"{token.symbol:<6}", "bold"),
        " ",
        (f"{token.chain.name:<16}", "$text-accent"),
        " ",
        (token.name, "$text-muted"),
    )


class TokenPicker(ModalScreen[Token | None]):
    CSS_PATH = "token_picker.tcss"
    BINDINGS = [
        # priority: the filter input would take these keys for itself
        Binding("enter", "choose", "Choose", id="token_picker.choose", priority=True),
        Binding("down", "move(1)", "Move", key_display="↑↓", priority=True),
        Binding("up", "move(-1)", "Previous", show=False, priority=True),
        Binding("escape", "dismiss(None)", "Cancel", id="token_picker.cancel"),
    ]

    def __init__(
        self,
        title: str,
        tokens: Sequence[Token],
        query: str = "",
        at: float | None = None,
        *,
        problem: str | None = None,
    ) -> None:
        """``query``: what was typed on the field to open it, at time ``at``;
        ``problem``: why there is no token list (it could not be loaded), if so."""
        super().__init__()
        self._problem = problem
        self._heading = title
        self._tokens = list(tokens)
        self._filled: str | None = None
        #: Text typed before the filter had the focus, by key time: such keys come by
        #: two paths (the field's, the screen's), which may not deliver in order.
        self._early: list[tuple[float, str]] = [(at or 0.0, query)] if query else []
        self._ready = False
        self._choose_when_ready = False
        #: Keys typed after an Enter that came before this picker was up: they
        #: belong where the focus goes once a token is chosen (the screen replays them).
        self.typed_after: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(self._heading, id="picker-title", markup=False)
            # select_on_focus off: keys typed before the focus lands would replace the query
            yield Input(self._early_text(), placeholder="type a symbol, name or chain",
                        id="filter", select_on_focus=False)  # fmt: skip
            with Vertical(id="results"):  # a fixed height: the modal never shrinks under you
                yield OptionList(id="choices", markup=False)
                yield Label("", id="no-match", markup=False)
        yield Footer(compact=True)  # this picker's keys, not the board's under it

    def _early_text(self) -> str:
        return "".join(text for _, text in self._early)

    def _typing_filter(self) -> Input | None:
        """The filter, once it has the focus: from then on keys go to it directly."""
        if not self._ready:
            return None
        found = self.query_one("#filter", Input)
        return found if self.focused is found else None

    def feed(self, key: str | None, text: str, at: float | None = None) -> None:
        """A key the field got while this picker was opening (see TokenField)."""
        if self._choose_when_ready:
            self.typed_after.append((key or text, text))
        elif key == "enter":
            self.action_choose()
        elif key == "backspace":
            if (typing := self._typing_filter()) is not None:
                typing.action_delete_left()
            elif self._early:
                self._early.pop()
        elif text:
            self.extend_query(text, at)

    def extend_query(self, text: str, at: float | None = None) -> None:
        """Keys typed on the field while this picker was opening belong to its query."""
        if (typing := self._typing_filter()) is not None:
            typing.insert_text_at_cursor(text)
            return
        insort(self._early, (time.monotonic() if at is None else at, text))

    def on_key(self, event: events.Key) -> None:
        """A key that reached the screen before the filter had focus is still typed."""
        if event.character and event.character.isprintable():
            event.stop()
            if self._choose_when_ready:
                self.typed_after.append((event.key, event.character))
            else:
                self.extend_query(event.character, event.time)

    def on_mount(self) -> None:
        query = self._early_text()
        field = self.query_one("#filter", Input)
        field.value = query
        field.cursor_position = len(query)
        self._fill(query)
        self.set_focus(field)  # at once: the next key goes to the filter
        self._ready = True
        if self._choose_when_ready:
            self.action_choose()

    def _fill(self, needle: str) -> None:
        self._filled = needle
        found = search_tokens(self._tokens, needle)
        choices = self.query_one("#choices", OptionList)
        choices.set_options(Option(_prompt(t), id=str(t.token_id)) for t in found)
        if found:
            choices.highlighted = 0
        choices.display = bool(found)
        no_match = self.query_one("#no-match", Label)
        no_match.display = not found
        no_match.update(
            f"no token matches {needle.strip()}\n"
            "type a symbol (usdt), a name (tether) or a chain (tron);"
            " words narrow it down: usdt tron"
            if needle.strip() and self._tokens
            else f"{self._problem}\nesc, then ctrl+r retries"
            if self._problem
            else "no tokens: the host listed none"
        )

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        if event.value != self._filled:  # the input's first Changed repeats the initial query
            self._fill(event.value)

    def action_move(self, step: int) -> None:
        if not self._ready:
            return
        choices = self.query_one("#choices", OptionList)
        if choices.option_count:
            current = choices.highlighted or 0
            choices.highlighted = max(0, min(current + step, choices.option_count - 1))

    def action_choose(self) -> None:
        """The highlighted token, for what is typed now (an Enter right after the
        last letter comes before the list has caught up with it)."""
        if not self._ready:  # Enter typed with the letters, before this picker was up
            self._choose_when_ready = True
            return
        value = self.query_one("#filter", Input).value
        if value != self._filled:
            self._fill(value)
        choices = self.query_one("#choices", OptionList)
        if choices.option_count and choices.highlighted is not None:
            self._choose(choices.get_option_at_index(choices.highlighted).id)
        else:
            self._choose_when_ready = False
            self.typed_after.clear()

    @on(OptionList.OptionSelected, "#choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        token = next((t for t in self._tokens if str(t.token_id) == option_id), None)
        if token is not None:
            self.dismiss(token)
