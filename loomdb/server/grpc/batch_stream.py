"""weaviate.v1.Weaviate/BatchStream as the official client drives it (`batch.stream()`, `data.ingest()`).

Protocol (wire-protocol doc §2.3, client `collections/batch/sync.py`):
  client: start{consistency_level} -> data{objects, references}* -> stop
  server: started, then per data message `acks` (releases the client's in-flight items) and, as objects are stored,
          `results` (successes / errors by uuid, references by beacon key); `backoff{batch_size}` when the suggested
          batch size changes; after stop: the last results, then the response stream ends.

Threads: a reader thread consumes the request stream and admits each message to the use case's bounded queue
(usecases/objects.StreamSession: one `submit` per message, answering the batch size to suggest), acknowledging it
only once admitted; the session's worker stores and reports; this generator (on a gRPC pool thread) sends
whatever is ready. Protobuf stays in this module.
"""
from __future__ import annotations

import logging
import queue
import threading

import grpc
from weaviate.proto.v1 import batch_pb2

from ...entities.errors import LoomError
from ...entities.principal import Principal
from ...usecases.objects import ObjectService, ReferenceBatch, StreamItem, StreamResults
from .batch_parse import parse_batch_object
from .batch_references import reference_item
from .errors import request_headers

log = logging.getLogger("loomdb.grpc")
Reply = batch_pb2.BatchStreamReply


def beacon_key(ref: batch_pb2.BatchReference) -> str:
    """How the client keys a reference in acks/results (`BatchReference._to_beacon`)."""
    return f"weaviate://localhost/{ref.from_collection}/{ref.from_uuid}/{ref.name}"


def _items(data: batch_pb2.BatchStreamRequest.Data) -> list[StreamItem]:
    items: list[StreamItem] = []
    for obj in data.objects.values:
        try:
            items.append(StreamItem(obj.uuid, obj.collection, parse_batch_object(obj)))
        except LoomError as exc:                 # a malformed object fails alone
            items.append(StreamItem(obj.uuid, obj.collection, error=exc.message))
    for ref in data.references.values:
        items.append(StreamItem(beacon_key(ref), ref.from_collection, is_reference=True,
                                reference=reference_item(ref)))
    return items


def _results_reply(r: StreamResults) -> Reply:
    R = Reply.Results
    return Reply(results=R(
        errors=[R.Error(error=e, uuid=k) for k, e in r.errors] + [R.Error(error=e, beacon=k)
                                                                  for k, e in r.reference_errors],
        successes=[R.Success(uuid=k) for k in r.successes] + [R.Success(beacon=k) for k in r.reference_successes]))


def serve_batch_stream(objects: ObjectService, principal: Principal | None, references: ReferenceBatch,
                       request_iterator, context):
    """The response iterator of one BatchStream call; `references` stores a group of reference items (the batch
    references use case, as BatchReferences)."""
    first = next(request_iterator, None)
    if first is None:
        return
    if not first.HasField("start"):
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "the first message of a batch stream must be 'start'")
    out: queue.Queue[Reply | None] = queue.Queue()
    session = objects.open_stream(principal, on_results=lambda r: out.put(_results_reply(r)),
                                  on_done=lambda: out.put(None), references=references,
                                  headers=request_headers(context))
    context.add_callback(session.cancel)         # runs when the RPC ends, normally or not

    def read() -> None:
        batch_size = None
        try:
            for req in request_iterator:
                if req.HasField("stop"):
                    break
                if not req.HasField("data"):
                    continue                     # a repeated start: nothing to do
                items = _items(req.data)
                suggested = session.submit(items)    # blocks while the server is busy
                if suggested is None:
                    return
                out.put(Reply(acks=Reply.Acks(uuids=[i.key for i in items if not i.is_reference],
                                              beacons=[i.key for i in items if i.is_reference])))
                if suggested != batch_size:
                    batch_size = suggested
                    out.put(Reply(backoff=Reply.Backoff(batch_size=suggested)))
        except Exception as exc:  # noqa: BLE001 - the client went away mid-stream
            log.info("batch stream input ended: %s", exc)
            session.cancel()
            out.put(None)
            return
        session.finish()

    threading.Thread(target=read, name="loomdb-batch-stream-reader", daemon=True).start()
    yield Reply(started=Reply.Started())
    while (reply := out.get()) is not None:
        yield reply
