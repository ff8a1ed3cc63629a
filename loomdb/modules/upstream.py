"""What every HTTP-backed module shares: API keys and base URLs from the request headers or the environment
(Weaviate's GetValueFromContext order), one JSON POST with a timeout, and the provider's refusal turned into an
UpstreamFailure carrying the provider's own text."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ..entities.errors import UpstreamFailure
from .capabilities import ModuleRequest

CLIENT_TIMEOUT_SECONDS = 50.0     # Weaviate's MODULES_CLIENT_TIMEOUT default

ErrorText = Callable[[int, Any], str]     # (status, decoded body) -> the message the user sees


def api_key(request: ModuleRequest, header: str, env_var: str) -> str:
    """The key from the request header, else the server environment; Weaviate's message when neither has one."""
    value = request.header(header) or request.env.get(env_var)
    if not value:
        raise UpstreamFailure(
            f"no api key found neither in request header: {header} nor in environment variable under {env_var}")
    return value


def base_url(request: ModuleRequest, header: str | None, configured: str | None, default: str) -> str:
    """The base URL: the request header wins over the class / request setting, which wins over the default."""
    chosen = (request.header(header) if header else None) or configured or default
    return chosen.rstrip("/")


def post_json(url: str, body: Mapping[str, Any], headers: Mapping[str, str], error_text: ErrorText,
              label: str) -> Any:
    """POST `body`, return the decoded JSON reply; a non-200 reply or an unreachable provider is an
    UpstreamFailure worded by `error_text` (`label` names the provider when the connection itself fails)."""
    try:
        reply = httpx.post(url, json=dict(body), headers=dict(headers), timeout=CLIENT_TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise UpstreamFailure(f"send POST request to {label}: {exc}") from exc
    try:
        decoded = reply.json()
    except ValueError:
        decoded = None
    if reply.status_code != 200:
        raise UpstreamFailure(error_text(reply.status_code, decoded if decoded is not None else reply.text))
    if decoded is None:
        raise UpstreamFailure(f"unmarshal response body. Got: {reply.text}")
    return decoded


def error_message(body: Any, *path: str) -> str | None:
    """The message at `path` in a decoded error body (None when the body has no such field)."""
    value = body
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, str) else None


def status_error(lead: str, message: str | None, status: int) -> str:
    """Weaviate's wording for a provider's refusal: "<lead> failed with status: <n> error: <message>", the lead
    being the module's own ("connection to: OpenAI API", "connection to Cohere API", ...)."""
    text = f"{lead} failed with status: {status}"
    return f"{text} error: {message}" if message else text


def merged(settings: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """The class's module settings with the request's provider options on top (None = not given)."""
    out = {k: v for k, v in settings.items() if v is not None}
    out.update({k: v for k, v in options.items() if v is not None})
    return out
