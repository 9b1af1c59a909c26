"""From what a user typed (form or command line) to a `QuoteSpec`, or a reason why not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from a2a_tui.domain.amounts import AmountError, SlippageError, parse_slippage, to_units
from a2a_tui.domain.quotes import QuoteSpec
from a2a_tui.domain.tokens import Token, TokenLookupError, resolve_token

__all__ = ["QuoteArgs", "QuoteInputError", "build_spec", "resolve_args"]


@dataclass(frozen=True)
class QuoteArgs:
    """A quote as typed, before it is checked against a host's token list."""

    src: str
    dst: str
    amount: str
    slippage: str = "0.01"
    promo: str | None = None
    channel: int | None = None


class QuoteInputError(ValueError):
    """``field`` names the input to fix; the message is the whole explanation."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def build_spec(
    src: Token | None,
    dst: Token | None,
    amount: str,
    slippage: str,
    promo: str | None = None,
    channel: str | int | None = None,
) -> QuoteSpec:
    if src is None:
        raise QuoteInputError("src", "pick a source token")
    if dst is None:
        raise QuoteInputError("dst", "pick a destination token")
    if src == dst:
        raise QuoteInputError("dst", "source and destination are the same token")
    try:
        amount_in = to_units(amount, src.decimals)
    except AmountError as exc:
        message = str(exc)
        prefixed = message if message.startswith("amount") else f"amount: {message}"
        raise QuoteInputError("amount", prefixed) from None
    try:
        fraction = parse_slippage(slippage)
    except SlippageError as exc:
        raise QuoteInputError("slippage", str(exc)) from None
    channel_id: int | None = None
    if channel not in (None, ""):
        text = str(channel).strip()
        if not text.isdigit() or int(text) == 0:
            raise QuoteInputError("channel", "channel must be a channel id (a positive number)")
        channel_id = int(text)
    return QuoteSpec(src, dst, amount_in, fraction, (promo or "").strip() or None, channel_id)


def resolve_args(args: QuoteArgs, tokens: Sequence[Token]) -> QuoteSpec:
    try:
        src = resolve_token(args.src, tokens)
    except TokenLookupError as exc:
        raise QuoteInputError("src", f"source: {exc}") from None
    try:
        dst = resolve_token(args.dst, tokens)
    except TokenLookupError as exc:
        raise QuoteInputError("dst", f"destination: {exc}") from None
    return build_spec(src, dst, args.amount, args.slippage, args.promo, args.channel)
