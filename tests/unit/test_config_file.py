"""Weaviate's YAML config file read as the environment variables it stands for."""
from __future__ import annotations

import pytest

from loomdb.config import Settings
from loomdb.config_file import ConfigFileError, read_config_file

# the shape of Weaviate's own weaviate.conf.yaml (usecases/config/config_handler.go yaml tags)
WEAVIATE_CONFIG = """
---
authentication:
  anonymous_access:
    enabled: true
authorization:
  admin_list:
    enabled: false
query_defaults:
  limit: 20
query_maximum_results: 500
debug: true
persistence:
  dataPath: /var/lib/weaviate
default_vectorizer_module: none
enable_modules: [text2vec-openai, generative-openai]
auto_schema:
  enabled: false
resource_usage:
  disk_use:
    readonly_percentage: 95
async_indexing_enabled: true
"""


def test_weaviate_config_file_becomes_settings(tmp_path, monkeypatch):
    path = tmp_path / "weaviate.conf.yaml"
    path.write_text(WEAVIATE_CONFIG)
    env = read_config_file(path)
    assert env["QUERY_DEFAULTS_LIMIT"] == "20" and env["AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED"] == "true"
    assert env["ENABLE_MODULES"] == "text2vec-openai,generative-openai" and "debug" not in env
    for name in ("QUERY_DEFAULTS_LIMIT", "QUERY_MAXIMUM_RESULTS", "AUTOSCHEMA_ENABLED", "PERSISTENCE_DATA_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QUERY_MAXIMUM_RESULTS", "700")          # the environment wins over the file
    settings = Settings.load(path)
    assert (settings.query_defaults_limit, settings.query_maximum_results) == (20, 700)
    assert not settings.autoschema_enabled and settings.async_indexing and not settings.not_honoured
    assert settings.resource_limits.disk_readonly == 95 and str(settings.data_path) == "/var/lib/weaviate"


def test_unknown_keys_are_refused_by_their_path(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("query_defaults:\n  limit: 5\n  limitt: 6\nmystery: 1\n")
    with pytest.raises(ConfigFileError, match="mystery, query_defaults.limitt: not supported by loomdb"):
        read_config_file(path)


def test_a_key_asking_for_what_loomdb_lacks_is_refused_as_its_variable(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("authentication:\n  apikey:\n    enabled: true\n    allowed_keys: [k1]\n"
                    "origin: https://app.example\n")
    settings = Settings.load(path)
    assert settings.auth.apikey_enabled and settings.auth.apikey_allowed_keys == ("k1",)     # honoured
    assert any(p.startswith("ORIGIN=https://app.example") for p in settings.not_honoured)


def test_broken_yaml_and_empty_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("a: [unclosed\n")
    with pytest.raises(ConfigFileError, match="config file"):
        read_config_file(path)
    path.write_text("")
    assert read_config_file(path) == {}


def test_every_key_stands_for_a_variable_of_the_inventory():
    from loomdb import config_file
    from loomdb.config_inventory import entry
    assert all(entry(env) is not None for env in config_file._KEYS.values() if env is not None)
    assert "| `persistence.dataPath` | `PERSISTENCE_DATA_PATH` |" in config_file.markdown_keys()
