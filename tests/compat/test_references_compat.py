"""Cross-references where Weaviate 1.36 behaves in ways the first implementation missed: a reference property whose
list became empty is returned as an empty list (a never-set one is left out); PATCH appends references (usecases/
objects/merge.go -> shard mergeProps); references into, within and out of multi-tenant collections
(usecases/objects/references_add.go, batch_references_add.go validateReferenceMultiTenancy); gRPC BatchReferences."""
from __future__ import annotations

import grpc
import pytest
from weaviate.classes.config import Configure, DataType, Property, ReferenceProperty
from weaviate.classes.data import DataObject, DataReference
from weaviate.classes.query import Filter, QueryReference
from weaviate.exceptions import UnexpectedStatusCodeError
from weaviate.proto.v1 import batch_pb2, weaviate_pb2_grpc

TEXT = DataType.TEXT


def _uuids(obj, prop):
    return [o.uuid for o in obj.references[prop].objects]


@pytest.fixture
def shelf(collection_factory):
    """Author <- Book.by, Book.also (both single target)."""
    author = collection_factory("Author", properties=[Property(name="name", data_type=TEXT)])
    book = collection_factory("Book", properties=[Property(name="title", data_type=TEXT)],
                              references=[ReferenceProperty(name="by", target_collection=author.name),
                                          ReferenceProperty(name="also", target_collection=author.name)])
    authors = [author.data.insert({"name": n}) for n in ("Ada", "Alan", "Grace")]
    return author, book, authors


# ---- 1. emptied reference lists ----------------------------------------------------------------------------------
def test_emptied_reference_property_is_an_empty_list(shelf, rest):
    author, book, (a1, a2, _) = shelf
    deleted = book.data.insert({"title": "deleted"}, references={"by": a1})
    replaced = book.data.insert({"title": "replaced"}, references={"by": [a1, a2]})
    book.data.reference_delete(from_uuid=deleted, from_property="by", to=a1)
    book.data.reference_replace(from_uuid=replaced, from_property="by", to=[])
    refs = [QueryReference(link_on="by"), QueryReference(link_on="also")]
    for uid in (deleted, replaced):
        obj = book.query.fetch_object_by_id(uid, return_references=refs)
        assert _uuids(obj, "by") == []                       # set, then emptied: an empty list
        assert "also" not in obj.references                  # never set: left out
        assert rest.get(f"/v1/objects/{book.name}/{uid}").json()["properties"] == {
            "title": obj.properties["title"], "by": []}
    listed = book.query.fetch_objects(return_references=refs).objects
    assert {o.properties["title"]: (_uuids(o, "by"), "also" in o.references) for o in listed} == {
        "deleted": ([], False), "replaced": ([], False)}


def test_deleting_a_beacon_that_is_not_there_writes_nothing(shelf, rest):
    author, book, (a1, a2, _) = shelf
    uid = book.data.insert({"title": "t"})
    before = rest.get(f"/v1/objects/{book.name}/{uid}").json()
    book.data.reference_delete(from_uuid=uid, from_property="by", to=a2)
    after = rest.get(f"/v1/objects/{book.name}/{uid}").json()
    assert after["properties"] == {"title": "t"} and after["lastUpdateTimeUnix"] == before["lastUpdateTimeUnix"]


# ---- 2. PATCH appends references ---------------------------------------------------------------------------------
def test_update_keeps_and_appends_references(shelf):
    author, book, (a1, a2, a3) = shelf
    uid = book.data.insert({"title": "t"}, references={"by": [a1, a2], "also": a3})
    book.data.update(uid, properties={"title": "renamed"})
    refs = [QueryReference(link_on="by"), QueryReference(link_on="also")]
    obj = book.query.fetch_object_by_id(uid, return_references=refs)
    assert obj.properties["title"] == "renamed" and _uuids(obj, "by") == [a1, a2] and _uuids(obj, "also") == [a3]
    book.data.update(uid, properties={"title": "again"}, references={"by": [a3]})
    obj = book.query.fetch_object_by_id(uid, return_references=refs)
    assert _uuids(obj, "by") == [a1, a2, a3] and _uuids(obj, "also") == [a3]
    book.data.replace(uid, properties={"title": "replaced"}, references={"by": a1})   # PUT still replaces
    obj = book.query.fetch_object_by_id(uid, return_references=refs)
    assert _uuids(obj, "by") == [a1] and "also" not in obj.references


# ---- 3./4. multi-tenancy -----------------------------------------------------------------------------------------
@pytest.fixture
def tenants(collection_factory):
    """Person (multi-tenant), Org (not), Doc (multi-tenant) -> Person | Org; Note (not) -> Person."""
    mt = Configure.multi_tenancy(enabled=True)
    person = collection_factory("Person", properties=[Property(name="name", data_type=TEXT)], multi_tenancy_config=mt)
    org = collection_factory("Org", properties=[Property(name="name", data_type=TEXT)])
    doc = collection_factory("Doc", properties=[Property(name="title", data_type=TEXT)], multi_tenancy_config=mt,
                             references=[ReferenceProperty(name="author", target_collection=person.name),
                                         ReferenceProperty(name="org", target_collection=org.name)])
    note = collection_factory("Note", properties=[Property(name="title", data_type=TEXT)],
                              references=[ReferenceProperty(name="person", target_collection=person.name)])
    for col in (person, doc):
        col.tenants.create(["alice", "bob"])
    return person, org, doc, note


