"""Reference writes: Weaviate's validation and wording in the use case, the engine's update_object(s) underneath."""
from __future__ import annotations

import pytest

from loomdb.engine.database import Database
from loomdb.entities.errors import InvalidInput, NotFound
from loomdb.entities.objects import IncomingObject
from loomdb.usecases.objects import ObjectService
from loomdb.usecases.references import ReferenceService

A, B, MISSING = (f"00000000-0000-0000-0000-00000000000{i}" for i in (1, 2, 9))


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path)
    database.create_collection({"class": "Author", "properties": [{"name": "name", "dataType": ["text"]}]})
    database.create_collection({"class": "Book", "properties": [{"name": "title", "dataType": ["text"]},
                                                                {"name": "writtenBy", "dataType": ["Author"]}]})
    objects = ObjectService(database, query_maximum_results=100, autoschema=False)
    objects.insert(None, "Author", IncomingObject(A, {"name": "a"}), {})
    objects.insert(None, "Book", IncomingObject(B, {"title": "b"}), {})
    yield database
    database.close()


def _refs(db, uuid=B):
    return db.collection("Book").get(uuid).properties.get("writtenBy")


def test_single_writes_canonicalise_and_refuse_in_weaviates_words(db):
    refs = ReferenceService(db)
    refs.add(None, "Book", B, "WrittenBy", {"beacon": f"weaviate://localhost/{A}"})      # class autodetected
    assert _refs(db) == [{"beacon": f"weaviate://localhost/Author/{A}"}]
    with pytest.raises(InvalidInput) as info:
        refs.add(None, "Book", B, "writtenBy", {"beacon": f"weaviate://localhost/Author/{MISSING}"})
    assert info.value.message == f"msg:validate existence code:400 err:validate reference: no object with id " \
                                 f"{MISSING} found"
    with pytest.raises(InvalidInput, match="msg:validate inputs code:400 err:property 'title' is not a "):
        refs.add(None, "Book", B, "title", {"beacon": f"weaviate://localhost/Author/{A}"})
    with pytest.raises(NotFound, match=f"source object Book/{MISSING} not found"):
        refs.add(None, "Book", MISSING, "writtenBy", {"beacon": f"weaviate://localhost/Author/{A}"})
    refs.replace(None, "Book", B, "writtenBy", [{"beacon": f"weaviate://localhost/Author/{A}"}] * 2)
    assert len(_refs(db)) == 2
    refs.delete(None, "Book", B, "writtenBy", {"beacon": f"weaviate://localhost/Author/{A}"})   # every occurrence
    assert _refs(db) == []


def test_batch_groups_writes_and_reports_per_item(db):
    items = [{"from": f"weaviate://localhost/Book/{B}/writtenBy", "to": f"weaviate://localhost/Author/{A}"},
             {"from": f"weaviate://localhost/Book/{MISSING}/writtenBy", "to": f"weaviate://localhost/Author/{A}"},
             {"from": f"weaviate://localhost/Nope/{B}/writtenBy", "to": f"weaviate://localhost/Author/{A}"},
             {"from": f"weaviate://localhost/Book/{B}/writtenBy", "to": f"weaviate://localhost/Author/{MISSING}"}]
    assert ReferenceService(db).batch(None, items) == [None, f"source object Book/{MISSING} not found",
                                                 "class Nope does not exist", None]
    assert len(_refs(db)) == 2           # targets are not checked in batches, as in Weaviate


def test_object_writes_validate_reference_values_through_the_use_case(db):
    objects = ObjectService(db, query_maximum_results=100, autoschema=True)
    errors = objects.batch_put(None, [
        (0, "Book", IncomingObject(MISSING, {"writtenBy": [{"beacon": f"weaviate://localhost/{A}"}]})),
        (1, "Book", IncomingObject(B, {"writtenBy": [{"beacon": f"weaviate://localhost/Author/{MISSING}"}]}))], {})
    assert errors == {1: f"invalid cref: 'cref' Book:writtenBy: no object with id {MISSING} found"}
    assert _refs(db, MISSING) == [{"beacon": f"weaviate://localhost/Author/{A}"}]


def test_update_objects_is_one_read_modify_write(db):
    books = db.collection("Book")
    created = books.get(B).created_ms
    outcome = books.update_objects({B: lambda p: {**p, "title": "new"}, MISSING: lambda p: p})
    assert outcome == {B: None}                                   # missing objects are left out
    stored = books.get(B)
    assert stored.properties["title"] == "new" and stored.created_ms == created
    assert books.update_object(MISSING, lambda p: p) is False
