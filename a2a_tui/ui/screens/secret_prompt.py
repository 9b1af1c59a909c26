"""Ask for one secret, masked; the value goes back to the caller and nowhere else."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from a2a_tui.domain.credentials import SecretSpec
from a2a_tui.ui.widgets.typed_input import TypedInput

__all__ = ["SecretPrompt"]


class SecretPrompt(ModalScreen[str | None]):
    CSS_PATH = "secret_prompt.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="secret_prompt.cancel")]

    def __init__(self, spec: SecretSpec, host: str | None) -> None:
        super().__init__()
        self.spec = spec
        self.host = host

    def compose(self) -> ComposeResult:
        where = f" for {self.host}" if self.spec.per_host and self.host else ""
        with Vertical(id="prompt"):
            yield Label(f"{self.spec.provider}: {self.spec.label}{where}", id="prompt-title",
                        markup=False)  # fmt: skip
            yield Label(self.spec.help, id="prompt-help", markup=False)
            if self.spec.multiline:
                yield Label(
                    "Paste the PEM as one line (its line breaks are restored), or use "
                    f"`a2a-tui keys set {self.spec.name} < key.pem`.",
                    classes="hint",
                    markup=False,
                )
            yield TypedInput(password=True, placeholder="value (hidden)", id="secret-value")
            yield Label("Enter stores it in the keyring · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#secret-value", Input).focus()

    @on(Input.Submitted, "#secret-value")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        event.input.value = ""  # the widget does not keep it
        self.dismiss(value or None)
