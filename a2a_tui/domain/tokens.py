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
    enabled: bool = True
    """False: the host lists the chain as disabled. Its tokens are kept only so that
    naming one says why it cannot be used; search and resolution skip them."""


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
        """Every word appears in the symbol, name or chain (see `search_tokens`
        for the picker's rule, where words after the first name the chain)."""
        haystack = f"{self.symbol} {self.name} {self.chain.key} {self.chain.name}".lower()
        return all(word in haystack for word in needle.lower().replace("@", " ").split())


def _chain_match(chain: Chain, word: str) -> int | None:
    """0: ``word`` is the chain (key, name, a word of its name or its id); 1: a
    prefix of its key or of a word of its name; None: neither."""
    words = chain.name.lower().split()
    if word in (chain.key.lower(), chain.name.lower(), str(chain.chain_id), *words):
        return 0
    if chain.key.lower().startswith(word) or any(w.startswith(word) for w in words):
        return 1
    return None


def search_tokens(tokens: Sequence[Token], needle: str) -> list[Token]:
    """Type-to-filter, best match first.

    The first word is looked for anywhere (symbol, name, chain): an exact symbol
    ranks above a symbol prefix, which ranks above a match elsewhere ("eth" puts
    ETH above Tether). A later word names the chain when it can: ``usdt eth``
    keeps USDT on Ethereum, not every USDT whose name holds "eth" (Tether);
    an exact chain ranks above a prefix. A later word that names no chain of
    what is left narrows by text, as the first does. Tokens of disabled chains
    are never offered.
    """
    words = needle.lower().replace("@", " ").split()
    found = [t for t in tokens if t.chain.enabled]
    if not words:
        return found
    first, rest = words[0], words[1:]
    found = [t for t in found if first in _haystack(t)]
    chain_rank: dict[int, int] = {}
    for word in rest:
        ranks = {id(t): r for t in found if (r := _chain_match(t.chain, word)) is not None}
        if ranks:
            found = [t for t in found if id(t) in ranks]
            for key, rank in ranks.items():
                chain_rank[key] = max(chain_rank.get(key, 0), rank)
        else:
            found = [t for t in found if word in _haystack(t)]

    def score(token: Token) -> tuple[int, int, str]:
        symbol = token.symbol.lower()
        kind = 0 if symbol == first else 1 if symbol.startswith(first) else 2
        return kind, chain_rank.get(id(token), 0), token.label.lower()

    return sorted(found, key=score)


def _haystack(token: Token) -> str:
    return f"{token.symbol} {token.name} {token.chain.key} {token.chain.name}".lower()


class TokenLookupError(LookupError):
    """What the user typed names no token, or more than one."""


def resolve_token(spec: str, tokens: Sequence[Token]) -> Token:
    """Accept a token id (``3``), ``SYMBOL`` when it is on one chain only, or
    ``SYMBOL@chain``; say precisely what to type instead when ambiguous."""
    text = spec.strip()
    if text.isdigit():
        for token in tokens:
            if token.token_id == int(text):
                return _usable(token)
        raise TokenLookupError(f"no token with id {text}")
    symbol, _, chain = text.partition("@")
    named = [t for t in tokens if t.symbol.lower() == symbol.lower()]
    if chain:
        named = [
            t
            for t in named
            if chain.lower() in (t.chain.key.lower(), t.chain.name.lower(), str(t.chain.chain_id))
        ]
    candidates = [t for t in named if t.chain.enabled]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates and named:  # the host lists it, on a chain it has disabled
        return _usable(named[0])
    if not candidates:
        raise TokenLookupError(f"no token {text!r}; try one of: {_suggest(symbol, tokens)}")
    options = ", ".join(t.label for t in candidates)
    raise TokenLookupError(f"{text!r} is on several chains; use one of: {options}")


def _usable(token: Token) -> Token:
    if not token.chain.enabled:
        raise TokenLookupError(
            f"{token.symbol} is on {token.chain.name}, which is disabled on this host"
        )
    return token


def _suggest(symbol: str, tokens: Sequence[Token]) -> str:
    usable = [t for t in tokens if t.chain.enabled]
    close = [t.label for t in usable if t.matches(symbol)] or [t.label for t in usable]
    return ", ".join(close[:8])
