"""loomdb: a Weaviate-compatible vector database in pure Python.

    import loomdb
    client = loomdb.connect_embedded("./my-data")   # an official weaviate.WeaviateClient
"""
__version__ = "0.1.0"
WEAVIATE_VERSION = "1.36.9"   # the server version reported to clients; it selects their wire format

__all__ = ["__version__", "WEAVIATE_VERSION", "connect_embedded", "start_embedded"]


def connect_embedded(*args, **kwargs):
    """See loomdb.embedded.connect_embedded (imported lazily so `import loomdb` stays cheap)."""
    from .embedded import connect_embedded as impl
    return impl(*args, **kwargs)


def start_embedded(*args, **kwargs):
    """See loomdb.embedded.start_embedded."""
    from .embedded import start_embedded as impl
    return impl(*args, **kwargs)
