"""`loomdb migrate`: move collections between Weaviate-compatible endpoints through their public APIs.

    from loomdb.toolkit.migrate import CopyOptions, copy
    report = copy("http://a:8080", "http://b:8080?grpc_port=50052", CopyOptions(checkpoint=Path("ck.json")))
"""
from .copy import CopyOptions, copy

__all__ = ["CopyOptions", "copy"]
