"""Helpers for driving the app: event-driven waits and a quote board backed by fakes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from fakes import TOKENS, ScriptedSource, Ticker
from textual.screen import Screen

from a2a_tui.app import A2AApp
from a2a_tui.backend import Backend
from a2a_tui.domain.quote_input import QuoteArgs
from a2a_tui.domain.tokens import Token
from a2a_tui.screens.quote import QuoteScreen


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


def fake_app(
    *sources: ScriptedSource,
    initial: QuoteArgs | None = None,
    tokens: Sequence[Token] = TOKENS,
    clock: Ticker | None = None,
) -> A2AApp:
    async def load() -> list[Token]:
        return list(tokens)

    backend = Backend("http://fake.invalid", list(sources), load)
    return A2AApp(
        backend,
        initial=initial,
        subtitle="fake backend",
        clock=clock or Ticker(),
        present_interval=0,
    )
