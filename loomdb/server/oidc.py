"""OIDC (AUTHENTICATION_OIDC_*): bearer JWTs verified against the issuer's keys, as Weaviate's go-oidc verifier does:
signature by a key of the issuer's JWKS (discovered from <issuer>/.well-known/openid-configuration at start, as
Weaviate refuses to start without it), `iss` equal to the issuer, `exp` in the future, `aud` containing the client
id unless SKIP_CLIENT_ID_CHECK; the user name from USERNAME_CLAIM, groups from GROUPS_CLAIM.

The JWKS is cached and fetched again when a token names an unknown `kid` (key rotation), at most once per
REFRESH_INTERVAL_S so tokens with invented kids cannot make loomdb hammer the issuer. PyJWT (with cryptography)
does the JOSE work: the most used Python JWT library, JWT-only (small surface), with JWK-set support."""
from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from ..entities.errors import Unauthenticated
from ..entities.principal import USER_TYPE_OIDC, Principal

REFRESH_INTERVAL_S = 10.0
_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"]
Fetch = Callable[[str], dict[str, Any]]


def fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as reply:       # noqa: S310 - the operator's configured issuer
        loaded = json.loads(reply.read())
    if not isinstance(loaded, dict):
        raise ValueError(f"{url} did not answer a JSON object")
    return loaded


def discovery_url(issuer: str) -> str:
    """Weaviate's url.JoinPath(issuer, "/.well-known/openid-configuration")."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def config_problems(issuer: str, client_id: str, username_claim: str, skip_client_id_check: bool) -> list[str]:
    """Weaviate's oidc validateConfig wording."""
    problems = []
    if not issuer:
        problems.append("missing required field 'issuer'")
    if not username_claim:
        problems.append("missing required field 'username_claim'")
    if not skip_client_id_check and not client_id:
        problems.append("missing required field 'client_id': either set a client_id or explicitly disable the check "
                        "with 'skip_client_id_check: true'")
    return problems


class OidcTokens:
    """The TokenScheme (usecases/authn.py) of OIDC bearer tokens."""

    def __init__(self, issuer: str, client_id: str, username_claim: str, groups_claim: str = "",
                 skip_client_id_check: bool = False, fetch: Fetch = fetch_json) -> None:
        problems = config_problems(issuer, client_id, username_claim, skip_client_id_check)
        if problems:
            raise ValueError("oidc init: invalid config: " + ", ".join(problems))
        try:
            import jwt
        except ImportError:
            raise ValueError("OIDC authentication needs PyJWT: pip install 'loomdb[oidc]'") from None
        self._jwt = jwt
        self.issuer, self.client_id = issuer, client_id
        self._username_claim, self._groups_claim = username_claim, groups_claim
        self._check_audience = not skip_client_id_check
        self._fetch = fetch
        try:
            self._jwks_uri = str(fetch(discovery_url(issuer))["jwks_uri"])
        except (OSError, ValueError, KeyError) as exc:
            raise ValueError(f"oidc init: could not setup provider: {exc}") from None
        self._lock = threading.Lock()
        self._keys: dict[str | None, Any] = {}
        self._fetched_at = 0.0
        self._refresh()

    def _refresh(self) -> None:
        keys = self._jwt.PyJWKSet.from_dict(self._fetch(self._jwks_uri)).keys
        self._keys = {key.key_id: key for key in keys}
        self._fetched_at = time.monotonic()

    def _key(self, kid: str | None) -> Any:
        key = self._keys.get(kid)
        if key is None and kid is None and len(self._keys) == 1:        # a token without kid, an issuer with one key
            key = next(iter(self._keys.values()))
        if key is None:
            with self._lock:
                if kid not in self._keys and time.monotonic() - self._fetched_at >= REFRESH_INTERVAL_S:
                    try:
                        self._refresh()
                    except (OSError, ValueError, self._jwt.PyJWKSetError) as exc:
                        raise Unauthenticated(f"failed to verify signature: fetching keys {exc}") from None
                key = self._keys.get(kid)
        if key is None:
            raise Unauthenticated("failed to verify signature: failed to verify id token signature")
        return key

    def principal(self, token: str) -> Principal | None:
        jwt = self._jwt
        try:
            key = self._key(jwt.get_unverified_header(token).get("kid"))
            claims = jwt.decode(token, key.key, algorithms=[key.algorithm_name] if key.algorithm_name else _ALGORITHMS,
                                audience=self.client_id if self._check_audience else None, issuer=self.issuer,
                                options={"verify_aud": self._check_audience, "require": ["exp", "iss"]})
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("oidc: token is expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated(f'oidc: expected audience "{self.client_id}" got {_audience(token, jwt)}') from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated(f'oidc: id token issued by a different provider, expected "{self.issuer}"') \
                from None
        except jwt.InvalidSignatureError:
            raise Unauthenticated("failed to verify signature: failed to verify id token signature") from None
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated(f"oidc: malformed jwt: {exc}") from None
        return Principal(self._username(claims), USER_TYPE_OIDC, self._groups(claims))

    def _username(self, claims: dict[str, Any]) -> str:
        if self._username_claim not in claims:
            raise Unauthenticated(f"oidc: token doesn't contain required claim '{self._username_claim}'")
        name = claims[self._username_claim]
        if not isinstance(name, str):
            raise Unauthenticated(f"oidc: claim '{self._username_claim}' is not a string, but {type(name).__name__}")
        return name

    def _groups(self, claims: dict[str, Any]) -> tuple[str, ...]:
        """Groups are optional in OIDC: anything but a list (or one string) means none, as in Weaviate."""
        groups = claims.get(self._groups_claim) if self._groups_claim else None
        if isinstance(groups, str):
            return (groups,)
        if isinstance(groups, list):
            return tuple(g for g in groups if isinstance(g, str))
        return ()


def _audience(token: str, jwt: Any) -> str:
    """The token's audience as Go's %q prints a []string."""
    aud = jwt.decode(token, options={"verify_signature": False}).get("aud")
    return "[" + " ".join(f'"{a}"' for a in ([aud] if isinstance(aud, str) else list(aud or []))) + "]"
