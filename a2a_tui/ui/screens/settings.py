"""Settings: every credential's state with set/replace/delete/test, and the
non-secret settings written back to the config file.

Keyring calls run in thread workers (an OS keyring may block on D-Bus or an
unlock prompt) and report back by message. A secret travels from the masked
prompt to the worker as a `SecretStr` and is never put in a widget, a log or
a notification; what is shown is its state and at most its last 4 characters.
"""

from __future__ import annotations

from pydantic import SecretStr
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static, Switch

from a2a_tui.domain.amounts import SlippageError, parse_slippage
from a2a_tui.domain.credentials import BackendCheck, SecretState
from a2a_tui.domain.text import inert, sentence
from a2a_tui.services.credentials import CredentialError, CredentialService
from a2a_tui.services.preferences import PreferenceError, Preferences
from a2a_tui.ui.glyphs import GLYPHS
from a2a_tui.ui.screens.confirm_delete import ConfirmDelete
from a2a_tui.ui.screens.secret_prompt import SecretPrompt
from a2a_tui.ui.widgets.secret_row import SecretRow
from a2a_tui.ui.widgets.typed_input import TypedInput

ALTERNATIVES_HINT = CredentialService.ALTERNATIVES
MEMORY_KEYRING = "a2a_tui.infra.keystore.MemoryKeyring"

__all__ = ["SettingsScreen"]


def _on_off(value: bool) -> str:
    return "on" if value else "off"


class StatesRead(Message):
    def __init__(self, views: dict[str, tuple[SecretState, str]], check: BackendCheck) -> None:
        super().__init__()
        self.views = views
        self.check = check


class StoreDone(Message):
    def __init__(self, name: str, ok: bool, text: str) -> None:
        super().__init__()
        self.name, self.ok, self.text = name, ok, text


class TestDone(Message):
    def __init__(self, provider: str, label: str, ok: bool, text: str) -> None:
        super().__init__()
        self.provider, self.label, self.ok, self.text = provider, label, ok, text


