"""Auto-schema inference (the objects use case decides; the engine adds what it is given)."""
from __future__ import annotations

import pytest

from loomdb.engine.schema.class_document import normalize_class, normalize_property, property_specs
from loomdb.engine.schema.datatypes import coerce_properties
from loomdb.entities.objects import IncomingObject
from loomdb.usecases.autoschema import infer_property, properties_to_add

UID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"


@pytest.mark.parametrize("value, data_type", [
    ("hello", "text"), ("2001-02-03T04:05:06Z", "date"), (UID, "uuid"), (True, "boolean"),
    (1, "number"), (2.5, "number"), ({"latitude": 1.0, "longitude": 2.0}, "geoCoordinates"),
    ({"input": "+31 20 123 4567"}, "phoneNumber"), ({"input": "x", "defaultCountry": "NL"}, "phoneNumber"),
    (["a", "b"], "text[]"), ([1.0], "number[]"), ([True], "boolean[]"), (["2001-02-03T04:05:06Z"], "date[]"),
    ([UID], "uuid[]"), ({"a": 1}, "object"), ([{"a": "x"}], "object[]"),
])
def test_inference_table(value, data_type):
    prop = infer_property("p", value)
    assert prop["dataType"] == [data_type]
    normalize_property(prop)                                      # always a valid property


def test_inference_edge_cases():
    assert infer_property("p", []) is None and infer_property("p", None) is None and infer_property("p", {}) is None
    assert infer_property("p", 1, default_number="int")["dataType"] == ["int"]
    assert infer_property("p", "2001-13-03T04:05:06Z")["dataType"] == ["text"]   # not a date the engine accepts
    nested = infer_property("p", {"geo": {"latitude": 1.0, "longitude": 2.0}, "xs": [{"a": 1}, {"b": "t"}]})
    inner = {p["name"]: p for p in nested["nestedProperties"]}
    assert inner["geo"]["dataType"] == ["object"]                 # no geo/phone inside nested objects
    assert [p["name"] for p in inner["xs"]["nestedProperties"]] == ["a", "b"]
    spec = property_specs(normalize_class({"class": "N", "properties": [nested]}))
    assert coerce_properties(spec, {"p": {"geo": {"latitude": 1.0, "longitude": 2.0},
                                          "xs": [{"a": 1.0}, {"b": "t"}]}}, class_name="N")["p"]["xs"][0] == {"a": 1.0}


def test_properties_to_add_in_order_of_first_inferable_use():
    objects = [IncomingObject(UID, {"Title": "x", "later": None, "empty": []}),
               IncomingObject(UID, {"later": 3, "empty": ["a"], "title": "y"})]
    assert properties_to_add({"title"}, objects) == [{"name": "later", "dataType": ["number"]},
                                                     {"name": "empty", "dataType": ["text[]"]}]
    assert properties_to_add({"title", "later", "empty"}, objects) == []
