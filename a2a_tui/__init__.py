"""a2a_tui: a terminal dashboard for cross-chain swap aggregation."""

__version__ = "0.1.0"
