"""weaviate.v1.Weaviate/BatchReferences: the gRPC twin of REST POST /v1/batch/references. Each BatchReference
becomes the REST item it stands for (Weaviate's handler builds the same `from` / `to` beacons), the one batch
references use case stores them, and the reply lists the failed items by request index. BatchStream's references
take the same way (batch_stream.py)."""
from __future__ import annotations

from weaviate.proto.v1 import batch_pb2

from ...entities.beacons import PEER

BatchReferenceItem = dict[str, str]     # a /v1/batch/references item: from, to and, inside a tenant, tenant


def reference_item(ref: batch_pb2.BatchReference) -> BatchReferenceItem:
    """The REST-shaped item of one reference (a target collection is optional, as in a short beacon)."""
    target = f"{ref.to_collection}/{ref.to_uuid}" if ref.to_collection else ref.to_uuid
    item = {"from": f"weaviate://{PEER}/{ref.from_collection}/{ref.from_uuid}/{ref.name}",
            "to": f"weaviate://{PEER}/{target}"}
    if ref.tenant:
        item["tenant"] = ref.tenant
    return item


def reference_items(request: batch_pb2.BatchReferencesRequest) -> list[BatchReferenceItem]:
    """The REST-shaped items, in request order."""
    return [reference_item(ref) for ref in request.references]


def references_reply(errors: list[str | None], took: float) -> batch_pb2.BatchReferencesReply:
    return batch_pb2.BatchReferencesReply(took=took, errors=[
        batch_pb2.BatchReferencesReply.BatchError(index=i, error=e) for i, e in enumerate(errors) if e is not None])
