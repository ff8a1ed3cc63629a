"""Network probes below the client: TCP reachability, the gRPC health check, and what a port that should speak
gRPC speaks instead. The official client's own check (`is_live()`) collapses REST and gRPC into one bool; a
separate probe can say which side fails and why, which is the most common start-up failure users report."""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass

import grpc

# what a port answers to a plain HTTP/1.1 request, recognised from its first bytes
HTTP1, TLS, HTTP2, SILENT = "http/1.1", "tls", "http/2", "silent"


@dataclass(frozen=True)
class TcpProbe:
    ok: bool
    latency_ms: float
    error: str = ""


@dataclass(frozen=True)
class GrpcProbe:
    """`status`: "serving", "not_serving", "refused" (nothing listens), "timeout", "http1" (an HTTP/1.1 server
    or proxy answers), "tls_expected" (a TLS server, we spoke plaintext), "plaintext_expected" (we spoke TLS to a
    plaintext port) or "error"."""

    status: str
    latency_ms: float
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "serving"


def tcp_connect(host: str, port: int, timeout_s: float = 2.0) -> TcpProbe:
    start = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return TcpProbe(True, _ms_since(start))
    except OSError as exc:
        return TcpProbe(False, _ms_since(start), f"{type(exc).__name__}: {exc}")


def sniff_protocol(host: str, port: int, timeout_s: float = 1.5) -> str:
    """Send a plain HTTP/1.1 request and classify the first bytes of the answer."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n\r\n")
            first = sock.recv(64)
    except OSError:
        return SILENT
    if first.startswith(b"HTTP/1."):
        return HTTP1
    if first[:1] == b"\x15" and first[1:2] == b"\x03":        # a TLS alert record
        return TLS
    if len(first) >= 4 and first[3:4] in (b"\x04", b"\x07"):   # an HTTP/2 SETTINGS or GOAWAY frame
        return HTTP2
    return SILENT


def grpc_health(host: str, port: int, secure: bool, headers: dict[str, str], timeout_s: float = 3.0) -> GrpcProbe:
    """Weaviate's gRPC health check (the call the official client makes at start-up), then, if it fails on an
    open port, what the port speaks instead."""
    from weaviate.proto.v1 import health_weaviate_pb2

    tcp = tcp_connect(host, port, timeout_s)
    if not tcp.ok:
        return GrpcProbe("refused", tcp.latency_ms, tcp.error)
    address = f"{host}:{port}"
    channel = grpc.secure_channel(address, grpc.ssl_channel_credentials()) if secure else grpc.insecure_channel(
        address)
    metadata = [(k.lower(), v) for k, v in headers.items()]
    start = time.perf_counter()
    try:
        call = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=health_weaviate_pb2.WeaviateHealthCheckRequest.SerializeToString,
            response_deserializer=health_weaviate_pb2.WeaviateHealthCheckResponse.FromString)
        reply = call(health_weaviate_pb2.WeaviateHealthCheckRequest(), timeout=timeout_s, metadata=metadata)
        serving = reply.status == health_weaviate_pb2.WeaviateHealthCheckResponse.SERVING
        return GrpcProbe("serving" if serving else "not_serving", _ms_since(start),
                         health_weaviate_pb2.WeaviateHealthCheckResponse.ServingStatus.Name(reply.status))
    except grpc.RpcError as exc:
        return _classify_failure(exc, host, port, secure, _ms_since(start))
    finally:
        channel.close()


def _classify_failure(exc: grpc.RpcError, host: str, port: int, secure: bool, latency_ms: float) -> GrpcProbe:
    code = exc.code() if hasattr(exc, "code") else None
    details = (exc.details() if hasattr(exc, "details") else "") or str(exc)
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return GrpcProbe("timeout", latency_ms, details)
    lowered = details.lower()
    if secure and ("wrong version number" in lowered or "ssl" in lowered or "handshake" in lowered):
        return GrpcProbe("plaintext_expected", latency_ms, details)
    if not secure:
        spoken = sniff_protocol(host, port)
        if spoken == HTTP1:
            return GrpcProbe("http1", latency_ms, details)
        if spoken == TLS:
            return GrpcProbe("tls_expected", latency_ms, details)
    return GrpcProbe("error", latency_ms, f"{code.name if code else 'error'}: {details}")


def _ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)
