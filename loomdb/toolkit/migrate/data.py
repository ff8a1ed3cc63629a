"""Objects and references moved through the public REST API: the source read with the cursor (`after`, id order),
the destination written in batches with every object's id and vectors given explicitly (so nothing is
re-vectorised and a re-sent batch overwrites instead of duplicating). Reading the next page overlaps with writing
the current one."""
from __future__ import annotations

import queue
import random
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from .checkpoint import DONE, Checkpoint, stream_key

Progress = Callable[[int], None]
Writer = Callable[[str, "str | None", list[dict[str, Any]], set[str]], list[str]]   # (name, tenant, page, skipped)


class CopyError(RuntimeError):
    pass


@dataclass
class StreamResult:
    """What one (class, tenant) stream did."""

    objects: int = 0
    references: int = 0
    errors: list[str] = field(default_factory=list)
    sample_ids: list[str] = field(default_factory=list)


def pages(src: httpx.Client, name: str, tenant: str | None, after: str | None, size: int,
          vectors: bool = True) -> Iterator[list[dict[str, Any]]]:
    """The source's objects of one class/tenant after `after`, a page at a time, in id order."""
    params: dict[str, Any] = {"class": name, "limit": size}
    if vectors:
        params["include"] = "vector"
    if tenant:
        params["tenant"] = tenant
    while True:
        if after:
            params["after"] = after
        reply = src.get("/v1/objects", params=params)
        if reply.status_code != 200:
            raise CopyError(f"read {name}/{tenant or '-'}: HTTP {reply.status_code} {reply.text[:300]}")
        objects = reply.json().get("objects") or []
        if not objects:
            return
        yield objects
        after = objects[-1]["id"]


def prefetched(source: Iterator[list[dict[str, Any]]], depth: int = 3) -> Iterator[list[dict[str, Any]]]:
    """`source` read by a thread of its own, `depth` pages ahead of the consumer."""
    ahead: queue.Queue[Any] = queue.Queue(depth)
    end = object()

    def fill() -> None:
        try:
            for page in source:
                ahead.put(page)
            ahead.put(end)
        except BaseException as exc:   # handed to the consumer, raised there
            ahead.put(exc)

    threading.Thread(target=fill, daemon=True).start()
    while True:
        item = ahead.get()
        if item is end:
            return
        if isinstance(item, BaseException):
            raise item
        yield item


def as_batch_object(obj: dict[str, Any], references: set[str], dst_name: str | None = None) -> dict[str, Any]:
    """The object as a batch item, without the `references` properties, into `dst_name` (default: its class)."""
    out: dict[str, Any] = {"class": dst_name or obj["class"], "id": obj["id"],
                           "properties": {k: v for k, v in (obj.get("properties") or {}).items()
                                          if k not in references}}
    if obj.get("vector"):
        out["vector"] = obj["vector"]
    if obj.get("vectors"):
        out["vectors"] = obj["vectors"]
    if obj.get("tenant"):
        out["tenant"] = obj["tenant"]
    return out


def copy_objects(src: httpx.Client, dst: httpx.Client, name: str, tenant: str | None, references: set[str],
                 checkpoint: Checkpoint, batch_size: int, sample: int, progress: Progress,
                 stop_after: int | None = None, writers: int = 2, dst_name: str | None = None,
                 writer: Writer | None = None) -> StreamResult:
    """One class/tenant's objects, without the `references` properties, `writers` batches in flight at once, into
    the destination's `dst_name` (default: the same name). The checkpoint advances in page order, only past pages
    whose batch and every earlier one are written. `writer` sends a batch (default: REST /v1/batch/objects on
    `dst`)."""
    key = stream_key("data", name, tenant)
    result = StreamResult()
    after = checkpoint.get(key)
    if after == DONE:
        return result
    chooser = random.Random(key)
    in_flight: deque[tuple[Future[list[str]], list[dict[str, Any]]]] = deque()
    write = writer or (lambda *args: write_objects(dst, *args))

    def settle() -> None:
        written, page = in_flight.popleft()
        result.errors.extend(written.result())
        checkpoint.set(key, page[-1]["id"])
        result.objects += len(page)
        _reservoir(result.sample_ids, page, result.objects - len(page), sample, chooser)
        progress(len(page))
        if stop_after is not None and result.objects >= stop_after:
            raise Interrupted(f"stopped after {result.objects} objects of {name}/{tenant or '-'} (--stop-after)")

    with ThreadPoolExecutor(max(1, writers)) as pool:
        try:
            for page in prefetched(pages(src, name, tenant, after, batch_size)):
                in_flight.append((pool.submit(write, dst_name or name, tenant, page, references), page))
                while len(in_flight) >= max(1, writers) or (in_flight and in_flight[0][0].done()):
                    settle()
            while in_flight:
                settle()
        finally:
            for written, _ in in_flight:
                written.cancel()
    checkpoint.set(key, DONE)
    return result


def write_objects(dst: httpx.Client, name: str, tenant: str | None, page: list[dict[str, Any]],
                  references: set[str]) -> list[str]:
    """One batch written into collection `name`; the per-object errors the destination answered."""
    reply = dst.post("/v1/batch/objects", json={"objects": [as_batch_object(o, references, name) for o in page]})
    if reply.status_code != 200:
        raise CopyError(f"write {name}/{tenant or '-'}: HTTP {reply.status_code} {reply.text[:300]}")
    return [f"{item.get('id')}: {e.get('message')}" for item in reply.json()
            for e in ((item.get("result") or {}).get("errors") or {}).get("error") or []]


def _reservoir(chosen: list[str], page: list[dict[str, Any]], seen: int, size: int, chooser: random.Random) -> None:
    """Keep `chosen` a uniform sample of `size` ids among every object seen so far (reservoir sampling)."""
    for offset, obj in enumerate(page):
        if len(chosen) < size:
            chosen.append(obj["id"])
            continue
        slot = chooser.randrange(seen + offset + 1)
        if slot < size:
            chosen[slot] = obj["id"]


class Interrupted(RuntimeError):
    """The copy stopped on purpose before the end (a later run resumes from the checkpoint)."""


def copy_references(src: httpx.Client, dst: httpx.Client, name: str, tenant: str | None, references: list[str],
                    checkpoint: Checkpoint, batch_size: int, dst_name: str | None = None) -> StreamResult:
    """The reference properties of one class/tenant, once every object exists on the destination (in `dst_name`,
    default the same name)."""
    key = stream_key("refs", name, tenant)
    result = StreamResult()
    after = checkpoint.get(key)
    if after == DONE:
        return result
    for page in pages(src, name, tenant, after, batch_size, vectors=False):
        batch = [{"from": f"weaviate://localhost/{dst_name or name}/{obj['id']}/{prop}", "to": ref["beacon"],
                  **({"tenant": tenant} if tenant else {})}
                 for obj in page for prop in references
                 for ref in (obj.get("properties") or {}).get(prop) or []]
        if batch:
            reply = dst.post("/v1/batch/references", json=batch)
            if reply.status_code != 200:
                raise CopyError(f"references {name}/{tenant or '-'}: HTTP {reply.status_code} {reply.text[:300]}")
            for item in reply.json():
                errors = ((item.get("result") or {}).get("errors") or {}).get("error") or []
                result.errors.extend(f"{item.get('from')}: {e.get('message')}" for e in errors)
        result.references += len(batch)
        checkpoint.set(key, page[-1]["id"])
    checkpoint.set(key, DONE)
    return result
