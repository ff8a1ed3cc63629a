"""RBAC decision cost: one `RbacAuthorizer.authorize` call, the function every use case asks first.

    python benchmarks/bench_rbac.py                    # 200 roles, 50 tenants-per-role patterns, 1000 users
    python benchmarks/bench_rbac.py --roles 2000

Rows printed (microseconds per decision, median of 5 runs):
  warm   the same (principal, verb, resource) asked again: one cache lookup (what a client repeating a query pays)
  typical  a new object id every time for a user holding 3 grants (one role): the usual uncached decision
  cold   a new resource every time for a user holding 102 grants: their ONE combined regex matched
  deny   a refused request, message built (cold)
  first  the first decision after a role change (role set recompiled)
Target (issue 13): the whole auth overhead per request <= 20 us server-side; the decision is part of it.
"""
from __future__ import annotations

import argparse
import statistics
import time

from loomdb.entities import permissions as paths
from loomdb.entities.errors import Forbidden
from loomdb.entities.principal import Principal
from loomdb.usecases.rbac import ConfiguredAssignments, ConfiguredUsers, RbacAuthorizer, RbacService, RoleBook


class _MemoryStore:
    def __init__(self) -> None:
        self.document: dict = {}

    def load(self) -> dict:
        return self.document

    def save(self, document: dict) -> None:
        self.document = document


def _build(roles: int, users: int, patterns: int) -> tuple[RbacService, list[Principal]]:
    configured = ConfiguredAssignments(root_users=("root",))
    book = RoleBook(_MemoryStore(), configured)
    names = [f"u{i}" for i in range(users)]
    svc = RbacService(RbacAuthorizer(book), ConfiguredUsers(("root", *names), False), configured)
    root = Principal("root")
    for r in range(roles):
        perms = [{"action": "read_data", "data": {"collection": f"Coll{r % 20}", "tenant": f"t{r}-{p}*"}}
                 for p in range(patterns)]
        perms.append({"action": "read_collections", "collections": {"collection": f"Coll{r % 20}"}})
        svc.create_role(root, {"name": f"role{r}", "permissions": perms})
    for i, name in enumerate(names):
        svc.assign_user(root, name, {"roles": [f"role{i % roles}", f"role{(i * 7) % roles}"], "userType": "db"})
    return svc, [Principal(n) for n in names]


def _per_call_us(fn, n: int) -> float:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        fn(n)
        runs.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roles", type=int, default=200)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--patterns", type=int, default=50, help="tenant patterns per role")
    parser.add_argument("--n", type=int, default=20000, help="decisions per run")
    args = parser.parse_args()
    svc, principals = _build(args.roles, args.users, args.patterns)
    counter = iter(range(10**9))
    authz = svc.authz
    user = principals[3]
    role = 3 % args.roles
    allowed = paths.objects(f"Coll{role % 20}", f"t{role}-0x")

    small = Principal("small")
    svc.create_role(Principal("root"), {"name": "typical", "permissions": [
        {"action": "read_data", "data": {"collection": "Docs", "tenant": "tenantA"}},
        {"action": "read_collections", "collections": {"collection": "Docs"}},
        {"action": "read_tenants", "tenants": {"collection": "Docs", "tenant": "tenantA"}}]})
    svc.users.static_users += ("small",)
    svc.assign_user(Principal("root"), "small", {"roles": ["typical"], "userType": "db"})

    def typical(n: int) -> None:
        for _ in range(n):
            authz.authorize(small, "R", paths.objects("Docs", "tenantA", str(next(counter))))

    def warm(n: int) -> None:
        for _ in range(n):
            authz.authorize(user, "R", allowed)

    def cold(n: int) -> None:
        for _ in range(n):
            authz.authorize(user, "R", paths.objects(f"Coll{role % 20}", f"t{role}-0x", str(next(counter))))

    def deny(n: int) -> None:
        for _ in range(n):
            try:
                authz.authorize(user, "R", paths.objects("Elsewhere", "t", str(next(counter))))
            except Forbidden:
                pass

    def first(n: int) -> None:
        for i in range(n):
            authz.book.generation += 1          # what any role change does to the caches
            authz.allowed(principals[i % len(principals)], "R", allowed)

    print(f"roles={args.roles} users={args.users} patterns/role={args.patterns} "
          f"grants/user={2 * (args.patterns + 1)}")
    print(f"{'case':<8}{'us/decision':>12}")
    for name, fn, n in (("warm", warm, args.n), ("typical", typical, args.n // 4), ("cold", cold, args.n // 4),
                        ("deny", deny, args.n // 4),
                        ("first", first, max(args.n // 100, 50))):
        print(f"{name:<8}{_per_call_us(fn, n):>12.2f}")


if __name__ == "__main__":
    main()
