"""Every Weaviate environment variable loomdb knows of, and what it does with each: ONE table that both refuses a
start that asks for something missing and generates the README's table (`python -m loomdb.config_inventory`).

Built from Weaviate's usecases/config/environment.go (plus the variables other packages read: ASYNC_INDEXING,
LOG_LEVEL, GOMEMLIMIT, ...). Three kinds:
- HONOURED: does on loomdb what it does on Weaviate;
- ONE_NODE: accepted; it tunes clustering, replication or Weaviate's Go/LSM internals, which mean nothing for one
  loomdb node, so it changes nothing (a Weaviate manifest carrying it still starts);
- REFUSED: asks for behaviour loomdb does not have; `loomdb serve` refuses to start when it is set to anything but
  the values listed in `accepts` (Weaviate's default, which asks for nothing) or, for a switch, when it is on;
A row whose name ends in `*` covers a family (names listed on their own row take precedence)."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

HONOURED, ONE_NODE, REFUSED = "honoured", "one-node", "refused"
_TRUE = ("1", "true", "yes", "on", "enabled")


@dataclass(frozen=True)
class EnvVar:
    name: str                       # a variable, or a family ending in `*`
    kind: str
    note: str
    accepts: tuple[str, ...] = ()   # REFUSED: values that ask for nothing missing (compared case-insensitively)
    switch: bool = False            # REFUSED: a boolean refused only when on

    def refuses(self, raw: str) -> bool:
        value = raw.strip().lower()
        if self.kind != REFUSED or value == "":
            return False
        if self.switch:
            return value in _TRUE
        return value not in self.accepts

    def matches(self, name: str) -> bool:
        return name.startswith(self.name[:-1]) if self.name.endswith("*") else name == self.name


def _h(name: str, note: str) -> EnvVar:
    return EnvVar(name, HONOURED, note)


def _one(name: str, note: str) -> EnvVar:
    return EnvVar(name, ONE_NODE, note)


def _no(name: str, note: str, *accepts: str) -> EnvVar:
    return EnvVar(name, REFUSED, note, tuple(a.lower() for a in accepts))


def _no_switch(name: str, note: str) -> EnvVar:
    return EnvVar(name, REFUSED, note, switch=True)


INVENTORY: tuple[EnvVar, ...] = (
    # ---- honoured -------------------------------------------------------------------------------------------------
    _h("PERSISTENCE_DATA_PATH", "data directory (`--data` wins)"),
    _h("QUERY_DEFAULTS_LIMIT", "limit of a query that gives none"),
    _h("QUERY_MAXIMUM_RESULTS", "offset + limit cap, Weaviate's error beyond it"),
    _h("GRPC_PORT", "gRPC port (`--grpc-port` wins)"),
    _h("GRPC_MAX_MESSAGE_SIZE", "gRPC message size limit, reported in /v1/meta"),
    _h("AUTOSCHEMA_ENABLED", "auto-schema on writes"),
    _h("DISABLE_TELEMETRY", "accepted; loomdb never sends telemetry"),
    _h("ENABLE_MODULES", "the modules served (loomdb's bundled set when unset)"),
    _h("DEFAULT_VECTORIZER_MODULE", "vectorizer of classes created without one"),
    _h("LOWERCASE_VECTORIZATION_INPUT", "lower-cases the text sent to vectorizers"),
    _h("MODULES_CLIENT_TIMEOUT", "how long one provider call may take (a Go duration, 50s by default)"),
    _h("OBJECTS_TTL_DELETE_SCHEDULE", "when expired objects are deleted"),
    _h("*_APIKEY", "module API keys (OPENAI_APIKEY, COHERE_APIKEY, ...), used when a request sends none"),
    _h("*_INFERENCE_API", "inference URLs of modules (TRANSFORMERS_INFERENCE_API, ...)"),
    _h("ASYNC_INDEXING", "as Weaviate, a `dynamic` vector index can be created only with it on; loomdb indexes "
                         "every write before acknowledging it either way (searchable at once, shards READY, "
                         "vector queue empty)"),
    _h("DISK_USE_WARNING_PERCENTAGE", "logs Weaviate's warning when the data directory's disk passes it (default 80)"),
    _h("DISK_USE_READONLY_PERCENTAGE", "turns every shard READONLY past it (default 90; 0 = off); back to READY "
                                       "when usage drops or with config.update_shards"),
    _h("MEMORY_WARNING_PERCENTAGE", "logs Weaviate's warning when the process's memory passes it (default 80)"),
    _h("MEMORY_READONLY_PERCENTAGE", "turns every shard READONLY past it (default 0 = off); memory = resident "
                                     "size / cgroup limit (or physical memory)"),
    _h("LOG_LEVEL", "trace/debug/info/warning/error/fatal/panic (Python's levels)"),
    _h("LOOMDB_HOST", "loomdb's own: REST and gRPC listen address (default 127.0.0.1; 0.0.0.0 in the image)"),
    _h("LOOMDB_PORT", "loomdb's own: REST port (default 8080)"),
    _h("LOOMDB_BLAS_THREADS", "loomdb's own: BLAS threads of `loomdb serve` (default 1)"),
    # ---- owned by other parts of the configuration ----------------------------------------------------------------
    _h("AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED", "requests without credentials (default on)"),
    _h("AUTHENTICATION_APIKEY_ENABLED", "API keys in `Authorization: Bearer`"),
    _h("AUTHENTICATION_APIKEY_ALLOWED_KEYS", "the accepted keys (compared in constant time, never logged)"),
    _h("AUTHENTICATION_APIKEY_USERS", "the user of each key (one for all, or one per key)"),
    _h("AUTHENTICATION_DB_USERS_ENABLED", "database users (/v1/users/db), keys stored hashed"),
    _h("AUTHENTICATION_OIDC_ENABLED", "OIDC bearer tokens checked against the issuer's keys (`loomdb[oidc]`)"),
    _h("AUTHENTICATION_OIDC_ISSUER", "the issuer whose discovery document and keys are read at start"),
    _h("AUTHENTICATION_OIDC_CLIENT_ID", "the audience tokens must carry"),
    _h("AUTHENTICATION_OIDC_USERNAME_CLAIM", "the claim naming the user"),
    _h("AUTHENTICATION_OIDC_GROUPS_CLAIM", "the claim listing the user's groups"),
    _h("AUTHENTICATION_OIDC_SCOPES", "the scopes the discovery document advertises to clients"),
    _h("AUTHENTICATION_OIDC_SKIP_CLIENT_ID_CHECK", "accept tokens for any audience"),
    _no("AUTHENTICATION_*", "other authentication settings (a custom OIDC certificate or JWKS URL, ...)"),
    _h("AUTHORIZATION_ADMINLIST_ENABLED", "the admin list: listed users may do everything, read-only ones read"),
    _h("AUTHORIZATION_ADMINLIST_USERS", "admins"),
    _h("AUTHORIZATION_ADMINLIST_READONLY_USERS", "read-only users"),
    _h("AUTHORIZATION_ADMINLIST_GROUPS", "admin groups (OIDC)"),
    _h("AUTHORIZATION_ADMINLIST_READONLY_GROUPS", "read-only groups (OIDC)"),
    _h("AUTHORIZATION_RBAC_ENABLED", "RBAC: roles, permissions and assignments (/v1/authz), persisted"),
    _h("AUTHORIZATION_ENABLE_RBAC", "the older name of AUTHORIZATION_RBAC_ENABLED"),
    _h("AUTHORIZATION_RBAC_ROOT_USERS", "users holding the built-in root role"),
    _h("AUTHORIZATION_ADMIN_USERS", "root users when AUTHORIZATION_RBAC_ROOT_USERS is unset"),
    _h("AUTHORIZATION_VIEWER_USERS", "users holding the built-in viewer role"),
    _h("AUTHORIZATION_RBAC_VIEWER_USERS", "the same as AUTHORIZATION_VIEWER_USERS"),
    _h("AUTHORIZATION_RBAC_ROOT_GROUPS", "OIDC groups holding the root role"),
    _h("AUTHORIZATION_RBAC_READONLY_GROUPS", "OIDC groups holding the viewer role"),
    _one("AUTHORIZATION_RBAC_IP_IN_AUDIT_LOG_DISABLED", "loomdb writes no authorization audit log"),
    _no("AUTHORIZATION_*", "other authorization settings"),
    _h("PROMETHEUS_MONITORING_ENABLED", "/metrics with Weaviate's metric names, types and labels"),
    _h("PROMETHEUS_MONITORING_PORT", "the /metrics port (default 2112), on the REST listen address"),
    _h("PROMETHEUS_MONITORING_GROUP", "class_name and shard_name labels collapsed to \"n/a\""),
    _h("CLUSTER_HOSTNAME", "the node name in /v1/nodes, cluster statistics and query profiles (default: the host "
                           "name)"),
    _one("PROMETHEUS_*", "the other metrics switches (which LSM buckets are metered, ...): loomdb has no LSM store"),
    _h("BACKUP_FILESYSTEM_PATH", "backup-filesystem: the directory backups are written to (absolute)"),
    _h("BACKUP_S3_BUCKET", "backup-s3: the bucket (required when backup-s3 is enabled)"),
    _h("BACKUP_S3_ENDPOINT", "backup-s3: the S3 endpoint (default s3.amazonaws.com; any S3-compatible server)"),
    _h("BACKUP_S3_USE_SSL", "backup-s3: https to the endpoint (default true)"),
    _h("BACKUP_S3_PATH", "backup-s3: the key prefix backups go under"),
    _h("AWS_ACCESS_KEY_ID", "backup-s3 credentials (else boto3's usual chain)"),
    _h("AWS_SECRET_ACCESS_KEY", "backup-s3 credentials (else boto3's usual chain)"),
    _h("AWS_REGION", "backup-s3 region (default us-east-1)"),
    _no("BACKUP_*", "other backup settings (backup-gcs, backup-azure, S3 server-side encryption, ...)"),
    # ---- accepted, meaningless on one node ------------------------------------------------------------------------
    _one("CLUSTER_*", "memberlist gossip/data ports, join, advertise address, basic auth: one node has no peers"),
    _one("RAFT_*", "schema consensus between nodes"),
    _one("REPLICATION_*", "replication factor floor, deletion strategy, replication engine workers"),
    _one("ASYNC_REPLICATION_*", "replica repair"),
    _one("REPLICA_MOVEMENT_*", "moving replicas between nodes"),
    _one("FORCE_FULL_REPLICAS_SEARCH", "reads from every replica"),
    _one("FAST_FAILURE_DETECTION", "peer failure detection"),
    _one("MAINTENANCE_NODES", "nodes in maintenance mode"),
    _one("TRANSFER_INACTIVITY_TIMEOUT", "shard transfers between nodes"),
    _one("DISTRIBUTED_TASKS_*", "cluster-wide task scheduling"),
    _one("EXPERIMENTAL_METADATA_SERVER_*", "the metadata-only node role"),
    _one("PERSISTENCE_LSM_*", "LSM store tuning (loomdb stores objects in SQLite)"),
    _one("PERSISTENCE_MEMTABLES_*", "LSM memtables"),
    _one("PERSISTENCE_FLUSH_IDLE_MEMTABLES_AFTER", "LSM memtables"),
    _one("PERSISTENCE_HNSW_*", "HNSW commit logs and snapshots (loomdb snapshots graphs on close)"),
    _one("PERSISTENCE_*", "LSM segment and mmap tuning"),
    _one("HNSW_*", "Go HNSW pools, concurrency and cache warm-up"),
    _one("INDEX_RANGEABLE_IN_MEMORY", "loomdb keeps filter columns in memory anyway"),
    _one("ASYNC_INDEXING_*", "the asynchronous queue loomdb does not need (see ASYNC_INDEXING)"),
    _one("QUEUE_SCHEDULER_INTERVAL", "the asynchronous indexing queue"),
    _one("DISABLE_LAZY_LOAD_SHARDS", "loomdb opens a tenant's shard on first use"),
    _one("MAXIMUM_CONCURRENT_SHARD_LOADS", "shard loading concurrency"),
    _one("MAX_IMPORT_GOROUTINES_FACTOR", "Go import concurrency"),
    _one("REINDEXER_GOROUTINES_FACTOR", "Go reindexing concurrency"),
    _one("REINDEX_*", "LSM format migrations at startup (loomdb's indexes are rebuilt from the store)"),
    _one("RECOUNT_PROPERTIES_AT_STARTUP", "LSM property length migration"),
    _one("INDEX_MISSING_TEXT_FILTERABLE_AT_STARTUP", "LSM migration"),
    _one("TRACK_VECTOR_DIMENSIONS*", "dimension tracking for Weaviate's usage metrics"),
    _one("QUERY_BITMAP_BUFS_*", "Go bitmap buffer pools"),
    _one("INVERTED_SORTER_DISABLED", "Weaviate's query planner choice"),
    _one("REVECTORIZE_CHECK_DISABLED", "an update optimisation"),
    _one("TENANT_ACTIVITY_*", "log levels of tenant activity lines"),
    _one("GO_*", "Go profiling"),
    _one("GOMEMLIMIT", "Go runtime memory limit (loomdb's guard: MEMORY_*_PERCENTAGE)"),
    _one("GOMAXPROCS", "Go runtime threads"),
    _one("LIMIT_RESOURCES", "Go runtime limits (loomdb's guard: MEMORY_*_PERCENTAGE, DISK_USE_*_PERCENTAGE)"),
    _one("LOG_FORMAT", "loomdb logs text lines"),
    _one("SENTRY_*", "error reporting to Weaviate's Sentry (loomdb reports nothing)"),
    _one("CONTEXTIONARY_URL", "loomdb serves text2vec-contextionary with its in-process model"),
    _one("ENABLE_API_BASED_MODULES", "API modules are in loomdb's bundled set"),
    # ---- refused: asks for what loomdb does not have --------------------------------------------------------------
    _no("QUERY_DEFAULTS_LIMIT_GRAPHQL", "a separate GraphQL default limit", "100"),
    _no("QUERY_HYBRID_MAXIMUM_RESULTS", "another hybrid candidate pool size", "100"),
    _no("QUERY_NESTED_CROSS_REFERENCE_LIMIT", "a nested cross-reference limit", "100000"),
    _no("QUERY_CROSS_REFERENCE_DEPTH_LIMIT", "a cross-reference depth limit", "5"),
    _no("MAXIMUM_CONCURRENT_GET_REQUESTS", "a concurrent GET request limit", "0"),
    _no("MAXIMUM_ALLOWED_COLLECTIONS_COUNT", "a collection count limit", "-1"),
    _no("DEFAULT_VECTOR_DISTANCE_METRIC", "another default distance", "cosine"),
    _no("DEFAULT_QUANTIZATION", "default quantization of new collections", "none"),
    _no("AUTOSCHEMA_DEFAULT_STRING", "another auto-schema string type", "text"),
    _no("AUTOSCHEMA_DEFAULT_NUMBER", "another auto-schema number type", "number"),
    _no("AUTOSCHEMA_DEFAULT_DATE", "another auto-schema date type", "date"),
    _no("CORS_ALLOW_ORIGIN", "CORS headers"),
    _no("CORS_ALLOW_METHODS", "CORS headers"),
    _no("CORS_ALLOW_HEADERS", "CORS headers"),
    _no("ORIGIN", "a configured public origin"),
    _no("GRPC_CERT_FILE", "TLS on gRPC"),
    _no("GRPC_KEY_FILE", "TLS on gRPC"),
    _no_switch("DISABLE_GRAPHQL", "turning GraphQL off"),
    _no_switch("QUERY_SLOW_LOG_ENABLED", "the slow query log"),
    _no_switch("RUNTIME_OVERRIDES_ENABLED", "runtime configuration overrides"),
    _no_switch("API_BASED_MODULES_DISABLED", "turning API modules off (list the modules in ENABLE_MODULES)"),
)

_KIND_LABEL = {HONOURED: "honoured", ONE_NODE: "accepted, no effect on one node"}


def entry(name: str) -> EnvVar | None:
    """The row that decides `name`: its own, else the longest family prefix that covers it."""
    exact = [row for row in INVENTORY if row.name == name]
    if exact:
        return exact[0]
    families = [row for row in INVENTORY if row.name.endswith("*") and row.matches(name)]
    suffix_rows = [row for row in INVENTORY if row.name.startswith("*") and name.endswith(row.name[1:])]
    candidates = families + suffix_rows
    return max(candidates, key=lambda row: len(row.name)) if candidates else None


def refused(env: Mapping[str, str]) -> Iterator[str]:
    """One line per variable in `env` that asks for what loomdb does not have."""
    for row in INVENTORY:
        raw = env.get(row.name)
        if raw is not None and row.refuses(raw):
            yield f"{row.name}={raw}: {row.note} is not supported by loomdb"


def _label(row: EnvVar) -> str:
    if row.kind != REFUSED:
        return _KIND_LABEL[row.kind]
    if row.switch:
        return "refused when on"
    return "refused" + (f" unless `{row.accepts[0]}`" if row.accepts else " when set")


def markdown_table() -> str:
    """The README's table of Weaviate's environment variables."""
    lines = ["| Variable | loomdb | Notes |", "|---|---|---|"]
    lines += [f"| `{row.name}` | {_label(row)} | {row.note} |" for row in INVENTORY]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
