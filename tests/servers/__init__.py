"""Real local HTTP servers that speak a provider's documented API (loopback, free port), started by the tests that
exercise loomdb's modules against them."""
