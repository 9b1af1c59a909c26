"""The base of every provider client's errors, and how one becomes a status line."""

from __future__ import annotations

from a2a_tui.domain.text import inert

__all__ = ["ProviderError", "describe"]


class ProviderError(Exception):
    """Base of every client error; ``str()`` is fit for a status line (made inert by `describe`)."""

    @property
    def retryable(self) -> bool:
        """Worth sending again as it was: the request may not have been handled
        (a dropped connection, a timeout, a 5xx). Only idempotent requests are."""
        return False


def describe(error: BaseException) -> str:
    """Any error as one inert line for a status bar or stderr."""
    if isinstance(error, ProviderError):
        return inert(str(error))
    return inert(f"{type(error).__name__}: {error}")
