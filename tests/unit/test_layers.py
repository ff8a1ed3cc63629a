"""Dependencies point down only (ARCHITECTURE.md): tests that fail when an import points the wrong way or closes
a circle. Every import counts, including those under TYPE_CHECKING and inside functions: a circle hidden behind
a lazy import is still two modules that cannot be understood (or moved) one without the other."""
from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "loomdb"
THIRD_PARTY_WIRE = {"grpc", "starlette", "weaviate", "uvicorn", "google", "httpx"}

# layer (a path under loomdb, dotted) -> what it must never import: loomdb modules/packages (dotted prefixes)
# or third-party roots
FORBIDDEN: dict[str, set[str]] = {
    "entities": {"engine", "usecases", "server", "cli", "embedded", "config", "modules", "toolkit"}
    | THIRD_PARTY_WIRE,
    "engine": {"usecases", "server", "cli", "embedded", "config", "modules", "toolkit"} | THIRD_PARTY_WIRE,
    "usecases": {"engine", "server", "cli", "embedded", "toolkit", "grpc", "starlette", "weaviate", "uvicorn",
                 "google"},
    "server": {"cli", "embedded", "toolkit"},
    # the GraphQL door reaches the database only through the use cases, and shares nothing with the gRPC wire
    "server.graphql": {"engine", "server.grpc", "grpc", "weaviate", "google"},
    # the toolkit speaks only the public API, so it works against a real Weaviate as against loomdb
    "toolkit": {"engine", "server", "usecases", "embedded", "modules", "config", "entities", "cli"},
    # inside the engine, the index mechanisms know nothing of shards, collections or queries
    "engine.vector": {"engine.shard", "engine.collection", "engine.database", "engine.tenancy", "engine.query"},
    "engine.inverted": {"engine.shard", "engine.collection", "engine.database", "engine.tenancy", "engine.query"},
    "engine.storage": {"engine.shard", "engine.collection", "engine.database", "engine.tenancy", "engine.query"},
}
# layer -> the only loomdb modules/packages it may import (dotted prefixes; "" = the package root, for versions)
ALLOWED_ONLY: dict[str, set[str]] = {
    "modules": {"modules", "entities"},
    "cli": {"cli", "toolkit", "server.app", "embedded", "config", ""},
    # the toolkit is self-contained (it could ship alone); its remote/ part (how to reach a target) knows nothing
    # of the checks built on it
    "toolkit": {"toolkit", ""},
    "toolkit.remote": {"toolkit.remote"},
}
# the composition root may wire the engine in; no other server module may touch it
COMPOSITION_ROOT = "server.app"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every import of a file: loomdb modules as dotted names under loomdb ("" = the package root, and
    `from . import x` as the module x), third-party modules as their root name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = list(path.relative_to(PKG).parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                found.add(".".join(parts[1:]) if parts[0] == "loomdb" else parts[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "loomdb":
                target = node.module.split(".")[1:]
            else:
                found.add((node.module or "").split(".")[0])
                continue
            module = ".".join(target)
            for alias in node.names:     # `from .pkg import mod` imports the module pkg.mod when it exists
                sub = f"{module}.{alias.name}" if module else alias.name
                found.add(sub if _exists(sub) else module)
    return found


def _exists(module: str) -> bool:
    path = PKG.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _files(layer: str) -> list[Path]:
    path = PKG.joinpath(*layer.split("."))
    return sorted(path.rglob("*.py")) if path.is_dir() else ([path.with_suffix(".py")] if _exists(layer) else [])


def _within(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") or p == "" and module == "" for p in prefixes)


def _loomdb_imports(path: Path) -> set[str]:
    return {m for m in _imports(path) if _exists(m) or m == ""}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down(layer):
    bad = {}
    for path in _files(layer):
        name, imports = _module_name(path), _imports(path)
        wrong = {m for m in imports if _within(m, FORBIDDEN[layer])}
        if layer == "server" and name != COMPOSITION_ROOT:
            wrong |= {m for m in imports if _within(m, {"engine"})}
        if wrong:
            bad[name] = sorted(wrong)
    assert not bad, f"imports pointing the wrong way: {bad}"


@pytest.mark.parametrize("layer", sorted(ALLOWED_ONLY))
def test_layer_imports_only_what_it_may(layer):
    bad = {}
    for path in _files(layer):
        wrong = {m for m in _loomdb_imports(path) if not _within(m, ALLOWED_ONLY[layer])}
        if wrong:
            bad[_module_name(path)] = sorted(wrong)
    assert not bad, f"{layer} may import only {sorted(ALLOWED_ONLY[layer])}: {bad}"


def _import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PKG.rglob("*.py")):
        name = _module_name(path)
        graph[name] = {m for m in _loomdb_imports(path) if m != name and m != ""}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in graph:
                continue
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_import_cycles():
    assert _cycles(_import_graph()) == []


def test_checkers_see_what_they_check():
    """Guard against checkers that silently find nothing."""
    assert "engine.database" in _imports(PKG / "server" / "app.py")
    assert "entities.errors" in _imports(PKG / "engine" / "shard.py")
    assert "" in _imports(PKG / "cli" / "main.py")                       # `from .. import __version__`
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
