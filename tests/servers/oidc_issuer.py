"""A minimal OIDC issuer for tests: serves discovery (/.well-known/openid-configuration) and the JWKS (/jwks) on
127.0.0.1, and signs real RS256 tokens with PyJWT. `rotate()` switches to a new signing key (new kid) and publishes
it, as an issuer rotating keys does; `jwks_fetches` counts how often the JWKS was read."""
from __future__ import annotations

import json
import time
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from .base import LoopbackHttp


class OidcIssuer:
    def __init__(self) -> None:
        self._keys: list[tuple[str, rsa.RSAPrivateKey]] = []
        self.jwks_fetches = 0
        self.rotate()
        self._http = LoopbackHttp(self._handler())

    @property
    def url(self) -> str:
        return self._http.url

    def rotate(self) -> str:
        """A new signing key, published next to the old ones; returns its kid."""
        kid = uuid.uuid4().hex[:12]
        self._keys.append((kid, rsa.generate_private_key(public_exponent=65537, key_size=2048)))
        return kid

    def token(self, subject: str = "oidc-user", *, audience: str | list[str] = "loomdb", groups: list[str] = (),
              expires_in: float = 300, issuer: str | None = None, kid: str | None = None,
              **claims: Any) -> str:
        """A signed ID token; `kid` = a published key's id or an unknown one (signed with the newest key)."""
        current_kid, key = self._keys[-1]
        now = int(time.time())
        body = {"iss": issuer or self.url, "sub": subject, "aud": audience, "iat": now, "exp": now + int(expires_in),
                "email": f"{subject}@example.org", "groups": list(groups), **claims}
        return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid or current_kid})

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, key in self._keys:
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def discovery(self) -> dict[str, Any]:
        return {"issuer": self.url, "jwks_uri": f"{self.url}/jwks", "token_endpoint": f"{self.url}/token",
                "authorization_endpoint": f"{self.url}/authorize", "id_token_signing_alg_values_supported": ["RS256"],
                "grant_types_supported": ["client_credentials"], "response_types_supported": ["id_token"],
                "subject_types_supported": ["public"]}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path == "/.well-known/openid-configuration":
                    self._reply(200, issuer.discovery())
                elif self.path == "/jwks":
                    issuer.jwks_fetches += 1
                    self._reply(200, issuer.jwks())
                else:
                    self._reply(404, {"error": "not found"})

            def _reply(self, status: int, body: Any) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                return None

        return Handler

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OidcIssuer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
