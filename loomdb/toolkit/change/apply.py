"""`change apply`: the plan run step by step, each step checked against the live state right after it and written
to the ledger with its before/after, stopping at the first step that fails.

Order: new collections (references added once all exist), in-place updates (new properties, then one PUT of the
merged class), rebuilds, tenants, aliases, drops. A rebuild (Weaviate's zero-downtime recipe):
create `<Name>_v<N>` with the new config, copy every object with its vectors (the migrate code), add and copy the
references, compare counts per tenant, then repoint the alias `<Name>`: readers through the alias switch at once.
A collection that is not behind an alias is first adopted (`--adopt-alias`): copied into `<Name>_v1`, dropped, and
its name re-created as an alias of `<Name>_v1`; between the drop and the alias the name does not resolve (a few
milliseconds), which is why it needs the flag. Writes made to the old collection during a copy are not carried
over: the counts check refuses the swap when they differ (pause writers, run again)."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from ..migrate import data, grpc_writer, schema_copy, validate
from ..migrate.checkpoint import Checkpoint
from ..remote.target import Target
from ..report import Finding, Report, Severity
from . import diff, live
from .desired import Desired
from .ledger import Ledger, default_path
from .planning import ChangeOptions, make

Confirm = Callable[[Report], bool]
Progress = Callable[[str], None]


class StepFailed(RuntimeError):
    pass


def apply(target: Target, desired: Desired, options: ChangeOptions, confirm: Confirm,
          progress: Progress | None = None) -> Report:
    """Plan, ask `confirm(plan report)`, run. The report is the plan's with the steps run added."""
    planned = make(target, desired, options)
    report = planned.report
    if report.unreachable or not planned.plan.pending:
        return report
    if planned.blocked:
        report.add(Finding("change.not_applied", Severity.INFO, "Not applied", "the plan has blocking findings"))
        return report
    if not confirm(report):
        report.add(Finding("change.not_applied", Severity.LOW, "Not applied", "not confirmed",
                           action="Re-run with --yes to apply without asking."))
        return report
    start = time.perf_counter()
    ledger = Ledger(options.ledger or default_path(desired.source), "apply", file=desired.source,
                    target=target.describe())
    runner = _Runner(target, ledger, options, progress or (lambda _: None))
    report.findings = [f for f in report.findings if f.severity >= Severity.HIGH]
    try:
        runner.run(planned.plan, planned.live)
        report.add(Finding("change.applied", Severity.INFO, "Applied and validated",
                           f"{len(runner.steps)} step(s); ledger {ledger.path} run {ledger.run}",
                           action=f"Undo with `loomdb change rollback --ledger {ledger.path}`."))
    except (StepFailed, live.LiveError, schema_copy.SchemaCopyError, data.CopyError, httpx.HTTPError) as exc:
        ledger.step("failed", status="failed", detail=str(exc))
        report.add(Finding("change.failed", Severity.HIGH, "A step failed; the rest did not run", str(exc),
                           action=f"Fix the cause and apply again (done steps are skipped: the plan is recomputed), "
                                  f"or undo with `loomdb change rollback --ledger {ledger.path}`."))
    finally:
        ledger.end()
        runner.close()
    report.measurements.update({"run": ledger.run, "ledger": str(ledger.path), "steps": runner.steps,
                                "apply_s": round(time.perf_counter() - start, 3)})
    report.duration_s += time.perf_counter() - start
    return report


