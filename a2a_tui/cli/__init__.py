"""The ``a2a-tui`` command: one module per command group."""

from a2a_tui.cli.main import main

__all__ = ["main"]
