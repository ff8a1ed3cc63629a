"""Composition root: settings -> database -> use cases -> REST + gRPC doors, started and stopped together.

`LoomServer` is what both `loomdb serve` and `loomdb.connect_embedded()` run."""
from __future__ import annotations

import logging
import socket
import threading
from concurrent import futures
from typing import TYPE_CHECKING

import grpc
import uvicorn
from starlette.types import ASGIApp
from weaviate.proto.v1 import health_weaviate_pb2, weaviate_pb2_grpc

from .. import WEAVIATE_VERSION
from ..config import Settings
from ..engine.database import Database
from ..engine.heap import limit_blas_threads, settle_allocator
from ..engine.rbac_store import JsonPolicyStore
from ..engine.resource_usage import ResourceUsage
from ..engine.schedule import Schedule
from ..engine.storage.json_records import JsonRecords
from ..engine.ttl_sweep import TtlSweeper
from ..entities.errors import DataDirLocked
from ..modules.registry import ModuleRegistry
from ..usecases.backup import BackupService
from ..usecases.classless import ClasslessObjects
from ..usecases.cluster import ClusterService
from ..usecases.db_users import DbUsers
from ..usecases.module_config import ModuleConfig
from ..usecases.object_list import ObjectListService
from ..usecases.objects import ObjectService
from ..usecases.property_index import PropertyIndexService
from ..usecases.query_modules import QueryModules
from ..usecases.rbac import ConfiguredAssignments, ConfiguredUsers, RbacAuthorizer, RbacService, RoleBook
from ..usecases.references import ReferenceService
from ..usecases.resource_guard import ResourceGuard
from ..usecases.schema import SchemaService
from ..usecases.search import SearchService
from ..usecases.vectorize import Vectorization
from .auth import (
    AuthInterceptor,
    AuthMiddleware,
    build_authenticator,
    build_authorizer,
    oidc_tokens,
    static_keys,
)
from .context import ServerContext
from .grpc.servicer import WeaviateService
from .rest.app import build_rest_app

if TYPE_CHECKING:
    from .metrics import MetricsServer

log = logging.getLogger("loomdb")
_GRPC_WORKERS = 16
DB_USERS_FILE = "users/db_users.json"      # database users: names, key hashes, states


def _health_handler() -> grpc.GenericRpcHandler:
    """grpc.health.v1.Health/Check, which the client calls (without auth) before anything else."""
    def check(request, context):
        return health_weaviate_pb2.WeaviateHealthCheckResponse(
            status=health_weaviate_pb2.WeaviateHealthCheckResponse.SERVING)
    return grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
        "Check": grpc.unary_unary_rpc_method_handler(
            check, request_deserializer=health_weaviate_pb2.WeaviateHealthCheckRequest.FromString,
            response_serializer=health_weaviate_pb2.WeaviateHealthCheckResponse.SerializeToString)})


def _configured(settings: Settings) -> ConfiguredAssignments:
    """Who holds the built-in roles from AUTHORIZATION_RBAC_* (nobody without RBAC)."""
    rbac = settings.rbac
    return ConfiguredAssignments(rbac.root_users, rbac.viewer_users, rbac.root_groups, rbac.viewer_groups)


def _rbac_authorizer(settings: Settings) -> RbacAuthorizer | None:
    """AUTHORIZATION_RBAC_ENABLED: the role book persisted in the (locked) data directory, judged by RBAC."""
    if not settings.rbac.enabled:
        return None
    return RbacAuthorizer(RoleBook(JsonPolicyStore(settings.data_path), _configured(settings)))


def _metrics_server(settings: Settings, cluster: ClusterService) -> MetricsServer | None:
    """PROMETHEUS_MONITORING_ENABLED: the registry, with engine figures pulled from the cluster use case."""
    if not settings.metrics_enabled:
        return None
    # prometheus-client is imported only by a server that exports metrics
    from .metrics import MetricsServer
    return MetricsServer(cluster.shard_stats, settings.metrics_group_classes)


