"""The settings screen, driven from the keyboard: set, replace, delete, test, save."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app_helpers import fake_app, type_into, until
from conftest import GUIDE_KEY, MakeSim
from fakes import ScriptedSource, secret_service_chain
from keyring.backends.fail import Keyring as FailKeyring
from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from a2a_tui.infra.config import load_settings
from a2a_tui.infra.keystore import MemoryKeyring, SecretStore
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.confirm_delete import ConfirmDelete
from a2a_tui.ui.screens.secret_prompt import SecretPrompt
from a2a_tui.ui.screens.settings import SettingsScreen
from a2a_tui.ui.widgets.secret_row import SecretRow


def state_of(screen: SettingsScreen, name: str) -> str:
    row = next(r for r in screen.query(SecretRow) if r.spec.name == name)
    return str(row.query_one(".secret-state", Label).render())


async def open_settings(pilot: Pilot[Any]) -> SettingsScreen:
    await pilot.press("f2")
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    await until(screen, lambda: "…" not in state_of(screen, "okx.api_key"))
    return screen


async def test_f2_and_the_palette_reach_the_settings_from_anywhere() -> None:
    app = fake_app(ScriptedSource())
    async with app.run_test(size=(80, 24)) as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Settings" in titles
        screen = await open_settings(pilot)
        assert state_of(screen, "okx.api_key") == "not set"
        await pilot.press("f2")  # again: no second copy
        assert len(app.screen_stack) == 3  # the default, the board, the settings
        await pilot.press("escape")
        assert not isinstance(app.screen, SettingsScreen)


async def test_set_replace_and_delete_through_the_masked_prompt() -> None:
    store = SecretStore(MemoryKeyring(), env={})
    app = fake_app(ScriptedSource(), secrets=store)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        row = screen.query_one("#secret-okx-secret_key", SecretRow)
        row.query_one(".set", Button).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, SecretPrompt)
        field = app.screen.query_one(Input)
        assert field.password  # masked while typed
        await type_into(pilot, "okx-secret-value-9876")
        await pilot.press("enter")
        await until(screen, lambda: state_of(screen, "okx.secret_key").startswith("set"))
        assert state_of(screen, "okx.secret_key") == "set · ••••9876"
        stored = store.get("okx.secret_key")
        assert stored is not None
        assert stored.get_secret_value() == "okx-secret-value-9876"
        row.query_one(".delete", Button).focus()
        await pilot.press("enter", "y")
        await until(screen, lambda: state_of(screen, "okx.secret_key") == "not set")
        assert store.get("okx.secret_key") is None


async def test_delete_asks_first_naming_the_entry_and_keeps_by_default() -> None:
    """Issue 7.3: one Enter on the wrong button removed the integrator key."""
    store = SecretStore(MemoryKeyring(), env={})
    store.set("any2any.api_key", SecretStr(GUIDE_KEY), "http://127.0.0.1:9")
    app = fake_app(ScriptedSource(), secrets=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        delete = screen.query_one("#secret-any2any-api_key .delete", Button)
        for keep in ("enter", "n", "escape"):
            delete.focus()
            await pilot.press("enter")
            assert isinstance(app.screen, ConfirmDelete)
            question = str(app.screen.query_one("#confirm-question", Label).render())
            assert question == (
                "Delete any2any.api_key@127.0.0.1:9 from the in-memory keyring (demo)?"
            )
            await pilot.press(keep)  # Enter presses Keep, the button that has the focus
            assert app.screen is screen
            assert screen.focused is delete
            assert store.get("any2any.api_key", "http://127.0.0.1:9") is not None
        await pilot.press("enter", "y")
        await until(screen, lambda: state_of(screen, "any2any.api_key") == "not set")
        assert store.get("any2any.api_key", "http://127.0.0.1:9") is None


async def test_escape_in_the_prompt_stores_nothing() -> None:
    store = SecretStore(MemoryKeyring(), env={})
    app = fake_app(ScriptedSource(), secrets=store)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        screen.query_one("#secret-swapkit-api_key .set", Button).focus()
        await pilot.press("enter")
        await type_into(pilot, "typed-then-abandoned")
        await pilot.press("escape")
        assert isinstance(app.screen, SettingsScreen)
        assert store.get("swapkit.api_key") is None


async def test_the_any2any_test_asks_the_host_and_reloads_the_client(make_sim: MakeSim) -> None:
    server = make_sim()
    store = SecretStore(MemoryKeyring(), env={})
    backend = Backend.any2any(server.base_url)
    app = A2AApp(backend, credentials=CredentialService(store))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        result = screen.query_one("#test-result-any2any", Label)
        screen.query_one("#test-any2any", Button).press()
        await until(screen, lambda: "✗" in str(result.render()))
        assert "no integrator API key for this host" in str(result.render())
        screen.query_one("#secret-any2any-api_key .set", Button).focus()
        await pilot.press("enter")
        await type_into(pilot, GUIDE_KEY)
        await pilot.press("enter")
        await until(screen, lambda: state_of(screen, "any2any.api_key").startswith("set"))
        assert backend.host is not None
        assert backend.host.api_key == SecretStr(GUIDE_KEY)  # the client uses it now
        screen.query_one("#test-any2any", Button).press()
        await until(screen, lambda: "✓" in str(result.render()))
        assert "key accepted" in str(result.render())


def on_screen(screen: SettingsScreen, widget: Widget) -> bool:
    """Inside the part of the settings body the user sees (not below the fold)."""
    body = screen.query_one("#settings-body").region
    return widget.display and body.contains_region(widget.region)


async def test_a_test_result_appears_where_the_user_is_at_80x24(make_sim: MakeSim) -> None:
    """Issue 7.18: the result was written at the bottom, below the fold at 80x24."""
    server = make_sim()
    store = SecretStore(MemoryKeyring(), env={})
    store.set("any2any.api_key", SecretStr(GUIDE_KEY), server.base_url)
    app = A2AApp(Backend.any2any(server.base_url), credentials=CredentialService(store))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        for provider, expected in (("changelly", "✗"), ("any2any", "✓")):
            button = screen.query_one(f"#test-{provider}", Button)
            button.focus()  # by keyboard: the focus scrolls the button into view
            await pilot.press("enter")
            result = screen.query_one(f"#test-result-{provider}", Label)
            await until(screen, lambda r=result: str(r.render())[:1] in "✓✗")  # type: ignore[misc]
            await pilot.pause()
            assert str(result.render()).startswith(expected)
            assert on_screen(screen, result), (provider, result.region)
            assert on_screen(screen, button)
        messages = [str(n.message) for n in app._notifications]
        assert any(m.startswith("✓ key accepted") for m in messages), messages
        assert any("Changelly" in n.title for n in app._notifications)


async def test_without_a_keyring_it_explains_and_still_works() -> None:
    store = SecretStore(FailKeyring(), env={"A2A_TUI_OKX_API_KEY": "env-okx-key-123456"})
    app = fake_app(ScriptedSource(), secrets=store)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        banner = str(screen.query_one("#keyring-banner", Static).render())
        assert "Secrets cannot be stored: no keyring is available" in banner
        assert "use environment variables" in banner
        assert "keyrings.cryptfile" in banner
        assert state_of(screen, "okx.secret_key") == "keyring unavailable"
        assert state_of(screen, "okx.api_key") == "from $A2A_TUI_OKX_API_KEY"
        assert screen.query_one("#secret-okx-secret_key .set", Button).disabled


async def test_the_banner_names_the_member_of_keyrings_chain_in_use() -> None:
    chain, _ = secret_service_chain()
    app = fake_app(ScriptedSource(), secrets=SecretStore(chain, env={}))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        banner = str(screen.query_one("#keyring-banner", Static).render())
        assert banner.startswith("Keyring: keyring.backends.SecretService.Keyring")
        assert "Not used (also in keyring's chain): keyrings.alt.file.EncryptedKeyring" in banner
        assert not screen.query_one("#secret-okx-api_key .set", Button).disabled


async def test_saving_settings_keeps_the_users_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# mine\n[quote]\ndefault_slippage = "1%"  # careful\n', encoding="utf-8")
    loaded = load_settings({"A2A_TUI_CONFIG": str(path)})
    app = fake_app(ScriptedSource(), settings=loaded)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        screen.query_one("#default-slippage", Input).value = "0.3%"
        await pilot.press("ctrl+s")
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# mine\n")
        assert 'default_slippage = "0.3%"  # careful' in text
        assert "saved to" in str(screen.query_one("#save-result", Label).render())
        screen.query_one("#default-slippage", Input).value = "7"
        await pilot.press("ctrl+s")
        assert "default slippage" in str(screen.query_one("#save-result", Label).render())
        assert 'default_slippage = "0.3%"' in path.read_text(encoding="utf-8")


async def test_the_demo_never_writes_a_config() -> None:
    app = fake_app(ScriptedSource())
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        await pilot.press("ctrl+s")
        assert "never writes your config" in str(screen.query_one("#save-result", Label).render())


async def test_an_invalid_host_is_refused_not_reported_saved(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[quote]\ndefault_slippage = "1%"\n', encoding="utf-8")
    loaded = load_settings({"A2A_TUI_CONFIG": str(path)})
    app = fake_app(ScriptedSource(), settings=loaded)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        screen.query_one("#base-url", Input).value = "ftp://nope here"
        screen.query_one("#default-slippage", Input).value = "0.3%"
        await pilot.press("ctrl+s")
        result = str(screen.query_one("#save-result", Label).render())
        assert "saved" not in result.replace("not saved", "")
        assert "base_url" in result
        assert "http:// or https://" in result
        assert path.read_text(encoding="utf-8") == '[quote]\ndefault_slippage = "1%"\n'
        # and the next start reads what was saved, without a problem
        screen.query_one("#base-url", Input).value = "https://api.any2any.example"
        await pilot.press("ctrl+s")
        assert "saved to" in str(screen.query_one("#save-result", Label).render())
    again = load_settings({"A2A_TUI_CONFIG": str(path)})
    assert again.problems == []
    assert again.settings.base_url == "https://api.any2any.example"
    assert again.settings.quote.default_slippage == "0.3%"


async def test_a_test_result_is_marked_old_once_its_credentials_change(make_sim: MakeSim) -> None:
    """'✓ key accepted' stayed after a wrong key was set, reading as current."""
    server = make_sim()
    store = SecretStore(MemoryKeyring(), env={})
    store.set("any2any.api_key", SecretStr(GUIDE_KEY), server.base_url)
    app = A2AApp(Backend.any2any(server.base_url), credentials=CredentialService(store))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        result = screen.query_one("#test-result-any2any", Label)
        okx = screen.query_one("#test-result-okx", Label)
        screen.query_one("#test-any2any", Button).press()
        await until(screen, lambda: "✓ key accepted" in str(result.render()))
        screen.query_one("#secret-okx-api_key .set", Button).focus()  # another provider's
        await pilot.press("enter")
        await type_into(pilot, "okx-key-0123456789")
        await pilot.press("enter")
        await until(screen, lambda: state_of(screen, "okx.api_key").startswith("set"))
        assert "✓ key accepted" in str(result.render())  # not Any2Any's credentials
        assert not okx.display  # never tested: nothing to mark
        screen.query_one("#secret-any2any-api_key .set", Button).focus()
        await pilot.press("enter")
        await type_into(pilot, "a-wrong-key-0000000000000000000")
        await pilot.press("enter")
        await until(screen, lambda: "changed since" in str(result.render()))
        assert str(result.render()) == "credentials changed since the last test · Test again"
        assert not result.has_class("-ok")


async def test_after_a_delete_the_focus_is_on_that_rows_set_button() -> None:
    store = SecretStore(MemoryKeyring(), env={})
    store.set("okx.secret_key", SecretStr("okx-secret-value-9876"))
    app = fake_app(ScriptedSource(), secrets=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        row = screen.query_one("#secret-okx-secret_key", SecretRow)
        row.query_one(".delete", Button).focus()
        await pilot.press("enter", "y")
        await until(screen, lambda: state_of(screen, "okx.secret_key") == "not set")
        await pilot.pause()
        assert screen.focused is row.query_one(".set", Button)
        await pilot.press("enter")  # the next Enter is on the button the user sees
        assert isinstance(app.screen, SecretPrompt)


async def test_auto_refresh_says_on_or_off_in_words() -> None:
    """With NO_COLOR the switch's off state was grey 235 on 232: invisible."""
    app = fake_app(ScriptedSource())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        word = screen.query_one("#auto-refresh-word", Label)
        assert str(word.render()) == "off"
        screen.query_one("#auto-refresh").focus()
        await pilot.press("enter")
        assert str(word.render()) == "on"


