"""Persistence: the config file, the key store (and the order journal)."""
