"""The simulator's business clock: real time plus an offset tests can push.

Deposit windows last 30 minutes and auto-cancel a day; nobody waits for that.
``advance`` moves simulated time forward; a frozen clock moves only then, which
makes order timestamps in tests exact.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

__all__ = ["SimClock", "iso"]


class SimClock:
    def __init__(self, *, start: datetime | None = None, frozen: bool = False) -> None:
        self._origin = (start or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        self._origin_mono = time.monotonic()
        self._offset = 0.0
        self.frozen = frozen

    def now(self) -> datetime:
        elapsed = 0.0 if self.frozen else time.monotonic() - self._origin_mono
        return self._origin + timedelta(seconds=elapsed + self._offset)

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        self._offset += seconds
        return self.now()


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, whole seconds, as the guide's ``expire_at``."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
