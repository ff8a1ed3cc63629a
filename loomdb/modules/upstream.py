"""The one way every HTTP-backed module (vectorizers, rerankers, generative) reaches its provider: API keys and base
URLs from the request headers, then the class settings / environment (Weaviate's GetValueFromContext order); a
pooled httpx client bounded by MODULES_CLIENT_TIMEOUT (Weaviate's 50 s default) that never proxies loopback; the
retries a provider's transient refusals deserve (429 honouring Retry-After up to a bound, a 5xx once); and a
refusal turned into an UpstreamFailure worded as Weaviate words it: "<lead> failed with status: <n> error: <the
provider's text>". Providers' x-ratelimit-* headers are not read: calls are not paced ahead of a 429 (Weaviate's
batch scheduler does so for its API vectorizers)."""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..entities.errors import ShuttingDown, UpstreamFailure
from .capabilities import ModuleRequest

if TYPE_CHECKING:        # httpx (with rich and pygments) is imported by the first provider call, not at start
    import httpx

# Weaviate's MODULES_CLIENT_TIMEOUT default (usecases/config): how long one provider call may take
DEFAULT_TIMEOUT_SECONDS = 50.0


@dataclass(frozen=True)
class Refusal:
    """A provider's answer that is not a success: what a module's wording may quote."""
    status: int
    body: Any                       # the decoded JSON body, None when it was not JSON
    text: str                       # the raw body
    headers: Mapping[str, str]      # the reply's headers (case-insensitive)


ErrorWording = Callable[[Refusal], str]     # -> the message the user sees


@dataclass(frozen=True)
class RetryPolicy:
    """How long a call may wait on a provider that asks to slow down or stumbles.
    A Retry-After longer than `max_retry_after` is not waited for: the 429 reaches the user at once."""
    rate_limit_retries: int = 3
    max_retry_after: float = 10.0
    default_retry_after: float = 1.0      # when a 429 names no wait
    server_error_retries: int = 1
    server_error_wait: float = 0.25


DEFAULT_POLICY = RetryPolicy()


def api_key(request: ModuleRequest, header: str, env_var: str, label: str = "") -> str:
    """The key from the request header, else the server environment; Weaviate's message when neither has one,
    after the module's own `label` ("Cohere API Key", ...) where its Weaviate module puts one."""
    value = request.header(header) or request.env.get(env_var)
    if value:
        return value
    lead = f"{label}: " if label else ""
    raise UpstreamFailure(
        f"{lead}no api key found neither in request header: {header} nor in environment variable under {env_var}")


def base_url(request: ModuleRequest, header: str | None, configured: str | None, default: str = "") -> str:
    """The request header wins over the class / request setting, which wins over the default; no trailing slash
    (the official client adds one to every baseURL it sends, Weaviate would then ask for '//v2/embed')."""
    chosen = (request.header(header) if header else None) or configured or default
    return str(chosen).rstrip("/")


def error_message(body: Any, *path: str) -> str | None:
    """The message at `path` in a decoded error body (None when the body has no such text field)."""
    value = body
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, str) and value else None


def status_error(lead: str, message: str | None, status: int) -> str:
    """Weaviate's wording for a provider's refusal: "<lead> failed with status: <n>[ error: <message>]", the lead
    being the module's own ("connection to: OpenAI API", "connection to Cohere API", ...)."""
    text = f"{lead} failed with status: {status}"
    return f"{text} error: {message}" if message else text


def status_wording(lead: str, *fields: str) -> ErrorWording:
    """status_error with the provider's message read from the first of `fields` (dotted paths such as
    "error.message") the error body has."""
    paths = [field.split(".") for field in fields]

    def wording(refusal: Refusal) -> str:
        message = next((m for m in (error_message(refusal.body, *p) for p in paths) if m), None)
        return status_error(lead, message, refusal.status)
    return wording


def error_or_status(lead: str, field: str) -> ErrorWording:
    """Ollama's wording (text2vec- and generative-ollama): "<lead> failed with error: <the body's `field`>" when
    the provider sent one, else "<lead> failed with status: <n>"."""
    def wording(refusal: Refusal) -> str:
        message = error_message(refusal.body, field)
        return f"{lead} failed with error: {message}" if message else f"{lead} failed with status: {refusal.status}"
    return wording


