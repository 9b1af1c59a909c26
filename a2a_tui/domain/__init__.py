"""Pure domain types and arithmetic: no I/O, no UI."""
