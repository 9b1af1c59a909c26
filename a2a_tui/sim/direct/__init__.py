"""The four direct providers, simulated beside Any2Any on the same server.

Each lives under its own path prefix (``/okx``, ``/swapscanner``,
``/changelly``, ``/swapkit``) followed by the provider's real path, so a
client's ``base_url`` is ``http://host:port/<prefix>`` and everything after
it is byte for byte what the real service receives. Prices come from the same
`Market` as Any2Any's channels. Authentication is verified with the
simulator's own code (its own HMAC, RSA and EIP-712 recovery), never the
clients'.
"""