COW_KEY = "0xc85ef7d79691fe79573b1a7064c19c1a9819ebdbd1faaab1a8ec92344438aaf4"
COW_ADDRESS = "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"


async def test_a_long_state_is_shortened_in_the_middle_never_dropped() -> None:
    """At 80 columns the line read `set · signs as` with the address gone."""
    store = SecretStore(MemoryKeyring(), env={})
    store.set("swapscanner.signer_key", SecretStr(COW_KEY))
    app = fake_app(ScriptedSource(), secrets=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        state = screen.query_one("#secret-swapscanner-signer_key .secret-state", Label)
        await until(screen, lambda: "signs as" in str(state.render()))
        await pilot.pause()
        shown = str(state.render())
        assert shown.startswith("set · signs as 0xCD2a")
        assert shown.endswith("D826")
        assert "…" in shown
        assert len(shown) <= state.size.width
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        assert str(state.render()) == f"set · signs as {COW_ADDRESS}"


async def test_the_set_key_prompts_help_wraps_at_80_columns() -> None:
    """`…staging and production coex` was cut at the dialog's edge."""
    app = fake_app(ScriptedSource(), secrets=SecretStore(MemoryKeyring(), env={}))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        screen.query_one("#secret-any2any-api_key .set", Button).focus()
        await pilot.press("enter")
        prompt = app.screen
        assert isinstance(prompt, SecretPrompt)
        await pilot.pause()
        help_label = prompt.query_one("#prompt-help", Label)
        box = prompt.query_one("#prompt")
        assert box.content_region.contains_region(help_label.region)
        assert help_label.region.height == 2  # wrapped, whole


async def test_a_slow_keyring_shows_storing_until_it_is_done() -> None:
    """keyrings.cryptfile takes seconds per write (argon2): the row said nothing
    meanwhile, and its Set could be pressed again."""
    import threading

    release = threading.Event()

    class Slow(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            release.wait(10)
            super().set_password(service, username, password)

    Slow.__module__, Slow.__qualname__ = "somebody.keyring", "Slow"
    store = SecretStore(Slow(), env={}, chosen="somebody.keyring.Slow")
    app = fake_app(ScriptedSource(), secrets=store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        row = screen.query_one("#secret-okx-secret_key", SecretRow)
        row.query_one(".set", Button).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, SecretPrompt)
        await type_into(pilot, "okx-secret-value-9876")
        await pilot.press("enter")
        await until(screen, lambda: state_of(screen, "okx.secret_key") == "storing…")
        assert all(button.disabled for button in row.query(Button))
        release.set()
        await until(screen, lambda: state_of(screen, "okx.secret_key") == "set · ••••9876")
        await pilot.pause()
        assert screen.focused is row.query_one(".set", Button)
