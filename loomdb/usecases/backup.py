"""Backups as Weaviate runs them on one node (usecases/backup: scheduler, coordinator, handler): the request rules
and their wording, the asynchronous job and its states, and what a backup holds.

A backup `<id>` in a backend is: `backup_config.json` (the descriptor: status, times, per class its class
document, aliases and files with size and checksum: XXH3-128, or in older backups SHA-256 of each 8 MiB block
then of the block digests, the descriptor's "checksum" names which; with RBAC / db users on, Weaviate's
rbacBackups / userBackups: the role book / the users as base64 JSON) plus `<Class>/<file>` for each file of each
class's consistent snapshot (engine/backup.py). A restore downloads every file of the chosen classes into a
staging folder and checks each against the descriptor BEFORE anything is put in place, so a corrupted or partial
backup fails the restore with nothing restored; then the users and roles asked for replace the current ones and
each class is moved into place and opened."""
from __future__ import annotations

import base64
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Protocol

import orjson

from ..entities import permissions as perm
from ..entities.backup import (
    CHECKSUM_KINDS,
    CHECKSUM_SHA256_BLOCKS,
    CHECKSUM_XXH3,
    BackupStatus,
    SnapshotFile,
    file_checksum,
)
from ..entities.errors import BodyValidation, InvalidInput, LoomError, NameTaken, NotFound, Unsupported
from ..entities.principal import Principal
from ..modules.capabilities import BackupBackend
from .authz import AllowAll, Authorizer
from .ports import BackupDatabasePort, JsonObject

BACKUP_FILE = "backup_config.json"      # Weaviate's GlobalBackupFile
RESTORE_FILE = "restore_config.json"    # Weaviate's GlobalRestoreFile
FORMAT_VERSION = "loomdb-1"
_ID = re.compile(r"^[a-z0-9_-]+$")
RESTORE_OPTIONS = ("noRestore", "all")          # Weaviate's RestoreConfig rolesOptions / usersOptions
ROLES_KEY, USERS_KEY = "rbacBackups", "userBackups"     # Weaviate's descriptor fields (base64 of a JSON document)
DEFAULT_CPU_PERCENTAGE = 50
DEFAULT_CHUNK_MB = 128
COMPRESSION_LEVELS = ("DefaultCompression", "BestSpeed", "BestCompression", "ZstdDefaultCompression",
                      "ZstdBestSpeed", "ZstdBestCompression", "NoCompression")
_MAX_FAIL, _MIN_FAIL, _ENUM_FAIL = 607, 608, 605     # go-openapi/errors codes

BackendLookup = Callable[[str], "BackupBackend | None"]


class AccessSnapshot(Protocol):
    """RBAC's roles and assignments, or the database users: every backup carries the document of each one that is
    on (Weaviate's rbacBackups / userBackups); a restore puts it back, in place of the current one, only when
    asked ("all")."""

    def snapshot(self) -> JsonObject: ...

    def restore(self, document: JsonObject) -> None: ...


class Cancelled(Exception):
    """The job saw its cancel flag between two steps."""


class BackupCorrupted(LoomError):
    """A stored file is missing or differs from the checksum the descriptor recorded."""


class AlreadySucceeded(LoomError):
    """Cancel of a finished backup (Weaviate answers it with a plain error: 500)."""


def _now() -> str:
    """Go's time.Time JSON (RFC 3339, UTC)."""
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d}Z"


def _go_list(items: Sequence[str]) -> str:
    """Go's %v of a []string."""
    return "[" + " ".join(items) + "]"


