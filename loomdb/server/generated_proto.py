"""The gRPC messages and service stubs we serve are weaviate-client's generated modules (`weaviate.proto.v1`).

Importing them the normal way first runs `weaviate/__init__.py`, the whole client (1.4-3.8 s of imports, most of a
server's cold start), although the generated modules need only protobuf and grpc. `load()` imports
`weaviate.proto.v1` (the real modules, under their real names) behind a bare stand-in for the `weaviate` package,
then removes the stand-in: a later `import weaviate` (embedded mode, a user's script) runs the real package, which
finds the same generated modules in sys.modules (it imports them only as `from weaviate.proto.v1 import ...`), so
both sides share one set of message classes and one descriptor pool."""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types


def load() -> None:
    """Import weaviate.proto.v1 without the client package (a no-op when either is imported already)."""
    if "weaviate" in sys.modules or "weaviate.proto.v1" in sys.modules:
        return
    spec = importlib.util.find_spec("weaviate")
    if spec is None or not spec.submodule_search_locations:
        return                  # not installed as a package: the ordinary import reports it
    stand_in = types.ModuleType("weaviate", "weaviate-client's package path only; see loomdb.server.generated_proto")
    stand_in.__path__ = list(spec.submodule_search_locations)
    sys.modules["weaviate"] = stand_in
    try:
        importlib.import_module("weaviate.proto.v1")
    finally:
        if sys.modules.get("weaviate") is stand_in:
            del sys.modules["weaviate"]
