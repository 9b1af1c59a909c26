"""One set of network timeouts for every client, built from the settings in one place."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Timeouts"]


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds. ``stream_budget`` bounds a whole quote stream: the guide's
    upstream timeout is 60 s, after which the server must send ``done``;
    five more seconds cover the network before we call it incomplete."""

    connect: float = 5.0
    read: float = 15.0
    write: float = 10.0
    pool: float = 5.0
    stream_budget: float = 65.0

    @property
    def request_budget(self) -> float:
        """A one-shot request (a direct provider's quote) as a whole: connecting,
        then the answer; a server that trickles bytes is cut here too."""
        return self.connect + self.read