class LoomServer:
    """The database with its REST and gRPC listeners. Ports 0 mean 'pick free ones' (see .rest_port/.grpc_port)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        if settings.not_honoured:       # never serve less than configured (e.g. no authentication): refuse to start
            raise ValueError("refusing to start: " + "; ".join(settings.not_honoured) +
                             ". Unset these variables to run loomdb without them.")
        ttl_schedule = Schedule(settings.objects_ttl_delete_schedule)     # ValueError before the data dir is locked
        modules = ModuleRegistry(settings.enable_modules, settings.default_vectorizer_module, env=settings.module_env)
        module_config = ModuleConfig(modules)
        self._stopping = threading.Event()      # set once the stop grace period is over: module calls give up
        vectorization = Vectorization(modules, settings.module_env, settings.lowercase_vectorization_input,
                                      stopping=self._stopping.is_set)
        try:                                    # configuration errors before the data directory is locked
            static = static_keys(settings.auth)
            oidc = oidc_tokens(settings.auth)
            authz = build_authorizer(settings.auth)
        except ValueError as exc:
            raise ValueError(f"refusing to start: {exc}") from None
        self.db = Database(settings.data_path)
        rbac_authz = _rbac_authorizer(settings)
        if rbac_authz is not None:
            authz = rbac_authz
        static_users = settings.auth.apikey_users if static is not None else ()
        configured = _configured(settings)
        db_users = DbUsers(JsonRecords(self.db.data_dir / DB_USERS_FILE), settings.auth.db_users_enabled,
                           static_users, authz=authz, is_root=configured.is_root,
                           roles_of=lambda user_id: rbac_authz.book.roles_of_user(user_id, "db") if rbac_authz else [],
                           forget=lambda user_id: rbac_authz.book.forget_user(user_id, "db") if rbac_authz else None)
        self.authenticator = build_authenticator(settings.auth, static, db_users, oidc)
        rbac = None if rbac_authz is None else RbacService(rbac_authz, ConfiguredUsers(
            static_users, settings.auth.oidc_enabled, lambda user_id: db_users.exists(user_id)
            and user_id not in static_users), configured)
        self._ttl_sweeper = TtlSweeper(self.db.collections, ttl_schedule)
        self._resource_guard = ResourceGuard(settings.resource_limits, ResourceUsage(settings.data_path),
                                             self.db.open_shards)
        objects = ObjectService(self.db, settings.query_maximum_results, settings.autoschema_enabled,
                                vectorization, module_config, authz=authz)
        search = SearchService(self.db, settings.query_defaults_limit, settings.query_maximum_results,
                               vectorization, QueryModules(modules.get, modules.names, settings.module_env,
                                            self._stopping.is_set),
                               authz=authz)
        references = ReferenceService(self.db, authz=authz)
        schema = SchemaService(self.db, module_config, authz=authz, async_indexing=settings.async_indexing)
        cluster = ClusterService(self.db, objects.batch_stats, settings.cluster_hostname, authz=authz)
        self.metrics = _metrics_server(settings, cluster)
        self.ctx = ServerContext(
            settings=settings, schema=schema, objects=objects, search=search, cluster=cluster,
            references=references, property_indexes=PropertyIndexService(self.db, authz=authz), modules=modules,
            listing=ObjectListService(self.db, search, authz=authz),
            classless=ClasslessObjects(self.db, objects, references, authz=authz), db_users=db_users, rbac=rbac,
            backups=BackupService(self.db, modules.backup_backend, WEAVIATE_VERSION, authz=authz))
        self._grpc: grpc.Server | None = None
        self._uvicorn: uvicorn.Server | None = None
        self._rest_thread: threading.Thread | None = None
        self._stopped = False

    @property
    def rest_port(self) -> int:
        return self.ctx.rest_port

    @property
    def grpc_port(self) -> int:
        return self.ctx.grpc_port

    @property
    def metrics_port(self) -> int:
        """Where /metrics answers (0 when PROMETHEUS_MONITORING_ENABLED is off)."""
        return self.metrics.port if self.metrics is not None else 0

    def start(self) -> LoomServer:
        try:
            self._start_grpc()
            self._start_rest()
            if self.metrics is not None:
                self.metrics.start(self.settings.host, self.settings.metrics_port)
            self._ttl_sweeper.start()
            self._resource_guard.start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_grpc(self) -> None:
        size = self.settings.grpc_max_message_size
        # the metrics interceptor outermost: it times and counts what authentication refuses too
        interceptors: list[grpc.ServerInterceptor] = []
        if self.metrics is not None:
            interceptors.append(self.metrics.grpc_interceptor())
        if not self.authenticator.open:
            interceptors.append(AuthInterceptor(self.authenticator))
        server = grpc.server(futures.ThreadPoolExecutor(_GRPC_WORKERS, thread_name_prefix="loomdb-grpc"),
                             interceptors=interceptors, options=[
            ("grpc.max_receive_message_length", size), ("grpc.max_send_message_length", size),
            ("grpc.so_reuseport", 0)])
        weaviate_pb2_grpc.add_WeaviateServicer_to_server(
            WeaviateService(self.ctx.schema, self.ctx.objects, self.ctx.search, self.ctx.references,
                            node_name=self.settings.cluster_hostname), server)
        server.add_generic_rpc_handlers((_health_handler(),))
        port = server.add_insecure_port(f"{self.settings.host}:{self.settings.grpc_port}")
        if port == 0:
            raise OSError(f"could not listen for gRPC on {self.settings.host}:{self.settings.grpc_port} "
                          "(port in use?)")
        server.start()
        self._grpc, self.ctx.grpc_port = server, port

    def _start_rest(self) -> None:
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only for sockets created with it,
        # and without TCP_NODELAY Nagle meets the client's delayed ACK (~44 ms per kept-alive request).
        sock = socket.socket(socket.AF_INET6 if ":" in self.settings.host else socket.AF_INET, socket.SOCK_STREAM,
                             socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.settings.host, self.settings.port))
        except OSError as exc:
            sock.close()
            raise OSError(f"could not listen for REST on {self.settings.host}:{self.settings.port}: "
                          f"{exc.strerror}") from None
        sock.listen(1024)
        self.ctx.rest_port = sock.getsockname()[1]
        app: ASGIApp = build_rest_app(self.ctx)
        if not self.authenticator.open:
            app = AuthMiddleware(app, self.authenticator)
        if self.metrics is not None:
            app = self.metrics.rest_middleware(app)
        config = uvicorn.Config(app, log_level="warning", access_log=False,
                                lifespan="off", timeout_graceful_shutdown=10)
        self._uvicorn = uvicorn.Server(config)
        self._rest_thread = threading.Thread(target=self._uvicorn.run, kwargs={"sockets": [sock]},
                                             name="loomdb-rest", daemon=True)
        self._rest_thread.start()
        while not self._uvicorn.started:
            if not self._rest_thread.is_alive():
                raise OSError("the REST server failed to start")
            self._rest_thread.join(0.005)

    def stop(self, grace: float = 10.0) -> None:
        """Finish in-flight requests (up to `grace` seconds), then flush and close the database."""
        if self._stopped:
            return
        self._stopped = True
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        done = self._grpc.stop(grace) if self._grpc is not None else None
        if self._rest_thread is not None:
            self._rest_thread.join(grace)
        if done is not None:
            done.wait(grace)
        self._stopping.set()        # handlers still running (a long vectorising batch) abandon unacknowledged work
        if self.metrics is not None:
            self.metrics.stop()
        self._ttl_sweeper.stop()
        self._resource_guard.stop()
        self.ctx.backups.close()
        self.db.close()


class StartupError(Exception):
    """The server could not start; the message tells the operator what to change."""


def start_server_process(settings: Settings) -> LoomServer:
    """`loomdb serve`: the process-wide allocator settings first (they matter only for a process that is the
    server), then the server. StartupError when the data directory is in use or a port is taken."""
    settle_allocator()
    limit_blas_threads(settings.blas_threads)
    try:
        return LoomServer(settings).start()
    except DataDirLocked as exc:
        raise StartupError(exc.message) from None
    except (OSError, ValueError) as exc:       # ValueError: a setting's value (e.g. the TTL schedule)
        raise StartupError(str(exc)) from None
