"""`migrate copy`: one endpoint's collections onto another through both public APIs: schema, tenants, objects with
their vectors, references, aliases; resumable from a checkpoint file; validated at the end. Works the same between
any two Weaviate-compatible endpoints (loomdb or Weaviate, either way)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from weaviate.exceptions import WeaviateBaseError

from ..remote.target import Target, as_target
from ..report import Finding, Report, Severity
from . import grpc_writer, schema_copy, validate
from .checkpoint import Checkpoint, stream_key
from .data import CopyError, Interrupted, StreamResult, copy_objects, copy_references

OnProgress = Callable[[int, int], None]      # (objects done, objects in all)


@dataclass(frozen=True)
class CopyOptions:
    collections: tuple[str, ...] = ()        # empty = every collection of the source
    batch_size: int = 1000
    parallel: int = 4                        # tenants copied at once
    writers: int = 2                         # write batches in flight per tenant
    checkpoint: Path | None = None
    sample: int = 20                         # objects compared per class/tenant
    stop_after: int | None = None            # stop a stream after this many objects (tests, dry runs)
    validate: bool = True


@dataclass(frozen=True)
class Stream:
    collection: str
    tenant: str | None

    @property
    def label(self) -> str:
        return f"{self.collection}/{self.tenant}" if self.tenant else self.collection


class _Counter:
    def __init__(self, total: int, on_progress: OnProgress | None) -> None:
        self.total, self.done, self._on = total, 0, on_progress
        self._lock = threading.Lock()

    def __call__(self, n: int) -> None:
        with self._lock:
            self.done += n
            if self._on:
                self._on(self.done, self.total)


def copy(source: Target | str, destination: Target | str, options: CopyOptions = CopyOptions(),
         on_progress: OnProgress | None = None) -> Report:
    src_target, dst_target = as_target(source), as_target(destination)
    report = Report("migrate", f"{src_target.describe()} -> {dst_target.describe()}")
    start = time.perf_counter()
    with _http(src_target) as src, _http(dst_target) as dst:
        if _unreachable(report, {"source": src, "destination": dst}):
            report.duration_s = time.perf_counter() - start
            return report
        try:
            _run(report, src, dst, src_target, dst_target, options, on_progress)
        except Interrupted as exc:
            report.add(Finding("migrate.interrupted", Severity.MEDIUM, "Copy stopped before the end", str(exc),
                               action="Run the same command with the same --checkpoint to resume."))
        except (schema_copy.SchemaCopyError, CopyError, httpx.HTTPError, WeaviateBaseError) as exc:
            report.add(Finding("migrate.failed", Severity.HIGH, "Copy failed", f"{type(exc).__name__}: {exc}",
                               action="Fix the cause (gRPC port: ?grpc_port=N in the URL) and run the same command "
                               "again: with --checkpoint it resumes."))
    report.duration_s = time.perf_counter() - start
    return report


def _http(target: Target) -> httpx.Client:
    return httpx.Client(base_url=target.base_url, headers=target.request_headers(),
                        timeout=max(target.timeout_s, 60.0), limits=httpx.Limits(max_connections=32))


def _unreachable(report: Report, clients: dict[str, httpx.Client]) -> bool:
    for side, http in clients.items():
        try:
            reply = http.get("/v1/meta", timeout=5)
            why = "" if reply.status_code == 200 else f"HTTP {reply.status_code} {reply.text[:200]}"
        except httpx.HTTPError as exc:
            why = f"{type(exc).__name__}: {exc}"
        if why:
            report.unreachable = True
            report.add(Finding("migrate.unreachable", Severity.CRITICAL, f"The {side} does not answer",
                               f"GET {http.base_url}/v1/meta: {why}",
                               action="Check the URL, the port (?grpc_port=N for gRPC) and the API key."))
    return report.unreachable


def _run(report: Report, src: httpx.Client, dst: httpx.Client, src_target: Target, dst_target: Target,
         options: CopyOptions, on_progress: OnProgress | None) -> None:
    checkpoint = Checkpoint(options.checkpoint)
    classes = schema_copy.source_classes(src, options.collections)
    names = [c["class"] for c in classes]
    created = schema_copy.create_classes(dst, classes)
    states: dict[str, dict[str, str]] = {}
    for config in classes:
        if schema_copy.multi_tenant(config):
            states[config["class"]] = _original_states(checkpoint, config["class"],
                                                       schema_copy.tenants(src, config["class"]))
            schema_copy.create_tenants(dst, config["class"], list(states[config["class"]]))
    streams = [Stream(c["class"], t) for c in classes
               for t in (sorted(states[c["class"]]) if c["class"] in states else [None])]
    woken = _wake_source_tenants(src, states)
    src_client, dst_client = src_target.connect(), dst_target.connect()
    try:
        source_counts = {s: validate.count(src_client, s.collection, s.tenant) for s in streams}
        counter = _Counter(sum(source_counts.values()), on_progress)
        copy_start = time.perf_counter()
        references = {c["class"]: schema_copy.reference_properties(c) for c in classes}
        fast = grpc_writer.GrpcWriter(dst_client)
        writers = {c["class"]: fast if grpc_writer.usable(c) else None for c in classes}
        with ThreadPoolExecutor(max(1, options.parallel)) as pool:
            results = dict(zip(streams, pool.map(lambda s: copy_objects(
                src, dst, s.collection, s.tenant, set(references[s.collection]), checkpoint, options.batch_size,
                options.sample, counter, options.stop_after, options.writers, writer=writers[s.collection]),
                streams)))
        copy_s = time.perf_counter() - copy_start
        schema_copy.add_references(dst, classes)
        for stream in streams:
            if references[stream.collection]:
                linked = copy_references(src, dst, stream.collection, stream.tenant, references[stream.collection],
                                         checkpoint, options.batch_size)
                results[stream].references, results[stream].errors = linked.references, (
                    results[stream].errors + linked.errors)
        aliases = schema_copy.copy_aliases(src, dst, names)
        copied = sum(r.objects for r in results.values())
        report.measurements.update({
            "collections_created": created, "aliases_copied": aliases, "resumed": checkpoint.resumed,
            "objects_copied": copied, "references_copied": sum(r.references for r in results.values()),
            "copy_s": round(copy_s, 3), "objects_per_s": round(copied / copy_s, 1) if copy_s > 0 else None,
            "streams": {s.label: {"source_count": source_counts[s], "copied": results[s].objects,
                                  "references": results[s].references} for s in streams}})
        _report_errors(report, results)
        if options.validate:      # before the destination's tenants take the source's (maybe inactive) states
            _validate(report, src, dst, dst_client, streams, source_counts, results)
        for name, tenant_states in states.items():
            schema_copy.set_tenant_states(dst, name, tenant_states)
    finally:
        src_client.close()
        dst_client.close()
        for name, tenant_states in woken.items():
            schema_copy.set_tenant_states(src, name, tenant_states)


def _original_states(checkpoint: Checkpoint, name: str, current: dict[str, str]) -> dict[str, str]:
    """The tenants' states before the first run woke them (a killed run could not put them back)."""
    original = {}
    for tenant, state in current.items():
        key = stream_key("state", name, tenant)
        original[tenant] = checkpoint.get(key) or state
        if checkpoint.get(key) is None:
            checkpoint.set(key, state)
    return original


