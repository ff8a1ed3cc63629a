"""What a search or aggregation reads, as Weaviate's authorization resources: the objects of the collection's
tenant, and the data of every collection a reference reaches, through the returned references (resolved at any
depth) or through a filter's reference path. Weaviate checks READ on each (GraphQL's authorizePath, gRPC's class
getter with authorization), so a principal never sees objects of a collection it may not read through a
reference."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..entities import permissions as perm
from ..entities.filters import Filter, FilterLeaf, FilterNode
from ..entities.projection import RefQuery

ClassDocOf = Callable[[str], "dict[str, Any] | None"]     # a collection's class document, None when it is unknown


def read_resources(class_doc: dict[str, Any], tenant: str, refs: Iterable[RefQuery], flt: Filter | None,
                   doc_of: ClassDocOf) -> list[str]:
    """The READ resources of a query on `class_doc` (in `tenant`) returning `refs` and filtered by `flt`."""
    targets: set[str] = set()
    _ref_targets(class_doc, tuple(refs), doc_of, targets)
    _filter_targets(class_doc, flt, doc_of, targets)
    targets.discard(class_doc["class"])          # the collection itself: its tenant's resource covers it
    # every collection a query reaches is authorized in the query's tenant, as Weaviate's classGetterWithAuthz does
    return [perm.objects(class_doc["class"], tenant)] + [perm.objects(name, tenant) for name in sorted(targets)]


def _property_targets(class_doc: dict[str, Any], prop: str) -> tuple[str, ...]:
    for spec in class_doc.get("properties") or ():
        if spec.get("name", "").lower() == prop.lower():
            return tuple(t for t in spec.get("dataType") or () if t[:1].isupper())
    return ()


def _ref_targets(class_doc: dict[str, Any], refs: tuple[RefQuery, ...], doc_of: ClassDocOf, out: set[str]) -> None:
    for ref in refs:
        for target in (ref.target,) if ref.target else _property_targets(class_doc, ref.prop):
            out.add(target)
            target_doc = doc_of(target)
            if target_doc is not None and ref.refs:
                _ref_targets(target_doc, ref.refs, doc_of, out)


def _filter_targets(class_doc: dict[str, Any], flt: Filter | None, doc_of: ClassDocOf, out: set[str]) -> None:
    if isinstance(flt, FilterNode):
        for operand in flt.operands:
            _filter_targets(class_doc, operand, doc_of, out)
    elif isinstance(flt, FilterLeaf):
        doc: dict[str, Any] | None = class_doc
        for prop, target in flt.reference_path:
            if doc is None:
                break
            names = (target,) if target else _property_targets(doc, prop)
            out.update(names)
            doc = doc_of(names[0]) if len(names) == 1 else None
