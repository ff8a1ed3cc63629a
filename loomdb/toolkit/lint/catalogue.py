"""The lint rules (WL001...). Each check walks the classes and yields a `Hit` per violation; severities,
enabling and parameters come from the config file, ignores are applied by the runner."""
from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import Any

from ..report import Severity
from . import schema_facts as facts
from .rule import Context, Hit, Rule

# Embedding models whose output size is documented by their provider: name -> dims. `dimensions` may shorten
# the "shortenable" ones (Matryoshka), never lengthen them.
KNOWN_MODELS = {
    "text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536,
    "embed-english-v3.0": 1024, "embed-multilingual-v3.0": 1024, "embed-english-light-v3.0": 384,
    "embed-multilingual-light-v3.0": 384, "sentence-transformers/all-MiniLM-L6-v2": 384,
    "nomic-embed-text": 768, "mxbai-embed-large": 1024,
}
SHORTENABLE = ["text-embedding-3-small", "text-embedding-3-large"]


def _names(pattern: str, ctx: Context) -> Iterator[Hit]:
    for cls in ctx.classes:
        if not re.fullmatch(pattern, cls["class"]):
            yield Hit(cls["class"], f"collection name {cls['class']!r} does not match {pattern!r}")


def _collection_name(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    yield from _names(params["pattern"], ctx)


def _property_name(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        for prop in facts.properties(cls):
            if not re.fullmatch(params["pattern"], prop["name"]):
                yield Hit(cls["class"], f"property {prop['name']!r} does not match {params['pattern']!r}",
                          prop["name"])


def _collection_description(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        text = facts.description(cls)
        if len(text) < params["min_length"]:
            yield Hit(cls["class"], f"description {text!r} is shorter than {params['min_length']} characters"
                      if text else "no description")


def _property_description(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        for prop in facts.properties(cls):
            if len(facts.description(prop)) < params["min_length"]:
                yield Hit(cls["class"], f"property {prop['name']!r} has no description", prop["name"])


def _required_properties(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        have = {p["name"] for p in facts.properties(cls)}
        wanted = [name for pattern, names in (params["required"] or {}).items()
                  if fnmatch.fnmatchcase(cls["class"], pattern) for name in names]
        missing = sorted(set(wanted) - have)
        if missing:
            yield Hit(cls["class"], f"required properties missing: {', '.join(missing)}", data={"missing": missing})


def _vector_dimensions(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    models = {**KNOWN_MODELS, **(params["models"] or {})}
    for cls in ctx.classes:
        for vector, module, config in facts.vectorizers(cls):
            model = config.get("model") or config.get("modelId")
            native = models.get(str(model)) if model else None
            declared = config.get("dimensions") if isinstance(config.get("dimensions"), int) else None
            where = f"vector {vector!r} ({module}, model {model!r})" if vector else f"{module} (model {model!r})"
            if native and declared is not None:
                if int(declared) > native or (int(declared) != native and model not in params["shortenable"]):
                    yield Hit(cls["class"], f"{where}: dimensions {declared}, the model produces {native}",
                              data={"declared": declared, "model_dims": native})
            expected = int(declared) if declared is not None else native
            sampled = ctx.sampled_dims.get((cls["class"], vector))
            if expected and sampled and sampled != expected:
                yield Hit(cls["class"], f"{where}: stored vectors have {sampled} dimensions, expected {expected}",
                          data={"sampled": sampled, "expected": expected})


def _filters_impossible(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        for prop in facts.properties(cls):
            if (prop.get("dataType") or [""])[0][:1].isupper():      # a cross-reference: no filter flags
                continue
            searchable = facts.is_text(prop) and prop.get("indexSearchable", True)
            if prop.get("indexFilterable", True) is False and not prop.get("indexRangeFilters") and not searchable:
                yield Hit(cls["class"], f"property {prop['name']!r}: indexFilterable false and no other index "
                          "a filter can use", prop["name"])


def _field_tokenization_long_text(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        for prop in facts.properties(cls):
            if (facts.is_text(prop) and prop.get("tokenization") == "field" and prop.get("indexSearchable", True)
                    and re.fullmatch(params["long_text_names"], prop["name"], re.IGNORECASE)):
                yield Hit(cls["class"], f"property {prop['name']!r}: tokenization 'field' on what its name says "
                          "is long text", prop["name"])


def _word_tokenization_on_keys(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        for prop in facts.properties(cls):
            if (facts.is_text(prop) and prop.get("tokenization", "word") in ("word", "lowercase")
                    and re.fullmatch(params["keyword_names"], prop["name"], re.IGNORECASE)):
                yield Hit(cls["class"], f"property {prop['name']!r}: tokenization {prop.get('tokenization', 'word')!r}"
                          " on an identifier", prop["name"])


def _deprecated_string(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        for prop in facts.properties(cls):
            if list(prop.get("dataType") or []) in (["string"], ["string[]"]):
                yield Hit(cls["class"], f"property {prop['name']!r}: dataType {prop['dataType']}", prop["name"])


def _replication_factor(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        factor = int((cls.get("replicationConfig") or {}).get("factor") or 1)
        if factor < params["min_factor"]:
            yield Hit(cls["class"], f"replication factor {factor} < {params['min_factor']}", data={"factor": factor})
        elif ctx.node_count and factor > ctx.node_count:
            yield Hit(cls["class"], f"replication factor {factor} > {ctx.node_count} node(s)",
                      data={"factor": factor, "nodes": ctx.node_count})


def _many_collections(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    single = [c for c in ctx.classes if not facts.multi_tenant(c)]
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for cls in single:
        groups.setdefault(facts.shape(cls), []).append(cls["class"])
    for names in groups.values():
        if len(names) > params["max_same_shape"]:
            yield Hit(None, f"{len(names)} single-tenant collections share one shape (e.g. {', '.join(names[:4])})",
                      data={"collections": names})


def _compression_above_size(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        count = (ctx.object_counts or {}).get(cls["class"], 0)
        if count <= params["max_uncompressed_objects"]:
            continue
        for vector, index_type, config in facts.vector_indexes(cls):
            if index_type != "flat" and not facts.compressed(index_type, config):
                yield Hit(cls["class"], f"{count} objects, {index_type} index{f' {vector!r}' if vector else ''} "
                          "uncompressed", data={"objects": count})


def _text_without_vectorizer(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        if not any(facts.is_text(p) for p in facts.properties(cls)):
            continue
        if all(module == "none" for _, module, _ in facts.vectorizers(cls)):
            yield Hit(cls["class"], "text properties but no vectorizer (vectors must come with every insert)")


def _flat_many_objects(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        count = (ctx.object_counts or {}).get(cls["class"], 0)
        for vector, index_type, _ in facts.vector_indexes(cls):
            if index_type == "flat" and count > params["max_objects"]:
                yield Hit(cls["class"], f"flat index{f' {vector!r}' if vector else ''} over {count} objects",
                          data={"objects": count})


def _range_filters_on_numbers(ctx: Context, params: dict[str, Any]) -> Iterator[Hit]:
    for cls in ctx.classes:
        for prop in facts.properties(cls):
            if (list(prop.get("dataType") or []) in (["int"], ["number"], ["date"])
                    and re.fullmatch(params["range_names"], prop["name"], re.IGNORECASE)
                    and not prop.get("indexRangeFilters")):
                yield Hit(cls["class"], f"property {prop['name']!r}: range-filtered by its name, indexRangeFilters "
                          "off", prop["name"])


RULES: list[Rule] = [
    Rule("WL001", "collection-name", "Collection name breaks the naming convention", Severity.LOW,
         "Weaviate capitalises the first letter of every class name (GraphQL type names), so `articles` is stored as "
         "`Articles`; a consistent convention (PascalCase by default) avoids surprises in queries and code.",
         "Rename by creating the new collection, copying (loomdb migrate copy) and pointing an alias at it.",
         _collection_name, {"pattern": r"[A-Z][A-Za-z0-9]*"}),
    Rule("WL002", "property-name", "Property name breaks the naming convention", Severity.LOW,
         "Property names are GraphQL field names (`/[_A-Za-z][_0-9A-Za-z]*/`); mixed styles make filters and "
         "client code error-prone. Default convention: camelCase.",
         "Add a correctly named property and backfill it, or set your convention's regex in the config.",
         _property_name, {"pattern": r"[a-z][A-Za-z0-9]*"}),
    Rule("WL003", "collection-description", "Collection has no description", Severity.LOW,
         "Descriptions are the only in-schema documentation; generative/agentic tools (and people) read them.",
         "Set one: collection.config.update(description=...) (mutable).",
         _collection_description, {"min_length": 1}),
    Rule("WL004", "property-description", "Property has no description", Severity.INFO,
         "Undocumented properties are guessed at; query agents use property descriptions to build filters.",
         "Describe the property (property descriptions are mutable through PUT /v1/schema/{class}).",
         _property_description, {"min_length": 1}),
    Rule("WL005", "required-properties", "Required properties are missing", Severity.MEDIUM,
         "Your policy requires some properties (owner, source, createdAt...) on every matching collection; "
         "without them lineage and clean-up queries are impossible.",
         "Add the properties (adding a property is mutable: collection.config.add_property).",
         _required_properties, {"required": {}}),
    Rule("WL006", "vector-dimensions", "Vector dimensions do not fit the model", Severity.HIGH,
         "A vectorizer's `dimensions` larger than its model's output (or set on a model that cannot shorten) fails "
         "at the first insert; stored vectors of another size than the model's break every near_text query.",
         "Fix `dimensions` (immutable: new collection + copy), or declare your model's size under `models`.",
         _vector_dimensions, {"models": {}, "shortenable": SHORTENABLE}),
    Rule("WL007", "filters-impossible", "Property cannot be filtered on", Severity.MEDIUM,
         "With indexFilterable false and no range or searchable index, every `where` filter on the property is "
         "rejected; the index flags are immutable.",
         "If the property will ever be filtered, recreate the collection with indexFilterable true; otherwise "
         "ignore this rule for it.",
         _filters_impossible),
    Rule("WL008", "field-tokenization-long-text", "`field` tokenization on long text", Severity.MEDIUM,
         "`field` keeps the whole value as one token: bm25 and hybrid find a document only when the query equals "
         "its full text, so keyword search on body/content properties silently returns nothing.",
         "Use `word` tokenization for prose (immutable: new collection + copy); keep `field` for identifiers.",
         _field_tokenization_long_text,
         {"long_text_names": r"(body|content|text|chunk|summary|abstract|description|paragraph)\w*"}),
    Rule("WL009", "word-tokenization-on-keys", "`word` tokenization on an identifier", Severity.LOW,
         "`word` splits on every non-alphanumeric character, so Equal('sku', 'AB-12') also matches 'AB 12' and "
         "'12-AB'; identifiers, e-mails and URLs need exact matching.",
         "Use `field` tokenization (immutable: new collection + copy).",
         _word_tokenization_on_keys, {"keyword_names": r"\w*(id|sku|email|url|uri|code|slug|hash|key)"}),
    Rule("WL010", "deprecated-string-type", "Deprecated `string` data type", Severity.MEDIUM,
         "`string`/`string[]` are Weaviate v3 types, converted to `text` with field/word tokenization on import; "
         "the v4 clients cannot create them.",
         "Declare `text` with an explicit tokenization (loomdb migrate schema converts v3 schemas).",
         _deprecated_string),
    Rule("WL011", "replication-factor", "Replication factor outside policy", Severity.MEDIUM,
         "With factor 1 losing one node makes the collection unavailable; a factor above the node count cannot "
         "place its replicas and writes at QUORUM/ALL fail.",
         "Set replicationConfig.factor (mutable) between `min_factor` and the node count.",
         _replication_factor, {"min_factor": 1}),
    Rule("WL012", "many-collections-same-shape", "Many same-shape collections: use multi-tenancy", Severity.MEDIUM,
         "Each collection costs memory, file handles and schema work on every node; Weaviate advises "
         "multi-tenancy beyond ~20 collections of the same shape (one per customer/user).",
         "Model them as tenants of one multi-tenant collection (loomdb migrate copy per tenant).",
         _many_collections, {"max_same_shape": 20}),
    Rule("WL013", "compression-above-size", "Large uncompressed vector index", Severity.MEDIUM,
         "Uncompressed HNSW keeps every vector in memory (objects x dims x 4 bytes plus the graph); above ~1M "
         "objects PQ/SQ/RQ/BQ cut memory 4-32x at a small recall cost.",
         "Enable compression (mutable for hnsw: config.update(vector_config=...quantizer=...)).",
         _compression_above_size, {"max_uncompressed_objects": 1_000_000}, live_only=True),
    Rule("WL014", "text-without-vectorizer", "Text collection without a vectorizer", Severity.LOW,
         "With vectorizer `none` every insert must carry its vector and near_text/hybrid cannot vectorise the "
         "query; often a forgotten module config.",
         "Configure a vectorizer, or ignore the rule for collections whose vectors you bring yourself.",
         _text_without_vectorizer),
    Rule("WL015", "flat-index-many-objects", "Flat index over many objects", Severity.MEDIUM,
         "A flat index compares the query with every vector: fine up to ~10,000 objects (Weaviate's dynamic "
         "threshold), linear latency beyond.",
         "Use hnsw or dynamic (the index type is immutable: new collection + copy + alias swap).",
         _flat_many_objects, {"max_objects": 10_000}, live_only=True),
    Rule("WL016", "range-filters-off", "Range-filtered number without a range index", Severity.INFO,
         "Numbers and dates filtered with > / < (prices, timestamps...) walk the filterable index value by value; "
         "indexRangeFilters answers them from a range-optimised index.",
         "Set indexRangeFilters true on the property (immutable: new collection + copy).",
         _range_filters_on_numbers, {"range_names": r"\w*(price|date|time|timestamp|at|age|count|score|year)"}),
]

BY_KEY = {key: rule for rule in RULES for key in (rule.id, rule.name)}