def _wake_source_tenants(src: httpx.Client, states: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Inactive source tenants cannot be read: activate them for the copy; the caller puts their states back."""
    woken = {}
    for name, tenant_states in states.items():
        asleep = {t: s for t, s in tenant_states.items() if s not in schema_copy.ACTIVE_STATES}
        if asleep:
            schema_copy.set_tenant_states(src, name, {t: "HOT" for t in asleep})
            woken[name] = asleep
    return woken


def _report_errors(report: Report, results: dict[Stream, StreamResult]) -> None:
    for stream, result in results.items():
        if result.errors:
            report.add(Finding("migrate.write_errors", Severity.HIGH, f"{len(result.errors)} writes refused",
                               "; ".join(result.errors[:5]), collection=stream.collection,
                               action="Read the destination's messages; fix its schema or the data, run again.",
                               data={"tenant": stream.tenant, "errors": len(result.errors)}))


def _validate(report: Report, src: httpx.Client, dst: httpx.Client, dst_client: Any, streams: list[Stream],
              source_counts: dict[Stream, int], results: dict[Stream, StreamResult]) -> None:
    counts, compared, differing = {}, 0, []
    for stream in streams:
        copied = validate.count(dst_client, stream.collection, stream.tenant)
        counts[stream.label] = {"source": source_counts[stream], "destination": copied}
        if copied != source_counts[stream]:
            report.add(Finding("migrate.count_mismatch", Severity.HIGH, f"Counts differ for {stream.label}",
                               f"source {source_counts[stream]}, destination {copied}",
                               collection=stream.collection, data={"tenant": stream.tenant}))
        for uuid in results[stream].sample_ids or validate.first_ids(src, stream.collection, stream.tenant, 5):
            source_object = validate.fetch(src, stream.collection, uuid, stream.tenant)
            if source_object is None:
                continue        # deleted on the source since
            compared += 1
            diff = validate.differences(source_object, validate.fetch(dst, stream.collection, uuid, stream.tenant))
            if diff:
                differing.append(f"{stream.label}/{uuid}: {', '.join(diff)}")
    report.measurements["validation"] = {"counts": counts, "objects_compared": compared,
                                         "objects_differing": len(differing)}
    if differing:
        report.add(Finding("migrate.object_mismatch", Severity.HIGH, f"{len(differing)} sampled objects differ",
                           "; ".join(differing[:5])))
    else:
        report.add(Finding("migrate.validated", Severity.INFO, "Copy validated",
                           f"{len(counts)} class/tenant counts equal; {compared} sampled objects equal field by "
                           "field and vector by vector"))
