"""The board's numbers at every width: rounded and fitted, never cut mid-number."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from fakes import ETH, SPEC, USDT, Token, quote
from readback import assert_correct_rounding
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.geometry import Region

from a2a_tui.domain.quotes import QuoteSpec
from a2a_tui.engine.board import QuoteBoard
from a2a_tui.ui.widgets.quote_table import QuoteTable, layout

#: The issue's case (1000 ETH to USDT at 80 columns), then magnitudes from dust to 1e12.
BEST_VALUES = [Fraction("3109666.504912"), Fraction(1, 10**8), Fraction(1, 1000), Fraction(1),
               Fraction("4702.447925"), Fraction(31, 10) * 10**6, Fraction(10**12)]  # fmt: skip
DECIMALS = [0, 6, 8, 18]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield QuoteTable(id="table")


def boards() -> list[QuoteBoard]:
    """One board per (token decimals, best value): the best, a third of it, a
    thousandth, and dust; USD at 6 decimals as the server sends it."""
    made = []
    for decimals in DECIMALS:
        dst = Token(50 + decimals, "TOK", "Token", decimals, USDT.chain, None, Decimal(1))
        spec: QuoteSpec = replace(SPEC, src=ETH, dst=dst)
        for best in BEST_VALUES:
            rows = [best, best / 3, best / 1000, best / 10**9]
            units = [max(1, round(v * 10**decimals)) for v in rows]
            board = QuoteBoard(spec, {"fake": "Fake"}, 0.0)
            board.apply([
                (0.05 * (i + 1),
                 replace(quote(100 + i, u, "0.125"),
                         out_usd=Decimal(round(v * 10**6)) / 10**6 * Decimal("1.0031")))
                for i, (u, v) in enumerate(zip(units, rows, strict=True))
            ])  # fmt: skip
            made.append(board)
    return made


def cells(line: str, width: int, symbol: str) -> dict[str, str]:
    columns, start, found = layout(width, symbol), 0, {}
    for column in columns:
        found[column.key] = line[start : start + column.width].strip()
        start += column.width + 1
    return found


async def test_numbers_are_rounded_to_fit_never_cut_at_widths_60_to_220() -> None:
    app = TableApp()
    every = boards()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(QuoteTable)
        for index, screen_width in enumerate(range(60, 221)):
            await pilot.resize_terminal(screen_width, 12)
            width = table.size.width
            columns = layout(width, "TOK")
            assert sum(c.width for c in columns) + len(columns) - 1 <= width  # none cropped
            # four boards per width, in turn: each board is seen at ~23 widths spread over
            # the range, every width sees four (rendering all 28 at each costs 20 s)
            for board in (every[(4 * index + k) % len(every)] for k in range(4)):
                table.show(board)
                strips = table.render_lines(Region(0, 0, width, len(board) + 1))
                decimals = board.spec.dst.decimals
                for ranked, strip in zip(board.ranked(), strips[1:], strict=True):
                    line = "".join(segment.text for segment in strip)
                    assert cell_len(line) <= width
                    found = cells(line, width, "TOK")
                    q = ranked.row.quote
                    assert q is not None
                    context = f"width {width}, {decimals} decimals: {line!r}"
                    out = found["out"]
                    value = Fraction(q.out_amount, 10**decimals)
                    try:
                        assert_correct_rounding(out, value, len(out))
                        if "usd" in found:
                            assert q.out_usd is not None
                            usd = found["usd"]
                            assert_correct_rounding(usd, Fraction(q.out_usd), len(usd), "$")
                    except AssertionError as exc:
                        raise AssertionError(f"{context}: {exc}") from None
                    for key in ("fee", "delta"):
                        assert "…" not in found.get(key, ""), context
