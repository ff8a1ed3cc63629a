"""Cross-references through the official client: writes (insert, insert_many, reference_add/add_many/replace/
delete, batch), reads (return_references nested, metadata, multi-target), filters (by_ref, by_ref_count,
by_ref_multi_target), no dangling results after a target is deleted, and Weaviate's errors."""
from __future__ import annotations

import uuid as uuid_mod

import pytest
from weaviate.classes.config import DataType, Property, ReferenceProperty
from weaviate.classes.data import DataObject, DataReference
from weaviate.classes.query import Filter, MetadataQuery, QueryReference
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateQueryError

TEXT = DataType.TEXT


@pytest.fixture
def library(collection_factory):
    """Publisher <- Author <- Book (single target), plus Book.about -> Author | Publisher (multi target)."""
    publisher = collection_factory("Publisher", properties=[Property(name="name", data_type=TEXT)])
    author = collection_factory("Author", properties=[Property(name="name", data_type=TEXT),
                                                      Property(name="born", data_type=DataType.INT)],
                                references=[ReferenceProperty(name="publisher", target_collection=publisher.name)])
    book = collection_factory("Book", properties=[Property(name="title", data_type=TEXT)],
                              references=[ReferenceProperty(name="by", target_collection=author.name),
                                          ReferenceProperty.MultiTarget(
                                              name="about", target_collections=[author.name, publisher.name])])
    p1 = publisher.data.insert({"name": "Penguin"})
    p2 = publisher.data.insert({"name": "Faber"})
    a1 = author.data.insert({"name": "Ada", "born": 1815}, references={"publisher": p1})
    a2 = author.data.insert({"name": "Alan", "born": 1912}, references={"publisher": p2})
    return publisher, author, book, (p1, p2), (a1, a2)


def _names(obj, prop):
    return sorted(o.properties["name"] for o in obj.references[prop].objects) if prop in obj.references else []


def test_single_target_insert_and_nested_query(library):
    publisher, author, book, (p1, p2), (a1, a2) = library
    b1 = book.data.insert({"title": "Notes"}, references={"by": [a1, a2]})
    res = book.query.fetch_object_by_id(b1, return_references=[
        QueryReference(link_on="by", return_properties=["name"], return_metadata=MetadataQuery(creation_time=True),
                       return_references=QueryReference(link_on="publisher", return_properties=["name"]))])
    assert res.properties == {"title": "Notes"}          # the reference is not a plain property
    authors = {o.properties["name"]: o for o in res.references["by"].objects}
    assert set(authors) == {"Ada", "Alan"}
    ada = authors["Ada"]
    assert ada.uuid == a1 and ada.collection == author.name and ada.properties == {"name": "Ada"}
    assert ada.metadata.creation_time is not None
    assert ada.references["publisher"].objects[0].properties == {"name": "Penguin"}
    assert authors["Alan"].references["publisher"].objects[0].uuid == p2


def test_rest_get_shows_canonical_beacons(library, rest):
    _, author, book, _, (a1, _) = library
    b = book.data.insert({"title": "x"}, references={"by": a1})
    body = rest.get(f"/v1/objects/{book.name}/{b}").json()
    assert body["properties"]["by"] == [{"beacon": f"weaviate://localhost/{author.name}/{a1}"}]


def test_insert_many_single_and_multi_target_and_refs_requested_flag(library):
    from weaviate.collections.classes.internal import ReferenceToMulti
    publisher, author, book, (p1, p2), (a1, a2) = library
    res = book.data.insert_many([
        DataObject(properties={"title": "one"}, references={"by": a1}),
        DataObject(properties={"title": "two"},
                   references={"about": ReferenceToMulti(target_collection=publisher.name, uuids=[p1, p2])}),
        DataObject(properties={"title": "three"}),
    ])
    assert not res.has_errors
    out = book.query.fetch_objects(return_references=[QueryReference(link_on="by", return_properties=["name"])])
    by_title = {o.properties["title"]: o for o in out.objects}
    assert _names(by_title["one"], "by") == ["Ada"]
    assert by_title["three"].references == {}           # requested, none stored
    multi = book.query.fetch_objects(
        filters=Filter.by_property("title").equal("two"),
        return_references=[QueryReference.MultiTarget(link_on="about", target_collection=publisher.name,
                                                      return_properties=["name"]),
                           QueryReference.MultiTarget(link_on="about", target_collection=author.name)])
    assert _names(multi.objects[0], "about") == ["Faber", "Penguin"]
    assert {o.collection for o in multi.objects[0].references["about"].objects} == {publisher.name}


