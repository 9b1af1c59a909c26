"""What the four simulated providers share: think time, faults, request
windows, the wall clock their auth checks use, JSON answers.

Authentication windows (OKX's 30 s, Swapscanner's TTL, Changelly's stale
timestamps) and expiries are on the *wall* clock, like the real services:
the simulator's business clock (`/sim/clock/advance`) moves orders and
prices, not what a client's clock is compared with.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from a2a_tui.sim.clock import SimClock
from a2a_tui.sim.market import Market

__all__ = [
    "FAULTS",
    "DirectContext",
    "DirectFaults",
    "Think",
    "Window",
    "json_response",
    "plain",
]

#: Faults each provider accepts in ``/sim/faults`` ``{"providers": {id: fault}}``.
FAULTS: dict[str, frozenset[str]] = {
    "okx": frozenset({"hang", "rate_limited", "unavailable"}),
    "swapscanner": frozenset({"hang", "rate_limited", "quote_under_maintenance"}),
    "changelly": frozenset({"hang", "unavailable"}),
    "swapkit": frozenset({"hang", "rate_limited", "unavailable"}),
}
#: How long a hanging provider keeps a request open (clients cut it long before).
HANG_SECONDS = 3600.0


@dataclass
class DirectFaults:
    modes: dict[str, str] = field(default_factory=dict)

    def of(self, provider: str) -> str | None:
        return self.modes.get(provider)


class Think:
    """A provider's answer time: a log-normal jitter around its median,
    seeded per request, scaled like every simulated latency."""

    def __init__(self, seed: int, scale: float) -> None:
        self.seed = seed
        self.scale = scale
        self._seq = 0

    async def wait(
        self, provider: str, median_ms: int, faults: DirectFaults, request: Request
    ) -> None:
        """Call after reading the body. A hanging provider answers nothing
        until the client gives up and disconnects (or an hour passes)."""
        if faults.of(provider) == "hang":
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(HANG_SECONDS):
                    while (await request.receive())["type"] != "http.disconnect":
                        pass
        self._seq += 1
        if self.scale <= 0 or median_ms <= 0:
            return
        rng = random.Random(f"{self.seed}:{provider}:{self._seq}")
        await asyncio.sleep(median_ms / 1000 * rng.lognormvariate(0, 0.3) * self.scale)


class Window:
    """Requests per key in the last ``seconds`` (a sliding window)."""

    def __init__(self, limit: int, clock: Callable[[], float], seconds: float = 60.0) -> None:
        self.limit = limit
        self.clock = clock
        self.seconds = seconds
        self._sent: deque[float] = deque()

    def admit(self) -> float | None:
        """Count one request, or return the seconds until one may go."""
        now = self.clock()
        while self._sent and self._sent[0] <= now - self.seconds:
            self._sent.popleft()
        if len(self._sent) >= self.limit:
            return self._sent[0] + self.seconds - now
        self._sent.append(now)
        return None


def _default(value: object) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # a JSON number, as a JavaScript server writes it
    raise TypeError(f"not JSON: {type(value).__name__}")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=_default)
    return Response(text, status_code=status, media_type="application/json", headers=headers)


def plain(value: Decimal, places: int | None = None) -> str:
    """A decimal in positional notation, optionally cut (not rounded) to ``places``."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_DOWN")
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class DirectContext:
    """The simulator's state the providers price and check against."""

    market: Market
    clock: SimClock  # the business clock: prices
    wall: Callable[[], float]  # the wall clock, for auth windows and expiries
    think: Think
    faults: DirectFaults
    seed: int
