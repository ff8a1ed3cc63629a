"""/v1/objects: single-object insert, get, exists, replace, merge, delete."""
from __future__ import annotations

import uuid as uuid_mod
from typing import Any

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...entities.errors import InvalidInput, NotFound
from ...entities.objects import IncomingObject, parse_uuid
from ...entities.search import SortBy
from ...entities.values import json_kind
from ...usecases.object_list import ListQuery
from ...usecases.objects import ObjectView
from ..auth import rest_principal
from ..context import ServerContext
from ._json import json_response, read_json
from .errors import error_response, rest_errors

_BODY_ERROR = ('parsing body body from "" failed, because json: cannot unmarshal {kind} into Go struct field {field} '
               "of type {go_type}")


def _body_error(value: Any, field: str, go_type: str) -> InvalidInput:
    """go-swagger's wording for a body field of the wrong JSON type (Weaviate answers it before any handler)."""
    return InvalidInput(_BODY_ERROR.format(kind=json_kind(value), field=field, go_type=go_type))


def _vector(value: Any, field: str) -> np.ndarray:
    if not isinstance(value, list):
        raise _body_error(value, field, "[]float32")
    for x in value:
        if not isinstance(x, (int, float)) or isinstance(x, bool):
            raise _body_error(x, field, "float32")
    return np.asarray(value, dtype=np.float32)


def _multi_vector(rows: list, where: str) -> np.ndarray:
    """A multi-vector (a list of token vectors): every row a list of numbers, all of one non-zero width."""
    matrix = [_vector(row, where) for row in rows]
    widths = {len(row) for row in matrix}
    if len(widths) > 1:
        raise InvalidInput("multi vector array consists of vectors with varying dimensions")
    if widths == {0}:
        raise InvalidInput("dimension cannot be 0")
    return np.stack(matrix)


def _named_vectors(value: Any) -> dict[str, np.ndarray]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _body_error(value, "Object.vectors", "models.Vectors")
    return {name: _multi_vector(vec, "Object.vectors") if _is_matrix(vec) else _vector(vec, "Object.vectors")
            for name, vec in value.items() if vec is not None}


def _is_matrix(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], list)


def _string_field(body: dict, key: str, go_type: str = "string") -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise _body_error(value, f"Object.{key}", go_type)
    return value


def parse_object(body: dict, uuid: str | None = None, class_required: bool = True) -> tuple[str, IncomingObject]:
    """REST object body -> (collection name, IncomingObject); a field of the wrong JSON type is refused as
    go-swagger refuses it. Without `class_required` a missing class comes back as ""."""
    cls = _string_field(body, "class") or ""
    if not cls and class_required:
        raise InvalidInput("the object needs a 'class'")
    tenant = _string_field(body, "tenant") or ""
    props = body.get("properties") or {}
    if not isinstance(props, dict):
        raise InvalidInput("'properties' must be a JSON object")
    oid = uuid or _string_field(body, "id", "strfmt.UUID") or str(uuid_mod.uuid4())
    named = _named_vectors(body.get("vectors"))
    vector = body.get("vector")
    unnamed = _vector(vector, "Object.vector") if vector is not None and vector != [] else None
    return cls[:1].upper() + cls[1:], IncomingObject(parse_uuid(oid), props, named, unnamed, tenant=tenant)


def object_json(view: ObjectView, with_vector: bool, tenant: str) -> dict:
    obj = view.obj
    out: dict[str, Any] = {"class": view.collection.name, "id": obj.uuid, "properties": obj.properties,
                           "creationTimeUnix": obj.created_ms, "lastUpdateTimeUnix": obj.updated_ms}
    if with_vector and obj.vectors:
        if view.collection.legacy_vectors:
            out["vector"] = next(iter(obj.vectors.values())).tolist()
        else:
            out["vectors"] = {n: v.tolist() for n, v in obj.vectors.items()}
    if tenant:
        out["tenant"] = tenant
    return out


def include_vector(request: Request) -> bool:
    """?include=vector,classification (Weaviate's parseIncludeParam): whether vectors are asked for; anything
    but those two names is refused (no module adds its own here)."""
    include = request.query_params.get("include")
    if include is None:
        return False
    parts = include.split(",")
    for part in parts:
        if part not in ("vector", "classification"):
            raise IncludeRefused(f"unrecognized property '{part}' in ?include list")
    return "vector" in parts


class IncludeRefused(InvalidInput):
    """An unknown ?include name: Weaviate answers 400, not 422."""


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(f'{name} in query must be of type int64: "{raw}"') from None


