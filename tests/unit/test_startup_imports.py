"""What each entry point imports: `loomdb --help` / `--version` and the toolkit package must not load the server,
the engine, faiss or the official client (seconds of imports), and the lazily loaded toolkit entry points must
stay the functions (not the submodules) once the CLI has imported their modules. Each probe runs in a fresh
interpreter, because this test process has imported all of them already."""
from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("weaviate", "faiss", "grpc", "numpy", "httpx", "starlette", "uvicorn", "graphql", "loomdb.engine",
         "loomdb.server", "loomdb.usecases", "loomdb.toolkit.doctor_checks", "loomdb.toolkit.audit_checks")

PROBE = """
import json, sys
sys.argv = ["loomdb", *{argv!r}]
from loomdb.cli.main import cli
try:
    cli()
except SystemExit:
    pass
heavy = {heavy!r}
print(json.dumps(sorted(name for name in sys.modules if name.startswith(heavy))), file=sys.stderr)
"""


def _imported_by(*argv: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=list(argv), heavy=HEAVY)], capture_output=True,
                          text=True, timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_help_and_version_import_nothing_heavy():
    assert _imported_by("--help") == []
    assert _imported_by("--version") == []


def test_lint_of_a_file_does_not_import_the_official_client():
    imported = _imported_by("lint", "--list-rules")
    assert not [name for name in imported if name.startswith(("weaviate", "grpc", "numpy", "loomdb.engine"))]


def test_toolkit_entry_points_survive_their_modules_being_imported():
    probe = ("import loomdb.toolkit as tk, sys; assert 'weaviate' not in sys.modules; "
             "import loomdb.cli.toolkit_commands, loomdb.toolkit.doctor_checks, loomdb.toolkit.audit_checks; "
             "print(tk.doctor.__module__, tk.audit.__module__, tk.Target.__name__)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["loomdb.toolkit.doctor_checks", "loomdb.toolkit.audit_checks", "Target"], \
        done.stderr


def test_server_imports_generated_modules_without_the_client_and_the_client_still_works(tmp_path):
    """`loomdb serve` loads weaviate.proto.v1 without weaviate/__init__ (generated_proto.py); an embedded server
    started before `import weaviate` then serves the official client in the same process: one set of messages."""
    probe = f"""
import sys
import loomdb.server.app
assert "weaviate" not in sys.modules, "the server imported the whole client"
import loomdb
from loomdb.server.grpc import search_reply
with loomdb.connect_embedded({str(tmp_path)!r}) as client:
    from weaviate.classes.config import Configure
    from weaviate.proto.v1 import search_get_pb2
    assert search_reply.search_get_pb2 is search_get_pb2
    things = client.collections.create("Things", vector_config=Configure.Vectors.self_provided())
    things.data.insert({{"name": "a"}}, vector=[1.0, 0.0])
    print(things.query.near_vector([1.0, 0.0], limit=1).objects[0].properties["name"])
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "a", done.stderr[-2000:]
