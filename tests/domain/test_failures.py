"""Which failures a retry can cure (the guide's transient ones), and the next step
for the rest."""

from __future__ import annotations

import pytest

from a2a_tui.domain.failures import advice, lowest_minimum, next_step, retry_helps, what_next


@pytest.mark.parametrize(
    "message",
    [
        "upstream timeout",
        "upstream rate limited",
        "upstream error",
        "quote service timed out",
        "quote service unavailable",
        "HTTP 502",
        "order_state_changed_retry",
        "cannot connect to 127.0.0.1:9",
        "no answer within 5 s",
    ],
)
def test_the_guides_transient_failures_are_worth_a_retry(message: str) -> None:
    assert retry_helps(message)


@pytest.mark.parametrize(
    ("message", "step"),
    [
        ("insufficient liquidity", "lower the amount or pick another channel"),
        ("Swap amount is too large.", "lower the amount"),
        ("amount below channel minimum (25 USD)", "raise the amount"),
        ("amount_in below minimum", "raise the amount"),
        ("no route found", "pick another pair or channel"),
    ],
)
def test_a_refusal_of_the_request_names_what_to_change(message: str, step: str) -> None:
    assert not retry_helps(message)
    assert next_step(message) == step


def test_one_transient_failure_among_refusals_is_worth_a_retry() -> None:
    assert advice(["insufficient liquidity", "upstream timeout"]) == (True, None)
    assert advice(["insufficient liquidity", "no route found"]) == (
        False,
        "lower the amount or pick another channel",
    )
    assert advice(["something nobody knows"]) == (False, None)


MINIMUM_1, MINIMUM_25 = (
    "amount below channel minimum (1 USD)",
    "amount below channel minimum (25 USD)",
)


@pytest.mark.parametrize(
    ("problems", "errors", "step"),
    [
        # the reported line: it ended "; try again shortly"
        ([], [(MINIMUM_1, 4), ("upstream rate limited", 1), (MINIMUM_25, 1)],
         "raise the amount to at least 1 USD, or try again shortly"),
        ([], [(MINIMUM_25, 2), (MINIMUM_1, 5)], "raise the amount to at least 1 USD"),
        (["Any2Any: no answer within 5 s"], [("no answer within 5 s", 3), (MINIMUM_1, 1)],
         "try again shortly, or raise the amount to at least 1 USD"),
        ([], [("upstream rate limited", 2)], "try again shortly"),
        ([], [("insufficient liquidity", 1)], "lower the amount or pick another channel"),
        ([], [("amount below channel minimum (0.5 USD)", 1), ("minimum (10 USD)", 1)],
         "raise the amount to at least 0.5 USD"),
        ([], [("something odd", 1)], None),
    ],
)  # fmt: skip
def test_a_named_minimum_makes_raising_the_amount_the_next_step(
    problems: list[str], errors: list[tuple[str, int]], step: str | None
) -> None:
    assert what_next(problems, errors) == step


def test_the_lowest_minimum_is_exact_and_in_the_unit_named_first() -> None:
    assert lowest_minimum([MINIMUM_25, "minimum (1.50 USD)", "minimum (0.1 BTC)"]) == "1.50 USD"
    assert lowest_minimum(["upstream error"]) is None
