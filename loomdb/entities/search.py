"""What a query asks for and what it gets back, independent of REST/gRPC encodings."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .filters import Filter
from .objects import StoredObject
from .projection import CollectionShape, Projection
from .references import ResolvedRef


def certainty_unsupported(metric: str) -> str:
    """Weaviate's message (usecases/traverser) for certainty on a non-cosine index, as argument or as metadata."""
    return f"can't compute and return certainty when vector index is configured with {metric} distance"


def certainty_from_distance(distance: float) -> float:
    """Weaviate's certainty, defined for cosine distance only: 1 - distance / 2."""
    return 1.0 - distance / 2.0


def distance_from_certainty(certainty: float) -> float:
    """The cosine distance bound a certainty threshold means (inverse of certainty_from_distance)."""
    return 2.0 * (1.0 - certainty)


HYBRID_NEEDS_VECTOR = ("hybrid search needs a query vector (pass vector=...): vectorizer modules are not supported "
                       "by loomdb yet")

# how a multi-target vector search joins the distances of its targets (Weaviate's combination methods)
MINIMUM, SUM, AVERAGE, MANUAL_WEIGHTS, RELATIVE_SCORE = "minimum", "sum", "average", "manualWeights", "relativeScore"


@dataclass(frozen=True)
class TargetVectors:
    """The target vector spaces a vector search names, as the request lists them (a name repeats when it has
    several weights, one per query vector) with the join and, for manual weights and relative score, one weight
    per listed name. The use case resolves it into a TargetJoin (usecases/multi_target.py)."""

    names: tuple[str, ...]
    combination: str = MINIMUM
    weights: tuple[float, ...] = ()


# query vectors given per target (near_vector={name: vector(s)}): (name, its vectors (1-D or token matrices))
PerTargetVectors = tuple[tuple[str, tuple[np.ndarray, ...]], ...]


@dataclass(frozen=True)
class TargetJoin:
    """A resolved multi-target vector search: one search per entry (a target repeats when it has several query
    vectors), joined by `combination` with one weight per entry; the hit's distance is the joined one."""

    targets: tuple[str, ...]
    vectors: tuple[np.ndarray, ...]
    combination: str
    weights: tuple[float, ...]


@dataclass(frozen=True)
class NearVector:
    """Vector similarity: `vector` against the space `target` (None = the collection's only vector). A
    multi-target request carries `targets` (and `per_target` vectors) until the use case resolves it into `join`,
    which the engine runs instead of `target` and `vector`."""

    vector: np.ndarray
    target: str | None = None
    distance: float | None = None     # keep hits with distance <= this
    certainty: float | None = None    # keep hits with certainty >= this (cosine only)
    targets: TargetVectors | None = None
    per_target: PerTargetVectors = ()
    join: TargetJoin | None = None

    @property
    def max_distance(self) -> float | None:
        """The distance bound of the thresholds (a certainty converted to its cosine distance)."""
        return self.distance if self.certainty is None else distance_from_certainty(self.certainty)


@dataclass(frozen=True)
class Move:
    """near_text's moveTo / moveAwayFrom: towards (away from) the concepts' and the objects' vectors."""

    force: float
    concepts: tuple[str, ...] = ()
    uuids: tuple[str, ...] = ()


@dataclass(frozen=True)
class NearText:
    """Semantic search: the concepts are embedded by the target vector's module (mean of their vectors), then
    moved; thresholds as NearVector's."""

    concepts: tuple[str, ...]
    target: str | None = None
    distance: float | None = None
    certainty: float | None = None
    move_to: Move | None = None
    move_away: Move | None = None
    targets: TargetVectors | None = None      # several targets: the concepts embedded per target, then joined


@dataclass(frozen=True)
class Bm25:
    """Keyword search. `properties` may carry boosts ("title^2"); empty = every searchable text property."""

    query: str
    properties: tuple[str, ...] = ()
    operator: str = "Or"                     # "Or" | "And"
    minimum_or_tokens_match: int = 0