def body_says_error(body: Any) -> bool:
    """A 200 reply that carries an "error" (Ollama answers some failures so)."""
    return isinstance(body, dict) and bool(body.get("error"))


_client_lock = threading.Lock()
_clients: dict[float | None, httpx.Client] = {}

# HTTP(S)_PROXY / NO_PROXY are honoured as Go's http.ProxyFromEnvironment does for Weaviate's modules, which
# never proxies loopback: a local stand-in or Ollama stays direct
_DIRECT = {"all://127.0.0.1": None, "all://localhost": None, "all://[::1]": None}


def _client(timeout: float | None) -> httpx.Client:
    """One pooled client per timeout for the process: connections to a provider are reused across calls."""
    import httpx

    with _client_lock:
        client = _clients.get(timeout)
        if client is None:
            client = _clients[timeout] = httpx.Client(timeout=timeout, mounts=_DIRECT)
        return client


def _retry_after(response: httpx.Response, policy: RetryPolicy) -> float | None:
    """Seconds a 429 asks for (delta-seconds form), None when longer than the policy allows."""
    raw = response.headers.get("retry-after")
    try:
        wait = float(raw) if raw is not None else policy.default_retry_after
    except ValueError:      # an HTTP date: not worth parsing for a wait we would cap anyway
        wait = policy.default_retry_after
    return max(wait, 0.0) if wait <= policy.max_retry_after else None


def _decoded(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def client_timeout(env: Mapping[str, str]) -> float | None:
    """Seconds one provider call may take: MODULES_CLIENT_TIMEOUT as a Go duration ("50s", "2m", "1m30s",
    "500ms"), Weaviate's 50 s when unset, None (no limit) for zero or less as Go's http.Client reads it. A value
    Go cannot parse fails the call with the text Weaviate refuses to start with."""
    raw = (env.get("MODULES_CLIENT_TIMEOUT") or "").strip()
    if not raw:
        return DEFAULT_TIMEOUT_SECONDS
    seconds = go_duration_seconds(raw)
    if seconds is None:
        raise UpstreamFailure(f'parse MODULES_CLIENT_TIMEOUT as time.Duration: time: invalid duration "{raw}"')
    return seconds if seconds > 0 else None


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def go_duration_seconds(text: str) -> float | None:
    """Go's time.ParseDuration in seconds (None when Go would refuse the text): a sign, then number+unit parts;
    "0" alone needs no unit."""
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return 0.0
    parts = list(_DURATION_PART.finditer(body))
    if not body or "".join(m.group(0) for m in parts) != body:
        return None
    seconds = sum(float(m.group(1)) * _UNIT_SECONDS[m.group(2)] for m in parts)
    return -seconds if text.startswith("-") else seconds


def post_json(request: ModuleRequest, url: str, body: Mapping[str, Any], headers: Mapping[str, str],
              wording: ErrorWording, *, failed: Callable[[Any], bool] | None = None,
              policy: RetryPolicy = DEFAULT_POLICY) -> Any:
    """POST `body` as JSON and return the decoded 200 reply, within the request's MODULES_CLIENT_TIMEOUT. A
    non-200 reply (after the policy's retries), or a 200 whose body `failed` calls a failure (a provider that
    reports errors with a 200), raises UpstreamFailure(wording(refusal)); an unreachable or too slow provider
    raises it with the transport's text."""
    import httpx

    timeout = client_timeout(request.env)
    rate_limited = server_errors = 0
    while True:
        if request.stopping():
            raise ShuttingDown("the server is shutting down: the module call was abandoned")
        try:
            response = _client(timeout).post(url, json=dict(body), headers=dict(headers))
        except httpx.HTTPError as exc:
            raise UpstreamFailure(f"send POST request: {exc}") from exc
        status = response.status_code
        if status == 429 and rate_limited < policy.rate_limit_retries:
            wait = _retry_after(response, policy)
            if wait is not None:
                rate_limited += 1
                time.sleep(wait)
                continue
        elif status >= 500 and server_errors < policy.server_error_retries:
            server_errors += 1
            time.sleep(policy.server_error_wait)
            continue
        decoded = _decoded(response)
        if status != 200 or (failed is not None and failed(decoded)):
            raise UpstreamFailure(wording(Refusal(status, decoded, response.text, response.headers)))
        if decoded is None:
            raise UpstreamFailure(f"unmarshal response body. Got: {response.text}")
        return decoded
