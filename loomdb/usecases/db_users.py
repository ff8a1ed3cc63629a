"""Database users (AUTHENTICATION_DB_USERS_ENABLED, /v1/users/db): Weaviate's rules and wording for create, delete,
activate, deactivate, rotate-key, get and list, and the authentication of their keys.

Keys: 32 random bytes of secret after a 12-byte identifier, base64url-encoded; the identifier finds the user in one
lookup, the secret is checked against its SHA-256 with hmac.compare_digest. Only the hash is stored and the key is
returned once (create, rotate). SHA-256 rather than a slow password hash (Weaviate uses argon2id plus an in-memory
SHA-256): the secret is 256 bits the server generated, not a password a person chose, so a stolen hash cannot be
brute-forced or looked up, while a slow hash would cost milliseconds on every request.

Persisted in <data>/users/db_users.json (atomic replace), so users and keys survive a restart. Role assignment is
the RBAC side's: it reads the users through `exists` / `names` and shows roles through the `roles_of` it gives."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from typing import Any, Protocol

from ..entities import permissions as perm
from ..entities.errors import AlreadyExists, InvalidInput, NotFound, Unauthenticated
from ..entities.principal import USER_TYPE_DB, Principal
from .authz import AllowAll, Authorizer, allowed

NOT_ENABLED = "db user management is not enabled"
_IDENTIFIER_BYTES, _SECRET_BYTES = 12, 32
_KEY_LENGTH = len(base64.urlsafe_b64encode(bytes(_IDENTIFIER_BYTES + _SECRET_BYTES)).rstrip(b"="))
_USER_NAME = re.compile(r"[A-Za-z][-_0-9A-Za-z@.]{0,128}")
_USER_NAME_MAX = 128
DB_USER, DB_ENV_USER = "db_user", "db_env_user"


class RecordsPort(Protocol):
    def load(self) -> dict[str, Any]: ...
    def save(self, records: dict[str, Any]) -> None: ...


class UserExists(AlreadyExists):
    """A create of a name that is taken (Weaviate answers 409)."""


@dataclass(frozen=True)
class DbUser:
    user_id: str
    identifier: str          # hex of the key's identifier part
    key_hash: str            # hex SHA-256 of the key's secret part
    first_letters: str       # the key's first three characters, shown to root users as Weaviate does
    active: bool
    created_at: str          # RFC 3339, UTC
    key_revoked: bool = False


def _rfc3339(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _now() -> str:
    return _rfc3339(time.time())


def _new_key() -> tuple[str, str, str]:
    """(the key shown once, its identifier in hex, the SHA-256 of its secret in hex)."""
    identifier, secret = secrets.token_bytes(_IDENTIFIER_BYTES), secrets.token_bytes(_SECRET_BYTES)
    key = base64.urlsafe_b64encode(identifier + secret).rstrip(b"=").decode()
    return key, identifier.hex(), hashlib.sha256(secret).hexdigest()


def _split_key(token: str) -> tuple[str, bytes] | None:
    if len(token) != _KEY_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        return None
    return raw[:_IDENTIFIER_BYTES].hex(), raw[_IDENTIFIER_BYTES:]


class DbUsers:
    """The /v1/users/db use case and the TokenScheme (usecases/authn.py) of database users' keys."""

    def __init__(self, records: RecordsPort, enabled: bool, static_users: Sequence[str] = (),
                 authz: Authorizer | None = None, is_root: Callable[[Principal | None], bool] = lambda _: False,
                 roles_of: Callable[[str], list[str]] = lambda _: [],
                 forget: Callable[[str], None] = lambda _: None) -> None:
        self._records = records
        self.enabled = enabled
        self._static = tuple(static_users)
        self._authz = authz or AllowAll()
        self._is_root = is_root          # RBAC's root users see key prefixes and the static users
        self._roles_of = roles_of        # RBAC's role assignment, shown in the user info
        self._forget = forget            # RBAC drops a deleted user's role assignments
        self._lock = threading.Lock()
        self._users = {name: DbUser(**fields) for name, fields in records.load().items()}
        self._by_identifier = {u.identifier: u.user_id for u in self._users.values()}
        self._last_used: dict[str, float] = {}

    # ---- authentication (TokenScheme) --------------------------------------------------------------------------
    def principal(self, token: str) -> Principal | None:
        parts = _split_key(token) if self.enabled else None
        if parts is None:
            return None
        user = self._users.get(self._by_identifier.get(parts[0], ""))
        if user is None or not hmac.compare_digest(hashlib.sha256(parts[1]).hexdigest(), user.key_hash):
            return None
        if not user.active:
            raise Unauthenticated("user deactivated")
        if user.key_revoked:
            raise Unauthenticated("key is revoked")
        self._last_used[user.user_id] = time.time()         # formatted only when asked for
        return Principal(user.user_id, USER_TYPE_DB)

    # ---- the seam RBAC reads -----------------------------------------------------------------------------------
    def exists(self, user_id: str) -> bool:
        """A database user or a static (AUTHENTICATION_APIKEY_USERS) user of that name."""
        return user_id in self._users or user_id in self._static

    def names(self) -> list[str]:
        return sorted(self._users)

    # ---- /v1/users/db ------------------------------------------------------------------------------------------
    def create(self, principal: Principal | None, user_id: str) -> str:
        """The new user's key (shown this once)."""
        if len(user_id) > _USER_NAME_MAX:
            raise InvalidInput(f"'{user_id}' is not a valid user name. Name should not be longer than "
                               f"{_USER_NAME_MAX} characters")
        if not _USER_NAME.fullmatch(user_id):
            raise InvalidInput(f"'{user_id}' is not a valid user name")
        self._authz.authorize(principal, perm.CREATE, perm.users(user_id))
        self._require_enabled()
        with self._lock:
            if user_id in self._static or user_id in self._users:
                raise UserExists(f"user '{user_id}' already exists")
            key, identifier, key_hash = self._unused_key()
            self._store(DbUser(user_id, identifier, key_hash, key[:3], True, _now()))
        return key

    def rotate_key(self, principal: Principal | None, user_id: str) -> str:
        """A new key (shown this once); the old one stops working, a revoked key is replaced."""
        self._authz.authorize(principal, perm.UPDATE, perm.users(user_id))
        with self._lock:
            user = self._dynamic(user_id)
            key, identifier, key_hash = self._unused_key()
            self._store(replace(user, identifier=identifier, key_hash=key_hash, first_letters=key[:3],
                                key_revoked=False))
        return key

    def delete(self, principal: Principal | None, user_id: str) -> bool:
        """False when there is no such user (Weaviate: 404)."""
        self._authz.authorize(principal, perm.DELETE, perm.users(user_id))
        with self._lock:
            try:
                self._dynamic(user_id)
            except NotFound:
                return False
            users = dict(self._users)
            del users[user_id]
            self._commit(users)
        self._forget(user_id)
        return True

    def activate(self, principal: Principal | None, user_id: str) -> bool:
        """False when the user is active already (Weaviate: 409); NotFound when there is none."""
        self._authz.authorize(principal, perm.UPDATE, perm.users(user_id))
        return self._set_active(user_id, True, False)

    def deactivate(self, principal: Principal | None, user_id: str, revoke_key: bool) -> bool:
        """False when the user is inactive already (409). `revoke_key`: the key stays dead after activation until
        it is rotated."""
        self._authz.authorize(principal, perm.UPDATE, perm.users(user_id))
        self._require_enabled()
        if principal is not None and principal.username == user_id:
            raise InvalidInput(f"user '{user_id}' cannot self-deactivate")
        return self._set_active(user_id, False, revoke_key)

    def get(self, principal: Principal | None, user_id: str, include_last_used: bool = False
            ) -> dict[str, Any] | None:
        """The user's info, None when there is none (404)."""
        self._authz.authorize(principal, perm.READ, perm.users(user_id))
        self._require_enabled()
        root = self._is_root(principal)
        if root and user_id in self._static:
            return self._info_static(user_id)
        user = self._users.get(user_id)
        return None if user is None else self._info(user, root, include_last_used)

    def list(self, principal: Principal | None, include_last_used: bool = False) -> list[dict[str, Any]]:
        """The users the principal may read; root users also see the static ones. Empty when disabled."""
        if not self.enabled:
            return []
        root = self._is_root(principal)
        found = [self._info(user, root, include_last_used) for name, user in sorted(self._users.items())
                 if allowed(self._authz, principal, perm.READ, perm.users(name))]
        if root:
            found += [self._info_static(name) for name in self._static]
        return found

    # ---- internals ---------------------------------------------------------------------------------------------
    def _require_enabled(self) -> None:
        if not self.enabled:
            raise InvalidInput(NOT_ENABLED)

    def _dynamic(self, user_id: str) -> DbUser:
        """The database user to change (callers hold the lock): Weaviate's refusals in its order."""
        self._require_enabled()
        if user_id in self._static:
            raise InvalidInput(f"user '{user_id}' is static user")
        user = self._users.get(user_id)
        if user is None:
            raise NotFound(f"user '{user_id}' not found")
        return user

    def _set_active(self, user_id: str, active: bool, revoke_key: bool) -> bool:
        with self._lock:
            user = self._dynamic(user_id)
            if user.active == active:
                return False
            self._store(replace(user, active=active, key_revoked=user.key_revoked or revoke_key))
        return True

    # ---- backups ------------------------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Every database user as stored (names, key hashes, states): what a backup carries."""
        return {name: asdict(user) for name, user in self._users.items()}

    def restore(self, records: dict[str, Any]) -> None:
        """A backup's users instead of the current ones, wholly (as Weaviate's restore of its db user snapshot):
        keys issued before the backup work again, keys issued since stop working."""
        users = {name: DbUser(**fields) for name, fields in records.items()}
        with self._lock:
            self._commit(users)

    def _unused_key(self) -> tuple[str, str, str]:
        while True:
            key, identifier, key_hash = _new_key()
            if identifier not in self._by_identifier:
                return key, identifier, key_hash

    def _store(self, user: DbUser) -> None:
        self._commit({**self._users, user.user_id: user})

    def _commit(self, users: dict[str, DbUser]) -> None:
        """Persist first, then swap the maps readers use (authentication reads them without the lock)."""
        self._records.save({name: asdict(user) for name, user in users.items()})
        self._users = users
        self._by_identifier = {u.identifier: u.user_id for u in users.values()}

    def _info(self, user: DbUser, root: bool, include_last_used: bool) -> dict[str, Any]:
        info: dict[str, Any] = {"userId": user.user_id, "roles": self._roles_of(user.user_id),
                                "dbUserType": DB_USER, "active": user.active, "createdAt": user.created_at}
        if root:
            info["apiKeyFirstLetters"] = user.first_letters
        if include_last_used and user.user_id in self._last_used:
            info["lastUsedAt"] = _rfc3339(self._last_used[user.user_id])
        return info

    def _info_static(self, user_id: str) -> dict[str, Any]:
        return {"userId": user_id, "roles": self._roles_of(user_id), "dbUserType": DB_ENV_USER, "active": True}
