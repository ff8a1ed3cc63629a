"""Who is asking: the one principal every use case receives, whichever door (REST, gRPC, GraphQL) the request
came through. Authentication (server/auth.py) makes it; authorization (usecases/authz.py) judges it."""
from __future__ import annotations

from dataclasses import dataclass

USER_TYPE_DB = "db"          # a key from AUTHENTICATION_APIKEY_* or a database user (/v1/users/db)
USER_TYPE_OIDC = "oidc"      # a token from the OIDC issuer


@dataclass(frozen=True)
class Principal:
    """An authenticated user. Anonymous requests carry None instead (Weaviate's nil principal)."""

    username: str
    user_type: str = USER_TYPE_DB
    groups: tuple[str, ...] = ()
