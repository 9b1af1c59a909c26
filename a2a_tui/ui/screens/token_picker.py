"""Pick a token by typing: symbol, name or chain, in any order."""

from __future__ import annotations

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
        self, title: str, tokens: Sequence[Token], query: str = "", *, problem: str | None = None
    ) -> None:
        """``problem``: why there is no token list (it could not be loaded), if so."""
        super().__init__()
        self._problem = problem
        self._heading = title
        self._tokens = list(tokens)
        self._initial_query = query
        self._filled: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(self._heading, id="picker-title", markup=False)
            # select_on_focus off: keys typed before the focus lands would replace the query
            yield Input(self._initial_query, placeholder="type a symbol, name or chain",
                        id="filter", select_on_focus=False)  # fmt: skip
            with Vertical(id="results"):  # a fixed height: the modal never shrinks under you
                yield OptionList(id="choices", markup=False)
                yield Label("", id="no-match", markup=False)
        yield Footer(compact=True)  # this picker's keys, not the board's under it

    def extend_query(self, text: str) -> None:
        """Keys typed on the field while this picker was opening belong to its query."""
        found = self.query("#filter")  # composed (not necessarily mounted) yet?
        if found:
            found.first(Input).insert_text_at_cursor(text)
        else:
            self._initial_query += text

    def on_key(self, event: events.Key) -> None:
        """A key that reached the screen before the filter had focus is still typed."""
        if event.character and event.character.isprintable():
            event.stop()
            self.extend_query(event.character)

    def on_mount(self) -> None:
        self._fill(self._initial_query)
        self.query_one("#filter", Input).focus()

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
        choices = self.query_one("#choices", OptionList)
        if choices.option_count:
            current = choices.highlighted or 0
            choices.highlighted = max(0, min(current + step, choices.option_count - 1))

    def action_choose(self) -> None:
        choices = self.query_one("#choices", OptionList)
        if choices.option_count and choices.highlighted is not None:
            self._choose(choices.get_option_at_index(choices.highlighted).id)

    @on(OptionList.OptionSelected, "#choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        token = next((t for t in self._tokens if str(t.token_id) == option_id), None)
        if token is not None:
            self.dismiss(token)