def list_query(request: Request) -> ListQuery:
    """GET /v1/objects's query parameters; sort/order are comma lists, an order other than desc is ascending."""
    params = request.query_params
    sort = [p for p in (params.get("sort") or "").split(",") if p]
    order = (params.get("order") or "").split(",")
    keys = tuple(SortBy(path, not (i < len(order) and order[i] == "desc")) for i, path in enumerate(sort))
    cls = params.get("class") or None
    return ListQuery(collection=cls[:1].upper() + cls[1:] if cls else None, offset=_int_param(request, "offset"),
                     limit=_int_param(request, "limit"), after=params.get("after"), sort=keys,
                     tenant=params.get("tenant") or "", with_vector=include_vector(request))


def routes(ctx: ServerContext) -> list[Route]:
    objects = ctx.objects

    @rest_errors
    async def list_objects(request: Request) -> Response:
        try:
            query = list_query(request)
            views = await run_in_threadpool(ctx.listing.list_objects, rest_principal(request), query)
        except IncludeRefused as exc:
            return error_response(400, exc.message)
        except NotFound:
            return Response(status_code=404)        # Weaviate's ObjectsListNotFound has no body
        found = [object_json(v, query.with_vector, query.tenant) for v in views]
        out: dict[str, Any] = {"deprecations": [] if query.collection else None, "objects": found}
        if found:
            out["totalResults"] = len(found)            # omitempty in Weaviate's model
        return json_response(out)

    @rest_errors
    async def validate(request: Request) -> Response:
        cls, obj = parse_object(await read_json(request))
        await run_in_threadpool(objects.validate, rest_principal(request), cls, obj)
        return Response(status_code=200)

    def path_ids(request: Request) -> tuple[str, str]:
        cls = request.path_params["collection"]
        return cls[:1].upper() + cls[1:], parse_uuid(request.path_params["id"])

    def tenant_of(request: Request) -> str:
        return request.query_params.get("tenant") or ""

    @rest_errors
    async def create(request: Request) -> Response:
        cls, obj = parse_object(await read_json(request))
        view = await run_in_threadpool(objects.insert, rest_principal(request), cls, obj, dict(request.headers))
        return json_response(object_json(view, True, obj.tenant))

    @rest_errors
    async def get(request: Request) -> Response:
        cls, uuid = path_ids(request)
        with_vector = "vector" in (request.query_params.get("include") or "")
        tenant = tenant_of(request)
        view = await run_in_threadpool(objects.get, rest_principal(request), cls, uuid, with_vector, tenant)
        return json_response(object_json(view, with_vector, tenant))

    @rest_errors
    async def head(request: Request) -> Response:
        cls, uuid = path_ids(request)
        found = await run_in_threadpool(objects.exists, rest_principal(request), cls, uuid, tenant_of(request))
        return Response(status_code=204 if found else 404)

    async def update_body(request: Request) -> tuple[str, IncomingObject]:
        """Path ids + body of a PUT/PATCH; the body may not move the object to another id."""
        cls, uuid = path_ids(request)
        body = await read_json(request)
        body.setdefault("class", cls)
        if not body.get("tenant") and tenant_of(request):
            body["tenant"] = tenant_of(request)
        if body.get("id") is not None and parse_uuid(body["id"]) != uuid:
            raise InvalidInput("invalid update: field 'id' is immutable")    # Weaviate's UpdateObject check
        return cls, parse_object(body, uuid)[1]

    @rest_errors
    async def replace(request: Request) -> Response:
        cls, obj = await update_body(request)
        view = await run_in_threadpool(objects.replace, rest_principal(request), cls, obj, dict(request.headers))
        return json_response(object_json(view, True, obj.tenant))

    @rest_errors
    async def merge(request: Request) -> Response:
        cls, obj = await update_body(request)
        await run_in_threadpool(objects.merge, rest_principal(request), cls, obj, dict(request.headers))
        return Response(status_code=204)

    @rest_errors
    async def delete(request: Request) -> Response:
        cls, uuid = path_ids(request)
        found = await run_in_threadpool(objects.delete, rest_principal(request), cls, uuid, tenant_of(request))
        return Response(status_code=204 if found else 404)

    return [
        Route("/v1/objects", create, methods=["POST"]),
        Route("/v1/objects", list_objects, methods=["GET"]),
        Route("/v1/objects/validate", validate, methods=["POST"]),
        Route("/v1/objects/{collection}/{id}", head, methods=["HEAD"]),   # before GET, which also takes HEAD
        Route("/v1/objects/{collection}/{id}", get, methods=["GET"]),
        Route("/v1/objects/{collection}/{id}", replace, methods=["PUT"]),
        Route("/v1/objects/{collection}/{id}", merge, methods=["PATCH"]),
        Route("/v1/objects/{collection}/{id}", delete, methods=["DELETE"]),
    ]
