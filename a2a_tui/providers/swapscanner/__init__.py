"""Swapscanner Navigator (Kaia): quote v2 with EIP-712 signed requests."""
