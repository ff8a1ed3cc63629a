"""doctor's authentication checks against real `loomdb serve` processes: a key-protected server, and anonymous
access on a server listening on every interface."""
from __future__ import annotations

import pytest

from loomdb.toolkit.doctor_checks import outward_address

KEYED = {"AUTHENTICATION_APIKEY_ENABLED": "true", "AUTHENTICATION_APIKEY_ALLOWED_KEYS": "s3cret",
         "AUTHENTICATION_APIKEY_USERS": "admin", "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "false"}


def _checks(run) -> dict[str, dict]:
    return {f["check"]: f for f in run.json()["findings"]}


def test_missing_key_is_named_and_the_key_from_the_environment_works(cli, server_process, tmp_path, monkeypatch):
    sp = server_process(tmp_path / "d", env=KEYED)
    url = f"http://127.0.0.1:{sp.port}?grpc_port={sp.grpc_port}"
    refused = cli("doctor", url, "--json")
    assert refused.code == 2
    finding = _checks(refused)["auth.rejected"]
    assert finding["severity"] == "HIGH" and "401" in finding["title"] and "--api-key" in finding["action"]
    monkeypatch.setenv("LOOMDB_API_KEY", "s3cret")            # the CLI subprocess inherits it
    accepted = cli("doctor", url, "--json")
    assert accepted.code == 0, accepted.out
    assert accepted.json()["measurements"]["anonymous_access"] is False


@pytest.mark.skipif(outward_address() is None, reason="this machine has no non-loopback address")
def test_anonymous_access_on_every_interface_is_high(cli, server_process, tmp_path):
    sp = server_process(tmp_path / "d", env={"LOOMDB_HOST": "0.0.0.0"})
    run = cli("doctor", f"http://127.0.0.1:{sp.port}?grpc_port={sp.grpc_port}", "--json")
    finding = _checks(run)["auth.anonymous_exposed"]
    assert finding["severity"] == "HIGH" and finding["data"]["exposed_on"] == outward_address()
    assert run.code == 2