class SettingsScreen(Screen[None]):
    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="settings.back"),
        Binding("ctrl+s", "save", "Save settings", id="settings.save"),
    ]

    class ApiKeyChanged(Message):
        """The Any2Any key for this host was set or deleted: clients should reload it."""

    def __init__(self, credentials: CredentialService, preferences: Preferences, host: str) -> None:
        super().__init__()
        self.credentials = credentials
        self.preferences = preferences
        self.host = host
        self._check: BackendCheck | None = None
        self._refocus: SecretRow | None = None  # after a delete: its Set button

    def compose(self) -> ComposeResult:
        yield Header(icon=GLYPHS.pair)
        with VerticalScroll(id="settings-body"):
            yield Static(id="keyring-banner", markup=False)
            yield Static(self._where(), id="where", markup=False)
            for provider in self.credentials.providers:
                with Horizontal(classes="provider-head"):
                    yield Label(provider.label, classes="provider-name", markup=False)
                    yield Button("Test", id=f"test-{provider.id}", compact=True)
                # right under its Test button: where the user is when the answer comes
                yield Label("", id=f"test-result-{provider.id}", classes="test-result",
                            markup=False)  # fmt: skip
                for name in provider.secrets:
                    yield SecretRow(self.credentials.spec(name))
            with Vertical(id="defaults"):
                demo = self.preferences.path is None
                title = "(the demo saves none)" if demo else "(written to the config file)"
                yield Label(f"Settings {title}", classes="provider-name")
                settings = self.preferences.settings
                with Horizontal(classes="setting"):
                    yield Label("Any2Any host", classes="setting-label")
                    yield TypedInput(self.host if demo else settings.base_url, id="base-url",
                                compact=True, disabled=demo)  # fmt: skip
                if hint := self._host_hint():
                    yield Label(hint, id="host-hint", classes="setting-hint", markup=False)
                with Horizontal(classes="setting"):
                    yield Label("Default slippage", classes="setting-label")
                    yield TypedInput(settings.quote.default_slippage, id="default-slippage",
                                compact=True)  # fmt: skip
                with Horizontal(classes="setting"):
                    yield Label("Auto-refresh", classes="setting-label")
                    yield Switch(settings.quote.auto_refresh, id="auto-refresh")
                    # a word beside it: without colour (NO_COLOR) the switch's off state
                    # was dark grey on black, and on/off looked the same
                    yield Label(_on_off(settings.quote.auto_refresh), id="auto-refresh-word")
                with Horizontal(classes="setting"):
                    yield Button("Save settings", id="save", compact=True, variant="primary")
                    yield Label("", id="save-result", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#keyring-banner", Static).update("Keyring: looking…")
        self.read_states()

    def _where(self) -> str:
        """The host the app really talks to, which in the demo is the simulator's own."""
        path = self.preferences.path
        if path is None:
            return f"Host in use: {self.host} (the demo's simulator; not saved)"
        return f"Host in use: {self.host} · config {path}"

    def _host_hint(self) -> str | None:
        if self.preferences.path is None:
            return "the demo's own simulator, on its own port; not saved"
        if self.host != self.preferences.settings.base_url:
            return f"in use now: {self.host} (--base-url); the saved host applies without it"
        return None

    def _show_keyring(self, check: BackendCheck) -> None:
        banner = self.query_one("#keyring-banner", Static)
        if check.name == MEMORY_KEYRING:
            banner.update(
                "Keyring: in memory only. Nothing here is saved or read from this machine."
            )
        elif check.usable:
            ignored = f"\nNot used (also in keyring's chain): {', '.join(check.ignored)}"
            banner.update(
                f"Keyring: {check.name} (secrets are stored there, service a2a-tui)"
                + (ignored if check.ignored else "")
            )
        else:
            instead = "" if check.locked else f"\nInstead, {ALTERNATIVES_HINT}."
            banner.update(
                f"{GLYPHS.warn} Secrets cannot be stored: {sentence(check.reason)}{instead}"
            )
            banner.add_class("-warning")

    # -- secrets ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="secret-states")
    def read_states(self) -> None:
        views = {v.spec.name: (v.state, v.detail) for v in self.credentials.views(self.host)}
        self.post_message(StatesRead(views, self.credentials.check))

    @on(StatesRead)
    def _states_read(self, message: StatesRead) -> None:
        self._check = message.check
        self._show_keyring(message.check)
        for row in self.query(SecretRow):
            view = message.views.get(row.spec.name)
            if view is not None:
                row.show_state(*view)
        if (deleted := self._refocus) is not None:  # its Delete may be disabled now: never
            self._refocus = None  # lose the focus to the scroll container behind the rows
            focused = self.focused  # a disabled button's focus falls to the body behind it
            if focused is None or focused.disabled or focused.id == "settings-body":
                self.set_focus(deleted.query_one(".set", Button))

    @on(SecretRow.Requested)
    def _requested(self, event: SecretRow.Requested) -> None:
        spec = event.row.spec
        if event.action == "delete":
            self._confirm_delete(event.row)
            return

        def stored(value: str | None) -> None:
            self.set_focus(event.row.query_one(".set", Button))
            if value:
                self._refocus = event.row  # its buttons are off until the state is read
                event.row.show_busy("storing…")
                self.store_secret(spec.name, SecretStr(value))

        self.app.push_screen(SecretPrompt(spec, self.host), stored)

    def _confirm_delete(self, row: SecretRow) -> None:
        name = row.spec.name

        def answered(delete: bool | None) -> None:
            # set now, on this screen (not deferred): a key typed at once lands here
            if delete:
                self._refocus = row
                self.set_focus(row.query_one(".set", Button))  # Delete is disabled once gone
                row.show_busy("deleting…")
                self.delete_secret(name)
            else:
                self.set_focus(row.query_one(".delete", Button))

        entry = self.credentials.entry(name, self.host)
        self.app.push_screen(ConfirmDelete(entry, self._backend_label()), answered)

    def _backend_label(self) -> str:
        if self._check is None:
            return "the keyring"
        if self._check.name == MEMORY_KEYRING:
            return "the in-memory keyring (demo)"
        return self._check.name

    @work(thread=True, group="secret-write")
    def store_secret(self, name: str, value: SecretStr) -> None:
        try:
            self.credentials.set(name, value, self.host)
        except CredentialError as exc:
            self.post_message(StoreDone(name, False, str(exc)))
        else:
            label = self.credentials.spec(name).label
            self.post_message(StoreDone(name, True, f"{label} stored"))

    @work(thread=True, group="secret-write")
    def delete_secret(self, name: str) -> None:
        try:
            deleted = self.credentials.delete(name, self.host)
        except CredentialError as exc:
            self.post_message(StoreDone(name, False, str(exc)))
        else:
            label = self.credentials.spec(name).label
            self.post_message(
                StoreDone(name, True, f"{label} {'deleted' if deleted else 'was not set'}")
            )

    @on(StoreDone)
    def _store_done(self, message: StoreDone) -> None:
        self.notify(message.text, severity="information" if message.ok else "error", markup=False)
        if message.ok and message.name == "any2any.api_key":
            self.post_message(self.ApiKeyChanged())
        if message.ok:
            self._outdate_test(message.name)
        self.read_states()

    def _outdate_test(self, name: str) -> None:
        """A Test result is about the credentials it tested: once one of them
        changes, "✓ key accepted" would read as current when it is not."""
        for provider in self.credentials.providers:
            result = self.query_one(f"#test-result-{provider.id}", Label)
            if name in provider.secrets and result.has_class("-shown"):
                result.update("credentials changed since the last test · Test again")
                result.remove_class("-ok", "-failed")

    # -- tests ------------------------------------------------------------------

    @on(Button.Pressed, ".provider-head Button")
    def _test_pressed(self, event: Button.Pressed) -> None:
        provider = next(p for p in self.credentials.providers if f"test-{p.id}" == event.button.id)
        result = self.query_one(f"#test-result-{provider.id}", Label)
        result.update("testing…")
        result.remove_class("-ok", "-failed")
        result.add_class("-shown")
        self.test_provider(provider.id, provider.label)

    @work(group="secret-test", exit_on_error=False)
    async def test_provider(self, provider: str, label: str) -> None:
        result = await self.credentials.test(provider, self.host)
        self.post_message(TestDone(provider, label, result.ok, result.message))

    @on(TestDone)
    def _test_done(self, message: TestDone) -> None:
        """Shown under the provider's Test button, scrolled into view, and notified:
        at 80x24 a result at the bottom of the screen was below the fold."""
        mark = GLYPHS.ok if message.ok else GLYPHS.fail
        result = self.query_one(f"#test-result-{message.provider}", Label)
        result.update(f"{mark} {message.text}")
        result.add_class("-shown")
        result.set_class(message.ok, "-ok")
        result.set_class(not message.ok, "-failed")
        result.scroll_visible()
        self.notify(f"{mark} {message.text}", title=f"Test {message.label}",
                    severity="information" if message.ok else "error", markup=False)  # fmt: skip

    # -- settings ---------------------------------------------------------------

    @on(Switch.Changed, "#auto-refresh")
    def _auto_refresh_changed(self, event: Switch.Changed) -> None:
        self.query_one("#auto-refresh-word", Label).update(_on_off(event.value))

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        result = self.query_one("#save-result", Label)
        slippage = self.query_one("#default-slippage", Input).value.strip()
        try:
            parse_slippage(slippage)
        except SlippageError as exc:
            result.update(f"⚠ default slippage: {exc}")
            return
        profile = self.preferences.settings.profile
        try:
            path = self.preferences.save(
                {
                    f"profiles.{profile}.base_url": self.query_one(
                        "#base-url", Input
                    ).value.strip(),
                    "quote.default_slippage": slippage,
                    "quote.auto_refresh": self.query_one("#auto-refresh", Switch).value,
                }
            )
        except PreferenceError as exc:
            result.update(f"⚠ {inert(exc)}")
            return
        result.update(f"saved to {path}; a new host applies at the next start")
