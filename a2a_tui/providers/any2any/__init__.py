"""Any2Any: the SSE quote stream, integrator orders and refunds."""
