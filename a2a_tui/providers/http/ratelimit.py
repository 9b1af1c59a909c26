"""A client-side request budget: a sliding window per provider key.

A provider that allows N requests a minute is asked at most N times in any
60 s; beyond that the client raises `HeldBack` with the moment the next
request may go, instead of sending one the provider would refuse. A 429 from
the provider (with ``Retry-After``) blocks the window until then as well.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime

from a2a_tui.providers.http.errors import HeldBack

__all__ = ["RateLimiter", "shared_limiter"]


class RateLimiter:
    def __init__(
        self,
        per_minute: int,
        *,
        window: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self.window = window
        self.clock = clock
        self._sent: deque[float] = deque()
        self._blocked_until = 0.0
        self._blocked_reason = ""

    @property
    def reason(self) -> str:
        return f"{self.per_minute} requests a minute"

    def free_at(self) -> float | None:
        """Wall time at which the next request may go; None if it may go now."""
        now = self.clock()
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        later = [self._blocked_until] if self._blocked_until > now else []
        if len(self._sent) >= self.per_minute:
            later.append(self._sent[0] + self.window)
        return max(later) if later else None

    def acquire(self) -> None:
        """Count one request now, or raise `HeldBack` without counting it."""
        until = self.free_at()
        if until is not None:
            blocked = until == self._blocked_until
            reason = self._blocked_reason if blocked else self.reason
            raise HeldBack(datetime.fromtimestamp(until).astimezone(), reason)
        self._sent.append(self.clock())

    def block_for(self, seconds: float, reason: str = "rate limited") -> HeldBack:
        """The provider said 429: send nothing for ``seconds``; returns the error to raise."""
        until = self.clock() + max(seconds, 0.0)
        if until > self._blocked_until:
            self._blocked_until, self._blocked_reason = until, reason
        return HeldBack(datetime.fromtimestamp(self._blocked_until).astimezone(), reason)


_SHARED: dict[tuple[str, str, int], RateLimiter] = {}


def shared_limiter(base_url: str, api_key: str, per_minute: int) -> RateLimiter:
    """One window per (host, key, limit) in this process, whoever sends: the
    board and the Test action draw on the same budget, as the provider sees it."""
    fingerprint = hashlib.sha256(api_key.encode()).hexdigest()[:16]
    return _SHARED.setdefault((base_url.rstrip("/"), fingerprint, per_minute),
                              RateLimiter(per_minute))  # fmt: skip