def test_references_within_a_tenant_and_to_a_shared_collection(tenants):
    person, org, doc, _ = tenants
    alice_person = person.with_tenant("alice").data.insert({"name": "Alice"})
    bob_person = person.with_tenant("bob").data.insert({"name": "Bob"})
    acme = org.data.insert({"name": "Acme"})
    docs = doc.with_tenant("alice")
    d1 = docs.data.insert({"title": "d1"}, references={"author": alice_person, "org": acme})
    refs = [QueryReference(link_on="author", return_properties=["name"]),
            QueryReference(link_on="org", return_properties=["name"])]
    obj = docs.query.fetch_object_by_id(d1, return_references=refs)
    assert obj.references["author"].objects[0].properties == {"name": "Alice"}
    assert obj.references["org"].objects[0].properties == {"name": "Acme"}
    # reference_add / replace / delete inside the tenant (the target exists in that tenant)
    d2 = docs.data.insert({"title": "d2"})
    docs.data.reference_add(from_uuid=d2, from_property="author", to=alice_person)
    docs.data.reference_add(from_uuid=d2, from_property="org", to=acme)
    docs.data.reference_replace(from_uuid=d2, from_property="org", to=[acme, acme])
    obj = docs.query.fetch_object_by_id(d2, return_references=refs)
    assert _uuids(obj, "author") == [alice_person] and _uuids(obj, "org") == [acme, acme]
    docs.data.reference_delete(from_uuid=d2, from_property="author", to=alice_person)
    assert _uuids(docs.query.fetch_object_by_id(d2, return_references=refs), "author") == []
    # a target in another tenant does not exist from here
    with pytest.raises(UnexpectedStatusCodeError) as err:
        docs.data.reference_add(from_uuid=d2, from_property="author", to=bob_person)
    assert err.value.status_code == 422
    assert f"err:validate reference: no object with id {bob_person} found" in err.value.message
    with pytest.raises(UnexpectedStatusCodeError) as err:
        docs.data.insert({"title": "x"}, references={"author": bob_person})
    assert f"invalid cref: 'cref' {doc.name}:author: no object with id {bob_person} found" in err.value.message


def test_batches_with_references_in_a_tenant(tenants):
    person, org, doc, _ = tenants
    alice_person = person.with_tenant("alice").data.insert({"name": "Alice"})
    bob_person = person.with_tenant("bob").data.insert({"name": "Bob"})
    acme = org.data.insert({"name": "Acme"})
    docs = doc.with_tenant("alice")
    res = docs.data.insert_many([DataObject(properties={"title": "m1"}, references={"author": alice_person}),
                                 DataObject(properties={"title": "m2"}, references={"author": bob_person})])
    assert list(res.errors) == [1]
    assert f"no object with id {bob_person} found" in res.errors[1].message
    d = docs.data.insert({"title": "d"})
    many = docs.data.reference_add_many([DataReference(from_uuid=d, from_property="author", to_uuid=alice_person),
                                         DataReference(from_uuid=d, from_property="org", to_uuid=acme),
                                         DataReference(from_uuid=d, from_property="author", to_uuid=bob_person)])
    assert list(many.errors) == [2]
    assert many.errors[2].message == (f'target: object {person.name}/{bob_person} not found for tenant "alice"')
    with docs.batch.fixed_size(batch_size=10) as batch:
        b = batch.add_object(properties={"title": "batched"})
        batch.add_reference(from_uuid=b, from_property="author", to=alice_person)
        batch.add_reference(from_uuid=b, from_property="org", to=acme)
    assert not docs.batch.failed_objects and not docs.batch.failed_references
    refs = [QueryReference(link_on="author"), QueryReference(link_on="org")]
    got = {o.properties["title"]: (_uuids(o, "author"), _uuids(o, "org") if "org" in o.references else None)
           for o in docs.query.fetch_objects(return_references=refs).objects}
    assert got == {"m1": ([alice_person], None), "d": ([alice_person], [acme]), "batched": ([alice_person], [acme])}


def test_references_from_a_shared_collection_into_a_tenant_are_refused(tenants, rest):
    person, _, _, note = tenants
    alice_person = person.with_tenant("alice").data.insert({"name": "Alice"})
    with pytest.raises(UnexpectedStatusCodeError) as err:
        note.data.insert({"title": "n"}, references={"person": alice_person})
    assert err.value.status_code == 422
    assert f"invalid cref: class {person.name} has multi-tenancy enabled, but request was without tenant" in \
        err.value.message
    n = note.data.insert({"title": "n"})
    r = rest.post("/v1/batch/references", json=[
        {"from": f"weaviate://localhost/{note.name}/{n}/person",
         "to": f"weaviate://localhost/{person.name}/{alice_person}", "tenant": "alice"}])
    assert r.json()[0]["result"]["errors"]["error"][0]["message"] == (
        "invalid reference: cannot reference a multi-tenant enabled class from a non multi-tenant enabled class")
    r = rest.post(f"/v1/objects/{note.name}/{n}/references/person",
                  json={"beacon": f"weaviate://localhost/{person.name}/{alice_person}"})
    assert r.status_code == 422 and r.json()["error"][0]["message"] == (
        f"msg:validate existence code:400 err:class {person.name} has multi-tenancy enabled, but request was "
        "without tenant")


