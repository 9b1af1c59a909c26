"""SwapKit v3: routes across many providers."""