class _Runner:
    def __init__(self, target: Target, ledger: Ledger, options: ChangeOptions, progress: Progress) -> None:
        self.target, self.ledger, self.options, self.progress = target, ledger, options, progress
        self.http = target.http()
        self.http.timeout = httpx.Timeout(max(target.timeout_s, 60.0))
        self._client: Any = None
        self.steps: list[dict[str, Any]] = []

    def close(self) -> None:
        self.http.close()
        if self._client is not None:
            self._client.close()

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self.target.connect()
        return self._client

    def record(self, action: str, **fields: Any) -> None:
        self.progress(f"{action} {fields.get('collection') or fields.get('alias') or ''}")
        entry = self.ledger.step(action, **fields)
        self.steps.append({k: v for k, v in entry.items() if k in ("action", "collection", "alias", "detail")})

    def run(self, plan: diff.Plan, state: live.Live) -> None:
        created = [p for p in plan.collections if p.action == "create"]
        if created:
            configs = [diff.for_create(p.desired) for p in created]
            schema_copy.create_classes(self.http, configs)
            schema_copy.add_references(self.http, configs)
            for p in created:
                self._check_config(p.name, p.desired)
                self.record("create_collection", collection=p.name, after=p.desired)
        resolved = {p.name: p.physical or p.name for p in plan.collections}
        for p in plan.collections:
            if p.action == "update":
                self._update(p)
            elif p.action == "rebuild":
                resolved[p.name] = self._rebuild(p, state)
        for change in plan.tenants:
            self._tenants(resolved.get(change.collection) or state.find(change.collection)
                          or state.aliases.get(change.collection, change.collection), change)
        for alias in plan.aliases:
            self._alias(alias)
        for name in plan.drops:
            live.drop_class(self.http, name)
            self.record("drop_collection", collection=name)

    def _check_config(self, name: str, desired: dict[str, Any]) -> None:
        left = diff.differences(desired, live.class_document(self.http, name))
        if left:
            raise StepFailed(f"{name} does not match the file after the step: " + "; ".join(
                f"{'.'.join(path)}: live {before!r}, wanted {after!r}" for path, before, after in left[:5]))

    def _update(self, p: diff.CollectionPlan) -> None:
        assert p.physical is not None
        for change in p.changes:
            if change.path[0] == "properties" and len(change.path) == 2:
                live.add_property(self.http, p.physical, change.after)
                self.record("add_property", collection=p.physical, after=change.after)
        in_place = [c for c in p.changes if not (c.path[0] == "properties" and len(c.path) == 2)]
        if in_place:
            current = live.class_document(self.http, p.physical)
            live.put_class(self.http, diff.merged(current, p.desired, p.physical))
            self.record("update_collection", collection=p.physical,
                        changes=[{"path": list(c.path), "before": c.before, "after": c.after} for c in in_place])
        self._check_config(p.physical, p.desired)

    def _rebuild(self, p: diff.CollectionPlan, state: live.Live) -> str:
        assert p.physical is not None and p.new_name is not None
        source, alias = p.physical, p.name
        if not p.via_alias:
            assert p.adopt_name is not None
            self._copy(source, p.adopt_name, {**diff.for_create(state.classes[source]), "class": p.adopt_name})
            live.drop_class(self.http, source)
            live.set_alias(self.http, source, p.adopt_name, exists=False)
            self._check_alias(source, p.adopt_name)
            self.record("adopt", collection=source, after=p.adopt_name,
                        detail=f"{source} is now an alias of {p.adopt_name} (same data and config)")
            source, alias = p.adopt_name, p.physical
        new_config = diff.merged(live.class_document(self.http, source), p.desired, p.new_name)
        objects = self._copy(source, p.new_name, diff.for_create(new_config))
        self._check_config(p.new_name, {**p.desired, "class": p.new_name})
        live.set_alias(self.http, alias, p.new_name, exists=True)
        self._check_alias(alias, p.new_name)
        self.record("rebuild", collection=p.new_name, alias=alias, before=source, after=p.new_name,
                    detail=f"{objects} objects copied from {source}; alias {alias} -> {p.new_name}")
        return p.new_name

    def _copy(self, source: str, dest: str, config: dict[str, Any]) -> int:
        """`source`'s objects (vectors and references too) into a new collection `dest` made from `config`;
        counts compared per tenant. `dest` is dropped again when anything fails."""
        old = live.class_document(self.http, source)
        if schema_copy.multi_tenant(old) != schema_copy.multi_tenant(config):
            raise StepFailed(f"{source} -> {dest}: objects cannot be copied across a multi-tenancy switch (each "
                             "object would need a tenant); copy them yourself, then point the alias")
        live.create_class(self.http, schema_copy.without_references(config) | (
            {"shardingConfig": config["shardingConfig"]} if "shardingConfig" in config else {}))
        self.record("create_copy_target", collection=dest, after=config, detail=f"copy target of {source}")
        states = schema_copy.tenants(self.http, source) if schema_copy.multi_tenant(old) else {}
        asleep = {t: s for t, s in states.items() if s not in schema_copy.ACTIVE_STATES}
        try:
            if states:
                schema_copy.create_tenants(self.http, dest, list(states))
            schema_copy.set_tenant_states(self.http, source, {t: "HOT" for t in asleep})
            copied = self._copy_data(source, dest, old, config, list(states) or [None])
            schema_copy.set_tenant_states(self.http, dest, states)
        except BaseException:
            live.drop_class(self.http, dest)
            self.ledger.step("drop_copy_target", collection=dest, detail="cleanup of a failed copy")
            raise
        finally:
            schema_copy.set_tenant_states(self.http, source, asleep)
        return copied

    def _copy_data(self, source: str, dest: str, old: dict[str, Any], config: dict[str, Any],
                   tenants: list[str | None]) -> int:
        skipped = diff.not_copied(old, config)
        writer = grpc_writer.GrpcWriter(self.client) if grpc_writer.usable(config) else None
        copied = 0
        for tenant in tenants:
            self.progress(f"copying {source}{'/' + tenant if tenant else ''} -> {dest}")
            result = data.copy_objects(self.http, self.http, source, tenant, skipped, Checkpoint(None),
                                       self.options.batch_size, 0, lambda n: None, dst_name=dest, writer=writer)
            if result.errors:
                raise StepFailed(f"{len(result.errors)} objects refused by {dest}: {'; '.join(result.errors[:3])}")
            copied += result.objects
        references = schema_copy.reference_properties(config)
        if references:
            schema_copy.add_references(self.http, [config])
            for tenant in tenants:
                linked = data.copy_references(self.http, self.http, source, tenant, references, Checkpoint(None),
                                              self.options.batch_size, dst_name=dest)
                if linked.errors:
                    raise StepFailed(f"references refused by {dest}: {'; '.join(linked.errors[:3])}")
        for tenant in tenants:
            before = validate.count(self.client, source, tenant)
            after = validate.count(self.client, dest, tenant)
            if before != after:
                raise StepFailed(f"{source}{'/' + tenant if tenant else ''} holds {before} objects, {dest} {after}: "
                                 "written during the copy? Pause writers and apply again")
        return copied

    def _check_alias(self, alias: str, collection: str) -> None:
        found = live.alias_target(self.http, alias)
        if found != collection:
            raise StepFailed(f"alias {alias} points at {found}, not {collection}")

    def _tenants(self, collection: str, change: diff.TenantChange) -> None:
        if change.add:
            live.add_tenants(self.http, collection, change.add)
            self.record("add_tenants", collection=collection, after=change.add)
        if change.states:
            schema_copy.set_tenant_states(self.http, collection, {t: a for t, (_, a) in change.states.items()})
            self.record("tenant_states", collection=collection, before={t: b for t, (b, _) in change.states.items()},
                        after={t: a for t, (_, a) in change.states.items()})
        if change.delete:
            live.delete_tenants(self.http, collection, change.delete)
            self.record("delete_tenants", collection=collection, before=change.delete)
        now = schema_copy.tenants(self.http, collection)
        wrong = {t: now.get(t) for t, s in {**change.add, **{t: a for t, (_, a) in change.states.items()}}.items()
                 if now.get(t) != s} | {t: now[t] for t in change.delete if t in now}
        if wrong:
            raise StepFailed(f"{collection}: tenants not as asked after the step: {wrong}")

    def _alias(self, change: diff.AliasChange) -> None:
        if change.after is None:
            live.delete_alias(self.http, change.alias)
            self.record("delete_alias", alias=change.alias, before=change.before)
            return
        live.set_alias(self.http, change.alias, change.after, exists=change.before is not None)
        self._check_alias(change.alias, change.after)
        self.record("set_alias", alias=change.alias, before=change.before, after=change.after)
