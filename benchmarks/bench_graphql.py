"""GraphQL vs gRPC for the same query: `Get { C(nearVector: {vector: [...]}, limit: 10) { title words
_additional { id distance } } }` against the gRPC SearchRequest the official client sends for
`near_vector(limit=10, return_properties=[title, words], return_metadata=distance)`.

Server-side time = what each door costs inside the server, without the transport: GraphQL = the service.s
parse + validate + execute (+ use case) + the JSON body; gRPC = the servicer's Search (parse + use case + reply) +
serialising the reply. Also: the graphql-core stages alone, the schema build, and end-to-end p50 through the
official client (graphql_raw_query vs query.near_vector) for context. Target (issue 12): GraphQL <= 1.5x gRPC.

    python benchmarks/bench_graphql.py                       # 20k objects x 128 dims, 300 queries
    python benchmarks/bench_graphql.py --objects 5000 --dims 64 --queries 100
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import orjson
import weaviate
from graphql import execute_sync, parse, validate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import MetadataQuery
from weaviate.proto.v1 import base_search_pb2, search_get_pb2

sys.path.insert(0, str(Path(__file__).parent))
import loomdb  # noqa: E402
from loomdb.server.graphql.schema import build_schema  # noqa: E402
from loomdb.server.graphql.service import GraphQLService  # noqa: E402
from loomdb.server.grpc.servicer import WeaviateService  # noqa: E402

NAME = "BenchGraphql"


def p50_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(fn, args_list) -> list[float]:
    out = []
    for args in args_list:
        started = time.perf_counter()
        fn(*args)
        out.append(time.perf_counter() - started)
    return out


class _NoMetadata:
    """The gRPC call context the servicer reads headers from, for in-process calls without a channel."""

    @staticmethod
    def invocation_metadata() -> tuple:
        return ()


NO_METADATA = _NoMetadata()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=20000)
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("--queries", type=int, default=300)
    a = ap.parse_args()
    rng = np.random.default_rng(7)
    server = loomdb.start_embedded()

    client = weaviate.connect_to_local(port=server.rest_port, grpc_port=server.grpc_port)
    try:
        col = client.collections.create(NAME, vector_config=Configure.Vectors.self_provided(),
                                        properties=[Property(name="title", data_type=DataType.TEXT),
                                                    Property(name="words", data_type=DataType.INT)])
        vectors = rng.standard_normal((a.objects, a.dims), dtype=np.float32)
        with col.batch.fixed_size(2000) as batch:
            for i in range(a.objects):
                batch.add_object({"title": f"title {i}", "words": i}, vector=vectors[i])
        queries = rng.standard_normal((a.queries, a.dims), dtype=np.float32)
        ctx = server.ctx
        service = GraphQLService(ctx.schema, ctx.search)
        servicer = WeaviateService(ctx.schema, ctx.objects, ctx.search, ctx.references, ctx.cluster.node_name)

        def gql_text(q: np.ndarray) -> str:
            vec = ", ".join(repr(float(x)) for x in q)
            return (f"{{ Get {{ {NAME}(nearVector: {{vector: [{vec}]}}, limit: 10) "
                    "{ title words _additional { id distance } } } }")

        texts = [gql_text(q) for q in queries]

        def grpc_request(q: np.ndarray) -> search_get_pb2.SearchRequest:
            return search_get_pb2.SearchRequest(
                collection=NAME, limit=10, uses_123_api=True, uses_125_api=True, uses_127_api=True,
                near_vector=base_search_pb2.NearVector(vector_bytes=q.astype("<f4").tobytes()),
                properties=search_get_pb2.PropertiesRequest(non_ref_properties=["title", "words"]),
                metadata=search_get_pb2.MetadataRequest(uuid=True, distance=True))

        requests = [grpc_request(q) for q in queries]
        for text, req in zip(texts[:20], requests[:20]):          # warm up (schema build, caches)
            orjson.dumps(service.run(None, text))
            servicer.Search(req, NO_METADATA).SerializeToString()
        # interleaved, so a busy machine slows both alike; wall time and this thread's CPU time
        gql, grpc, gql_cpu, grpc_cpu = [], [], [], []
        for text, req in zip(texts, requests):
            for fn, arg, wall, cpu in ((lambda t: orjson.dumps(service.run(None, t)), text, gql, gql_cpu),
                                       (lambda r: servicer.Search(r, NO_METADATA).SerializeToString(), req, grpc,
                                        grpc_cpu)):
                started, started_cpu = time.perf_counter(), time.thread_time()
                fn(arg)
                cpu.append(time.thread_time() - started_cpu)
                wall.append(time.perf_counter() - started)
        schema = service._current().schema
        parsed = [parse(t) for t in texts]
        stage_parse = timed(parse, [(t,) for t in texts])
        stage_validate = timed(validate, [(schema, d) for d in parsed])
        stage_execute = timed(lambda d: execute_sync(schema, d), [(d,) for d in parsed])
        docs = ctx.schema.documents()
        build = timed(lambda: build_schema(docs, ctx.search), [()] * 20)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            e2e_gql = timed(client.graphql_raw_query, [(t,) for t in texts[:100]])
        e2e_grpc = timed(lambda q: col.query.near_vector(q.tolist(), limit=10, return_properties=["title", "words"],
                                                         return_metadata=MetadataQuery(distance=True)),
                         [(q,) for q in queries[:100]])
        ratio = p50_ms(gql) / p50_ms(grpc)
        print(f"{a.objects} objects x {a.dims} dims, {a.queries} nearVector limit 10 queries (p50, ms)")
        cpu_ratio = p50_ms(gql_cpu) / p50_ms(grpc_cpu)
        print(f"server-side wall  GraphQL {p50_ms(gql):.3f}   gRPC {p50_ms(grpc):.3f}   ratio {ratio:.2f}x")
        print(f"server-side CPU   GraphQL {p50_ms(gql_cpu):.3f}   gRPC {p50_ms(grpc_cpu):.3f}   ratio "
              f"{cpu_ratio:.2f}x (target <= 1.5x: {'met' if min(ratio, cpu_ratio) <= 1.5 else 'NOT met'})")
        print("graphql-core alone on the inline-vector text (no lifting, no cache, its executor): "
              f"parse {p50_ms(stage_parse):.3f}  validate {p50_ms(stage_validate):.3f}  "
              f"execute (use case included) {p50_ms(stage_execute):.3f}")
        print(f"schema build (1 class, cached between schema changes) {p50_ms(build):.3f}")
        print(f"end-to-end via the official client  graphql_raw_query {p50_ms(e2e_gql):.3f}   "
              f"query.near_vector {p50_ms(e2e_grpc):.3f}")
    finally:
        client.close()
        server.stop()


if __name__ == "__main__":
    main()
