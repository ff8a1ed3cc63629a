"""The symptom catalogue: ONE table of rules that turn what a capture saw (doctor and audit finding ids with their
severities, the metrics window's figures) into symptom tags. The tags are what incidents are grouped by and what
runbooks declare they handle; the table's order is their priority (the likelier root cause first), which is the
order `patterns` suggests runbooks in. Seeded from the failures Weaviate users report most (toolkit-anchors §4)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..report import Severity

HIGH_P99_MS = 1000.0          # p99 above this on any API: users see slow queries
TOMBSTONE_SHARE = 0.10        # tombstones above this share of the objects: cleanup is behind (doctor's threshold)

WindowTest = Callable[[dict[str, Any]], str | None]      # evidence text, or None when the window shows nothing


@dataclass(frozen=True)
class SymptomRule:
    tag: str
    title: str
    severity: Severity                     # when seen in the window only (a finding brings its own)
    checks: tuple[str, ...] = ()           # doctor / audit finding ids that show it
    min_severity: Severity = Severity.LOW  # findings below this are facts, not symptoms
    window: WindowTest | None = None
    superseded_by: tuple[str, ...] = ()    # tags that already explain this one (a down server has no metrics)


def _unreachable(w: dict[str, Any]) -> str | None:
    if w.get("snapshots") and not w.get("reachable") and not str(w.get("nodes_error", "")).startswith("HTTP"):
        return f"/v1/nodes did not answer in {w['snapshots']} snapshot(s): {w.get('nodes_error')}"
    return None


def _unhealthy_nodes(w: dict[str, Any]) -> str | None:
    sick = {n: s for n, s in (w.get("node_status") or {}).items() if s != "HEALTHY"}
    return f"/v1/nodes: {sick}" if sick else None


def _readonly(w: dict[str, Any]) -> str | None:
    count = (w.get("shard_states") or {}).get("READONLY", 0)
    return f"weaviate_index_shards_total{{status=READONLY}} = {count:.0f}" if count else None


def _tombstones(w: dict[str, Any]) -> str | None:
    tombstones, objects = w.get("tombstones") or 0, w.get("objects") or 0
    if tombstones and tombstones > TOMBSTONE_SHARE * max(objects, 1):
        return f"vector_index_tombstones = {tombstones:.0f} for object_count = {objects:.0f}"
    return None


def _queue(w: dict[str, Any]) -> str | None:
    return f"queue_size = {w['queue_size']:.0f}" if w.get("queue_size") else None


def _slow(w: dict[str, Any]) -> str | None:
    slow = {api: ms for api, ms in (w.get("latency_p99_ms") or {}).items() if ms is not None and ms > HIGH_P99_MS}
    return f"p99 latency {slow} ms (> {HIGH_P99_MS:.0f} ms)" if slow else None


def _counted(key: str, what: str) -> WindowTest:
    def test(w: dict[str, Any]) -> str | None:
        count = w.get(key) or 0
        listed = (w.get("error_classes") or {}).get(key, {})
        return f"{count:.0f} {what} since the server started: {listed}" if count else None
    return test


def _no_metrics(w: dict[str, Any]) -> str | None:
    if w.get("snapshots") and not w.get("metrics_available"):
        return f"/metrics did not answer: {w.get('metrics_error')}"
    return None


RULES: tuple[SymptomRule, ...] = (
    SymptomRule("rest-unreachable", "the REST endpoint does not answer", Severity.CRITICAL,
                ("rest.reachable",), window=_unreachable),
    SymptomRule("grpc-unreachable", "gRPC does not answer while REST does", Severity.CRITICAL,
                ("grpc.reachable",), superseded_by=("rest-unreachable",)),
    SymptomRule("not-ready", "live but not ready (start-up, WAL recovery)", Severity.CRITICAL,
                ("rest.ready", "metrics.wal_recovery")),
    SymptomRule("node-unhealthy", "a node is not HEALTHY", Severity.CRITICAL, ("nodes.health",),
                window=_unhealthy_nodes, superseded_by=("rest-unreachable",)),
    SymptomRule("version-mismatch", "client and server versions do not fit", Severity.CRITICAL,
                ("version.compatibility", "version.unknown")),
    SymptomRule("auth-failures", "requests refused with 401/403", Severity.HIGH, ("auth.rejected",),
                window=_counted("auth_failures", "requests refused (401/403)")),
    SymptomRule("readonly-shards", "READONLY shards (disk or memory pressure)", Severity.HIGH,
                ("shards.readonly",), window=_readonly),
    SymptomRule("memory-pressure", "memory use risks an OOM kill", Severity.HIGH,
                ("config.compression",), min_severity=Severity.MEDIUM),
    SymptomRule("import-errors", "batch imports fail", Severity.HIGH,
                window=_counted("import_errors", "failed batch requests")),
    SymptomRule("query-errors", "queries fail or the index misses objects", Severity.HIGH,
                ("collection.smoke", "collection.self_retrieval"),
                window=_counted("server_errors", "server errors")),
    SymptomRule("high-latency", "slow queries", Severity.MEDIUM, ("collection.slow", "profile.slow"),
                window=_slow),
    SymptomRule("tombstones", "deleted vectors waiting for cleanup", Severity.MEDIUM, ("metrics.tombstones",),
                window=_tombstones),
    SymptomRule("indexing-backlog", "vectors waiting in the async indexing queue", Severity.LOW,
                ("metrics.async_queue", "nodes.indexing_queue"), window=_queue),
    SymptomRule("low-recall", "the ANN index misses neighbours", Severity.MEDIUM, ("recall.low",)),
    SymptomRule("anonymous-exposed", "anonymous access on a network-exposed server", Severity.HIGH,
                ("auth.anonymous_exposed",)),
    SymptomRule("metrics-unavailable", "no /metrics (backlogs and error counts unseen)", Severity.INFO,
                ("metrics.unavailable",), min_severity=Severity.INFO, window=_no_metrics,
                superseded_by=("rest-unreachable",)),
)
BY_TAG = {rule.tag: rule for rule in RULES}
PRIORITY = {rule.tag: rank for rank, rule in enumerate(RULES)}


def classify(reports: list[dict[str, Any] | None], window: dict[str, Any]) -> list[dict[str, Any]]:
    """Symptoms as [{"tag", "severity", "evidence": [str]}] in priority order, from the captured reports
    (`Report.to_dict()` documents; None = not captured) and the window summary."""
    findings = [f for r in reports if r for f in r.get("findings", [])]
    found: dict[str, dict[str, Any]] = {}
    for rule in RULES:
        evidence: list[str] = []
        worst = Severity.INFO
        for finding in findings:
            severity = Severity[finding["severity"]]
            if finding["check"] in rule.checks and severity >= rule.min_severity:
                evidence.append(f"{finding['check']}: {finding['title']}")
                worst = max(worst, severity)
        seen = rule.window(window) if rule.window else None
        if seen:
            evidence.append(f"metrics window: {seen}")
            worst = max(worst, rule.severity)
        if evidence:
            found[rule.tag] = {"tag": rule.tag, "severity": worst.name, "evidence": list(dict.fromkeys(evidence))}
    return [s for tag, s in found.items() if not any(other in found for other in BY_TAG[tag].superseded_by)]
