"""Vectorising import through the official client with text2vec-openai against the local OpenAI-style embedding
server (tests/servers/openai_embeddings.py, loopback): a batched import (insert_many / batch, one provider call per
batch) against one object per request (data.insert, one provider call each), and near_text latency.

    python benchmarks/bench_vectorize_import.py --objects 2000

Prints objects/s for each way and the number of provider requests each made."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import weaviate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.data import DataObject

import loomdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from servers.openai_embeddings import EmbeddingServer  # noqa: E402

WORDS = "fast slow red green blue car truck ocean wave river mountain city road train plane ship".split()


def text(i: int) -> str:
    return " ".join(WORDS[(i * k + k) % len(WORDS)] for k in range(1, 9))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=2000)
    parser.add_argument("--single", type=int, default=300, help="objects inserted one request each")
    args = parser.parse_args()
    with EmbeddingServer() as provider, tempfile.TemporaryDirectory() as data:
        srv = loomdb.start_embedded(data)
        try:
            client = weaviate.connect_to_local(port=srv.rest_port, grpc_port=srv.grpc_port,
                                               headers={"X-OpenAI-Api-Key": "sk-test"}, skip_init_checks=True)
            with client:
                def fresh(name: str):
                    return client.collections.create(
                        name, properties=[Property(name="text", data_type=DataType.TEXT)],
                        vector_config=Configure.Vectors.text2vec_openai(
                            base_url=provider.url, dimensions=256, vectorize_collection_name=False))

                col = fresh("Batched")
                before, started = len(provider.requests), time.perf_counter()
                with col.batch.fixed_size(batch_size=200) as batch:
                    for i in range(args.objects):
                        batch.add_object({"text": text(i)})
                took = time.perf_counter() - started
                assert not col.batch.failed_objects and len(col) == args.objects
                print(f"batched (batch 200): {args.objects / took:8.0f} objects/s, "
                      f"{len(provider.requests) - before} provider requests")
                col = fresh("Many")
                before, started = len(provider.requests), time.perf_counter()
                col.data.insert_many([DataObject({"text": text(i)}) for i in range(args.objects)])
                took = time.perf_counter() - started
                print(f"insert_many:         {args.objects / took:8.0f} objects/s, "
                      f"{len(provider.requests) - before} provider requests")
                col = fresh("Single")
                before, started = len(provider.requests), time.perf_counter()
                for i in range(args.single):
                    col.data.insert({"text": text(i)})
                took = time.perf_counter() - started
                print(f"one per request:     {args.single / took:8.0f} objects/s, "
                      f"{len(provider.requests) - before} provider requests")
                times = []
                for i in range(200):
                    started = time.perf_counter()
                    col.query.near_text(text(i)[:20], limit=10)
                    times.append(time.perf_counter() - started)
                print(f"near_text p50 {statistics.median(times) * 1000:.2f} ms (incl. one provider call)")
        finally:
            srv.stop()


if __name__ == "__main__":
    main()
