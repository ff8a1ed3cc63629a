"""The gRPC messages and service stubs we serve are weaviate-client's generated modules (`weaviate.proto.v1`).

Importing them the normal way first runs `weaviate/__init__.py`, the whole client (1.4-3.8 s of imports, most of a
server's cold start), and `weaviate/proto/v1/__init__.py` (which picks the generated set for the installed protobuf)
imports `weaviate.exceptions`, which pulls in httpx, rich and pygments, for one exception class. `load()` imports
the real `weaviate.proto.v1` under its real name behind two bare stand-ins: the `weaviate` package (its path only)
and `weaviate.exceptions` (that one class), then removes both. A later `import weaviate` (embedded mode, a user's
script) runs the real package, which finds the same generated modules in sys.modules (it imports them only as
`from weaviate.proto.v1 import ...`), so both sides share one set of message classes and one descriptor pool."""
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
    package = types.ModuleType("weaviate", "weaviate-client's package path only; see loomdb.server.generated_proto")
    package.__path__ = list(spec.submodule_search_locations)
    exceptions = types.ModuleType("weaviate.exceptions", "the one class weaviate/proto/v1/__init__.py imports")
    exceptions.WeaviateProtobufIncompatibility = type(   # type: ignore[attr-defined]
        "WeaviateProtobufIncompatibility", (Exception,), {"__module__": "weaviate.exceptions"})
    stand_ins = {"weaviate": package, "weaviate.exceptions": exceptions}
    sys.modules.update(stand_ins)
    try:
        importlib.import_module("weaviate.proto.v1")
    except Exception:       # a client release whose proto package needs more than this: the ordinary import then
        for name in [name for name in sys.modules if name.startswith("weaviate.")]:
            del sys.modules[name]
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
