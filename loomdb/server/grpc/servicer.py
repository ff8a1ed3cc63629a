"""The weaviate.v1.Weaviate service: parse -> one use-case call -> reply, nothing else."""
from __future__ import annotations

import time

import grpc
from weaviate.proto.v1 import aggregate_pb2, batch_delete_pb2, batch_pb2, search_get_pb2, tenants_pb2, weaviate_pb2_grpc

from ...entities.errors import InvalidInput
from ...usecases.objects import ObjectService
from ...usecases.references import ReferenceService
from ...usecases.schema import SchemaService
from ...usecases.search import SearchService
from ..auth import grpc_principal
from .aggregate_parse import parse_aggregate
from .aggregate_reply import build_aggregate_reply
from .batch_parse import parse_batch_objects
from .batch_references import reference_items, references_reply
from .batch_stream import serve_batch_stream
from .errors import grpc_errors, request_headers
from .filters_parse import parse_filters
from .search_parse import parse_search
from .search_reply import build_search_reply
from .values import uuid_bytes


def _not_supported(method: str):
    def refuse(self, request, context):
        context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{method} is not supported by loomdb yet")
    refuse.__name__ = method
    return refuse


def _refuse_unimplemented(cls):
    """Every weaviate.v1.Weaviate method of the installed client's proto that `cls` does not implement answers
    UNIMPLEMENTED in loomdb's words (the generated base answers "Method not implemented!")."""
    for name, member in vars(weaviate_pb2_grpc.WeaviateServicer).items():
        if not name.startswith("_") and callable(member) and name not in vars(cls):
            setattr(cls, name, _not_supported(name))
    return cls


@_refuse_unimplemented
class WeaviateService(weaviate_pb2_grpc.WeaviateServicer):
    def __init__(self, schema: SchemaService, objects: ObjectService, search: SearchService,
                 references: ReferenceService, node_name: str) -> None:
        self.node_name = node_name          # CLUSTER_HOSTNAME, named in query profiles
        self.schema = schema
        self.objects = objects
        self.searcher = search
        self.references = references

    @grpc_errors
    def Search(self, request: search_get_pb2.SearchRequest, context) -> search_get_pb2.SearchReply:
        started = time.perf_counter()
        result = self.searcher.search(grpc_principal(context), parse_search(request), request_headers(context))
        return build_search_reply(result, time.perf_counter() - started, self.node_name)

    @grpc_errors
    def BatchObjects(self, request: batch_pb2.BatchObjectsRequest, context) -> batch_pb2.BatchObjectsReply:
        started = time.perf_counter()
        entries, errors = parse_batch_objects(request)
        errors.update(self.objects.batch_put(grpc_principal(context), entries, request_headers(context)))
        return batch_pb2.BatchObjectsReply(
            took=time.perf_counter() - started,
            errors=[batch_pb2.BatchObjectsReply.BatchError(index=i, error=e) for i, e in sorted(errors.items())])

    @grpc_errors
    def BatchDelete(self, request: batch_delete_pb2.BatchDeleteRequest, context
                    ) -> batch_delete_pb2.BatchDeleteReply:
        started = time.perf_counter()
        if not request.HasField("filters"):
            raise InvalidInput("batch delete requires a filter")
        outcome = self.objects.delete_many(grpc_principal(context), request.collection, parse_filters(request.filters),
                                           request.dry_run, tenant=request.tenant)
        reply = batch_delete_pb2.BatchDeleteReply(
            took=time.perf_counter() - started, matches=outcome.matches, successful=outcome.successful,
            failed=outcome.failed)
        if request.verbose:
            reply.objects.extend(batch_delete_pb2.BatchDeleteObject(uuid=uuid_bytes(u), successful=True)
                                 for u in outcome.uuids)
        return reply

    @grpc_errors
    def Aggregate(self, request: aggregate_pb2.AggregateRequest, context) -> aggregate_pb2.AggregateReply:
        started = time.perf_counter()
        params = parse_aggregate(request)
        result = self.searcher.aggregate(grpc_principal(context), params, request_headers(context))
        return build_aggregate_reply(result, params.total_count, time.perf_counter() - started)

    @grpc_errors
    def TenantsGet(self, request: tenants_pb2.TenantsGetRequest, context) -> tenants_pb2.TenantsGetReply:
        """All tenants, or those of `names` that exist (Weaviate's grpc/v1/tenants.go)."""
        started = time.perf_counter()
        names = None
        if request.HasField("names"):
            names = list(request.names.values)
            if not names:
                raise InvalidInput("must specify at least one tenant name")
        tenants = self.schema.tenants(grpc_principal(context), request.collection, names)
        return tenants_pb2.TenantsGetReply(took=time.perf_counter() - started, tenants=[
            tenants_pb2.Tenant(name=name, activity_status=tenants_pb2.TenantActivityStatus.Value(
                f"TENANT_ACTIVITY_STATUS_{status}")) for name, status in tenants])

    def BatchStream(self, request_iterator, context):
        principal = grpc_principal(context)        # read now: the stream is served after this method returns
        return serve_batch_stream(self.objects, principal, lambda items: self.references.batch(principal, items),
                                  request_iterator, context)

    @grpc_errors
    def BatchReferences(self, request: batch_pb2.BatchReferencesRequest, context
                        ) -> batch_pb2.BatchReferencesReply:
        started = time.perf_counter()
        errors = self.references.batch(grpc_principal(context), reference_items(request))
        return references_reply(errors, time.perf_counter() - started)
