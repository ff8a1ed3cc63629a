"""Settings: the only reader of os.environ. Weaviate's environment variable names work unchanged, so a
compose file or manifest written for Weaviate configures loomdb; CLI flags override them."""
from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import config_inventory
from .entities.resource_limits import ResourceLimits

DEFAULT_GRPC_MAX_MESSAGE_SIZE = 104_858_000


def _int_env(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number; unset it or give e.g. {name}={default}") from None


def _bool_env(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on", "enabled")


def _list_env(env: dict[str, str], name: str) -> tuple[str, ...] | None:
    """A comma-separated list (ENABLE_MODULES); None when unset, so "unset" and "empty" stay apart."""
    raw = env.get(name)
    if raw is None:
        return None
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _module_env(env: dict[str, str]) -> dict[str, str]:
    """What modules may read from the environment: API-key fallbacks (OPENAI_APIKEY, COHERE_APIKEY, ...),
    inference URLs (TRANSFORMERS_INFERENCE_API, ...) and the backup backends' settings (BACKUP_FILESYSTEM_PATH,
    BACKUP_S3_*, AWS_* credentials), under Weaviate's names."""
    return {k: v for k, v in env.items() if k.endswith(("_APIKEY", "_INFERENCE_API"))
            or k.startswith(("MODULES_", "BACKUP_", "AWS_"))}


def not_honoured(env: Mapping[str, str]) -> list[str]:
    """One line per Weaviate setting in `env` that asks for something loomdb does not provide: serving without it
    would be silently less than the operator configured, so the server refuses to start (the inventory's REFUSED
    rows)."""
    return list(config_inventory.refused(env))


# Weaviate's LOG_LEVEL names -> Python's logging levels (trace is finer than debug; fatal/panic end the process)
_LOG_LEVELS = {"trace": "DEBUG", "debug": "DEBUG", "info": "INFO", "warning": "WARNING", "warn": "WARNING",
               "error": "ERROR", "fatal": "CRITICAL", "panic": "CRITICAL"}


def _log_level(env: dict[str, str]) -> str:
    raw = (env.get("LOG_LEVEL") or "info").strip().lower()
    if raw not in _LOG_LEVELS:
        raise SystemExit(f"LOG_LEVEL={raw!r} is not one of {', '.join(_LOG_LEVELS)}")
    return _LOG_LEVELS[raw]


def _percentage_env(env: dict[str, str], name: str, default: int) -> int:
    value = _int_env(env, name, default)
    if value < 0:
        raise SystemExit(f"{name}={value} must be a percentage from 0 (off) to 100")
    return value


def _resource_limits(env: dict[str, str]) -> ResourceLimits:
    base = ResourceLimits()
    return ResourceLimits(_percentage_env(env, "DISK_USE_WARNING_PERCENTAGE", base.disk_warning),
                          _percentage_env(env, "DISK_USE_READONLY_PERCENTAGE", base.disk_readonly),
                          _percentage_env(env, "MEMORY_WARNING_PERCENTAGE", base.memory_warning),
                          _percentage_env(env, "MEMORY_READONLY_PERCENTAGE", base.memory_readonly))


def _names_env(env: dict[str, str], *names: str) -> tuple[str, ...]:
    """The first of `names` that is set, as a comma-separated list (Weaviate reads the fallbacks only when unset)."""
    for name in names:
        if name in env:
            return tuple(part.strip() for part in env[name].split(",") if part.strip())
    return ()


@dataclass(frozen=True)
class RbacSettings:
    """AUTHORIZATION_RBAC_ENABLED (or AUTHORIZATION_ENABLE_RBAC) and who holds the built-in roles from the start:
    root users (AUTHORIZATION_RBAC_ROOT_USERS, else AUTHORIZATION_ADMIN_USERS), viewer users, root and viewer
    (read-only) OIDC groups."""

    enabled: bool = False
    root_users: tuple[str, ...] = ()
    viewer_users: tuple[str, ...] = ()
    root_groups: tuple[str, ...] = ()
    viewer_groups: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: dict[str, str]) -> RbacSettings:
        enabled = _bool_env(env, "AUTHORIZATION_ENABLE_RBAC", False) or _bool_env(env, "AUTHORIZATION_RBAC_ENABLED",
                                                                                  False)
        if not enabled:
            return cls()
        return cls(
            enabled=True,
            root_users=_names_env(env, "AUTHORIZATION_RBAC_ROOT_USERS", "AUTHORIZATION_ADMIN_USERS"),
            viewer_users=_names_env(env, "AUTHORIZATION_VIEWER_USERS", "AUTHORIZATION_RBAC_VIEWER_USERS",
                                    "EXPERIMENTAL_AUTHORIZATION_RBAC_READONLY_USERS"),
            root_groups=_names_env(env, "AUTHORIZATION_RBAC_ROOT_GROUPS"),
            viewer_groups=_names_env(env, "AUTHORIZATION_RBAC_READONLY_GROUPS",
                                     "EXPERIMENTAL_AUTHORIZATION_RBAC_READONLY_ROOT_GROUPS"),
        )


@dataclass(frozen=True)
class AuthSettings:
    """Weaviate's AUTHENTICATION_* / AUTHORIZATION_ADMINLIST_* variables (usecases/authn.py, usecases/adminlist.py).
    Anonymous access stays on by default, as loomdb has always served; a compose file that turns it off and
    configures keys gets exactly that."""

    anonymous_access: bool = True
    apikey_enabled: bool = False
    apikey_allowed_keys: tuple[str, ...] = field(default=(), repr=False)     # secrets: never printed
    apikey_users: tuple[str, ...] = ()
    db_users_enabled: bool = False                       # /v1/users/db and their keys
    adminlist_enabled: bool = False
    adminlist_users: tuple[str, ...] = ()
    adminlist_readonly_users: tuple[str, ...] = ()
    adminlist_groups: tuple[str, ...] = ()
    adminlist_readonly_groups: tuple[str, ...] = ()
    oidc_enabled: bool = False
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_username_claim: str = ""
    oidc_groups_claim: str = ""
    oidc_scopes: tuple[str, ...] = ()
    oidc_skip_client_id_check: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str]) -> AuthSettings:
        return cls(
            anonymous_access=_bool_env(env, "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED", True),
            apikey_enabled=_bool_env(env, "AUTHENTICATION_APIKEY_ENABLED", False),
            apikey_allowed_keys=_list_env(env, "AUTHENTICATION_APIKEY_ALLOWED_KEYS") or (),
            apikey_users=_list_env(env, "AUTHENTICATION_APIKEY_USERS") or (),
            db_users_enabled=_bool_env(env, "AUTHENTICATION_DB_USERS_ENABLED", False),
            adminlist_enabled=_bool_env(env, "AUTHORIZATION_ADMINLIST_ENABLED", False),
            adminlist_users=_list_env(env, "AUTHORIZATION_ADMINLIST_USERS") or (),
            adminlist_readonly_users=_list_env(env, "AUTHORIZATION_ADMINLIST_READONLY_USERS") or (),
            adminlist_groups=_list_env(env, "AUTHORIZATION_ADMINLIST_GROUPS") or (),
            adminlist_readonly_groups=_list_env(env, "AUTHORIZATION_ADMINLIST_READONLY_GROUPS") or (),
            oidc_enabled=_bool_env(env, "AUTHENTICATION_OIDC_ENABLED", False),
            oidc_issuer=(env.get("AUTHENTICATION_OIDC_ISSUER") or "").strip(),
            oidc_client_id=(env.get("AUTHENTICATION_OIDC_CLIENT_ID") or "").strip(),
            oidc_username_claim=(env.get("AUTHENTICATION_OIDC_USERNAME_CLAIM") or "").strip(),
            oidc_groups_claim=(env.get("AUTHENTICATION_OIDC_GROUPS_CLAIM") or "").strip(),
            oidc_scopes=_list_env(env, "AUTHENTICATION_OIDC_SCOPES") or (),
            oidc_skip_client_id_check=_bool_env(env, "AUTHENTICATION_OIDC_SKIP_CLIENT_ID_CHECK", False),
        )


