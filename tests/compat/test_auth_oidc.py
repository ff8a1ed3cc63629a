"""OIDC (AUTHENTICATION_OIDC_*) against a real local issuer (tests/servers/oidc_issuer.py: discovery, JWKS, RS256
tokens): the official client sends the issuer's tokens, found through /v1/.well-known/openid-configuration; tokens are
checked for signature, issuer, audience and expiry; the user name and groups come from the configured claims (the
admin list sees both); a rotated signing key is fetched on its first unknown kid, and only so often."""
from __future__ import annotations

import time
from collections.abc import Iterator

import grpc
import httpx
import jwt
import pytest
import weaviate
from cryptography.hazmat.primitives.asymmetric import rsa
from weaviate.classes.init import Auth
from weaviate.exceptions import InsufficientPermissionsError
from weaviate.proto.v1 import search_get_pb2, weaviate_pb2_grpc

import loomdb
import loomdb.server.oidc
from loomdb.config import AuthSettings
from servers.oidc_issuer import OidcIssuer

pytestmark = pytest.mark.loomdb_only("starts its own loomdb and OIDC issuer")


@pytest.fixture(scope="module")
def issuer() -> Iterator[OidcIssuer]:
    with OidcIssuer() as started:
        yield started


@pytest.fixture(scope="module")
def server(issuer, tmp_path_factory) -> Iterator[loomdb.embedded.LoomServer]:
    srv = loomdb.start_embedded(tmp_path_factory.mktemp("oidc-data"), auth=AuthSettings(
        anonymous_access=False, oidc_enabled=True, oidc_issuer=issuer.url, oidc_client_id="loomdb",
        oidc_username_claim="email", oidc_groups_claim="groups", oidc_scopes=("openid", "email"),
        apikey_enabled=True, apikey_allowed_keys=("static-key",), apikey_users=("ops@example.org",),
        adminlist_enabled=True, adminlist_users=("ops@example.org",), adminlist_groups=("admins",),
        adminlist_readonly_users=("viewer@example.org",)))
    yield srv
    srv.stop()


def _connect(srv, token: str) -> weaviate.WeaviateClient:
    """The client sending the token as its `Authorization` header on REST and as gRPC metadata."""
    return weaviate.connect_to_local(host="127.0.0.1", port=srv.rest_port, grpc_port=srv.grpc_port,
                                     headers={"Authorization": f"Bearer {token}"}, skip_init_checks=True)


def _status(srv, token: str) -> tuple[int, dict]:
    reply = httpx.get(f"http://127.0.0.1:{srv.rest_port}/v1/schema", headers={"Authorization": f"Bearer {token}"})
    return reply.status_code, reply.json()


def test_openid_configuration_points_the_client_at_the_issuer(server, issuer):
    reply = httpx.get(f"http://127.0.0.1:{server.rest_port}/v1/.well-known/openid-configuration")
    assert reply.status_code == 200
    assert reply.json() == {"href": f"{issuer.url}/.well-known/openid-configuration", "clientId": "loomdb",
                            "scopes": ["openid", "email"]}


def test_the_clients_discovery_chain_reaches_the_token_endpoint(server, issuer):
    """What Auth.bearer_token does before it sends the token (connect/authentication.py): the openid-configuration,
    then its href, which must name a token_endpoint. (The flow itself cannot run here: weaviate-client 4.24.1
    hands authlib's httpx-0.28 OAuth2Client its httpx2 transports, which fail on the first request with
    "TypeError: 'Timeout' object cannot be interpreted as an integer", whatever the server.)"""
    config = httpx.get(f"http://127.0.0.1:{server.rest_port}/v1/.well-known/openid-configuration").json()
    assert httpx.get(config["href"]).json()["token_endpoint"] == f"{issuer.url}/token"


