"""Which failures a retry can cure (the guide's transient ones), and the next step
for the rest."""

from __future__ import annotations

import pytest

from a2a_tui.domain.failures import advice, next_step, retry_helps


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
