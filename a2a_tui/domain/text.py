"""Make text from a server inert before anyone displays it.

Terminals act on bytes: an ESC or C1 sequence in a channel name can move the
cursor, retitle the window (OSC 0), plant a hyperlink (OSC 8) or write the
clipboard (OSC 52), and Rich/Textual pass all of these through. Bidi
overrides make a name read differently from what it is. This is the one
function every provider adapter calls when converting wire text to domain
text; markup safety is the UI's job (it never parses these strings as markup).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["count", "inert", "sentence", "sentence_start"]

# Whole escape sequences first, so their parameters do not survive as text.
_SEQUENCES = re.compile(
    r"""
      \x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?   # CSI
    | \x9b[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?     # 8-bit CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])      # OSC, DCS, SOS, PM, APC (7- and 8-bit)
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?        #   ... up to BEL or ST
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                 # any other ESC sequence
    """,
    re.VERBOSE,
)
# Bidi embeddings, overrides and isolates (Trojan Source), and the BOM.
_INVISIBLE = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C, 0xFEFF]
)
_WHITESPACE = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]+")


def inert(text: object, *, limit: int = 200) -> str:
    """Printable, single-line, bounded text: safe to show anywhere.

    Line breaks and tabs become one space; every other control character,
    escape sequence and bidi control is removed; the result is cut to
    ``limit`` characters with an ellipsis.
    """
    value = text if isinstance(text, str) else str(text)
    if value.isascii() and value.isprintable():
        cleaned = value  # the common case, no work
    else:
        value = _SEQUENCES.sub("", value)
        value = _WHITESPACE.sub(" ", value).translate(_INVISIBLE)
        cleaned = "".join(ch for ch in value if ch == " " or unicodedata.category(ch)[0] != "C")
    if len(cleaned) > limit:
        return cleaned[: limit - 1] + "…"
    return cleaned


def sentence(text: str) -> str:
    """``text`` ended as a sentence: a period unless it already ends with one, a
    question mark or an ellipsis (a server's reason may; "running?." read badly)."""
    text = text.rstrip()
    return text if not text or text[-1] in ".?!…" else f"{text}."


def sentence_start(text: str) -> str:
    """``text`` with its first letter upper case, to open a sentence (the rest as it
    is: ``str.capitalize`` would lower "USDT" and "ETH")."""
    return text[:1].upper() + text[1:]


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 channel``, ``7 channels``: never ``7 channel(s)``."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
