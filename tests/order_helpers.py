"""Helpers for the order tests: a quoted draft from a real simulator, and the
server's and the journal's own counts of an order."""

from __future__ import annotations

from typing import Any

import httpx
from conftest import GUIDE_KEY
from helpers import TRON_ADDRESS
from pydantic import SecretStr

from a2a_tui.domain.orders import OrderDraft
from a2a_tui.domain.quote_input import QuoteArgs, resolve_args
from a2a_tui.engine.board import QuoteBoard
from a2a_tui.engine.merger import QuoteRun
from a2a_tui.infra.journal import Journal
from a2a_tui.providers.http.timeouts import Timeouts
from a2a_tui.services.backend import Backend
from a2a_tui.services.orders import OrderService, RetryPolicy, draft_from_board

#: Retries as in production, with waits too short to notice.
FAST = RetryPolicy(attempts=4, timeout=20.0, wait_initial=0.01, wait_max=0.05, wait_jitter=0.01)
ETH_TO_TRON = QuoteArgs("ETH@ethereum", "USDT@tron", "1.5")


def service_for(
    base_url: str,
    *,
    key: str | None = GUIDE_KEY,
    journal: Journal | None = None,
    read_timeout: float = 2.0,
) -> OrderService:
    backend = Backend.any2any(
        base_url,
        None if key is None else SecretStr(key),
        Timeouts(connect=2.0, read=read_timeout, write=2.0),
    )
    backend.key_entry = None if key is None else "$A2A_TUI_ANY2ANY_API_KEY"
    return OrderService(backend, journal or Journal.in_memory(), retry=FAST)


async def quoted_draft(
    service: OrderService,
    args: QuoteArgs = ETH_TO_TRON,
    *,
    client_order_id: str = "test-order-1",
    address: str = TRON_ADDRESS,
) -> OrderDraft:
    """The best channel of a real quote, ready to send."""
    backend = service.backend
    spec = resolve_args(args, await backend.load_tokens())
    async with QuoteRun(backend.sources, spec, clock=service.clock) as run:
        board = QuoteBoard(spec, {s.id: s.label for s in backend.sources}, run.started_at)
        async for batch in run:
            board.apply(batch)
    best = board.best()
    assert best is not None
    draft = draft_from_board(board, best.row.key)
    assert not isinstance(draft, str)
    return service.checked(draft, address=address, client_order_id=client_order_id, user_id="")


def server_orders(sim_url: str, client_order_id: str) -> list[dict[str, Any]]:
    """What the simulator holds for this client_order_id (its ``/sim/orders`` control)."""
    response = httpx.get(f"{sim_url}/sim/orders", params={"client_order_id": client_order_id})
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


def journal_entries(journal: Journal, client_order_id: str) -> list[Any]:
    return [r for r in journal.records() if r.client_order_id == client_order_id]
