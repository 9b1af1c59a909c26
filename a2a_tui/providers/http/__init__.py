"""What every provider client shares: SSE decoding, timeouts, the error base."""

from a2a_tui.providers.http.errors import ProviderError, describe
from a2a_tui.providers.http.timeouts import Timeouts

__all__ = ["ProviderError", "Timeouts", "describe"]
