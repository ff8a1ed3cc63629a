"""Object time-to-live (objectTtlConfig, Configure.ObjectTTL / Reconfigure.ObjectTTL): accepted on create and
update with Weaviate 1.36's rules and texts, returned by config.get, expired objects hidden from searches when
filterExpiredObjects is set, and deleted in the background (OBJECTS_TTL_DELETE_SCHEDULE) through the ordinary
delete path."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from weaviate.classes.config import Configure, DataType, Property, Reconfigure
from weaviate.classes.query import Filter
from weaviate.exceptions import UnexpectedStatusCodeError

import loomdb

NOW = dt.datetime.now(dt.timezone.utc)
DATE_PROPS = [Property(name="name", data_type=DataType.TEXT), Property(name="expires", data_type=DataType.DATE)]


def _refused(call, text: str) -> None:
    with pytest.raises(UnexpectedStatusCodeError) as err:
        call()
    assert err.value.status_code == 422
    assert text in err.value.message


def test_creation_time_enables_timestamps_and_reads_back(collection_factory):
    col = collection_factory(properties=DATE_PROPS, object_ttl_config=Configure.ObjectTTL.delete_by_creation_time(
        dt.timedelta(hours=1), filter_expired_objects=True))
    cfg = col.config.get()
    assert cfg.inverted_index_config.index_timestamps is True     # turned on for the TTL, as Weaviate does
    ttl = cfg.object_ttl_config
    assert ttl.enabled and ttl.delete_on == "creationTime" and ttl.filter_expired_objects is True
    assert ttl.time_to_live == dt.timedelta(hours=1)


def test_date_property_reads_back(collection_factory):
    col = collection_factory(properties=DATE_PROPS, object_ttl_config=Configure.ObjectTTL.delete_by_date_property(
        "expires", ttl_offset=-30))
    ttl = col.config.get().object_ttl_config
    assert ttl.delete_on == "expires" and ttl.time_to_live == dt.timedelta(seconds=-30)
    assert ttl.filter_expired_objects is False
    assert col.config.get().inverted_index_config.index_timestamps is False


def test_no_ttl_reads_back_none(collection_factory):
    assert collection_factory(properties=DATE_PROPS).config.get().object_ttl_config is None


def test_create_refusals(client, collection_name):
    def create(ttl, props=DATE_PROPS):
        return lambda: client.collections.create(collection_name, properties=props, object_ttl_config=ttl)
    try:
        _refused(create(Configure.ObjectTTL.delete_by_update_time(30)),
                 'ObjectTTLConfig: defaultTtl value too small for "deleteOn"="_lastUpdateTimeUnix". Required minimum '
                 '"60" seconds, given "30" seconds')
        _refused(create(Configure.ObjectTTL.delete_by_date_property("nope")),
                 'ObjectTTLConfig: property "nope" set as "deleteOn" not found among collection properties')
        _refused(create(Configure.ObjectTTL.delete_by_date_property("name")),
                 'ObjectTTLConfig: property "name" set as "deleteOn" should have "date" data type, "text" given')
        unindexed = [Property(name="expires", data_type=DataType.DATE, index_filterable=False)]
        _refused(create(Configure.ObjectTTL.delete_by_date_property("expires"), unindexed),
                 'ObjectTTLConfig: property "expires" set as "deleteOn" should have filterable or rangeable index '
                 'enabled')
        assert not client.collections.exists(collection_name)
    finally:
        client.collections.delete(collection_name)


def test_update_enables_changes_and_disables(collection_factory):
    col = collection_factory(properties=DATE_PROPS)
    col.config.update(object_ttl_config=Reconfigure.ObjectTTL.delete_by_date_property("expires", ttl_offset=60))
    assert col.config.get().object_ttl_config.delete_on == "expires"
    # ttl_offset given: weaviate-client 4.23 sends 0 for an omitted offset (4.24 leaves the stored one)
    col.config.update(object_ttl_config=Reconfigure.ObjectTTL.delete_by_date_property(
        ttl_offset=60, filter_expired_objects=True))
    ttl = col.config.get().object_ttl_config
    assert ttl.filter_expired_objects is True and ttl.time_to_live == dt.timedelta(seconds=60)
    col.config.update(object_ttl_config=Reconfigure.ObjectTTL.disable())
    assert col.config.get().object_ttl_config is None


def test_update_needs_indexed_timestamps(collection_factory):
    col = collection_factory(properties=DATE_PROPS)
    _refused(lambda: col.config.update(object_ttl_config=Reconfigure.ObjectTTL.delete_by_creation_time(3600)),
             'ObjectTTLConfig: "deleteOn"="_creationTimeUnix" requires indexed timestamps. Enable '
             '"invertedIndexConfig.indexTimestamps"')


def _fill(col) -> None:
    """5 expired objects, 6 not expired, 1 without the date (never expires)."""
    col.data.insert_many([{"name": "old", "expires": NOW - dt.timedelta(hours=1)}] * 5
                         + [{"name": "new", "expires": NOW + dt.timedelta(hours=1)}] * 6 + [{"name": "undated"}])


@pytest.mark.parametrize("filter_expired, offset, expected", [
    (True, dt.timedelta(hours=2), 11), (True, dt.timedelta(0), 6), (True, dt.timedelta(hours=-2), 0),
    (False, dt.timedelta(hours=-2), 11)])
def test_filter_expired_objects(collection_factory, filter_expired, offset, expected):
    # the scenario of weaviate-python-client's integration test (test_collection_object_ttl.py)
    col = collection_factory(properties=DATE_PROPS, object_ttl_config=Configure.ObjectTTL.delete_by_date_property(
        "expires", ttl_offset=offset, filter_expired_objects=filter_expired))
    _fill(col)
    assert len(col.query.fetch_objects(limit=100).objects) == expected + 1
    assert len(col.query.bm25("old new undated", limit=100).objects) == expected + 1
    assert len(col) == 12            # aggregations still count them until they are deleted


@pytest.fixture(scope="module")
def sweeping():
    """A loomdb of its own whose TTL deletion runs every second."""
    client = loomdb.connect_embedded(objects_ttl_delete_schedule="@every 1s")
    yield client
    client.close()


def _wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.loomdb_only("starts its own loomdb with a 1 s deletion schedule")
def test_background_deletion(sweeping):
    col = sweeping.collections.create(
        "Expiring", properties=DATE_PROPS, vector_config=Configure.Vectors.self_provided(),
        object_ttl_config=Configure.ObjectTTL.delete_by_date_property("expires"))
    with col.batch.fixed_size(100) as batch:
        for i in range(12):
            expires = NOW + (dt.timedelta(hours=-1) if i < 5 else dt.timedelta(hours=1))
            batch.add_object({"name": "old" if i < 5 else "new", "expires": expires} if i < 11 else {"name": "n"},
                             vector=[1.0, float(i)])
    _wait_for(lambda: len(col) == 7)
    # gone from every index: filters, keyword search, vector search
    assert col.query.fetch_objects(filters=Filter.by_property("name").equal("old")).objects == []
    assert col.query.bm25("old").objects == []
    assert {o.properties["name"] for o in col.query.near_vector([1.0, 0.0], limit=20).objects} == {"new", "n"}


@pytest.mark.loomdb_only("starts its own loomdb with a 1 s deletion schedule")
def test_background_deletion_on_update_time(sweeping):
    col = sweeping.collections.create("ByUpdate", properties=DATE_PROPS,
                                      object_ttl_config=Configure.ObjectTTL.delete_by_update_time(60))
    col.data.insert({"name": "a"})
    server = sweeping.loomdb_server
    from loomdb.engine.ttl_sweep import sweep
    in_a_minute = int(time.time() * 1000) + 61_000
    assert sweep(server.db.collections(), in_a_minute - 2_000) == 0
    assert sweep(server.db.collections(), in_a_minute) == 1
    assert len(col) == 0
