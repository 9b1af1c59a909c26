"""A backend with every direct provider at its simulated endpoint, and one quote on it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from a2a_tui.cli.demo import demo_settings
from a2a_tui.domain.quote_input import QuoteArgs, resolve_args
from a2a_tui.engine.board import QuoteBoard
from a2a_tui.engine.merger import Arrival, QuoteRun
from a2a_tui.infra.config import Settings
from a2a_tui.services.backend import Backend
from a2a_tui.sim.server import SimServer


def settings_for(
    sim: SimServer,
    providers: Mapping[str, Mapping[str, Any]] | None = None,
    **sections: Any,
) -> tuple[Settings, dict[str, str]]:
    """The demo's settings (every provider on, at ``sim``), each provider's
    table updated from ``providers``, other sections from ``sections``; and
    the demo secrets by entry name."""
    settings, by_provider = demo_settings(sim.base_url)
    data = settings.model_dump()
    for provider, changes in (providers or {}).items():
        data["providers"][provider].update(changes)
    for section, changes in sections.items():
        data[section].update(changes)
    secrets = {name: value for entries in by_provider.values() for name, value in entries.items()}
    return Settings.model_validate(data), secrets


def direct_backend(
    sim: SimServer,
    providers: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    secrets: Mapping[str, str | None] | None = None,
    **sections: Any,
) -> Backend:
    """``secrets`` replaces demo secrets by entry name (None: not set)."""
    settings, demo = settings_for(sim, providers, **sections)
    values = demo | dict(secrets or {})

    def get(name: str) -> SecretStr | None:
        value = values.get(name)
        return None if value is None else SecretStr(value)

    return Backend.from_settings(settings, base_url=sim.base_url, secrets=get)


async def quote_board(
    backend: Backend, args: QuoteArgs, *, source_timeout: float | None = None
) -> tuple[QuoteBoard, list[Arrival]]:
    """One quote on ``backend``, to the end: the board and every arrival."""
    spec = resolve_args(args, await backend.load_tokens())
    arrivals: list[Arrival] = []
    async with QuoteRun(backend.sources, spec, source_timeout=source_timeout) as run:
        board = QuoteBoard(
            spec,
            {s.id: s.label for s in backend.sources},
            run.started_at,
            tags={s.id: s.tag for s in backend.sources},
        )
        async for batch in run:
            arrivals.extend(batch)
            board.apply(batch)
    return board, arrivals
