"""What an aggregation asks for and what it gets back, independent of the gRPC encoding.

Metric names follow Weaviate's (count, type, sum, mean, mode, median, maximum, minimum, top_occurrences,
total_true, total_false, percentage_true, percentage_false, pointing_to)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .filters import Filter
from .search import Hybrid, NearText, NearVector

# request kinds (the oneof of AggregateRequest.Aggregation) and the metrics each may ask for
KIND_METRICS: dict[str, frozenset[str]] = {
    "int": frozenset({"count", "type", "sum", "mean", "mode", "median", "maximum", "minimum"}),
    "number": frozenset({"count", "type", "sum", "mean", "mode", "median", "maximum", "minimum"}),
    "text": frozenset({"count", "type", "top_occurrences"}),
    "boolean": frozenset({"count", "type", "total_true", "total_false", "percentage_true", "percentage_false"}),
    "date": frozenset({"count", "type", "median", "mode", "maximum", "minimum"}),
    "reference": frozenset({"type", "pointing_to"}),
}
REFERENCE_TYPE = "cref"             # the schema type Weaviate reports for a reference property (DataTypeCRef)
DEFAULT_TOP_OCCURRENCES_LIMIT = 5    # Weaviate: aggregator/text.go extractLimitFromTopOccs
DEFAULT_GROUP_LIMIT = 100            # Weaviate: aggregator/grouped.go identifyGroups


@dataclass(frozen=True)
class PropertyAggregation:
    """Metrics asked for one property. `kind` is the request's aggregation kind (int, number, text, boolean,
    date, reference); the result kind follows the property's schema type, as in Weaviate."""

    property: str
    kind: str
    metrics: frozenset[str]
    top_occurrences_limit: int | None = None


@dataclass(frozen=True)
class AggregateParams:
    """One aggregation over one collection: the matched set (all / filters / vector search), optional
    grouping, and the metrics per property."""

    collection: str
    aggregations: tuple[PropertyAggregation, ...] = ()
    total_count: bool = False
    filters: Filter | None = None
    near_vector: NearVector | None = None     # vector may be empty while `near_object` is still unresolved
    near_object: str | None = None
    near_text: NearText | None = None         # embedded by the use case into `near_vector`
    hybrid: Hybrid | None = None              # hook: hybrid-scoped aggregation (not served yet)
    object_limit: int | None = None           # vector search: aggregate over the k nearest only
    group_by: str | None = None
    group_limit: int | None = None            # number of groups (Weaviate's default 100)
    tenant: str = ""


@dataclass
class PropertyResult:
    """Results for one property. `kind` is the result kind: int, number, text, boolean, date, reference.
    A metric left None was not computed (not asked for, or no values to compute it from)."""

    property: str
    kind: str
    data_type: str
    metrics: frozenset[str]
    count: int | None = None
    sum: float | int | None = None
    mean: float | None = None
    median: float | str | None = None
    mode: float | int | str | None = None
    maximum: float | int | str | None = None
    minimum: float | int | str | None = None
    top_occurrences: list[tuple[str, int]] = field(default_factory=list)
    total_true: int | None = None
    total_false: int | None = None
    percentage_true: float | None = None
    percentage_false: float | None = None
    pointing_to: list[str] | None = None       # a reference property: the distinct beacons its objects point to


@dataclass
class AggregateGroup:
    """One group of a grouped aggregation: the shared value (typed as Weaviate reports it: "text", "number",
    "boolean") and the results over the group's objects."""

    property: str
    value: object
    value_type: str
    count: int
    properties: list[PropertyResult]


@dataclass
class AggregateResult:
    total_count: int
    properties: list[PropertyResult]
    groups: list[AggregateGroup] | None = None    # None = not grouped
