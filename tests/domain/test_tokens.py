"""Finding tokens by what people type: the picker's search and the command line's names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from a2a_tui.domain.addresses import AddressFormat
from a2a_tui.domain.tokens import Chain, Token, TokenLookupError, resolve_token, search_tokens

ETHEREUM = Chain(1, "ethereum", "Ethereum", AddressFormat.EVM)
TRON = Chain(4, "tron", "Tron", AddressFormat.TRON)
BSC = Chain(5, "bsc", "BNB Smart Chain", AddressFormat.EVM)
KAIA = Chain(7, "kaia", "Kaia", AddressFormat.EVM)
TERRA = Chain(6, "terra", "Terra Classic", AddressFormat.EVM, enabled=False)


def token(token_id: int, symbol: str, name: str, chain: Chain, decimals: int = 6) -> Token:
    return Token(token_id, symbol, name, decimals, chain, None, Decimal(1))


# in the simulator's order: the BSC one (18 decimals) came first for `usdt eth`
TOKENS = [
    token(10, "USDT", "Tether USD", BSC, 18),
    token(1, "USDT", "Tether USD", ETHEREUM),
    token(11, "USDT", "Tether USD", KAIA),
    token(9, "USDT", "Tether USD", TRON),
    token(3, "ETH", "Ether", ETHEREUM, 18),
    token(12, "LUNC", "Terra Luna Classic", TERRA),
]


def labels(found: list[Token]) -> list[str]:
    return [t.label for t in found]


def test_words_after_the_first_name_the_chain() -> None:
    """`usdt eth` listed USDT on BSC, Ethereum, Kaia and Tron ("eth" is in "Tether"),
    and Enter took the first: USDT on BNB Smart Chain, with 18 decimals."""
    assert labels(search_tokens(TOKENS, "usdt eth")) == ["USDT@ethereum"]
    assert labels(search_tokens(TOKENS, "usdt tron")) == ["USDT@tron"]
    assert labels(search_tokens(TOKENS, "usdt smart")) == ["USDT@bsc"]  # a word of its name
    assert labels(search_tokens(TOKENS, "usdt@ethereum")) == ["USDT@ethereum"]


def test_a_later_word_that_names_no_chain_narrows_by_text() -> None:
    assert len(search_tokens(TOKENS, "usdt tether")) == 4
    assert search_tokens(TOKENS, "usdt nothing") == []


def test_an_exact_chain_ranks_above_a_prefix() -> None:
    kai = Chain(8, "kai", "Kai", AddressFormat.EVM)
    tokens = [*TOKENS, token(13, "USDT", "Tether USD", kai)]
    assert labels(search_tokens(tokens, "usdt kai")) == ["USDT@kai", "USDT@kaia"]


def test_the_first_word_still_ranks_the_symbol_first() -> None:
    assert labels(search_tokens(TOKENS, "eth"))[0] == "ETH@ethereum"  # above Tether
    assert "USDT@tron" in labels(search_tokens(TOKENS, "tron"))  # a chain alone


def test_tokens_of_a_disabled_chain_are_never_offered() -> None:
    assert "LUNC@terra" not in labels(search_tokens(TOKENS, ""))
    assert search_tokens(TOKENS, "lunc") == []


@pytest.mark.parametrize("typed", ["LUNC", "LUNC@terra", "12"])
def test_naming_a_token_of_a_disabled_chain_says_so(typed: str) -> None:
    """It said "no token 'LUNC'" though the host lists it, on a disabled chain."""
    with pytest.raises(TokenLookupError) as caught:
        resolve_token(typed, TOKENS)
    assert str(caught.value) == "LUNC is on Terra Classic, which is disabled on this host"


def test_unknown_and_ambiguous_names_still_say_what_to_type() -> None:
    with pytest.raises(TokenLookupError, match="no token 'FOO'; try one of"):
        resolve_token("FOO", TOKENS)
    with pytest.raises(TokenLookupError, match="is on several chains"):
        resolve_token("USDT", TOKENS)
