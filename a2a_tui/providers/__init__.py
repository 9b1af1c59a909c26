"""Provider clients and their wire models (no UI)."""
