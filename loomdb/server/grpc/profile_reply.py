"""Shard profiles -> weaviate.v1.QueryProfile, every detail a string as Weaviate prints it
(adapters/repos/db/helpers: durations as Go's time.Duration.String(), counts in decimal, flags true/false)."""
from __future__ import annotations

from weaviate.proto.v1 import search_get_pb2

from ...entities.search import ProfileValue, ShardProfile


def fill_query_profile(out: search_get_pb2.QueryProfile, shards: list[ShardProfile], node: str) -> None:
    """`node`: the name of the node that searched the shards (CLUSTER_HOSTNAME)."""
    for shard in shards:
        pb = out.shards.add(name=shard.name, node=node)
        for search, details in shard.searches.items():
            pb.searches[search].details.update({key: _text(value) for key, value in details.items()})


def _text(value: ProfileValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_duration(value)
    return str(value)


_UNITS = ((1_000, "ns"), (1_000_000, "µs"), (1_000_000_000, "ms"))


def go_duration(seconds: float) -> str:
    """What Go's time.Duration.String() prints for this many seconds: "0s", "812ns", "15.234µs", "2.5ms",
    "1.5s", "1m2.5s", "1h0m0s" (nanosecond precision, trailing zeros of the fraction dropped)."""
    ns = round(seconds * 1e9)
    if ns == 0:
        return "0s"
    sign, ns = ("-", -ns) if ns < 0 else ("", ns)
    if ns < 1_000_000_000:
        for bound, unit in _UNITS:
            if ns < bound:
                return sign + _fraction(ns, bound // 1_000) + unit
    text = _fraction(ns % 60_000_000_000, 1_000_000_000) + "s"
    minutes = ns // 60_000_000_000
    if minutes:
        text = f"{minutes % 60}m{text}"
        if minutes >= 60:
            text = f"{minutes // 60}h{text}"
    return sign + text


def _fraction(ns: int, per_unit: int) -> str:
    """ns in a unit of `per_unit` nanoseconds, as Go's fmtFrac/fmtInt: "2.5", "15.234", "14"."""
    whole, rest = divmod(ns, per_unit)
    if not rest:
        return str(whole)
    digits = len(str(per_unit)) - 1
    return f"{whole}.{rest:0{digits}d}".rstrip("0")
