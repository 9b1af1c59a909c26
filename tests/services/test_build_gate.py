"""A quote's first row is not kept from the screen by the direct providers' first
client builds (imports, an RSA key: Python that holds the GIL, on threads): they
wait until the screen has painted a price, or half a second at most."""

from __future__ import annotations

from app_helpers import fake_app, until
from conftest import MakeSim
from direct_helpers import direct_backend
from fakes import Gate, ScriptedSource, quote

from a2a_tui.domain.quote_input import QuoteArgs, resolve_args
from a2a_tui.domain.quotes import Quote
from a2a_tui.engine.board import QuoteBoard, RowState
from a2a_tui.engine.merger import QuoteRun
from a2a_tui.providers.direct import DirectSource

ETH_USDT = QuoteArgs("ETH@ethereum", "USDT@ethereum", "1.5")


async def test_first_builds_wait_for_the_gate_and_then_quote(make_sim: MakeSim) -> None:
    backend = direct_backend(make_sim())
    direct = [s for s in backend.sources if isinstance(s, DirectSource)]
    spec = resolve_args(ETH_USDT, await backend.load_tokens())
    backend.builds.hold()
    built_at_first_answer = None
    async with QuoteRun(backend.sources, spec) as run:
        board = QuoteBoard(spec, {s.id: s.label for s in backend.sources}, run.started_at)
        async for batch in run:
            board.apply(batch)
            if built_at_first_answer is None and any(isinstance(e, Quote) for _, e in batch):
                built_at_first_answer = [s.id for s in direct if s._client is not None]
                backend.builds.release()
    await backend.close()
    assert built_at_first_answer == []  # Any2Any answered while no client was built
    okx = board.find(("okx", None))
    assert okx is not None
    assert okx.row.state is RowState.QUOTED  # and the held ones quoted once it opened


async def test_the_screen_holds_builds_until_its_first_price_is_painted() -> None:
    gate = Gate()
    app = fake_app(ScriptedSource([gate, quote(1, 500)]),
                   initial=QuoteArgs("ETH", "USDT@tron", "1.5"))  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await until(screen, gate.reached.is_set)
        assert app.backend.builds.held
        gate.open()
        await until(screen, lambda: screen.board is not None and screen.board.best() is not None)
        await pilot.pause()
        assert not app.backend.builds.held