# ---- 5. gRPC BatchReferences -------------------------------------------------------------------------------------
def test_grpc_batch_references_like_rest(shelf, tenants, endpoint):
    author, book, (a1, a2, _) = shelf
    person, org, doc, _ = tenants
    b = book.data.insert({"title": "t"})
    alice_person = person.with_tenant("alice").data.insert({"name": "Alice"})
    d = doc.with_tenant("alice").data.insert({"title": "d"})
    b, a1, a2, d, alice_person = map(str, (b, a1, a2, d, alice_person))
    ref = batch_pb2.BatchReference
    request = batch_pb2.BatchReferencesRequest(references=[
        ref(name="by", from_collection=book.name, from_uuid=b, to_uuid=a1),
        ref(name="by", from_collection=book.name, from_uuid=b, to_collection=author.name, to_uuid=a2),
        ref(name="nope", from_collection=book.name, from_uuid=b, to_uuid=a2),
        ref(name="by", from_collection="Missing", from_uuid=b, to_uuid=a1),
        ref(name="author", from_collection=doc.name, from_uuid=d, to_uuid=alice_person, tenant="alice"),
        ref(name="author", from_collection=doc.name, from_uuid=d, to_uuid=a1, tenant="alice")])
    with grpc.insecure_channel(f"{endpoint.host}:{endpoint.grpc_port}") as channel:
        stub = weaviate_pb2_grpc.WeaviateStub(channel)
        reply = stub.BatchReferences(request, metadata=[("authorization", f"Bearer {endpoint.api_key}")]
                                     if endpoint.api_key else None)
        assert {e.index: e.error for e in reply.errors} == {
            2: f"property nope does not exist for class {book.name}", 3: "class Missing does not exist",
            5: f'target: object {person.name}/{a1} not found for tenant "alice"'}
        with pytest.raises(grpc.RpcError) as err:
            stub.BatchReferences(batch_pb2.BatchReferencesRequest())
        assert err.value.code() != grpc.StatusCode.UNIMPLEMENTED
    obj = book.query.fetch_object_by_id(b, return_references=QueryReference(link_on="by"))
    assert list(map(str, _uuids(obj, "by"))) == [a1, a2]
    obj = doc.with_tenant("alice").query.fetch_object_by_id(d, return_references=QueryReference(link_on="author"))
    assert list(map(str, _uuids(obj, "author"))) == [alice_person]



def test_filters_through_references_inside_a_tenant(tenants):
    person, org, doc, _ = tenants
    alice_person = person.with_tenant("alice").data.insert({"name": "Alice"})
    acme = org.data.insert({"name": "Acme"})
    docs = doc.with_tenant("alice")
    d = docs.data.insert({"title": "d"}, references={"author": alice_person, "org": acme})
    docs.data.insert({"title": "other"})
    for flt in (Filter.by_ref("author").by_property("name").equal("Alice"),
                Filter.by_ref("org").by_property("name").equal("Acme")):
        assert [o.uuid for o in docs.query.fetch_objects(filters=flt).objects] == [d]
        assert docs.aggregate.over_all(filters=flt, total_count=True).total_count == 1
    assert docs.query.fetch_objects(filters=Filter.by_ref("author").by_property("name").equal("Bob")).objects == []


def test_client_stream_batch_stores_references(shelf, tenants):
    """With a 1.36 server, `batch.stream()` sends references inside gRPC BatchStream (dynamic() / fixed_size() send
    them over REST /v1/batch/references); both end in the batch references use case."""
    author, book, (a1, a2, _) = shelf
    person, _, doc, _ = tenants
    with book.batch.stream() as batch:
        b = batch.add_object(properties={"title": "streamed"})
        batch.add_reference(from_uuid=b, from_property="by", to=a1)
        batch.add_reference(from_uuid=b, from_property="by", to=a2)
        batch.add_reference(from_uuid=b, from_property="nope", to=a2)
    assert [r.message for r in book.batch.failed_references] == [f"property nope does not exist for class {book.name}"]
    assert _uuids(book.query.fetch_object_by_id(b, return_references=QueryReference(link_on="by")), "by") == [a1, a2]
    alice_person = person.with_tenant("alice").data.insert({"name": "Alice"})
    docs = doc.with_tenant("alice")
    with docs.batch.stream() as batch:
        d = batch.add_object(properties={"title": "d"})
        batch.add_reference(from_uuid=d, from_property="author", to=alice_person)
    assert not docs.batch.failed_objects and not docs.batch.failed_references
    obj = docs.query.fetch_object_by_id(d, return_references=QueryReference(link_on="author"))
    assert _uuids(obj, "author") == [alice_person]
