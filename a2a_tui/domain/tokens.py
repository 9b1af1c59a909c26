"""Tokens as the UI knows them, and resolving what a user types into one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from a2a_tui.domain.addresses import AddressFormat

__all__ = ["AssetId", "Chain", "Token", "TokenLookupError", "resolve_token", "search_tokens"]


@dataclass(frozen=True, slots=True)
class AssetId:
    """An asset whoever names it: its chain (the chain key users type after
    ``@``) and its contract (None: the chain's native coin).

    Providers name tokens their own way (Any2Any by integer id, OKX by chain
    index and address, SwapKit by ``CHAIN.TICKER-ADDRESS``...); this is what
    those names are compared through. EVM hex is case-insensitive, so it is
    kept lowercase; other chains' addresses are case-sensitive and kept as
    they are.
    """

    chain: str
    contract: str | None = None

    @classmethod
    def of(cls, chain: str, contract: str | None) -> AssetId:
        text = contract.strip() if contract else None
        if text and text[:2].lower() == "0x":
            text = text.lower()
        return cls(chain, text or None)

    def __str__(self) -> str:
        return f"{self.contract or 'native'}@{self.chain}"


@dataclass(frozen=True, slots=True)
class Chain:
    chain_id: int
    key: str  # "ethereum": what users type after "@"
    name: str
    address_format: AddressFormat | None  # None: a format this client does not know


@dataclass(frozen=True, slots=True)
class Token:
    """A token of the form's list. ``token_id`` is Any2Any's integer id (the
    list comes from the Any2Any host); `asset` is the provider-neutral
    identity every other provider's name for it is matched against."""

    token_id: int
    symbol: str
    name: str
    decimals: int
    chain: Chain
    contract_address: str | None
    usd_price: Decimal | None

    @property
    def asset(self) -> AssetId:
        return AssetId.of(self.chain.key, self.contract_address)

    @property
    def label(self) -> str:
        """``USDT@ethereum``: unique, and what the CLI accepts."""
        return f"{self.symbol}@{self.chain.key}"

    def matches(self, needle: str) -> bool:
        """Type-to-filter: every word appears in the symbol, name or chain."""
        haystack = f"{self.symbol} {self.name} {self.chain.key} {self.chain.name}".lower()
        return all(word in haystack for word in needle.lower().replace("@", " ").split())


def search_tokens(tokens: Sequence[Token], needle: str) -> list[Token]:
    """Type-to-filter, best match first: an exact symbol beats a symbol prefix,
    which beats a match anywhere (typing "eth" puts ETH above Tether)."""
    words = needle.lower().replace("@", " ").split()
    if not words:
        return list(tokens)
    first = words[0]

    def score(token: Token) -> tuple[int, str]:
        symbol = token.symbol.lower()
        kind = 0 if symbol == first else 1 if symbol.startswith(first) else 2
        return kind, token.label.lower()

    return sorted((t for t in tokens if t.matches(needle)), key=score)


class TokenLookupError(LookupError):
    """What the user typed names no token, or more than one."""


def resolve_token(spec: str, tokens: Sequence[Token]) -> Token:
    """Accept a token id (``3``), ``SYMBOL`` when it is on one chain only, or
    ``SYMBOL@chain``; say precisely what to type instead when ambiguous."""
    text = spec.strip()
    if text.isdigit():
        for token in tokens:
            if token.token_id == int(text):
                return token
        raise TokenLookupError(f"no token with id {text}")
    symbol, _, chain = text.partition("@")
    candidates = [t for t in tokens if t.symbol.lower() == symbol.lower()]
    if chain:
        candidates = [
            t
            for t in candidates
            if chain.lower() in (t.chain.key.lower(), t.chain.name.lower(), str(t.chain.chain_id))
        ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise TokenLookupError(f"no token {text!r}; try one of: {_suggest(symbol, tokens)}")
    options = ", ".join(t.label for t in candidates)
    raise TokenLookupError(f"{text!r} is on several chains; use one of: {options}")


def _suggest(symbol: str, tokens: Sequence[Token]) -> str:
    close = [t.label for t in tokens if t.matches(symbol)] or [t.label for t in tokens]
    return ", ".join(close[:8])
