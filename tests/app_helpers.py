"""Helpers for driving the app: event-driven waits and a quote board backed by fakes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from fakes import TOKENS, ScriptedSource, Ticker
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.tokens import Token
from a2a_tui.infra.config import LoadedSettings
from a2a_tui.infra.keystore import SecretStore
from a2a_tui.services.backend import Backend
from a2a_tui.services.credentials import CredentialService
from a2a_tui.services.preferences import Preferences
from a2a_tui.ui.app import A2AApp
from a2a_tui.ui.screens.quote import QuoteScreen


async def until(screen: Screen[object], predicate: Callable[[], bool], within: float = 5) -> None:
    """Wait, without sleeping, until ``predicate`` holds after a message the screen handled."""
    if predicate():
        return
    reached = asyncio.Event()

    def check(_: object) -> None:
        if predicate():
            reached.set()

    # immediate: a deferred callback is itself a message, which would publish again
    screen.message_signal.subscribe(screen, check, immediate=True)
    try:
        await asyncio.wait_for(reached.wait(), within)
    finally:
        screen.message_signal.unsubscribe(screen)


def answered(screen: QuoteScreen, count: int) -> Callable[[], bool]:
    return lambda: screen.board is not None and screen.board.status().answered == count


def complete(screen: QuoteScreen) -> Callable[[], bool]:
    return lambda: screen.board is not None and screen.board.status().complete


#: The direct providers' settings in app tests unless a test says otherwise: a
#: closed loopback port, so a Test pressed in a test never reaches a real provider.
OFFLINE_PROVIDERS = {p: {"base_url": f"http://127.0.0.1:9/{p}"}
                     for p in ("okx", "swapscanner", "changelly", "swapkit")}  # fmt: skip


def fake_app(
    *sources: ScriptedSource,
    initial: QuoteArgs | None = None,
    tokens: Sequence[Token] = TOKENS,
    clock: Ticker | None = None,
    secrets: SecretStore | None = None,
    settings: LoadedSettings | None = None,
    providers: dict[str, dict[str, str]] | None = None,
) -> A2AApp:
    async def load() -> list[Token]:
        return list(tokens)

    backend = Backend("http://127.0.0.1:9", list(sources), load)
    return A2AApp(
        backend,
        initial=initial,
        subtitle="fake backend",
        clock=clock or Ticker(),
        present_interval=0,
        credentials=None
        if secrets is None
        else CredentialService(secrets, provider_settings=providers or OFFLINE_PROVIDERS),
        preferences=None if settings is None else Preferences(settings),
    )


async def type_into(pilot: Pilot[Any], text: str) -> None:
    """Type the first keys for real, insert the rest: a pilot key press costs
    tens of milliseconds, and a 32-character key is the same path either way."""
    await pilot.press(*text[:3])
    focused = pilot.app.focused
    assert isinstance(focused, Input)
    focused.insert_text_at_cursor(text[3:])


async def until_shown(app: Any, predicate: Callable[[], bool], within: float = 10) -> None:
    """Until ``predicate`` holds after a screen change or a message handled by the app
    or any of its screens (messages to a screen do not reach the app's signal)."""
    if predicate():
        return
    reached = asyncio.Event()

    def check(_: object) -> None:
        if predicate():
            reached.set()

    nodes = [app, *app.screen_stack]
    app.screen_change_signal.subscribe(app, check, immediate=True)
    for node in nodes:
        node.message_signal.subscribe(node, check, immediate=True)
    try:
        await asyncio.wait_for(reached.wait(), within)
    finally:
        app.screen_change_signal.unsubscribe(app)
        for node in nodes:
            node.message_signal.unsubscribe(node)