@dataclass(frozen=True)
class Settings:
    data_path: Path = Path("loomdb-data")
    host: str = "127.0.0.1"
    port: int = 8080
    grpc_port: int = 50051
    query_defaults_limit: int = 10
    query_maximum_results: int = 10_000
    grpc_max_message_size: int = DEFAULT_GRPC_MAX_MESSAGE_SIZE
    autoschema_enabled: bool = True
    disable_telemetry: bool = True     # accepted for compatibility; loomdb sends no telemetry at all
    objects_ttl_delete_schedule: str = "@every 1h"    # when expired objects are deleted ("" = never)
    enable_modules: tuple[str, ...] | None = None      # ENABLE_MODULES; None = loomdb's bundled default set
    default_vectorizer_module: str = "none"           # DEFAULT_VECTORIZER_MODULE: for classes created without one
    lowercase_vectorization_input: bool = False       # LOWERCASE_VECTORIZATION_INPUT: lower-case embedded text
    module_env: Mapping[str, str] = field(default_factory=dict, hash=False)   # key fallbacks, inference URLs
    not_honoured: tuple[str, ...] = ()      # settings asking for what loomdb lacks: the server refuses to start
    blas_threads: int = 1       # LOOMDB_BLAS_THREADS: BLAS threads of `loomdb serve` (requests already run in parallel)
    cluster_hostname: str = field(default_factory=socket.gethostname)  # CLUSTER_HOSTNAME: the node name; as in
    #                                                   Weaviate, the machine's host name when unset
    metrics_enabled: bool = False       # PROMETHEUS_MONITORING_ENABLED: /metrics on its own port
    metrics_port: int = 2112            # PROMETHEUS_MONITORING_PORT (0 = a free one)
    metrics_group_classes: bool = False     # PROMETHEUS_MONITORING_GROUP: class_name="n/a" on every series
    async_indexing: bool = False    # ASYNC_INDEXING: accepted; loomdb indexes before acknowledging either way
    resource_limits: ResourceLimits = field(default_factory=ResourceLimits)   # DISK_USE_* / MEMORY_* guard
    log_level: str = "INFO"         # LOG_LEVEL (Weaviate's names) as a Python logging level
    rbac: RbacSettings = field(default_factory=RbacSettings)     # AUTHORIZATION_RBAC_*: roles and their holders
    auth: AuthSettings = field(default_factory=AuthSettings)     # authentication and the admin list

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        base = cls()
        return cls(
            data_path=Path(env.get("PERSISTENCE_DATA_PATH") or base.data_path),
            host=env.get("LOOMDB_HOST") or base.host,
            port=_int_env(env, "LOOMDB_PORT", base.port),
            grpc_port=_int_env(env, "GRPC_PORT", base.grpc_port),
            query_defaults_limit=_int_env(env, "QUERY_DEFAULTS_LIMIT", base.query_defaults_limit),
            query_maximum_results=_int_env(env, "QUERY_MAXIMUM_RESULTS", base.query_maximum_results),
            grpc_max_message_size=_int_env(env, "GRPC_MAX_MESSAGE_SIZE", base.grpc_max_message_size),
            autoschema_enabled=_bool_env(env, "AUTOSCHEMA_ENABLED", base.autoschema_enabled),
            disable_telemetry=_bool_env(env, "DISABLE_TELEMETRY", base.disable_telemetry),
            objects_ttl_delete_schedule=env.get("OBJECTS_TTL_DELETE_SCHEDULE", base.objects_ttl_delete_schedule),
            enable_modules=_list_env(env, "ENABLE_MODULES"),
            default_vectorizer_module=(env.get("DEFAULT_VECTORIZER_MODULE") or "").strip()
            or base.default_vectorizer_module,
            lowercase_vectorization_input=_bool_env(env, "LOWERCASE_VECTORIZATION_INPUT",
                                                    base.lowercase_vectorization_input),
            module_env=_module_env(env),
            not_honoured=tuple(not_honoured(env)),
            blas_threads=_int_env(env, "LOOMDB_BLAS_THREADS", base.blas_threads),
            cluster_hostname=(env.get("CLUSTER_HOSTNAME") or "").strip() or base.cluster_hostname,
            metrics_enabled=_bool_env(env, "PROMETHEUS_MONITORING_ENABLED", base.metrics_enabled),
            metrics_port=_int_env(env, "PROMETHEUS_MONITORING_PORT", base.metrics_port),
            metrics_group_classes=_bool_env(env, "PROMETHEUS_MONITORING_GROUP", base.metrics_group_classes),
            async_indexing=_bool_env(env, "ASYNC_INDEXING", base.async_indexing),
            resource_limits=_resource_limits(env),
            log_level=_log_level(env),
            rbac=RbacSettings.from_env(env),
            auth=AuthSettings.from_env(env),
        )

    @classmethod
    def load(cls, config_file: Path | None = None) -> Settings:
        """`loomdb serve`: the environment over Weaviate's YAML config file (a variable set in the environment
        wins over the file's key, as in Weaviate)."""
        if config_file is None:
            return cls.from_env()
        from .config_file import read_config_file
        return cls.from_env({**read_config_file(config_file), **os.environ})

    def with_overrides(self, **changes) -> Settings:
        """Apply CLI flags (None means 'not given')."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
