"""/v1/batch/objects: the REST batch import (POST; what the v3 client's batch sends) and delete-by-filter (DELETE),
through the same objects use case as gRPC BatchObjects / BatchDelete. Shapes as Weaviate's
handlers_batch_objects.go: one result per object in request order; a delete echoes its match and counts."""
from __future__ import annotations

import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...entities.errors import InvalidInput, LoomError, NotFound
from ...entities.filters import Filter
from ...usecases.objects import BatchEntry, DeleteOutcome
from ..auth import rest_principal
from ..context import ServerContext
from ._json import json_response, read_json
from .errors import error_response, rest_errors
from .routes_objects import parse_object
from .where_parse import parse_where

CONSISTENCY_LEVELS = ("ONE", "QUORUM", "ALL")
OUTPUTS = ("minimal", "verbose")
EMPTY_BATCH = "invalid param 'objects': cannot be empty, need at least one object for batching"


def consistency_problem(request: Request) -> str | None:
    """Weaviate's refusal of an unknown ?consistency_level (400); a known one changes nothing on one node."""
    level = request.query_params.get("consistency_level")
    if level is None or level in CONSISTENCY_LEVELS:
        return None
    return f"unrecognized consistency level '{level}', try one of the following: ['ONE', 'QUORUM', 'ALL']"


def _result(error: str | None) -> dict[str, Any]:
    if error is None:
        return {"status": "SUCCESS"}
    return {"errors": {"error": [{"message": error}]}, "status": "FAILED"}


def _parse_batch(items: list) -> tuple[list[BatchEntry], list[dict], dict[int, str]]:
    """(entries to store, each object echoed as Weaviate answers it: id, properties and both timestamps filled in;
    parse errors by position)."""
    entries: list[BatchEntry] = []
    echoed: list[dict] = []
    errors: dict[int, str] = {}
    now = int(time.time() * 1000)
    for pos, item in enumerate(items):
        if not isinstance(item, dict):
            item = {}
        echo = {**item, "properties": item.get("properties") or {}, "creationTimeUnix": now,
                "lastUpdateTimeUnix": now}
        echoed.append(echo)
        if not item.get("class"):
            errors[pos] = "object has an empty class"
            continue
        try:
            cls, obj = parse_object(item)
        except LoomError as exc:
            errors[pos] = exc.message
            continue
        echo.update({"class": cls, "id": obj.uuid})
        entries.append((pos, cls, obj))
    return entries, echoed, errors


def _delete_json(body: dict, outcome: DeleteOutcome, dry_run: bool, output: str, limit: int) -> dict:
    """models.BatchDeleteResponse: SUCCESS / DRYRUN entries are listed only with output=verbose; a dry run counts
    no successes (handlers_batch_objects.go objectsDeleteResponse)."""
    status = "DRYRUN" if dry_run else "SUCCESS"
    listed = [{"id": uuid, "status": status} for uuid in outcome.uuids] if output == "verbose" else []
    results: dict[str, Any] = {"matches": outcome.matches, "limit": limit,
                               "successful": 0 if dry_run else outcome.successful, "failed": outcome.failed,
                               "objects": listed or None}
    return {"match": body["match"], "output": output, "dryRun": dry_run, "results": results}


def _delete_params(body: dict) -> tuple[str, Filter, bool, str]:
    """(class, filter, dry run, output) of a batch delete, refused in Weaviate's words (validateBatchDelete)."""
    match = body.get("match")
    if not isinstance(match, dict):
        raise InvalidInput("validate: empty match clause")
    if not isinstance(match.get("class"), str) or not match["class"]:
        raise InvalidInput("validate: empty match.class clause")
    if match.get("where") is None:
        raise InvalidInput("validate: empty match.where clause")
    try:
        flt = parse_where(match["where"])
    except InvalidInput as exc:
        raise InvalidInput(f"validate: failed to parse where filter: {exc.message}") from None
    output = body.get("output") or "minimal"
    if output not in OUTPUTS:
        raise InvalidInput(f'validate: invalid output: "{output}", possible values are: "minimal", "verbose"')
    cls = match["class"]
    return cls[:1].upper() + cls[1:], flt, bool(body.get("dryRun")), output


def routes(ctx: ServerContext) -> list[Route]:
    objects = ctx.objects

    @rest_errors
    async def create(request: Request) -> Response:
        if problem := consistency_problem(request):
            return error_response(400, problem)
        body = await read_json(request)
        items = body.get("objects")
        if not isinstance(items, list) or not items:
            raise InvalidInput(EMPTY_BATCH)
        entries, echoed, errors = _parse_batch(items)
        errors.update(await run_in_threadpool(objects.batch_put, rest_principal(request),
                                              entries, dict(request.headers)))
        return json_response([{**obj, "result": _result(errors.get(pos))} for pos, obj in enumerate(echoed)])

    @rest_errors
    async def delete(request: Request) -> Response:
        if problem := consistency_problem(request):
            return error_response(400, problem)
        body = await read_json(request)
        cls, flt, dry_run, output = _delete_params(body)
        try:
            outcome = await run_in_threadpool(objects.delete_many, rest_principal(request), cls, flt, dry_run,
                                              request.query_params.get("tenant") or "")
        except NotFound:
            raise InvalidInput(f"validate: failed to get class: {body['match']['class']}, with err=<nil>") from None
        return json_response(_delete_json(body, outcome, dry_run, output, objects.query_maximum_results))

    return [
        Route("/v1/batch/objects", create, methods=["POST"]),
        Route("/v1/batch/objects", delete, methods=["DELETE"]),
    ]
