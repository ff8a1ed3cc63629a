"""gRPC door (service weaviate.v1.Weaviate + health): protobuf in, use case call, protobuf out. No search logic.

The message classes and servicer base come from the official weaviate-client's generated modules."""