@dataclass(frozen=True)
class Hybrid:
    """Keyword + vector fusion. `vector` None with `near_vector` None means: the target vector's module embeds
    `near_text` or `query` (the search use case fills `vector` / `near_vector`) or, with alpha 0, keyword only."""

    query: str
    alpha: float = 0.75
    fusion: str = "relativeScoreFusion"      # or "rankedFusion"
    properties: tuple[str, ...] = ()
    vector: np.ndarray | None = None
    near_vector: NearVector | None = None   # sub-search with its own thresholds
    target: str | None = None
    near_text: NearText | None = None       # sub-search embedded by the module (becomes `near_vector`)
    max_vector_distance: float | None = None
    operator: str = "Or"
    minimum_or_tokens_match: int = 0
    targets: TargetVectors | None = None    # multi-target: resolved into `join` (the engine runs that)
    join: TargetJoin | None = None

    @property
    def target_vector(self) -> str | None:
        """The vector space asked for: the near_vector sub-search's own target, else the hybrid's."""
        return self.near_vector.target if self.near_vector is not None and self.near_vector.target else self.target


@dataclass(frozen=True)
class SortBy:
    """One sort key: a property name, or "_id" / "_creationTimeUnix" / "_lastUpdateTimeUnix"."""

    path: str
    ascending: bool = True


@dataclass(frozen=True)
class GroupBy:
    """Group results by a property value."""

    property: str
    number_of_groups: int
    objects_per_group: int


# one profile detail: a duration in seconds (float), a count (int), a flag (bool) or a name (str)
ProfileValue = float | int | bool | str

VECTOR_SEARCH, KEYWORD_SEARCH, OBJECT_SEARCH = "vector", "keyword", "object"    # Weaviate's search types


@dataclass
class ShardProfile:
    """One shard's part of a profiled query: per search type ("vector", "keyword", "object"; hybrid has both of
    the first two) its details under Weaviate's metric names. Stages of the shard as a whole (filters, sort,
    fusion, the object read) sit under `main`, the search type that produced the page."""

    name: str
    main: str
    searches: dict[str, dict[str, ProfileValue]] = field(default_factory=dict)

    def add_took(self, key: str, seconds: float) -> None:
        """A stage timed outside the shard's search (the page's object read), counted into its total."""
        details = self.searches.setdefault(self.main, {})
        details[key] = float(details.get(key, 0.0)) + seconds
        details["total_took"] = float(details.get("total_took", 0.0)) + seconds


class QueryProfile:
    """Collects the shard profiles of one query (MetadataQuery(query_profile=True)); each shard's search adds
    its own, so a query over several shards reports one per shard."""

    def __init__(self) -> None:
        self.shards: list[ShardProfile] = []

    def add(self, shard: ShardProfile) -> None:
        self.shards.append(shard)

    def add_took(self, key: str, seconds: float) -> None:
        """A stage run once for the page of all shards (the object read): counted to each shard."""
        for shard in self.shards:
            shard.add_took(key, seconds)


@dataclass(frozen=True)
class SearchParams:
    """One query over one collection (and later one tenant)."""

    collection: str
    limit: int
    offset: int = 0
    after: str | None = None
    filters: Filter | None = None
    near_vector: NearVector | None = None
    bm25: Bm25 | None = None
    hybrid: Hybrid | None = None
    sort: tuple[SortBy, ...] = ()
    autocut: int = 0
    group_by: GroupBy | None = None
    explain_score: bool = False
    tenant: str = ""
    profile: QueryProfile | None = field(default=None, compare=False)    # set: each shard adds its timings


@dataclass
class Hit:
    """A matched object (by its stable store key) with its score data; objects are fetched only for the
    returned page."""

    doc: int
    distance: float | None = None
    score: float | None = None
    explain_score: str = ""
    shard: int = 0          # which of the searched shards holds `doc` (a collection with several shards)


@dataclass
class Group:
    """One group of a group_by search: the shared value and its hits, best first."""

    name: str
    value: object
    hits: list[Hit]
    min_distance: float = 0.0
    max_distance: float = 0.0


