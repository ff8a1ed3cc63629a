"""Request/response JSON helpers shared by the route modules."""
from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ...entities.errors import InvalidInput


async def read_json(request: Request, expect: type = dict) -> Any:
    raw = await request.body()
    try:
        body = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"could not parse the request body as JSON: {exc}") from None
    if not isinstance(body, expect):
        raise InvalidInput(f"the request body must be a JSON {'object' if expect is dict else 'array'}")
    return body


def json_response(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY), status_code=status,
                    media_type="application/json")
