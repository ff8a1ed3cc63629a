"""normalize_class must turn every body real clients send into a document the official client parses."""
from __future__ import annotations

import json
import warnings

import pytest
from weaviate.collections.classes.config import (
    Configure,
    DataType,
    Property,
    ReferenceProperty,
    Tokenization,
    VectorDistances,
    _CollectionConfigCreate,
)
from weaviate.collections.classes.config_methods import (
    _collection_config_from_json,
    _collection_config_simple_from_json,
)

from loomdb.engine.schema.class_document import normalize_class, normalize_property, property_specs, vector_specs
from loomdb.engine.schema.model import LEGACY_VECTOR_NAME
from loomdb.entities.errors import InvalidInput


def _client_body(**kwargs) -> dict:
    """The body `collections.create` POSTs (executor.create builds exactly this)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cfg = _CollectionConfigCreate(**kwargs)
    return json.loads(json.dumps(cfg._to_dict(emit_default_vector_index_type=False)))


def _parse(body: dict):
    doc = json.loads(json.dumps(normalize_class(body)))          # must survive JSON
    _collection_config_simple_from_json(json.loads(json.dumps(doc)))
    return doc, _collection_config_from_json(doc)


def test_named_vectors_all_index_types_and_quantizers():
    body = _client_body(
        name="article", description="News",
        properties=[Property(name="title", data_type=DataType.TEXT, skip_vectorization=True,
                             tokenization=Tokenization.FIELD),
                    Property(name="year", data_type=DataType.INT, index_range_filters=True),
                    Property(name="meta", data_type=DataType.OBJECT,
                             nested_properties=[Property(name="src", data_type=DataType.TEXT),
                                                Property(name="score", data_type=DataType.NUMBER)])],
        references=[ReferenceProperty(name="author", target_collection="Author")],
        vector_config=[
            Configure.Vectors.self_provided(name="h", vector_index_config=Configure.VectorIndex.hnsw(
                distance_metric=VectorDistances.DOT, quantizer=Configure.VectorIndex.Quantizer.pq(segments=4))),
            Configure.Vectors.self_provided(name="f", vector_index_config=Configure.VectorIndex.flat(
                quantizer=Configure.VectorIndex.Quantizer.bq())),
            Configure.Vectors.self_provided(name="s", vector_index_config=Configure.VectorIndex.hnsw(
                quantizer=Configure.VectorIndex.Quantizer.sq())),
            Configure.Vectors.self_provided(name="r", vector_index_config=Configure.VectorIndex.hnsw(
                quantizer=Configure.VectorIndex.Quantizer.rq())),
            Configure.Vectors.self_provided(name="d", vector_index_config=Configure.VectorIndex.dynamic(
                distance_metric=VectorDistances.L2_SQUARED)),
            Configure.Vectors.self_provided(name="x", vector_index_config=Configure.VectorIndex.hfresh()),
            Configure.Vectors.text2vec_openai(name="t", source_properties=["title"]),
        ],
        inverted_index_config=Configure.inverted_index(bm25_b=0.7, bm25_k1=1.1, index_timestamps=True),
        generative_config=Configure.Generative.openai())
    doc, cfg = _parse(body)
    assert cfg.name == "Article" and cfg.description == "News"
    assert cfg.inverted_index_config.bm25.b == 0.7 and cfg.inverted_index_config.index_timestamps is True
    assert cfg.inverted_index_config.stopwords.preset.value == "en"
    vc = cfg.vector_config
    assert vc["h"].vector_index_config.distance_metric == VectorDistances.DOT
    assert vc["h"].vector_index_config.quantizer.segments == 4
    assert type(vc["f"].vector_index_config.quantizer).__name__ == "_BQConfig"
    assert type(vc["s"].vector_index_config.quantizer).__name__ == "_SQConfig"
    assert vc["r"].vector_index_config.quantizer.bits == 8
    assert vc["d"].vector_index_config.distance_metric == VectorDistances.L2_SQUARED
    assert vc["d"].vector_index_config.threshold == 10000
    assert vc["d"].vector_index_config.hnsw.distance_metric == VectorDistances.L2_SQUARED
    assert vc["x"].vector_index_config.max_posting_size_kb == 48
    assert vc["t"].vectorizer.source_properties == ["title"]
    assert vc["t"].vector_index_config.max_connections == 32          # vectorIndexType omitted -> hnsw
    props = {p.name: p for p in cfg.properties}
    assert props["title"].tokenization == Tokenization.FIELD and props["title"].index_searchable
    assert props["year"].index_range_filters and not props["year"].index_searchable
    assert props["meta"].nested_properties[0].tokenization == Tokenization.WORD
    assert cfg.references[0].target_collections == ["Author"]
    assert cfg.generative_config is not None
    assert "skip_vectorization" not in doc["properties"][0]
    assert cfg.sharding_config.desired_count == 1 and cfg.replication_config.factor == 1
    specs = vector_specs(doc)
    assert specs["d"].distance == "l2-squared" and specs["x"].index_type == "hfresh"
    assert specs["t"].vectorizer == "text2vec-openai" and not specs["t"].legacy


def test_bare_create_gets_default_named_vector():
    doc, cfg = _parse(_client_body(name="Bare"))
    assert list(cfg.vector_config) == ["default"]
    assert cfg.vector_config["default"].vector_index_config.distance_metric == VectorDistances.COSINE
    assert "vectorIndexConfig" not in doc and cfg.vectorizer is None


def test_legacy_vectorizer_config_body():
    body = _client_body(name="Legacy", vectorizer_config=Configure.Vectorizer.text2vec_openai(),
                        vector_index_config=Configure.VectorIndex.flat(distance_metric=VectorDistances.MANHATTAN),
                        properties=[Property(name="t", data_type=DataType.TEXT, skip_vectorization=True)])
    doc, cfg = _parse(body)
    assert cfg.vector_index_type.value == "flat"
    assert cfg.vector_index_config.distance_metric == VectorDistances.MANHATTAN
    assert cfg.vectorizer.value == "text2vec-openai" and cfg.vector_config is None
    assert cfg.properties[0].vectorizer_config.skip is True
    spec = vector_specs(doc)[LEGACY_VECTOR_NAME]
    assert spec.legacy and spec.distance == "manhattan" and spec.vectorizer == "text2vec-openai"


def test_langchain_create_from_dict_body():
    body = {"class": "LangChain_abc", "properties": [{"name": "text", "dataType": ["text"]}],
            "MultiTenancyConfig": {"enabled": True, "autoTenantCreation": True, "autoTenantActivation": False}}
    doc, cfg = _parse(body)
    assert cfg.multi_tenancy_config.enabled and cfg.multi_tenancy_config.auto_tenant_creation
    assert "MultiTenancyConfig" not in doc and cfg.sharding_config is None
    assert cfg.vectorizer.value == "none" and cfg.vector_index_type.value == "hnsw"
    assert cfg.vector_index_config.distance_metric == VectorDistances.COSINE
    assert cfg.properties[0].tokenization == Tokenization.WORD


def test_llamaindex_create_from_dict_body():
    body = {"class": "LlamaIndex_x", "description": "Class for LlamaIndex", "properties": [
        {"dataType": ["text"], "description": "Text property", "name": "text"},
        {"dataType": ["text"], "description": "The ref_doc_id of the Node", "name": "ref_doc_id"},
        {"dataType": ["text"], "description": "node_info (in JSON)", "name": "node_info"},
        {"dataType": ["text"], "description": "The relationship of this node to other nodes (in JSON)",
         "name": "relationships"}]}
    doc, cfg = _parse(body)
    assert [p.name for p in cfg.properties] == ["text", "ref_doc_id", "node_info", "relationships"]
    assert cfg.properties[1].description == "The ref_doc_id of the Node"
    assert not cfg.multi_tenancy_config.enabled and vector_specs(doc)[LEGACY_VECTOR_NAME].index_type == "hnsw"


def test_weaviate_cli_replication_factor_kept_and_case_insensitive_keys():
    doc, cfg = _parse({"Class": "cli", "REPLICATIONCONFIG": {"factor": 3}, "unknownKey": 1})
    assert cfg.name == "Cli" and cfg.replication_config.factor == 3 and "unknownKey" not in doc


def test_unknown_index_type_is_stored_with_distance():
    doc = normalize_class({"class": "U", "vectorConfig": {"v": {"vectorizer": {"none": {}},
                                                                 "vectorIndexType": "future", "vectorIndexConfig":
                                                                     {"knob": 7}}}})
    assert doc["vectorConfig"]["v"]["vectorIndexConfig"] == {"knob": 7, "distance": "cosine"}
    assert vector_specs(doc)["v"].index_type == "future"


def test_user_values_survive_and_full_example_round_trips():
    doc = normalize_class({"class": "E", "invertedIndexConfig": {"stopwords": {"preset": "none",
                                                                             "additions": ["a"]}},
                           "vectorIndexConfig": {"efConstruction": 64, "pq": {"enabled": True}}})
    assert doc["invertedIndexConfig"]["stopwords"] == {"preset": "none", "additions": ["a"], "removals": None}
    assert doc["vectorIndexConfig"]["efConstruction"] == 64 and doc["vectorIndexConfig"]["maxConnections"] == 32
    assert doc["vectorIndexConfig"]["pq"]["encoder"] == {"type": "kmeans", "distribution": "log-normal"}
    assert normalize_class(doc) == doc                                   # idempotent: re-normalising changes nothing


def test_property_specs_and_normalize_property():
    prop = normalize_property({"name": "Tags", "dataType": ["text[]"], "skip_vectorization": True})
    assert prop == {"name": "tags", "dataType": ["text[]"], "indexFilterable": True, "indexSearchable": True,
                    "indexRangeFilters": False, "tokenization": "word"}
    doc = normalize_class({"class": "P", "properties": [
        prop, {"name": "o", "dataType": ["object[]"], "nestedProperties": [{"name": "b", "dataType": ["blob"]}]}]})
    specs = property_specs(doc)
    assert specs["tags"].is_array and specs["tags"].base_type == "text"
    assert specs["o"].nested["b"].index_filterable is False           # nested blobs are not filterable
    assert "tokenization" not in doc["properties"][1]


def test_deprecated_string_type_is_migrated():
    prop = normalize_property({"name": "s", "dataType": ["string"], "tokenization": "word"})
    assert prop["dataType"] == ["text"] and prop["tokenization"] == "whitespace"


@pytest.mark.parametrize("body, message", [
    ({"class": "foo-bar"}, "'Foo-bar' is not a valid class name"),
    ({"class": ""}, "'' is not a valid class name"),
    ({"class": "A", "properties": [{"name": "bad-name", "dataType": ["text"]}]},
     "'bad-name' is not a valid property name. Property names in Weaviate are restricted to valid GraphQL names, "
     "which must be “/[_A-Za-z][_0-9A-Za-z]{0,230}/”"),
    ({"class": "A", "properties": [{"name": "id", "dataType": ["text"]}]}, "'id' is a reserved property name"),
    ({"class": "A", "properties": [{"name": "a", "dataType": ["text"]}, {"name": "A", "dataType": ["int"]}]},
     'class "A": conflict for property "a": already in use or provided multiple times'),
    ({"class": "A", "properties": [{"name": "a", "dataType": ["strin"]}]},
     "property 'a': invalid dataType: [strin]: Unknown primitive data type 'strin'"),
    ({"class": "A", "properties": [{"name": "a", "dataType": []}]},
     "property 'a': invalid dataType: []: dataType must have at least one element"),
    ({"class": "A", "properties": [{"name": "a", "dataType": ["text"], "tokenization": "nope"}]},
     "tokenization 'nope' is not allowed for data type 'text'"),
    ({"class": "A", "properties": [{"name": "a", "dataType": ["int"], "tokenization": "word"}]},
     "tokenization is not allowed for data type 'int'"),
    ({"class": "A", "properties": [{"name": "a", "dataType": ["int"], "indexSearchable": True}]},
     "`indexSearchable` is allowed only for text/text[] data types. For other data types set false or leave empty"),
    ({"class": "A", "properties": [{"name": "o", "dataType": ["object"]}]},
     "property 'o': At least one nested property is required for data type object/object[]"),
    ({"class": "A", "properties": [{"name": "o", "dataType": ["object"],
                                    "nestedProperties": [{"name": "g", "dataType": ["geoCoordinates"]}]}]},
     "property 'o.g': data type 'geoCoordinates' not allowed as nested property"),
    ({"class": "A", "vectorIndexConfig": {"distance": "euclid"}},
     'class.VectorIndexConfig can not parse: invalid hnsw config: distance must be one of ["cosine", "dot", '
     '"l2-squared", "manhattan","hamming"]'),
    ({"class": "A", "vectorConfig": {"v": {"vectorIndexType": "flat", "vectorIndexConfig": {"distance": "x"}}}},
     'target vector "v": parse vector index config: invalid flat config: distance must be one of'),
    ({"class": "A", "vectorConfig": {"bad-name": {}}}, 'class.VectorConfig target vector name "bad-name" is not valid'),
    ({"class": "A", "invertedIndexConfig": {"stopwords": {"preset": "de"}}}, "stopwordPreset 'de' does not exist"),
    ({"class": "A", "multiTenancyConfig": {"autoTenantCreation": True}},
     "can't enable autoTenantCreation on a non-multi-tenant class"),
    ({"class": "A", "vectorConfig": {"v": {}}, "vectorIndexType": "hnsw"},
     "creating a class with both a class level vector index and named vectors is forbidden"),
])
def test_errors_use_weaviate_wording(body, message):
    with pytest.raises(InvalidInput) as info:
        normalize_class(body)
    assert info.value.message.startswith(message)
