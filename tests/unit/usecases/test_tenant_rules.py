"""Tenant requests: Weaviate's validation and wording in the use case over the engine's tenant registry."""
from __future__ import annotations

import pytest

from loomdb.engine.database import Database
from loomdb.entities.errors import InvalidInput
from loomdb.usecases.tenants import TenantService, parse_status


@pytest.fixture
def service(tmp_path):
    db = Database(tmp_path)
    db.create_collection({"class": "Mt", "multiTenancyConfig": {"enabled": True}})
    db.create_collection({"class": "Plain"})
    yield TenantService(db)
    db.close()


@pytest.mark.parametrize("given, stored", [(None, "HOT"), ("", "HOT"), ("ACTIVE", "HOT"), ("INACTIVE", "COLD"),
                                           ("OFFLOADED", "FROZEN"), ("COLD", "COLD")])
def test_status_names(given, stored):
    assert parse_status("t", given, allow_empty=True) == stored


def test_requests_are_validated_before_the_engine(service):
    assert service.add("Mt", [("a", None), ("b", "INACTIVE"), ("a", "INACTIVE")]) == [("a", "HOT"), ("b", "COLD")]
    with pytest.raises(InvalidInput, match="tenant name at index 1: tenant name should only contain"):
        service.add("Mt", [("ok", None), ("not ok", None)])
    with pytest.raises(InvalidInput, match="invalid activity status 'WARM' for tenant \"a\""):
        service.update("Mt", [("a", "WARM")])
    with pytest.raises(InvalidInput, match=r"shard not found: \[ghost\]"):
        service.update("Mt", [("b", "ACTIVE"), ("ghost", "ACTIVE")])
    assert service.get("Mt", "b") == "HOT"                         # the known one changed all the same
    with pytest.raises(InvalidInput, match="empty tenant name at index 1"):
        service.delete("Mt", ["a", ""])
    service.delete("Mt", ["a", "never"])
    assert service.states("Mt") == [("b", "HOT")]
    with pytest.raises(InvalidInput, match='multi-tenancy is not enabled for class "Plain"'):
        service.states("Plain")
