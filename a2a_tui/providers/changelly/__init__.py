"""Changelly DeFi quotes: RSA-signed requests, or an affiliate x-api-key."""
