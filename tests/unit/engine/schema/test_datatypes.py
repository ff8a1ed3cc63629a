"""Property values coerce to one canonical form whether they came from REST or gRPC (floats for every number)."""
from __future__ import annotations

import pytest

from loomdb.engine.schema.class_document import normalize_class, property_specs
from loomdb.engine.schema.datatypes import UnknownProperties, coerce_properties, split_unknown
from loomdb.entities.errors import InvalidInput

SPECS = property_specs(normalize_class({"class": "Article", "properties": [
    {"name": "title", "dataType": ["text"]}, {"name": "year", "dataType": ["int"]},
    {"name": "score", "dataType": ["number"]}, {"name": "ok", "dataType": ["boolean"]},
    {"name": "when", "dataType": ["date"]}, {"name": "uid", "dataType": ["uuid"]},
    {"name": "geo", "dataType": ["geoCoordinates"]}, {"name": "phone", "dataType": ["phoneNumber"]},
    {"name": "img", "dataType": ["blob"]}, {"name": "tags", "dataType": ["text[]"]},
    {"name": "years", "dataType": ["int[]"]}, {"name": "scores", "dataType": ["number[]"]},
    {"name": "flags", "dataType": ["boolean[]"]}, {"name": "dates", "dataType": ["date[]"]},
    {"name": "uids", "dataType": ["uuid[]"]}, {"name": "author", "dataType": ["Author"]},
    {"name": "meta", "dataType": ["object"], "nestedProperties": [
        {"name": "n", "dataType": ["int"]}, {"name": "inner", "dataType": ["object"],
                                             "nestedProperties": [{"name": "d", "dataType": ["date"]}]}]},
    {"name": "items", "dataType": ["object[]"], "nestedProperties": [{"name": "k", "dataType": ["text"]}]},
]}))
UID = "5F1B5D6E-1C2A-4B3C-9D4E-5F6A7B8C9D0E"


def coerce(values):
    return coerce_properties(SPECS, values, class_name="Article")


def test_every_type_from_grpc_floats():
    out = coerce({
        "title": "t", "year": 2001.0, "score": 3, "ok": True, "when": "2001-02-03T04:05:06.700+02:00",
        "uid": UID, "geo": {"latitude": 52, "longitude": 4.9}, "phone": {"input": "020 123 4567",
                                                                          "defaultCountry": "nl"},
        "img": "aGVsbG8=", "tags": ["a"], "years": [1.0, 2.0], "scores": [1, 2.5], "flags": [False],
        "dates": ["2001-02-03T04:05:06Z"], "uids": [UID], "meta": {"n": 4.0, "inner": {"d": "2020-01-01T00:00:00Z"}},
        "items": [{"k": "v"}], "author": [{"beacon": "weaviate://localhost/Author/x"}], "gone": None,
    })
    assert out["year"] == 2001 and type(out["year"]) is int
    assert out["score"] == 3.0 and type(out["score"]) is float
    assert out["when"] == "2001-02-03T04:05:06.7+02:00"
    assert out["uid"] == UID.lower() and out["uids"] == [UID.lower()]
    assert out["geo"] == {"latitude": 52.0, "longitude": 4.9}
    assert out["phone"]["countryCode"] == 31 and out["phone"]["national"] == 201234567
    assert out["phone"]["internationalFormatted"] == "+31 20 123 4567" and out["phone"]["valid"] is True
    assert out["phone"]["defaultCountry"] == "NL"
    assert out["years"] == [1, 2] and all(type(y) is int for y in out["years"])
    assert out["scores"] == [1.0, 2.5] and out["meta"] == {"n": 4, "inner": {"d": "2020-01-01T00:00:00Z"}}
    assert out["items"] == [{"k": "v"}] and "gone" not in out


@pytest.mark.parametrize("raw, canonical", [
    ("2001-02-03T04:05:06Z", "2001-02-03T04:05:06Z"),
    ("2001-02-03T04:05:06+00:00", "2001-02-03T04:05:06Z"),
    ("2001-02-03T04:05:06.123456789-05:30", "2001-02-03T04:05:06.123456-05:30"),
    ("2001-02-03T04:05:06.100Z", "2001-02-03T04:05:06.1Z"),
])
def test_dates_canonical(raw, canonical):
    assert coerce({"when": raw})["when"] == canonical


@pytest.mark.parametrize("values, message", [
    ({"year": 1.5}, "invalid integer property 'year' on class 'Article': requires an integer, the given value is "
                    "'1.5'"),
    ({"year": True}, "invalid integer property 'year' on class 'Article': requires an integer, the given value is "
                     "'true'"),
    ({"title": 2.0}, "invalid text property 'title' on class 'Article': not a string, but float64"),
    ({"score": "1"}, "invalid number property 'score' on class 'Article': requires a float, the given value is '1'"),
    ({"ok": "yes"}, "invalid boolean property 'ok' on class 'Article': not a bool, but string"),
    ({"when": "yesterday"}, "invalid date property 'when' on class 'Article': requires a string with a RFC3339 "
                            "formatted date, but the given value is 'yesterday'"),
    ({"when": "2001-02-30T00:00:00Z"}, "invalid date property 'when' on class 'Article': requires a string"),
    ({"uid": "abc"}, "invalid uuid property 'uid' on class 'Article': invalid UUID length: 3"),
    ({"geo": {"latitude": 1}}, "invalid geoCoordinates property 'geo' on class 'Article': geoCoordinates is "
                               "missing required field 'longitude'"),
    ({"phone": {"input": "020 1234"}}, "invalid phoneNumber property 'phone' on class 'Article': invalid phone "
                                       "number: invalid or missing defaultCountry"),
    ({"img": "not base64!"}, "invalid blob property 'img' on class 'Article': not a valid blob base64 string"),
    ({"years": [1, 2.5]}, "invalid integer array property 'years' on class 'Article': invalid integer array "
                          "value: [1 2.5]"),
    ({"tags": "a"}, "invalid text array property 'tags' on class 'Article': not a text array, but string"),
    ({"meta": {"n": 1.5}}, "invalid object property 'meta' on class 'Article': property 'meta.n': invalid integer "
                           "property 'meta.n' on class 'Article': requires an integer"),
    ({"meta": {"zz": 1}}, "invalid object property 'meta' on class 'Article': unknown property 'meta.zz'"),
    ({"items": [{"k": 1.0}]}, "invalid object[] property 'items' on class 'Article': invalid object '0' in array: "
                              "property 'items.k': invalid text property 'items.k'"),
])
def test_rejects_with_weaviate_wording(values, message):
    with pytest.raises(InvalidInput) as info:
        coerce(values)
    assert info.value.message.startswith(message)


def test_unknown_properties_are_never_silently_accepted():
    with pytest.raises(UnknownProperties) as info:
        coerce({"title": "x", "_node_content": "{}"})
    assert info.value.names == ["_node_content"]
    known, unknown = split_unknown(SPECS, {"Title": "x", "_node_content": "{}", "none": None})
    assert known == {"title": "x"} and unknown == {"_node_content": "{}"}