@dataclass(frozen=True)
class TransferConfig:
    """A request's `config` after Weaviate's schema checks and defaults (handlers_backup.go compressionFromBCfg)."""
    cpu_percentage: int = DEFAULT_CPU_PERCENTAGE
    chunk_mb: int = DEFAULT_CHUNK_MB
    compression_level: str = "DefaultCompression"
    restore_roles: bool = False         # rolesOptions "all" (Weaviate's default is "noRestore")
    restore_users: bool = False         # usersOptions "all"

    @property
    def workers(self) -> int:
        """Files hashed and transferred in parallel: CPUPercentage of the cores, at least one."""
        return max(1, (os.cpu_count() or 1) * self.cpu_percentage // 100)

    @property
    def chunk_size(self) -> int:
        return self.chunk_mb << 20


def _ranged(config: JsonObject, key: str, low: int, high: int) -> int | None:
    value = config.get(key)
    if value in (None, 0):
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BodyValidation(600, f"config.{key} in body must be of type int64: \"{type(value).__name__}\"")
    if value < low:
        raise BodyValidation(_MIN_FAIL, f"config.{key} in body should be greater than or equal to {low}")
    if value > high:
        raise BodyValidation(_MAX_FAIL, f"config.{key} in body should be less than or equal to {high}")
    return value


def transfer_config(config: JsonObject | None, restore: bool = False) -> TransferConfig:
    """Weaviate's BackupConfig / RestoreConfig checks (CPUPercentage 1-80, ChunkSize 2-512 MB, CompressionLevel
    one of its enum) with its go-openapi messages; zero or absent means the default."""
    config = config or {}
    if any(config.get(key) for key in ("Bucket", "Path", "Endpoint")):
        raise Unsupported("backup locations given per request (config Bucket / Path / Endpoint) are not supported by "
                          "loomdb yet; the backend's BACKUP_* settings decide where backups go")
    cpu = _ranged(config, "CPUPercentage", 1, 80) or DEFAULT_CPU_PERCENTAGE
    if restore:
        roles, users = (_restore_option(config, key) for key in ("rolesOptions", "usersOptions"))
        return TransferConfig(cpu, restore_roles=roles, restore_users=users)
    chunk = _ranged(config, "ChunkSize", 2, 512) or DEFAULT_CHUNK_MB
    level = config.get("CompressionLevel") or "DefaultCompression"
    if level not in COMPRESSION_LEVELS:
        raise BodyValidation(_ENUM_FAIL,
                             f"config.CompressionLevel in body should be one of {_go_list(COMPRESSION_LEVELS)}")
    return TransferConfig(cpu, chunk, level)


def _restore_option(config: JsonObject, key: str) -> bool:
    """rolesOptions / usersOptions: True for "all"; absent is "noRestore"; anything else fails Weaviate's enum."""
    value = config.get(key) or "noRestore"
    if value not in RESTORE_OPTIONS:
        raise BodyValidation(_ENUM_FAIL, f"config.{key} in body should be one of {_go_list(RESTORE_OPTIONS)}")
    return value == "all"


def _encode_access(document: JsonObject) -> str:
    return base64.b64encode(orjson.dumps(document)).decode("ascii")


def _decode_access(descriptor: JsonObject, key: str) -> JsonObject | None:
    """The document a backup carries under `key` (None when it carries none); garbled -> BackupCorrupted."""
    raw = descriptor.get(key)
    if not raw:
        return None
    try:
        found = orjson.loads(base64.b64decode(raw, validate=True))
    except (ValueError, TypeError, orjson.JSONDecodeError):
        found = None
    if not isinstance(found, dict):
        raise BackupCorrupted(f"corrupted backup file: {key} of backup {descriptor.get('id')} is not a JSON "
                              "document in base64")
    return found


@dataclass
class _Job:
    """One backup or restore as its status endpoint reports it."""
    backend: str
    backup_id: str
    path: str
    classes: list[str]
    status: BackupStatus = BackupStatus.STARTED
    error: str = ""
    started_at: str = field(default_factory=_now)
    completed_at: str = ""
    cancel: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def report(self) -> JsonObject:
        out: JsonObject = {"id": self.backup_id, "backend": self.backend, "path": self.path,
                           "status": self.status.value, "startedAt": self.started_at}
        if self.completed_at:
            out["completedAt"] = self.completed_at
        if self.error:
            out["error"] = self.error
        return out

    def final_report(self, status: BackupStatus, error: str = "") -> JsonObject:
        """The job's report once it ends so: written to the backend first, then adopted by finish()."""
        report = {**self.report(), "status": status.value, "completedAt": _now()}
        return {**report, "error": error} if error else report

    def finish(self, report: JsonObject) -> None:
        """Adopt a final report; the status last, as it is what pollers watch."""
        self.error, self.completed_at = report.get("error", ""), report["completedAt"]
        self.status = BackupStatus(report["status"])

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()


class BackupService:
    """Create, restore, status, cancel and list, one backup and one restore running at a time (as Weaviate's
    coordinator). Jobs run in a thread each; a job's state lives in memory while it runs and in the backend's
    descriptor files afterwards, so status survives a restart."""

    def __init__(self, db: BackupDatabasePort, backends: BackendLookup, server_version: str,
                 authz: Authorizer | None = None, roles: AccessSnapshot | None = None,
                 users: AccessSnapshot | None = None) -> None:
        self.db = db
        self._roles = roles          # RBAC's role book while AUTHORIZATION_RBAC_ENABLED, else None
        self._users = users          # the database users while AUTHENTICATION_DB_USERS_ENABLED, else None
        self.authz = authz or AllowAll()
        self._backends = backends
        self._server_version = server_version
        self._lock = threading.Lock()
        self._creating: _Job | None = None
        self._restoring: _Job | None = None

    # ---- shared rules ---------------------------------------------------------------------------------------------
    def _backend(self, backend: str, what: str = "backend") -> BackupBackend:
        found = self._backends(f"backup-{backend}")
        if found is None:
            raise InvalidInput(f"no backup {what} \"{backend}\": backup: {backend} not found, did you enable the "
                               "right module?")
        return found

    @staticmethod
    def _selection(include: list[str], exclude: list[str]) -> None:
        if include and exclude:
            raise InvalidInput("malformed request: 'include' and 'exclude' cannot both contain values")
        seen: set[str] = set()
        for name in include:
            if name in seen:
                raise InvalidInput(f"class list 'include' contains duplicate: {name}")
            seen.add(name)

    @staticmethod
    def _descriptor(store: BackupBackend, backup_id: str, name: str = BACKUP_FILE) -> JsonObject | None:
        raw = store.get_bytes(backup_id, name)
        if raw is None:
            return None
        try:
            found = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise BackupCorrupted(f"corrupted backup file: {name} of backup {backup_id} is not JSON") from None
        return found if isinstance(found, dict) else None

    # ---- create ---------------------------------------------------------------------------------------------------
    def create(self, principal: Principal | None, backend: str, backup_id: str, include: list[str],
               exclude: list[str], config: JsonObject | None) -> JsonObject:
        """Validate as Weaviate's Scheduler.Backup does, start the job, answer STARTED."""
        self._authorize(principal, perm.CREATE, include)
        settings = transfer_config(config)
        store = self._backend(backend)
        if not _ID.match(backup_id):
            raise InvalidInput("invalid backup id: allowed characters are lowercase, 0-9, _, -")
        self._selection(include, exclude)
        classes = list(include) or [c.name for c in self.db.collections()]
        if not classes:
            raise InvalidInput("no available classes to backup, there's nothing to do here")
        excluded = set(exclude)
        classes = [c for c in classes if c not in excluded]
        if not classes:
            raise InvalidInput(f"empty class list: please choose from : {_go_list(classes)}")
        found = [(c, self.db.find_collection(c)) for c in classes]
        missing = next((c for c, collection in found if collection is None), None)
        if missing is not None:
            raise InvalidInput(f"class {missing} doesn't exist")
        home = store.home(backup_id)
        existing = self._descriptor(store, backup_id)
        if existing is not None and existing.get("status") != BackupStatus.CANCELED.value:
            raise InvalidInput(f"backup {orjson.dumps(backup_id).decode()} already exists at "
                               f"{orjson.dumps(home).decode()}")
        job = _Job(backend, backup_id, home, [collection.name for _, collection in found if collection is not None])
        with self._lock:
            if self._creating is not None and not self._creating.status.finished:
                raise InvalidInput(f"backup {self._creating.backup_id} already in progress")
            self._creating = job
        try:
            self._write_descriptor(store, job, settings, {})
        except Exception as exc:  # noqa: BLE001 - the backend refused (unreachable, no permission, ...)
            job.status, job.error = BackupStatus.FAILED, _message(exc)
            raise InvalidInput(f"init uploader: {_message(exc)}") from None
        job.thread = threading.Thread(target=self._run_create, args=(job, store, settings),
                                      name=f"loomdb-backup-{backup_id}", daemon=True)
        job.thread.start()
        return {"id": backup_id, "backend": backend, "path": home, "classes": job.classes,
                "status": BackupStatus.STARTED.value}

    def _write_descriptor(self, store: BackupBackend, job: _Job, settings: TransferConfig,
                          classes: dict[str, JsonObject], report: JsonObject | None = None,
                          access: JsonObject | None = None) -> None:
        descriptor = {**(report or job.report()), "version": FORMAT_VERSION, "serverVersion": self._server_version,
                      "compressionLevel": settings.compression_level, "chunkSize": settings.chunk_mb,
                      "checksum": CHECKSUM_XXH3,
                      "classes": [classes.get(name, {"name": name}) for name in job.classes], **(access or {})}
        store.put_bytes(job.backup_id, BACKUP_FILE, orjson.dumps(descriptor, option=orjson.OPT_INDENT_2))

    def _run_create(self, job: _Job, store: BackupBackend, settings: TransferConfig) -> None:
        """Snapshot and upload class by class; the descriptor is written with the final state BEFORE the job
        reports it, so a restore started on SUCCESS finds a complete backup."""
        staging = self.db.staging_folder("backup")
        described: dict[str, JsonObject] = {}
        access: JsonObject = {}
        status, error = BackupStatus.SUCCESS, ""
        try:
            access = {key: _encode_access(section.snapshot())
                      for key, section in ((ROLES_KEY, self._roles), (USERS_KEY, self._users)) if section is not None}
            with ThreadPoolExecutor(settings.workers, thread_name_prefix="loomdb-backup-io") as pool:
                for name in job.classes:
                    job.check_cancel()
                    snapshot = self.db.snapshot_collection(name, staging / name, settings.workers)
                    job.status = BackupStatus.TRANSFERRING
                    files = list(pool.map(partial(self._upload, job, store, settings, staging, name),
                                          snapshot.files))
                    aliases = [alias for alias, target in self.db.alias_list() if target == snapshot.name]
                    described[name] = {"name": snapshot.name, "schema": snapshot.doc, "aliases": aliases,
                                       "files": files}
            job.status = BackupStatus.TRANSFERRED
            job.check_cancel()
            job.status = BackupStatus.FINALIZING
        except Cancelled:
            store.delete(job.backup_id)
            described, status, error = {}, BackupStatus.CANCELED, "operation cancelled by user"
        except Exception as exc:  # noqa: BLE001 - any failure is the job's FAILED state, reported by status
            status, error = BackupStatus.FAILED, _message(exc)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        report = job.final_report(status, error)
        try:
            self._write_descriptor(store, job, settings, described, report, access)
        except Exception as exc:  # noqa: BLE001 - the backend failed at the last step: the backup is not usable
            report = job.final_report(BackupStatus.FAILED, f"coordinator: put_meta: {_message(exc)}")
        job.finish(report)

    @staticmethod
    def _upload(job: _Job, store: BackupBackend, settings: TransferConfig, staging: Path, name: str,
                file: SnapshotFile) -> JsonObject:
        job.check_cancel()
        store.put_file(job.backup_id, f"{name}/{file.path}", staging / name / file.path, settings.chunk_size)
        return {"key": file.path, "size": file.size, "checksum": file.checksum}

    def _authorize(self, principal: Principal | None, verb: str, collections: list[str] | None = None) -> None:
        """Weaviate's backups permission: on the named collections, or on all."""
        self.authz.authorize(principal, verb, *([perm.backups(c) for c in collections or []] or [perm.backups()]))

    def create_status(self, principal: Principal | None, backend: str, backup_id: str) -> JsonObject:
        return self._status(principal, backend, backup_id, self._creating, BACKUP_FILE)

    def _status(self, principal: Principal | None, backend: str, backup_id: str, job: _Job | None,
                name: str) -> JsonObject:
        """The running job's report when it is the one asked for, else what the backend recorded in `name`."""
        self._authorize(principal, perm.READ)
        store = self._backend(backend, "provider")
        if job is not None and job.backup_id == backup_id and job.backend == backend:
            return job.report()
        return self._stored_status(store, backend, backup_id, name)

    def _stored_status(self, store: BackupBackend, backend: str, backup_id: str, name: str) -> JsonObject:
        found = self._descriptor(store, backup_id, name)
        if found is None:
            raise NotFound(f"backup id {orjson.dumps(backup_id).decode()} does not exist: {name} not found at "
                           f"{orjson.dumps(store.home(backup_id)).decode()}")
        keys = ("id", "path", "status", "error", "startedAt", "completedAt")
        return {"backend": backend, **{k: found[k] for k in keys if found.get(k)}}

    def cancel(self, principal: Principal | None, backend: str, backup_id: str) -> None:
        """Weaviate's Scheduler.Cancel: a running backup stops (CANCELED, its files removed); cancelling a
        cancelled or unknown one is a no-op; a finished one is an error."""
        self._authorize(principal, perm.DELETE)
        store = self._backend(backend, "provider")
        if not _ID.match(backup_id):
            raise InvalidInput("invalid backup id: allowed characters are lowercase, 0-9, _, -")
        job = self._creating
        if job is not None and job.backup_id == backup_id and not job.status.finished:
            job.cancel.set()
            job.status = BackupStatus.CANCELLING
            return
        found = self._descriptor(store, backup_id)
        if found is not None and found.get("status") == BackupStatus.SUCCESS.value:
            raise AlreadySucceeded("backup already succeeded")

    def list_backups(self, principal: Principal | None, backend: str, ascending: bool = False) -> list[JsonObject]:
        """Every backup in the backend with its classes, status and times, by start time (newest first unless
        `ascending`)."""
        self._authorize(principal, perm.READ)
        store = self._backend(backend)
        found = []
        for backup_id in store.backup_ids():
            try:
                descriptor = self._descriptor(store, backup_id)
            except BackupCorrupted:
                continue
            if descriptor is None:
                continue
            found.append({"id": backup_id, "status": descriptor.get("status"),
                          "classes": [c.get("name") for c in descriptor.get("classes", [])],
                          **{k: descriptor[k] for k in ("startedAt", "completedAt") if descriptor.get(k)}})
        return sorted(found, key=lambda b: b.get("startedAt", ""), reverse=not ascending)

    # ---- restore --------------------------------------------------------------------------------------------------
    def restore(self, principal: Principal | None, backend: str, backup_id: str, include: list[str],
                exclude: list[str], config: JsonObject | None, overwrite_alias: bool = False) -> JsonObject:
        """Validate as Weaviate's Scheduler.Restore does, start the job, answer STARTED."""
        self._authorize(principal, perm.CREATE, include)
        settings = transfer_config(config, restore=True)
        store = self._backend(backend)
        self._selection(include, exclude)
        home = store.home(backup_id)
        descriptor = self._descriptor(store, backup_id)
        if descriptor is None:
            raise NotFound(f"backup id {orjson.dumps(backup_id).decode()} does not exist: {BACKUP_FILE} not found "
                           f"at {orjson.dumps(home).decode()}")
        if descriptor.get("id") != backup_id:
            raise InvalidInput(f"wrong backup file: expected {orjson.dumps(backup_id).decode()} got "
                               f"{orjson.dumps(descriptor.get('id')).decode()}")
        if descriptor.get("status") != BackupStatus.SUCCESS.value:
            raise InvalidInput(f"invalid backup {home} status: {descriptor.get('status')}")
        checksum_kind = descriptor.get("checksum") or CHECKSUM_SHA256_BLOCKS
        if checksum_kind not in CHECKSUM_KINDS:
            raise InvalidInput(f"backup {backup_id} records checksums of kind {checksum_kind!r}, which this loomdb "
                               f"cannot verify (it knows {_go_list(CHECKSUM_KINDS)})")
        stored = {c["name"]: c for c in descriptor.get("classes", []) if isinstance(c, dict) and "name" in c}
        names = list(stored)
        if include:
            absent = next((c for c in include if c not in stored), None)
            if absent is not None:
                raise InvalidInput(f"class {absent} doesn't exist in the backup, but does have {_go_list(names)}: ")
            chosen = [c for c in names if c in include]
        else:
            chosen = [c for c in names if c not in exclude]
        if not chosen:
            raise InvalidInput(f"nothing left to restore: please choose from : {_go_list(names)}")
        job = _Job(backend, backup_id, home, chosen)
        with self._lock:
            if self._restoring is not None and not self._restoring.status.finished:
                raise InvalidInput(f"restoration {self._restoring.backup_id} already in progress")
            self._restoring = job
        job.thread = threading.Thread(
            target=self._run_restore,
            args=(job, store, settings, checksum_kind, [stored[c] for c in chosen], overwrite_alias, descriptor),
            name=f"loomdb-restore-{backup_id}", daemon=True)
        job.thread.start()
        return {"id": backup_id, "backend": backend, "path": home, "classes": chosen,
                "status": BackupStatus.STARTED.value}

    def _run_restore(self, job: _Job, store: BackupBackend, settings: TransferConfig, checksum_kind: str,
                     classes: list[JsonObject], overwrite_alias: bool, descriptor: JsonObject) -> None:
        staging = self.db.staging_folder("restore")
        try:
            self._refuse_existing(classes, overwrite_alias)
            job.status = BackupStatus.TRANSFERRING
            self._transfer_and_verify(job, store, settings, checksum_kind, classes, staging)
            job.status = BackupStatus.TRANSFERRED
            job.check_cancel()
            job.status = BackupStatus.FINALIZING
            self._refuse_existing(classes, overwrite_alias)
            self._restore_access(settings, descriptor)
            for described in classes:
                self.db.restore_collection(staging / described["name"])
                for alias in described.get("aliases") or []:
                    if self.db.replace_alias(alias, described["name"]) is None:
                        self.db.create_alias(alias, described["name"])
            status, error = BackupStatus.SUCCESS, ""
        except Cancelled:
            status, error = BackupStatus.CANCELED, "operation cancelled by user"
        except Exception as exc:  # noqa: BLE001 - any failure is the job's FAILED state, reported by status
            status, error = BackupStatus.FAILED, _message(exc)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        report = job.final_report(status, error)
        try:
            store.put_bytes(job.backup_id, RESTORE_FILE, orjson.dumps(report))
        except Exception:  # noqa: BLE001 - the in-memory status still answers; the data is restored
            pass
        job.finish(report)

    def _restore_access(self, settings: TransferConfig, descriptor: JsonObject) -> None:
        """Database users, then roles and assignments, from the backup in place of the current ones, as Weaviate
        restores them before the classes: each only when the request asked for it ("all"), the backup carries it
        and it is on here (otherwise skipped, as Weaviate skips a disabled subsystem). Both documents are decoded
        before either is applied."""
        chosen: list[tuple[AccessSnapshot, JsonObject | None]] = []
        for section, key, asked in ((self._users, USERS_KEY, settings.restore_users),
                                    (self._roles, ROLES_KEY, settings.restore_roles)):
            if asked and section is not None:
                chosen.append((section, _decode_access(descriptor, key)))
        for section, document in chosen:
            if document is not None:
                section.restore(document)

    def _refuse_existing(self, classes: list[JsonObject], overwrite_alias: bool) -> None:
        """Weaviate fails a restore whose class exists ('could not restore classes: [...]'); an alias in use
        by another collection is refused unless overwriteAlias."""
        problems = [f'"{c["name"]}": class name {c["name"]} already exists' for c in classes
                    if self.db.find_collection(c["name"]) is not None]
        if problems:
            raise InvalidInput(f"could not restore classes: {_go_list(problems)}")
        for described in classes:
            for alias in described.get("aliases") or []:
                found = self.db.find_alias(alias)
                if found is not None and found[1] != described["name"] and not overwrite_alias:
                    raise InvalidInput(f"alias {alias} already exists for class {found[1]}; restore with "
                                       "overwriteAlias to point it at the restored class")

    def _transfer_and_verify(self, job: _Job, store: BackupBackend, settings: TransferConfig, checksum_kind: str,
                             classes: list[JsonObject], staging: Path) -> None:
        """Every file of `classes` fetched into `staging` and checked against the descriptor: a file is checked
        in a thread while the next one downloads; the first file that fails (in descriptor order) fails all."""
        with ThreadPoolExecutor(settings.workers, thread_name_prefix="loomdb-checksum") as pool, \
                ThreadPoolExecutor(1, thread_name_prefix="loomdb-verify") as verifier:
            checks: list[Future[None]] = []
            try:
                for described in classes:
                    name = described["name"]
                    files = described.get("files") or []
                    if not files:
                        raise BackupCorrupted(f"corrupted backup file: class {name} has no files")
                    for file in files:
                        target = self._download(job, store, settings, staging / name, name, file)
                        checks.append(verifier.submit(self._verify, job, checksum_kind, target, name, file, pool,
                                                      settings.workers))
            except BaseException:
                wait(checks)            # no check still reads a file the caller is about to remove
                raise
            for check in checks:
                check.result()

    @staticmethod
    def _download(job: _Job, store: BackupBackend, settings: TransferConfig, folder: Path, name: str,
                  described: JsonObject) -> Path:
        """Fetch one file into the class's staging folder; where it landed."""
        job.check_cancel()
        rel = str(described.get("key", ""))
        target = folder / rel
        if rel.startswith("/") or ".." in Path(rel).parts:
            raise BackupCorrupted(f"corrupted backup file: unexpected file name {rel!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            store.get_file(job.backup_id, f"{name}/{rel}", target, settings.chunk_size)
        except FileNotFoundError:
            raise BackupCorrupted(f"backup {job.backup_id} is incomplete: file {name}/{rel} is missing") from None
        return target

    @staticmethod
    def _verify(job: _Job, checksum_kind: str, target: Path, name: str, described: JsonObject, pool: Executor,
                workers: int) -> None:
        """Check one fetched file against the size and checksum the descriptor recorded."""
        rel = described.get("key")
        size, digest = file_checksum(target, checksum_kind, pool, workers)
        if size != described.get("size") or digest != described.get("checksum"):
            raise BackupCorrupted(f"backup {job.backup_id} is corrupted: file {name}/{rel} has {size} bytes with "
                                  f"checksum {digest}, the backup recorded {described.get('size')} bytes with "
                                  f"checksum {described.get('checksum')}")

    def restore_status(self, principal: Principal | None, backend: str, backup_id: str) -> JsonObject:
        return self._status(principal, backend, backup_id, self._restoring, RESTORE_FILE)

    def cancel_restore(self, principal: Principal | None, backend: str, backup_id: str) -> bool:
        """Stop a running restore before it puts anything in place; False when none runs with that id."""
        self._authorize(principal, perm.DELETE)
        self._backend(backend, "provider")
        job = self._restoring
        if job is None or job.backup_id != backup_id or job.status.finished:
            return False
        if job.status == BackupStatus.FINALIZING:
            raise InvalidInput(f"restore {backup_id} is already finalizing and can no longer be cancelled")
        job.cancel.set()
        return True

    def close(self, timeout: float = 30.0) -> None:
        """Server stop: cancel what runs and wait for it (so no job writes into a closed database)."""
        for job in (self._creating, self._restoring):
            if job is not None and job.thread is not None:
                job.cancel.set()
                job.thread.join(timeout)


def _message(exc: Exception) -> str:
    if isinstance(exc, NameTaken):
        return f'could not restore classes: ["{exc.name}": class name {exc.name} already exists]'
    return exc.message if isinstance(exc, LoomError) else f"{type(exc).__name__}: {exc}"