def test_reference_add_replace_delete_and_add_many(library, rest):
    publisher, author, book, (p1, p2), (a1, a2) = library
    b = book.data.insert({"title": "x"})
    book.data.reference_add(from_uuid=b, from_property="by", to=a1)
    book.data.reference_add(from_uuid=b, from_property="about", to=_multi(publisher.name, p2))
    q = [QueryReference(link_on="by", return_properties=["name"]),
         QueryReference.MultiTarget(link_on="about", target_collection=publisher.name, return_properties=["name"])]
    obj = book.query.fetch_object_by_id(b, return_references=q)
    assert _names(obj, "by") == ["Ada"] and _names(obj, "about") == ["Faber"]
    book.data.reference_replace(from_uuid=b, from_property="by", to=[a2])
    assert _names(book.query.fetch_object_by_id(b, return_references=q), "by") == ["Alan"]
    book.data.reference_delete(from_uuid=b, from_property="by", to=a2)
    assert "by" not in book.query.fetch_object_by_id(b, return_references=q).references or \
        _names(book.query.fetch_object_by_id(b, return_references=q), "by") == []
    res = book.data.reference_add_many([DataReference(from_uuid=b, from_property="by", to_uuid=a1),
                                        DataReference(from_uuid=b, from_property="by", to_uuid=a2),
                                        DataReference(from_uuid=b, from_property="nope", to_uuid=a2)])
    assert list(res.errors) == [2]
    assert res.errors[2].message == "property nope does not exist for class " + book.name
    assert _names(book.query.fetch_object_by_id(b, return_references=q), "by") == ["Ada", "Alan"]
    # raw shape of /v1/batch/references: ordered list of per-item results
    r = rest.post("/v1/batch/references", json=[
        {"from": f"weaviate://localhost/{book.name}/{b}/by", "to": f"weaviate://localhost/{a1}"},
        {"from": f"weaviate://localhost/Missing/{b}/by", "to": f"weaviate://localhost/{a1}"},
        {"from": "weaviate://localhost/x", "to": "weaviate://localhost/not-a-uuid"}])
    assert r.status_code == 200
    body = r.json()
    assert [e["result"]["status"] for e in body] == ["SUCCESS", "FAILED", "FAILED"]
    assert body[1]["result"]["errors"]["error"][0]["message"] == "class Missing does not exist"
    assert body[2]["result"]["errors"]["error"][0]["message"].startswith("invalid cref URI: must use long-form")
    assert body[0]["from"].endswith("/by")


def _multi(target, uuids):
    from weaviate.collections.classes.internal import ReferenceToMulti
    return ReferenceToMulti(target_collection=target, uuids=uuids)


def test_batch_context_references(library):
    publisher, author, book, (p1, p2), (a1, a2) = library
    b = book.data.insert({"title": "batched"})
    with book.batch.fixed_size(batch_size=10) as batch:
        batch.add_reference(from_uuid=b, from_property="by", to=a2)
        batch.add_object(properties={"title": "also"}, references={"by": a1})
    assert not book.batch.failed_references and not book.batch.failed_objects
    res = book.query.fetch_objects(return_references=QueryReference(link_on="by", return_properties=["name"]))
    assert {o.properties["title"]: _names(o, "by") for o in res.objects} == {"batched": ["Alan"], "also": ["Ada"]}


