"""Authentication overhead per request with API keys, server-side (target, issue 13: <= 20 µs).

Measured in-process, without the transport, on the real pieces a request goes through:
  REST  = AuthMiddleware (header lookup, key check, scope) around a do-nothing ASGI app, minus the bare app;
  gRPC  = AuthInterceptor.intercept_service (metadata lookup, key check, handler wrapped) plus the wrapped
          behavior's principal set/reset, minus calling the bare behavior;
  and the pieces alone: a static key among N allowed, a database user's key, the admin list's decision.
Each figure is the median of --rounds rounds of --requests calls.

    python benchmarks/bench_auth.py
    python benchmarks/bench_auth.py --keys 100 --requests 20000
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import grpc

sys.path.insert(0, str(Path(__file__).parent.parent))
from loomdb.engine.storage.json_records import JsonRecords  # noqa: E402
from loomdb.entities import permissions as perm  # noqa: E402
from loomdb.entities.principal import Principal  # noqa: E402
from loomdb.server.auth import AuthInterceptor, AuthMiddleware  # noqa: E402
from loomdb.usecases.adminlist import AdminList  # noqa: E402
from loomdb.usecases.authn import Authenticator, StaticApiKeys  # noqa: E402
from loomdb.usecases.db_users import DbUsers  # noqa: E402


def per_call_us(fn: Callable[[], object], requests: int, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(requests):
            fn()
        samples.append((time.perf_counter() - started) / requests * 1e6)
    return statistics.median(samples)


def rest_overhead(authenticator: Authenticator, token: str, requests: int, rounds: int) -> tuple[float, float]:
    async def app(scope, receive, send) -> None:
        return None

    wrapped = AuthMiddleware(app, authenticator)
    headers = [(b"host", b"localhost"), (b"user-agent", b"weaviate-client-python/4"),
               (b"content-type", b"application/json"), (b"authorization", f"Bearer {token}".encode())]
    loop = asyncio.new_event_loop()

    def run(target) -> Callable[[], object]:
        async def many() -> None:
            for _ in range(requests):
                await target({"type": "http", "path": "/v1/schema", "headers": headers}, None, None)
        return lambda: loop.run_until_complete(many())

    bare = per_call_us(run(app), 1, rounds) / requests
    auth = per_call_us(run(wrapped), 1, rounds) / requests
    loop.close()
    return auth, auth - bare


class _Details:
    def __init__(self, token: str) -> None:
        self.method = "/weaviate.v1.Weaviate/Search"
        self.invocation_metadata = (("x-weaviate-client", "python"), ("authorization", f"Bearer {token}"))


def grpc_overhead(authenticator: Authenticator, token: str, requests: int, rounds: int) -> tuple[float, float]:
    def behavior(request, context):
        return None

    handler = grpc.unary_unary_rpc_method_handler(behavior)
    interceptor = AuthInterceptor(authenticator)
    details = _Details(token)

    def authenticated() -> None:
        interceptor.intercept_service(lambda _: handler, details).unary_unary(None, None)

    bare = per_call_us(lambda: behavior(None, None), requests, rounds)
    auth = per_call_us(authenticated, requests, rounds)
    return auth, auth - bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=10, help="allowed static keys (the request uses the last)")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    keys = [f"key-{i:04d}-{'x' * 24}" for i in range(args.keys)]
    static = StaticApiKeys(keys, [f"user{i}" for i in range(args.keys)])
    with tempfile.TemporaryDirectory() as data:
        db_users = DbUsers(JsonRecords(Path(data) / "db_users.json"), True)
        db_key = db_users.create(None, "bench-user")
        authenticator = Authenticator(anonymous_allowed=False, api_keys=(static, db_users))
        admin_list = AdminList(users=["user0"], readonly_users=[f"user{i}" for i in range(1, args.keys)])
        reader = Principal(f"user{args.keys - 1}")
        resource = perm.objects("Articles", "", "00000000-0000-0000-0000-000000000001")

        n, r = args.requests, args.rounds
        print(f"auth overhead per request, API keys ({args.keys} static keys + 1 database user), median of {r} x {n}")
        static_us = per_call_us(lambda: static.principal(keys[-1]), n, r)
        db_us = per_call_us(lambda: authenticator.authenticate(f"Bearer {db_key}"), n, r)
        decide_us = per_call_us(lambda: admin_list.authorize(reader, perm.READ, resource), n, r)
        print(f"  static key check ({args.keys} keys, constant time)   {static_us:7.2f} µs")
        print(f"  database user key (static keys tried first)   {db_us:7.2f} µs")
        print(f"  admin list decision (READ)                     {decide_us:7.2f} µs")
        for door, measure in (("REST middleware", rest_overhead), ("gRPC interceptor", grpc_overhead)):
            for label, token in (("static key", keys[-1]), ("db user key", db_key)):
                total, overhead = measure(authenticator, token, n, r)
                verdict = "ok" if overhead <= 20 else "OVER the 20 µs target"
                print(f"  {door:17s} {label:11s}: {overhead:6.2f} µs added  ({total:6.2f} µs with a no-op "
                      f"handler)  {verdict}")


if __name__ == "__main__":
    main()
