"""Tenants of a multi-tenant collection as /v1/schema/{C}/tenants and gRPC TenantsGet expose them: Weaviate's
request rules and wording (usecases/schema/tenant.go) over the engine's tenant registry and state machine."""
from __future__ import annotations

from ..entities.errors import InvalidInput
from ..entities.tenants import COLD, FROZEN, HOT, validate_names
from .ports import TenantDatabasePort, TenantsPort

TenantStates = list[tuple[str, str]]      # (name, stored state)
TenantRequests = list[tuple[str, object]]  # (name, activity status as sent)

# names a client may send -> the stored state (Weaviate >= 1.26 accepts the new names as aliases)
_SETTABLE = {"HOT": HOT, "ACTIVE": HOT, "COLD": COLD, "INACTIVE": COLD, "FROZEN": FROZEN, "OFFLOADED": FROZEN}


def parse_status(name: str, status: object, allow_empty: bool) -> str:
    """A requested activity status -> the stored one (validateActivityStatuses wording); empty means HOT on
    create."""
    if status in (None, "") and allow_empty:
        return HOT
    found = _SETTABLE.get(status) if isinstance(status, str) else None
    if found is None:
        raise InvalidInput(f"invalid activity status '{status or ''}' for tenant \"{name}\"")
    return found


class TenantService:
    def __init__(self, db: TenantDatabasePort) -> None:
        self.db = db

    def _tenants(self, collection: str) -> TenantsPort:
        found = self.db.collection(collection)
        if found.tenants is None:      # Weaviate's usecases/schema multiTenancy() wording
            raise InvalidInput(f'multi-tenancy is not enabled for class "{found.name}"')
        return found.tenants

    def states(self, collection: str, names: list[str] | None = None) -> TenantStates:
        """(name, state) of every tenant, or of those of `names` that exist."""
        return self._tenants(collection).states(names)

    def get(self, collection: str, tenant: str) -> str | None:
        """The tenant's state, or None when it does not exist."""
        return self._tenants(collection).state(tenant)

    def add(self, collection: str, requested: TenantRequests) -> TenantStates:
        """Create tenants (state defaults to HOT); existing ones are left as they are, as in Weaviate. Returns the
        validated (name, state) list, first mention of a name winning."""
        tenants = self._tenants(collection)
        validate_names([n for n, _ in requested])
        wanted: dict[str, str] = {}
        for name, status in requested:
            wanted.setdefault(name, parse_status(name, status, allow_empty=True))
        tenants.add(wanted)
        return list(wanted.items())

    def update(self, collection: str, requested: TenantRequests) -> TenantStates:
        """Change tenants' states (HOT / COLD / FROZEN). Unknown tenants are reported after the others changed,
        as Weaviate does (`shard not found: [names]`)."""
        tenants = self._tenants(collection)
        validate_names([n for n, _ in requested])
        wanted: dict[str, str] = {}
        for name, status in requested:
            wanted[name] = parse_status(name, status, allow_empty=False)
        missing = tenants.set_states(wanted)
        if missing:
            raise InvalidInput(f"shard not found: [{' '.join(missing)}]")
        return list(wanted.items())

    def delete(self, collection: str, names: list[str]) -> None:
        """Drop tenants and their data; unknown names are ignored, as in Weaviate."""
        tenants = self._tenants(collection)
        for i, name in enumerate(names):
            if not name:
                raise InvalidInput(f"empty tenant name at index {i}")
        tenants.delete(names)
