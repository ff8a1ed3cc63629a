"""Where a toolkit command points: a REST URL (its gRPC port from `?grpc_port=N` or an option), credentials and
extra headers. Opens the official client and a raw HTTP client on it, nothing else: the toolkit speaks only the
public API, so the same code checks loomdb, `connect_embedded()` and a real Weaviate cluster."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    import httpx

DEFAULT_URL = "http://localhost:8080"
DEFAULT_GRPC_PORT = 50051          # Weaviate's; what every client assumes unless told
DEFAULT_METRICS_PORT = 2112        # PROMETHEUS_MONITORING_PORT's default


class TargetError(ValueError):
    """The URL or an option cannot name a target (a usage error)."""


@dataclass(frozen=True)
class Target:
    host: str
    rest_port: int
    grpc_port: int = DEFAULT_GRPC_PORT
    secure: bool = False
    api_key: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    metrics_port: int = DEFAULT_METRICS_PORT
    timeout_s: float = 5.0

    @classmethod
    def from_url(cls, url: str | None = None, *, grpc_port: int | None = None, **options: Any) -> Target:
        """`http[s]://host[:port][?grpc_port=N]`; an explicit `grpc_port` wins over the query parameter."""
        parts = urlsplit(url or DEFAULT_URL)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TargetError(f"not an http(s) URL with a host: {url!r}")
        query = parse_qs(parts.query)
        unknown = set(query) - {"grpc_port"}
        if unknown:
            raise TargetError(f"unknown URL parameter(s) {sorted(unknown)} in {url!r} (only grpc_port)")
        secure = parts.scheme == "https"
        try:
            port = parts.port or (443 if secure else 80)
            from_query = int(query["grpc_port"][-1]) if "grpc_port" in query else None
        except ValueError as exc:
            raise TargetError(f"bad port in {url!r}: {exc}") from None
        chosen = grpc_port if grpc_port is not None else from_query
        return cls(parts.hostname, port, chosen if chosen is not None else DEFAULT_GRPC_PORT, secure, **options)

    @classmethod
    def from_client(cls, client: Any) -> Target:
        """The target an open `weaviate.WeaviateClient` talks to (for `doctor(client)` in notebooks). The client
        exposes no public accessor for its endpoint, so this reads its connection parameters and headers."""
        conn = client._connection
        params = conn._connection_params
        headers = {k: v for k, v in conn._headers.items() if k.lower() != "authorization"}
        bearer = conn._headers.get("authorization", "")
        api_key = getattr(conn._auth, "api_key", None) or (bearer[7:] if bearer.startswith("Bearer ") else None)
        return cls(params.http.host, params.http.port, params.grpc.port, params.http.secure, api_key, headers)

    def with_options(self, **changes: Any) -> Target:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def base_url(self) -> str:
        return f"{'https' if self.secure else 'http'}://{self.host}:{self.rest_port}"

    @property
    def metrics_url(self) -> str:
        return f"http://{self.host}:{self.metrics_port}/metrics"

    def describe(self) -> str:
        return f"{self.base_url} (gRPC {self.host}:{self.grpc_port})"

    def request_headers(self, anonymous: bool = False) -> dict[str, str]:
        out = dict(self.headers)
        if self.api_key and not anonymous:
            out["Authorization"] = f"Bearer {self.api_key}"
        return out

    def http(self, anonymous: bool = False) -> httpx.Client:
        """A raw REST client (status codes and bodies the official client hides)."""
        import httpx  # on first use: a Target is built by every toolkit command

        return httpx.Client(base_url=self.base_url, headers=self.request_headers(anonymous), timeout=self.timeout_s)

    def connect(self) -> Any:
        """The official client. Start-up checks are skipped: the toolkit probes REST and gRPC itself, separately,
        so that one failing does not hide what the other says."""
        import weaviate
        from weaviate.classes.init import AdditionalConfig, Auth, Timeout

        return weaviate.connect_to_custom(
            http_host=self.host, http_port=self.rest_port, http_secure=self.secure, grpc_host=self.host,
            grpc_port=self.grpc_port, grpc_secure=self.secure, headers=self.headers or None,
            auth_credentials=Auth.api_key(self.api_key) if self.api_key else None, skip_init_checks=True,
            additional_config=AdditionalConfig(timeout=Timeout(init=self.timeout_s, query=30, insert=60)))


def as_target(target: Target | str | Any | None) -> Target:
    """A `Target` from a URL (None = the default), a `Target`, or an open `weaviate.WeaviateClient`."""
    if isinstance(target, Target):
        return target
    if target is None or isinstance(target, str):
        return Target.from_url(target)
    return Target.from_client(target)
