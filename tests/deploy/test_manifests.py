"""The deployment files: Kubernetes manifests valid against the Kubernetes schemas (kubernetes-validate, strict:
no unknown fields), docker-compose.yml well formed, and every variable they set known to loomdb's inventory and
not refused by it. The image itself is built and run by hand (see the Dockerfile), never in the test suite."""
from __future__ import annotations

import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from loomdb import config_inventory

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")      # an older still-supported release and the newest the package ships


def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def _known_and_not_refused(env: dict[str, str]) -> None:
    unknown = [name for name in env if config_inventory.entry(name) is None]
    assert not unknown, f"variables loomdb's inventory does not list: {unknown}"
    assert list(config_inventory.refused(env)) == []


def test_there_are_manifests():
    assert {p.name for p in MANIFESTS} >= {"statefulset.yaml", "services.yaml", "secret.yaml"}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_kubernetes(path, version):
    for doc in _documents(path):
        kubernetes_validate.validate(doc, version, strict=True)       # raises ValidationError with the path


def _statefulset() -> dict:
    return next(d for p in MANIFESTS for d in _documents(p) if d["kind"] == "StatefulSet")


def test_statefulset_runs_loomdb_as_weaviates_chart_does():
    sts = _statefulset()
    pod = sts["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert sts["spec"]["replicas"] == 1 and sts["spec"]["volumeClaimTemplates"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/v1/.well-known/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/v1/.well-known/ready"
    assert {p["containerPort"] for p in container["ports"]} == {8080, 50051, 2112}
    assert pod["terminationGracePeriodSeconds"] >= 30 and pod["securityContext"]["runAsNonRoot"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts["loomdb-data"] == "/var/lib/weaviate"
    env = {e["name"]: e.get("value", "") for e in container["env"]}
    assert env["PERSISTENCE_DATA_PATH"] == "/var/lib/weaviate" and env["LOOMDB_HOST"] == "0.0.0.0"
    secret_refs = {e["name"] for e in container["env"] if "secretKeyRef" in e.get("valueFrom", {})}
    assert "AUTHENTICATION_APIKEY_ALLOWED_KEYS" in secret_refs
    _known_and_not_refused(env)


def test_secret_keys_are_weaviates_variable_names():
    secret = next(d for p in MANIFESTS for d in _documents(p) if d["kind"] == "Secret")
    _known_and_not_refused(dict(secret["stringData"]))


def test_docker_compose_file_is_well_formed():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert set(compose) <= {"services", "volumes", "networks", "secrets", "configs", "name"}
    service = compose["services"]["loomdb"]
    assert "image" in service or "build" in service
    assert all(re.fullmatch(r"\d+:\d+", p) for p in service["ports"])
    named = {v.split(":", 1)[0] for v in service["volumes"] if not v.startswith((".", "/"))}
    assert named <= set(compose.get("volumes") or {})           # every named volume is declared
    environment = service["environment"]
    assert isinstance(environment, dict) and all(isinstance(v, str) for v in environment.values())
    _known_and_not_refused(environment)
    assert "/var/lib/weaviate" in {v.split(":", 1)[1] for v in service["volumes"]}
    assert (ROOT / service["build"]["context"] / "Dockerfile").is_file()


def test_dockerfile_is_slim_non_root_and_listens_everywhere():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER 1000", dockerfile, re.M) and "LOOMDB_HOST=0.0.0.0" in dockerfile
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.\d+-slim", dockerfile, re.M)
    assert 'ENTRYPOINT ["loomdb", "serve"]' in dockerfile       # exec form: loomdb is PID 1 and gets SIGTERM