def test_filters_by_ref_count_and_multi_target(library):
    publisher, author, book, (p1, p2), (a1, a2) = library
    for title, refs in {"none": None, "ada": {"by": a1}, "both": {"by": [a1, a2]},
                        "pub": {"about": _multi(publisher.name, p1)}}.items():
        book.data.insert({"title": title}, references=refs)

    def titles(flt):
        return sorted(o.properties["title"] for o in book.query.fetch_objects(filters=flt, limit=50).objects)

    assert titles(Filter.by_ref("by").by_property("name").equal("Alan")) == ["both"]
    assert titles(Filter.by_ref("by").by_property("born").less_than(1900)) == ["ada", "both"]
    assert titles(Filter.by_ref("by").by_id().equal(a1)) == ["ada", "both"]
    # two hops: books whose author's publisher is Faber
    assert titles(Filter.by_ref("by").by_ref("publisher").by_property("name").equal("Faber")) == ["both"]
    assert titles(Filter.by_ref_count("by").equal(0)) == ["none", "pub"]
    assert titles(Filter.by_ref_count("by").greater_than(1)) == ["both"]
    assert titles(Filter.by_ref_count("by").greater_or_equal(1)) == ["ada", "both"]
    assert titles(Filter.by_ref_multi_target("about", publisher.name).by_property("name").equal("Penguin")) \
        == ["pub"]
    assert titles(Filter.by_ref_multi_target("about", author.name).by_property("name").equal("Penguin")) == []
    combined = Filter.by_ref("by").by_property("name").equal("Ada") & Filter.by_ref_count("by").less_than(2)
    assert titles(combined) == ["ada"]
    assert len(book.query.fetch_objects(filters=Filter.by_ref("by").by_property("name").equal("Ada")).objects) == 2
    agg = book.aggregate.over_all(filters=Filter.by_ref("by").by_property("name").equal("Ada"), total_count=True)
    assert agg.total_count == 2
    with pytest.raises(WeaviateQueryError) as err:
        book.query.fetch_objects(filters=Filter.by_ref("nope").by_property("name").equal("x"))
    assert "no such prop with name 'nope'" in str(err.value)


def test_deleted_target_leaves_no_dangling_result(library):
    publisher, author, book, (p1, p2), (a1, a2) = library
    b = book.data.insert({"title": "t"}, references={"by": [a1, a2]})
    author.data.delete_by_id(a2)
    obj = book.query.fetch_object_by_id(b, return_references=QueryReference(link_on="by"))
    assert [o.uuid for o in obj.references["by"].objects] == [a1]
    assert book.query.fetch_objects(filters=Filter.by_ref("by").by_property("name").equal("Alan")).objects == []
    author.data.delete_by_id(a1)
    obj = book.query.fetch_object_by_id(b, return_references=QueryReference(link_on="by"))
    assert obj.references.get("by") is None or obj.references["by"].objects == []


def test_add_reference_later_via_config(collection_factory):
    target = collection_factory("Target", properties=[Property(name="name", data_type=TEXT)])
    source = collection_factory("Source", properties=[Property(name="title", data_type=TEXT)])
    t = target.data.insert({"name": "late"})
    s = source.data.insert({"title": "s"})
    source.config.add_reference(ReferenceProperty(name="link", target_collection=target.name))
    assert [r.name for r in source.config.get().references] == ["link"]
    source.data.reference_add(from_uuid=s, from_property="link", to=t)
    obj = source.query.fetch_object_by_id(s, return_references=QueryReference(link_on="link"))
    assert obj.references["link"].objects[0].properties == {"name": "late"}
    assert [o.uuid for o in source.query.fetch_objects(
        filters=Filter.by_ref("link").by_property("name").equal("late")).objects] == [s]


