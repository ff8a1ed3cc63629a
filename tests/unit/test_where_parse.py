"""REST / GraphQL where JSON -> entities filter tree (loomdb/server/rest/where_parse.py)."""
from __future__ import annotations

import pytest

from loomdb.entities.errors import InvalidInput
from loomdb.entities.filters import FilterLeaf, FilterNode
from loomdb.server.rest.where_parse import parse_where


def test_leaves_keep_the_value_type_of_their_field():
    assert parse_where({"path": ["a"], "operator": "Equal", "valueText": "x"}) == FilterLeaf("Equal", "a", "x", "text")
    assert parse_where({"path": ["n"], "operator": "LessThan", "valueNumber": 2}) == \
        FilterLeaf("LessThan", "n", 2.0, "number")
    assert parse_where({"path": ["d"], "operator": "Equal", "valueDate": "2020-01-01T00:00:00Z"}).value_type == "text"
    assert parse_where({"path": ["t"], "operator": "ContainsAny", "valueStringArray": ["a", "b"]}) == \
        FilterLeaf("ContainsAny", "t", ["a", "b"], "text[]")


def test_nested_operands_length_geo_and_reference_paths():
    tree = parse_where({"operator": "Or", "operands": [
        {"path": ["len(title)"], "operator": "GreaterThan", "valueInt": 3},
        {"path": ["where"], "operator": "WithinGeoRange",
         "valueGeoRange": {"geoCoordinates": {"latitude": 52.0, "longitude": 4.5}, "distance": {"max": 1000}}},
        {"path": ["InCity", "City", "name"], "operator": "Like", "valueText": "Ams*"}]})
    assert isinstance(tree, FilterNode) and tree.operator == "Or"
    length, geo, ref = tree.operands
    assert length == FilterLeaf("GreaterThan", "title", 3, "int", length=True)
    assert geo == FilterLeaf("WithinGeoRange", "where", (52.0, 4.5, 1000.0), "geo")
    assert ref == FilterLeaf("Like", "name", "Ams*", "text", reference_path=(("inCity", "City"),))


@pytest.mark.parametrize("where", [
    [], {"operator": "Nope", "path": ["a"], "valueInt": 1}, {"operator": "And", "operands": []},
    {"operator": "Equal", "valueInt": 1}, {"operator": "Equal", "path": ["a"]},
    {"operator": "Equal", "path": ["a"], "valueInt": 1, "valueText": "x"},
    {"operator": "Equal", "path": ["a"], "valueInt": "1"}, {"operator": "Equal", "path": ["a"], "valueNumber": True},
    {"operator": "Equal", "path": ["ref", "Target"], "valueInt": 1},
    {"operator": "ContainsAny", "path": ["a"], "valueIntArray": []},
    {"operator": "WithinGeoRange", "path": ["g"], "valueGeoRange": {"distance": {"max": 1}}},
])
def test_malformed_filters_are_invalid_input(where):
    with pytest.raises(InvalidInput):
        parse_where(where)


def test_messages_are_weaviates():
    with pytest.raises(InvalidInput, match="^unrecognized operator: Same$"):
        parse_where({"operator": "Same"})
    with pytest.raises(InvalidInput, match="^invalid where filter: operand 1: invalid where filter: got operator "
                                           "'Equal', but no value<Type> field set$"):
        parse_where({"operator": "Or", "operands": [{"path": ["a"], "operator": "Equal", "valueInt": 1},
                                                    {"path": ["a"], "operator": "Equal"}]})