def test_group_admin_and_read_only_user_through_the_client(server, issuer):
    with _connect(server, issuer.token("ada", groups=["admins"])) as ada:        # admin through her group
        ada.collections.delete("OidcNotes")
        notes = ada.collections.create("OidcNotes")
        notes.data.insert_many([{"text": "one"}, {"text": "two"}])
        assert len(notes.query.fetch_objects().objects) == 2                    # gRPC with the bearer token
    with _connect(server, issuer.token("viewer")) as viewer:
        assert len(viewer.collections.get("OidcNotes").query.fetch_objects().objects) == 2
        with pytest.raises(InsufficientPermissionsError) as refused:
            viewer.collections.get("OidcNotes").data.insert({"text": "three"})
        assert "user 'viewer@example.org' has insufficient permissions to C" in str(refused.value)
    with _connect(server, issuer.token("mallory", groups=["staff", "guests"])) as mallory:
        with pytest.raises(InsufficientPermissionsError) as refused:
            mallory.collections.get("OidcNotes").query.fetch_objects()
        assert "user 'mallory@example.org' (of groups 'staff', 'guests') has insufficient permissions" in \
            str(refused.value)


def test_static_api_key_next_to_oidc(server):
    with weaviate.connect_to_local(host="127.0.0.1", port=server.rest_port, grpc_port=server.grpc_port,
                                   auth_credentials=Auth.api_key("static-key"), skip_init_checks=True) as ops:
        assert isinstance(ops.collections.list_all(), dict)


def _forged(issuer: OidcIssuer) -> str:
    """Well-formed claims under the issuer's published kid, signed with a key that is not the issuer's."""
    now = int(time.time())
    claims = {"iss": issuer.url, "sub": "ada", "aud": "loomdb", "exp": now + 300, "email": "ada@example.org"}
    return jwt.encode(claims, rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256",
                      headers={"kid": issuer.jwks()["keys"][-1]["kid"]})


def _tampered(token: str) -> str:
    """One character of the signature changed."""
    return token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:]


@pytest.mark.parametrize("make, message", [
    (lambda i: i.token("ada", expires_in=-60), "oidc: token is expired"),
    (lambda i: i.token("ada", audience="someone-else"), 'oidc: expected audience "loomdb" got ["someone-else"]'),
    (lambda i: i.token("ada", issuer="http://evil.example"), "oidc: id token issued by a different provider"),
    (_forged, "failed to verify signature"),
    (lambda i: _tampered(i.token("ada")), "failed to verify signature"),
    (lambda i: "a.b.c", "oidc: malformed jwt"),
])
def test_invalid_tokens_are_refused(server, issuer, make, message):
    status, body = _status(server, make(issuer))
    assert status == 401 and body["code"] == 401 and body["message"].startswith(message)


def test_grpc_refuses_an_invalid_token(server, issuer):
    with grpc.insecure_channel(f"127.0.0.1:{server.grpc_port}") as channel:
        with pytest.raises(grpc.RpcError) as refused:
            weaviate_pb2_grpc.WeaviateStub(channel).Search(
                search_get_pb2.SearchRequest(collection="OidcNotes", uses_123_api=True, uses_125_api=True,
                                             uses_127_api=True),
                metadata=(("authorization", f"Bearer {issuer.token('ada', expires_in=-60)}"),))
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_rotated_key_is_fetched_once_and_unknown_kids_do_not_flood_the_issuer(server, issuer, monkeypatch):
    monkeypatch.setattr(loomdb.server.oidc, "REFRESH_INTERVAL_S", 0.0)
    before = issuer.jwks_fetches
    issuer.rotate()
    assert _status(server, issuer.token("ada", groups=["admins"]))[0] == 200       # new kid: JWKS fetched again
    assert _status(server, issuer.token("ada", groups=["admins"]))[0] == 200       # cached now
    assert issuer.jwks_fetches == before + 1
    monkeypatch.setattr(loomdb.server.oidc, "REFRESH_INTERVAL_S", 3600.0)
    for n in range(5):
        assert _status(server, issuer.token("ada", kid=f"invented-{n}"))[0] == 401
    assert issuer.jwks_fetches == before + 1


def test_misconfigured_oidc_refuses_to_start(tmp_path, issuer):
    with pytest.raises(ValueError, match="missing required field 'username_claim', missing required field "
                                         "'client_id'"):
        loomdb.start_embedded(tmp_path, auth=AuthSettings(oidc_enabled=True, oidc_issuer=issuer.url))
    with pytest.raises(ValueError, match="oidc init: could not setup provider"):
        loomdb.start_embedded(tmp_path, auth=AuthSettings(oidc_enabled=True, oidc_issuer="http://127.0.0.1:9",
                                                         oidc_username_claim="sub", oidc_skip_client_id_check=True))
