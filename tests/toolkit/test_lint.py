"""`loomdb lint` through the real CLI: every rule fires on its bad case and stays quiet on a good schema, the
ignore mechanisms work, every output format parses, usage errors exit 4, and a live loomdb's planted problems
(which need object counts) are found."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from weaviate.classes.config import Configure, DataType, Property

from loomdb.toolkit.lint import RULES
from loomdb.toolkit.schema import REPORT_SCHEMA


def _prop(name: str, data_type: str = "text", **extra) -> dict:
    return {"name": name, "dataType": [data_type], "description": f"the {name}", "indexFilterable": True,
            "indexSearchable": data_type == "text", "tokenization": "word" if data_type == "text" else None,
            **extra}


GOOD_CLASS = {
    "class": "Article", "description": "News articles", "vectorizer": "text2vec-openai",
    "moduleConfig": {"text2vec-openai": {"model": "text-embedding-3-small", "dimensions": 512}},
    "vectorIndexType": "hnsw", "vectorIndexConfig": {"distance": "cosine", "ef": -1},
    "replicationConfig": {"factor": 3}, "multiTenancyConfig": {"enabled": False},
    "properties": [_prop("title"), _prop("body"), _prop("sourceUrl", tokenization="field"),
                   _prop("publishedAt", "date", indexRangeFilters=True), _prop("pages", "int")],
}


def _bad(name: str, change) -> dict:
    cls = copy.deepcopy(GOOD_CLASS)
    cls["class"] = name
    change(cls)
    return cls


def _set(cls: dict, index: int, **values) -> None:
    cls["properties"][index].update(values)


# rule id -> (the class that breaks it, extra config for the rule)
BAD_CASES = {
    "WL001": (_bad("my_articles", lambda c: None), {}),
    "WL002": (_bad("BadPropName", lambda c: _set(c, 4, name="Word_Count")), {}),
    "WL003": (_bad("NoDescription", lambda c: c.pop("description")), {}),
    "WL004": (_bad("NoPropDescription", lambda c: _set(c, 0, description="")), {}),
    "WL005": (_bad("NoOwner", lambda c: None), {"required": {"NoOwner": ["owner"]}}),
    "WL006": (_bad("WrongDims", lambda c: c["moduleConfig"]["text2vec-openai"].update(
        model="text-embedding-ada-002", dimensions=512)), {}),
    "WL007": (_bad("Unfilterable", lambda c: _set(c, 4, indexFilterable=False)), {}),
    "WL008": (_bad("FieldBody", lambda c: _set(c, 1, tokenization="field")), {}),
    "WL009": (_bad("WordUrl", lambda c: _set(c, 2, tokenization="word")), {}),
    "WL010": (_bad("OldString", lambda c: _set(c, 0, dataType=["string"])), {}),
    "WL011": (_bad("Unreplicated", lambda c: c["replicationConfig"].update(factor=1)), {"min_factor": 2}),
    "WL012": (_bad("Shape", lambda c: None), {"max_same_shape": 1}),
    "WL014": (_bad("NoVectorizer", lambda c: (c.update(vectorizer="none"), c.pop("moduleConfig"))), {}),
    "WL016": (_bad("NoRange", lambda c: _set(c, 3, indexRangeFilters=False)), {}),
}
LIVE_ONLY = {"WL013", "WL015"}


def _write(tmp_path, name: str, document) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2))
    return str(path)


def _config(tmp_path, document: dict) -> str:
    path = tmp_path / "lint.yaml"
    path.write_text(yaml.safe_dump(document))
    return str(path)


def _hits(document: dict) -> set[tuple[str, str | None]]:
    return {(f["check"], f["collection"]) for f in document["findings"]}


def test_catalogue_is_covered():
    assert {r.id for r in RULES} == set(BAD_CASES) | LIVE_ONLY


def test_good_schema_passes_every_rule(cli, tmp_path):
    run = cli("lint", _write(tmp_path, "good.json", {"classes": [GOOD_CLASS]}), "--json")
    document = run.json()
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["findings"] == [] and run.code == 0, run.out
    summary = document["measurements"]["summary"]
    assert summary["failed"] == 0 and summary["passed"] == 14 and summary["skipped"] == 2
    assert document["measurements"]["score"] == 100
    assert document["measurements"]["rules"]["WL015"] == "skipped"


def test_each_rule_fires_on_its_bad_case(cli, tmp_path):
    classes = [cls for cls, _ in BAD_CASES.values()]
    classes += [_bad(f"Shape{i}", lambda c: None) for i in range(2)]   # WL012: three of the same shape
    params = {rule: options for rule, (_, options) in BAD_CASES.items() if options}
    config = _config(tmp_path, {"rules": params})
    run = cli("lint", _write(tmp_path, "bad.json", {"classes": classes}), "--json", "--config", config)
    document = run.json()
    jsonschema.validate(document, REPORT_SCHEMA)
    hits = _hits(document)
    for rule, (cls, _) in BAD_CASES.items():
        expected = None if rule == "WL012" else cls["class"]
        assert (rule, expected) in hits, (rule, sorted(hits))
    assert run.code == 2                                            # WL006 is HIGH
    assert document["measurements"]["summary"]["failed"] == len(BAD_CASES)
    assert document["measurements"]["score"] == 0
    wrong_dims = next(f for f in document["findings"] if f["check"] == "WL006")
    assert wrong_dims["data"]["line"] and wrong_dims["severity"] == "HIGH" and wrong_dims["action"]


@pytest.mark.parametrize("rule", sorted(BAD_CASES))
def test_bad_case_alone_breaks_only_expected_rules(rule, tmp_path):
    """In-process (fast): the bad class breaks its rule, and the good class next to it breaks none."""
    from loomdb.toolkit.lint import LintConfig, run
    from loomdb.toolkit.lint.rule import Context
    from loomdb.toolkit.lint.source import Loaded

    cls, options = BAD_CASES[rule]
    config = LintConfig.load(Path(_config(tmp_path, {"rules": {rule: options}})))
    report = run(Loaded(Context([GOOD_CLASS, cls]), "mem"), config)
    assert rule in {f.check for f in report.findings}
    assert all(f.collection != "Article" or f.check == "WL012" for f in report.findings)


def test_config_severity_and_disable(cli, tmp_path):
    schema = _write(tmp_path, "s.json", [BAD_CASES["WL003"][0], BAD_CASES["WL001"][0]])
    config = _config(tmp_path, {"rules": {"collection-description": {"severity": "HIGH"}, "WL001": False}})
    document = cli("lint", schema, "--json", "--config", config).json()
    assert {f["check"]: f["severity"] for f in document["findings"]} == {"WL003": "HIGH"}
    assert document["exit_code"] == 2 and document["measurements"]["rules"]["WL001"] == "disabled"


def test_default_config_file_in_cwd_is_read(tmp_path):
    import subprocess
    import sys

    single_class = json.dumps(BAD_CASES["WL003"][0])                # a single class JSON, on stdin
    (tmp_path / ".loomdb-lint.yaml").write_text("rules:\n  WL003: off\n")
    done = subprocess.run([sys.executable, "-m", "loomdb", "lint", "-", "--json"], cwd=tmp_path, input=single_class,
                          capture_output=True, text=True, timeout=120)
    document = json.loads(done.stdout)
    assert done.returncode == 0 and document["findings"] == [] and document["target"] == "<stdin>"
    assert document["measurements"]["config"] == ".loomdb-lint.yaml"


def test_ignore_in_config_and_inline_markers(cli, tmp_path):
    in_config = _bad("LegacyA", lambda c: c.pop("description"))
    marked_class = _bad("Marked", lambda c: c.update(description="old data. loomdb-lint: ignore WL014"))
    marked_class.update(vectorizer="none")
    marked_prop = _bad("MarkedProp", lambda c: _set(c, 2, tokenization="word",
                                                       description="legacy ids loomdb-lint: ignore WL009"))
    not_marked = _bad("Plain", lambda c: _set(c, 2, tokenization="word"))
    by_property = _bad("ByProperty", lambda c: _set(c, 2, tokenization="word"))
    schema = _write(tmp_path, "s.json", {"classes": [in_config, marked_class, marked_prop, not_marked, by_property]})
    config = _config(tmp_path, {"ignore": [{"collection": "Legacy*", "rules": ["WL003"]},
                                           {"collection": "ByProperty", "property": "source*"}]})
    document = cli("lint", schema, "--json", "--config", config).json()
    assert _hits(document) == {("WL009", "Plain")}
    assert document["measurements"]["summary"]["suppressed_findings"] == 4


def test_github_and_gitlab_formats_parse(cli, tmp_path):
    schema = _write(tmp_path, "bad.json", {"classes": [BAD_CASES["WL006"][0], BAD_CASES["WL009"][0]]})
    run = cli("lint", schema, "--format", "github")
    assert run.code == 2
    pattern = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),title=([^:]+)::(.+)$")
    matches = [pattern.match(line) for line in run.out.splitlines()]
    assert matches and all(matches), run.out
    assert {m.group(2) for m in matches} == {schema}
    lines = (tmp_path / "bad.json").read_text().splitlines()
    wl009 = next(m for m in matches if m.group(4).startswith("WL009"))
    assert '"sourceUrl"' in lines[int(wl009.group(3)) - 1]             # points at the property's line
    issues = json.loads(cli("lint", schema, "--format", "gitlab").out)
    assert {i["check_name"] for i in issues} == {"WL006", "WL009"}
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == schema and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_text_output_has_compliance_summary(cli, tmp_path):
    run = cli("lint", _write(tmp_path, "s.json", [BAD_CASES["WL003"][0]]))
    assert run.code == 1
    assert "[LOW] NoDescription: Collection has no description" in run.out
    assert "score: 93" in run.out and "summary.failed: 1" in run.out


def test_explain_and_list(cli):
    run = cli("lint", "--explain", "WL008")
    assert run.code == 0 and "field-tokenization-long-text" in run.out and "What to do" in run.out
    assert cli("lint", "--explain", "property-name").out.startswith("WL002")
    listed = cli("lint", "--list-rules").out.splitlines()
    assert [line.split()[0] for line in listed] == [r.id for r in RULES]


@pytest.mark.parametrize("args, content", [
    (("--explain", "WL999"), None),
    (("--format", "sarif"), None),
    (("{schema}", "--config", "{config}"), "rules:\n  WL999: off\n"),
    (("{schema}", "--config", "{config}"), "rules:\n  WL001: {patern: x}\n"),
    (("{schema}", "--config", "{config}"), "rules:\n  WL001: {severity: URGENT}\n"),
    (("{missing}",), None),
    (("{notschema}",), None),
    (("{schema}", "--json", "--format", "github"), None),
])
def test_usage_errors_exit_4(cli, tmp_path, args, content):
    config = tmp_path / "c.yaml"
    config.write_text(content or "")
    values = {"schema": _write(tmp_path, "s.json", [GOOD_CLASS]), "config": str(config),
              "missing": str(tmp_path / "nope.json"), "notschema": _write(tmp_path, "n.json", {"x": 1})}
    run = cli("lint", *(a.format(**values) for a in args))
    assert run.code == 4, (run.out, run.err)


def test_unreachable_endpoint_exits_3(cli, unused_port):
    run = cli("lint", f"http://127.0.0.1:{unused_port}", "--json")
    assert run.code == 3 and run.json()["unreachable"] is True


def test_live_endpoint_planted_problems(cli, live_client, url, tmp_path):
    flat = live_client.collections.create(
        "FlatBig", description="flat on purpose", vector_config=Configure.Vectors.self_provided(
            vector_index_config=Configure.VectorIndex.flat()),
        properties=[Property(name="n", data_type=DataType.INT, description="a number")])
    big = live_client.collections.create(
        "HnswBig", description="uncompressed", vector_config=Configure.Vectors.self_provided(),
        properties=[Property(name="n", data_type=DataType.INT, description="a number")])
    dims = live_client.collections.create(          # declares 512-d vectors, stores 4-d ones
        "DimsLive", description="vectors of the wrong size", properties=[
            Property(name="n", data_type=DataType.INT, description="a number")],
        vector_config=Configure.Vectors.text2vec_openai(model="text-embedding-3-small", dimensions=512))
    try:
        dims.data.insert({"n": 1}, vector=[0.1, 0.2, 0.3, 0.4])
        for col in (flat, big):
            with col.batch.fixed_size(100) as batch:
                for i in range(60):
                    batch.add_object({"n": i}, vector=[float(i), 1.0, 0.5, 0.25])
        config = _config(tmp_path, {"rules": {"WL015": {"max_objects": 50},
                                              "WL013": {"max_uncompressed_objects": 50}}})
        run = cli("lint", url, "--json", "--config", config)
        document = run.json()
        jsonschema.validate(document, REPORT_SCHEMA)
        hits = _hits(document)
        assert ("WL015", "FlatBig") in hits and ("WL013", "HnswBig") in hits, hits
        assert ("WL013", "FlatBig") not in hits and ("WL015", "HnswBig") not in hits
        sampled = next(f for f in document["findings"] if f["check"] == "WL006" and f["collection"] == "DimsLive")
        assert sampled["data"]["sampled"] == 4 and sampled["data"]["expected"] == 512
        assert document["measurements"]["source"] == "endpoint"
        assert document["measurements"]["rules"]["WL015"] == "failed" and run.code == 2     # WL006 is HIGH
        quiet = cli("lint", url, "--json").json()                     # default thresholds: 60 objects are fine
        assert not {h for h in _hits(quiet) if h[0] in LIVE_ONLY}
    finally:
        live_client.collections.delete(["FlatBig", "HnswBig", "DimsLive"])


def test_vector_dimensions_per_model_from_config(tmp_path):
    """In-process: a model the catalogue does not know gets its size from the config's `models`."""
    from loomdb.toolkit.lint import LintConfig, run
    from loomdb.toolkit.lint.rule import Context
    from loomdb.toolkit.lint.source import Loaded

    cls = _bad("InHouse", lambda c: c.update(vectorConfig={"body": {
        "vectorizer": {"text2vec-ollama": {"model": "in-house-embedder", "dimensions": 1024}},
        "vectorIndexType": "hnsw", "vectorIndexConfig": {}}}))
    assert not run(Loaded(Context([cls]), "mem"), LintConfig.defaults()).findings
    config = LintConfig.load(Path(_config(tmp_path, {"rules": {"WL006": {"models": {"in-house-embedder": 768}}}})))
    (finding,) = run(Loaded(Context([cls]), "mem"), config).findings
    assert finding.check == "WL006" and finding.data["model_dims"] == 768 and "'body'" in finding.evidence
