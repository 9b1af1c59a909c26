"""OKX DEX aggregator v6: signed quote requests."""
