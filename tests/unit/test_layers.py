"""Dependencies point down only (ARCHITECTURE.md): a test that fails when an import points the wrong way."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "loomdb"

# layer -> packages (first component under loomdb, or third-party roots) it must never import
FORBIDDEN = {
    "entities": {"engine", "usecases", "server", "cli", "embedded", "config", "grpc", "starlette", "weaviate",
                 "uvicorn", "google"},
    "engine": {"usecases", "server", "cli", "embedded", "config", "grpc", "starlette", "weaviate", "uvicorn",
               "google"},
    "usecases": {"engine", "server", "cli", "embedded", "grpc", "starlette", "weaviate", "uvicorn", "google"},
    "server": {"cli", "embedded"},
}
# the composition root may wire the engine in; no other server module may touch it
COMPOSITION_ROOT = PKG / "server" / "app.py"


def _imports(path: Path) -> set[str]:
    """First path component under loomdb (or the third-party root) of every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel_parts = path.relative_to(PKG).parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                found.add(parts[1] if parts[0] == "loomdb" and len(parts) > 1 else parts[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel_parts[: len(rel_parts) - node.level + 1])
                target = base + (node.module.split(".") if node.module else [])
                found.add(target[0] if target else (node.names[0].name))
            elif node.module:
                parts = node.module.split(".")
                found.add(parts[1] if parts[0] == "loomdb" and len(parts) > 1 else parts[0])
    return found


def _files(layer: str) -> list[Path]:
    return sorted((PKG / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down(layer):
    bad = {}
    for path in _files(layer):
        wrong = _imports(path) & FORBIDDEN[layer]
        if layer == "server" and path != COMPOSITION_ROOT and "engine" in _imports(path):
            wrong.add("engine")
        if wrong:
            bad[str(path.relative_to(PKG))] = sorted(wrong)
    assert not bad, f"imports pointing the wrong way: {bad}"


def test_checker_sees_relative_imports():
    """Guard against a checker that silently finds nothing."""
    assert "engine" in _imports(COMPOSITION_ROOT)
    assert "entities" in _imports(PKG / "engine" / "shard.py")
