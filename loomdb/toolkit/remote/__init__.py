"""The toolkit's only way to the target: the public API (official client, REST, /metrics, a gRPC health probe)."""