@dataclass(frozen=True)
class Rerank:
    """Re-sort the results by a reranker module's score of one text property against `query`."""

    property: str
    query: str = ""


@dataclass(frozen=True)
class FeatureProjection:
    """`_additional { featureProjection(...) }`: the page's vectors reduced by t-SNE; None = Weaviate's default
    (usecases/projection.py fills them from the number of results)."""

    algorithm: str | None = None
    dimensions: int | None = None
    perplexity: int | None = None
    iterations: int | None = None
    learning_rate: int | None = None


@dataclass(frozen=True)
class ProviderChoice:
    """A generative provider named in the request (GenerativeProvider): its Weaviate module name, its per-call
    options under the class config's names (camelCase, e.g. "maxTokens", "baseURL"), and whether the provider's
    metadata (usage tokens) is returned."""

    module: str
    options: Mapping[str, Any] = field(default_factory=dict)
    return_metadata: bool = False
    images: tuple[str, ...] = ()             # base64 images sent with the prompt
    image_properties: tuple[str, ...] = ()   # blob properties whose stored images are sent with it


@dataclass(frozen=True)
class SinglePrompt:
    """One generation per result: `prompt` with `{property}` placeholders filled from that result."""

    prompt: str
    debug: bool = False
    provider: ProviderChoice | None = None


@dataclass(frozen=True)
class GroupedTask:
    """One generation over all results: `task`, then the results' properties (only `properties` if given)."""

    task: str
    properties: tuple[str, ...] = ()
    debug: bool = False
    provider: ProviderChoice | None = None


@dataclass(frozen=True)
class GenerativeSearch:
    """What to generate. `errors_in_results`: a generation that fails is that result's `error` (Weaviate's
    GraphQL `_additional { generate { error } }`) rather than the query's failure (gRPC)."""

    single: SinglePrompt | None = None
    grouped: GroupedTask | None = None
    errors_in_results: bool = False


@dataclass(frozen=True)
class Generation:
    """One generated text with the provider module that made it, its metadata when asked for, and the filled
    prompt when debug was asked for; or why it failed (`error`, text empty) when the search keeps errors in its
    results."""

    text: str
    module: str
    metadata: Mapping[str, Any] | None = None
    debug_prompt: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class SearchRequest:
    """One search as a wire adapter parsed it: the query, what to return, and for near_object the id of the object
    whose vector the query runs with (`params.near_vector` then carries the thresholds and target only). Rerank and
    generative steps run on the results; `headers` (lower-cased names) carry the modules' API keys."""

    params: SearchParams
    projection: Projection = Projection()
    near_object: str | None = None
    near_text: NearText | None = None      # embedded by the use case into `params.near_vector`
    rerank: Rerank | None = None
    generative: GenerativeSearch | None = None
    feature_projection: FeatureProjection | None = None


@dataclass
class ResultObject:
    """One returned object with its hit (distance / score) and, when asked for, its resolved references
    (reference property -> the referenced objects that exist)."""

    hit: Hit
    obj: StoredObject
    references: dict[str, list[ResolvedRef]] = field(default_factory=dict)
    rerank_score: float | None = None
    generation: Generation | None = None
    feature_projection: list[float] | None = None


@dataclass
class ResultGroup:
    """One group of a group_by search with its returned objects, best first."""

    name: str
    min_distance: float
    max_distance: float
    objects: list[ResultObject]
    rerank_score: float | None = None          # the group's score: its first object's property reranked
    generation: Generation | None = None       # single prompt over the group's first object


@dataclass
class SearchResult:
    """Everything a reply needs: the objects (or the groups), what to return of them, and how to encode them."""

    shape: CollectionShape
    projection: Projection
    objects: list[ResultObject]
    groups: list[ResultGroup] | None = None      # None = not a group_by search
    metric: str | None = None                    # distance metric of a vector search asked for distance/certainty
    referenced: dict[str, CollectionShape] = field(default_factory=dict)   # shapes of referenced collections
    profile: list[ShardProfile] | None = None    # per-shard stage timings, when the query asked for them
    grouped_generation: Generation | None = None  # the grouped task's text over all results
