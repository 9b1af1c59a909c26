"""The embedded simulator of the providers (no UI)."""
