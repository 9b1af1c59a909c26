"""Server text made inert: no escape sequence, control character or bidi trick survives."""

from __future__ import annotations

import random

import pytest

from a2a_tui.domain.text import inert, sentence

HOSTILE = [
    ("\x1b[2J\x1b[Hcleared", "cleared"),  # CSI: clear screen, cursor home
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x9b31mred", "red"),  # 8-bit CSI
    ("\x1b]0;pwned title\x07name", "name"),  # OSC 0 window title, BEL-terminated
    ("\x1b]52;c;SGVsbG8=\x07copy", "copy"),  # OSC 52 clipboard write
    ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),  # OSC 8 hyperlink, ST
    ("\x9d0;title\x9cafter", "after"),  # 8-bit OSC and ST
    ("\x1bPq#0;2;0;0;0\x1b\\sixel", "sixel"),  # DCS
    ("bell\x07", "bell"),
    ("a\x00b\x7fc\x85d", "ab c d".replace(" c", "c")),
    ("line\nbreak\r\ttab", "line break tab"),
    ("\u202eevil\u202c txt", "evil txt"),  # right-to-left override
    ("\u2066iso\u2069", "iso"),
    ("\ufeffbom", "bom"),
    ("[bold red]markup[/]", "[bold red]markup[/]"),  # markup is the UI's job: kept literal
    ("Ünïcødé ✓ 中文", "Ünïcødé ✓ 中文"),
]


@pytest.mark.parametrize(("raw", "expected"), HOSTILE)
def test_inert(raw: str, expected: str) -> None:
    assert inert(raw) == expected


def test_long_text_is_cut_with_an_ellipsis() -> None:
    assert inert("x" * 500, limit=10) == "x" * 9 + "…"


def test_non_strings_are_stringified() -> None:
    assert inert(None) == "None"
    assert inert(12.5) == "12.5"


def test_fuzz_never_leaves_a_control_character() -> None:
    rng = random.Random(7)
    alphabet = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x202E, 0x2066]]
    alphabet += list("abc[]/;=\\ ")
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        out = inert(text, limit=1000)
        assert all(ch.isprintable() or ch == " " for ch in out), repr(out)


@pytest.mark.parametrize(
    ("text", "ended"),
    [
        ("is `a2a-tui sim` running?", "is `a2a-tui sim` running?"),
        ("no answer within 5 s", "no answer within 5 s."),
        ("already ended. ", "already ended."),
        ("cut…", "cut…"),
        ("", ""),
    ],
)
def test_sentence_ends_once(text: str, ended: str) -> None:
    """The order step read "is `a2a-tui sim` running?. ctrl+r to try again"."""
    assert sentence(text) == ended
