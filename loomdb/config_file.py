"""Weaviate's YAML config file (`weaviate --config-file`), read as the environment variables it stands for, so the
file and the environment go through one set of rules (config.py, config_inventory.py): a key asking for what
loomdb lacks is refused exactly as its variable is. A key loomdb does not know is refused by its dotted path."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# dotted key of Weaviate's config file (usecases/config/config_handler.go yaml tags) -> its environment variable;
# None = accepted and meaningless for loomdb (the instance name, Go debug output)
_KEYS: dict[str, str | None] = {
    "name": None,
    "debug": None,
    "query_defaults.limit": "QUERY_DEFAULTS_LIMIT",
    "query_maximum_results": "QUERY_MAXIMUM_RESULTS",
    "query_hybrid_maximum_results": "QUERY_HYBRID_MAXIMUM_RESULTS",
    "query_nested_cross_reference_limit": "QUERY_NESTED_CROSS_REFERENCE_LIMIT",
    "query_cross_reference_depth_limit": "QUERY_CROSS_REFERENCE_DEPTH_LIMIT",
    "contextionary.url": "CONTEXTIONARY_URL",
    "authentication.anonymous_access.enabled": "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED",
    "authentication.apikey.enabled": "AUTHENTICATION_APIKEY_ENABLED",
    "authentication.apikey.allowed_keys": "AUTHENTICATION_APIKEY_ALLOWED_KEYS",
    "authentication.apikey.users": "AUTHENTICATION_APIKEY_USERS",
    "authentication.oidc.enabled": "AUTHENTICATION_OIDC_ENABLED",
    "authentication.oidc.issuer": "AUTHENTICATION_OIDC_ISSUER",
    "authentication.oidc.client_id": "AUTHENTICATION_OIDC_CLIENT_ID",
    "authentication.oidc.username_claim": "AUTHENTICATION_OIDC_USERNAME_CLAIM",
    "authentication.oidc.groups_claim": "AUTHENTICATION_OIDC_GROUPS_CLAIM",
    "authentication.oidc.scopes": "AUTHENTICATION_OIDC_SCOPES",
    "authentication.oidc.skip_client_id_check": "AUTHENTICATION_OIDC_SKIP_CLIENT_ID_CHECK",
    "authentication.oidc.certificate": "AUTHENTICATION_OIDC_CERTIFICATE",
    "authentication.oidc.jwks_url": "AUTHENTICATION_OIDC_JWKS_URL",
    "authentication.db_users.enabled": "AUTHENTICATION_DB_USERS_ENABLED",
    "authorization.admin_list.enabled": "AUTHORIZATION_ADMINLIST_ENABLED",
    "authorization.admin_list.users": "AUTHORIZATION_ADMINLIST_USERS",
    "authorization.admin_list.read_only_users": "AUTHORIZATION_ADMINLIST_READONLY_USERS",
    "authorization.admin_list.groups": "AUTHORIZATION_ADMINLIST_GROUPS",
    "authorization.admin_list.read_only_groups": "AUTHORIZATION_ADMINLIST_READONLY_GROUPS",
    "authorization.rbac.enabled": "AUTHORIZATION_RBAC_ENABLED",
    "authorization.rbac.root_users": "AUTHORIZATION_RBAC_ROOT_USERS",
    "authorization.rbac.root_groups": "AUTHORIZATION_RBAC_ROOT_GROUPS",
    "origin": "ORIGIN",
    "persistence.dataPath": "PERSISTENCE_DATA_PATH",
    "default_vectorizer_module": "DEFAULT_VECTORIZER_MODULE",
    "default_vector_distance_metric": "DEFAULT_VECTOR_DISTANCE_METRIC",
    "default_quantization": "DEFAULT_QUANTIZATION",
    "enable_modules": "ENABLE_MODULES",
    "modules_client_timeout": "MODULES_CLIENT_TIMEOUT",
    "auto_schema.enabled": "AUTOSCHEMA_ENABLED",
    "auto_schema.defaultString": "AUTOSCHEMA_DEFAULT_STRING",
    "auto_schema.defaultNumber": "AUTOSCHEMA_DEFAULT_NUMBER",
    "auto_schema.defaultDate": "AUTOSCHEMA_DEFAULT_DATE",
    "cluster.hostname": "CLUSTER_HOSTNAME",
    "monitoring.enabled": "PROMETHEUS_MONITORING_ENABLED",
    "monitoring.port": "PROMETHEUS_MONITORING_PORT",
    "grpc.port": "GRPC_PORT",
    "resource_usage.disk_use.warning_percentage": "DISK_USE_WARNING_PERCENTAGE",
    "resource_usage.disk_use.readonly_percentage": "DISK_USE_READONLY_PERCENTAGE",
    "resource_usage.mem_use.warning_percentage": "MEMORY_WARNING_PERCENTAGE",
    "resource_usage.mem_use.readonly_percentage": "MEMORY_READONLY_PERCENTAGE",
    "maximum_concurrent_get_requests": "MAXIMUM_CONCURRENT_GET_REQUESTS",
    "disable_graphql": "DISABLE_GRAPHQL",
    "disable_telemetry": "DISABLE_TELEMETRY",
    "async_indexing_enabled": "ASYNC_INDEXING",
    "objects_ttl_delete_schedule": "OBJECTS_TTL_DELETE_SCHEDULE",
}


class ConfigFileError(ValueError):
    """The config file cannot be read, or asks for keys loomdb does not know."""


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(node, dict):
        return {prefix: node}
    flat: dict[str, Any] = {}
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        flat.update(_flatten(value, path))
    return flat


def _as_env_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)


def read_config_file(path: Path) -> dict[str, str]:
    """The environment variables `path` stands for. ConfigFileError on unreadable YAML or unknown keys."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigFileError(f"config file {path}: {exc}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigFileError(f"config file {path}: expected a YAML mapping at the top level")
    flat = _flatten(document)
    unknown = sorted(key for key in flat if key not in _KEYS)
    if unknown:
        raise ConfigFileError(f"config file {path}: {', '.join(unknown)}: not supported by loomdb; remove them "
                              "(the README's configuration section lists the keys loomdb reads)")
    return {env: _as_env_value(flat[key]) for key, env in _KEYS.items() if env is not None and key in flat}


def markdown_keys() -> str:
    """The README's list of config file keys and the variable each stands for."""
    lines = ["| Config file key | Same as |", "|---|---|"]
    lines += [f"| `{key}` | {f'`{env}`' if env else 'accepted, no effect'} |" for key, env in _KEYS.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_keys())