def test_errors_with_weaviate_wording(library, rest, collection_factory, client):
    publisher, author, book, (p1, p2), (a1, a2) = library
    b = book.data.insert({"title": "x"})
    # reference property to a collection that does not exist (create and add_property)
    r = rest.post("/v1/schema", json={"class": book.name + "Bad", "properties": [
        {"name": "to", "dataType": ["NoSuchCollection"]}]})
    assert r.status_code == 422
    assert r.json()["error"][0]["message"] == "property 'to': invalid dataType: reference property to nonexistent class"
    r = rest.post(f"/v1/schema/{book.name}/properties", json={"name": "x", "dataType": ["NoSuchCollection"]})
    assert r.status_code == 422 and "reference property to nonexistent class" in r.json()["error"][0]["message"]
    # reference add: missing property, malformed beacon, missing target, missing source object/collection
    path = f"/v1/objects/{book.name}/{b}/references"
    r = rest.post(f"{path}/nope", json={"beacon": f"weaviate://localhost/{a1}"})
    assert r.status_code == 422
    assert r.json()["error"][0]["message"] == (
        f"msg:validate inputs code:400 err:no such prop with name 'nope' found in class '{book.name}' in the "
        "schema. Check your schema files for which properties in this class are available")
    r = rest.post(f"{path}/by", json={"beacon": "weaviate://localhost/Author/not-a-uuid"})
    assert r.status_code == 422 and r.json()["error"][0]["message"] == (
        "msg:validate inputs code:400 err:invalid reference: invalid cref URI: 2nd path segment must be uuid, "
        "but got 'not-a-uuid'")
    r = rest.post(f"{path}/title", json={"beacon": f"weaviate://localhost/{a1}"})
    assert r.status_code == 422 and r.json()["error"][0]["message"].endswith(
        "err:property 'title' is not a reference-type")
    missing = str(uuid_mod.uuid4())
    r = rest.post(f"{path}/by", json={"beacon": f"weaviate://localhost/{author.name}/{missing}"})
    assert r.status_code == 422 and r.json()["error"][0]["message"] == (
        f"msg:validate existence code:400 err:validate reference: no object with id {missing} found")
    r = rest.post(f"{path}/by", json={"beacon": f"weaviate://localhost/NoSuchCollection/{a1}"})
    assert r.status_code == 422 and "no object with id" in r.json()["error"][0]["message"]
    r = rest.post(f"/v1/objects/{book.name}/{missing}/references/by", json={"beacon": f"weaviate://localhost/{a1}"})
    assert r.status_code == 404
    r = rest.post(f"/v1/objects/NoSuchCollection/{b}/references/by", json={"beacon": f"weaviate://localhost/{a1}"})
    assert r.status_code == 422 and r.json()["error"][0]["message"] == (
        'msg:collection not found code:400 err:collection "NoSuchCollection" not found in schema')
    with pytest.raises(UnexpectedStatusCodeError) as err:
        book.data.reference_add(from_uuid=b, from_property="by", to=missing)
    assert err.value.status_code == 422
    # inside objects: malformed beacon, missing target, target class outside the dataType
    r = rest.post("/v1/objects", json={"class": book.name, "properties": {"by": [{"beacon": "junk"}]}})
    assert r.status_code == 422 and r.json()["error"][0]["message"] == (
        "invalid cref URI: path must be of format '<class>/<uuid>', but got 'junk'")
    r = rest.post("/v1/objects", json={"class": book.name, "properties": {"by": "junk"}})
    assert r.status_code == 422 and r.json()["error"][0]["message"] == "reference property is not a slice junk"
    with pytest.raises(UnexpectedStatusCodeError) as err:
        book.data.insert({"title": "y"}, references={"by": missing})
    assert err.value.status_code == 422
    assert f"invalid cref: 'cref' {book.name}:by: no object with id {missing} found" in err.value.message
    res = book.data.insert_many([DataObject(properties={"title": "ok"}, references={"by": a1}),
                                 DataObject(properties={"title": "bad"}, references={"by": missing}),
                                 DataObject(properties={"title": "cls"},
                                            references={"about": _multi(book.name, b)})])
    assert sorted(res.errors) == [1, 2]
    assert "no object with id" in res.errors[1].message
    assert "is not part of the dataType" in res.errors[2].message
    assert book.query.fetch_object_by_id(b).properties == {"title": "x"}      # failed writes changed nothing
