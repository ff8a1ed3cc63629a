"""The one HTTP path every API vectorizer takes: a pooled httpx client, Weaviate's 50 s module timeout, and the
retries a provider's transient refusals deserve (429 honouring Retry-After up to a bound, a 5xx once). Errors leave
as UpstreamFailure with the message the module words from the provider's own error text."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from loomdb.entities.errors import UpstreamFailure

# Weaviate's MODULES_CLIENT_TIMEOUT default (usecases/config): how long one provider call may take
DEFAULT_TIMEOUT_SECONDS = 50.0

ErrorWording = Callable[[int, Any], str]     # (status, decoded body or None) -> the user's message


@dataclass(frozen=True)
class RetryPolicy:
    """How long a vectorisation may wait on a provider that asks to slow down or stumbles.
    A Retry-After longer than `max_retry_after` is not waited for: the 429 reaches the user at once."""
    rate_limit_retries: int = 3
    max_retry_after: float = 10.0
    default_retry_after: float = 1.0      # when a 429 names no wait
    server_error_retries: int = 1
    server_error_wait: float = 0.25


DEFAULT_POLICY = RetryPolicy()

_client_lock = threading.Lock()
_clients: dict[float, httpx.Client] = {}


# HTTP(S)_PROXY / NO_PROXY are honoured as Go's http.ProxyFromEnvironment does for Weaviate's modules, which
# never proxies loopback: a local stand-in or Ollama stays direct
_DIRECT = {"all://127.0.0.1": None, "all://localhost": None, "all://[::1]": None}


def _client(timeout: float) -> httpx.Client:
    """One pooled client per timeout for the process: connections to a provider are reused across calls."""
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


def post_json(url: str, body: Mapping[str, Any], headers: Mapping[str, str], wording: ErrorWording, *,
              timeout: float = DEFAULT_TIMEOUT_SECONDS, policy: RetryPolicy = DEFAULT_POLICY) -> Any:
    """POST `body` as JSON and return the decoded 200 reply. A non-200 reply (after the policy's retries) raises
    UpstreamFailure(wording(status, decoded body)); an unreachable provider raises it with the transport's text."""
    rate_limited = server_errors = 0
    while True:
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
        if status != 200:
            raise UpstreamFailure(wording(status, decoded))
        if decoded is None:
            raise UpstreamFailure(f"unmarshal response body. Got: {response.text}")
        return decoded
