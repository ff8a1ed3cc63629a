"""REST door (/v1/...): JSON in, use case call, JSON out, Weaviate's status codes and error shape."""
