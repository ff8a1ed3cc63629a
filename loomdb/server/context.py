"""Everything a wire adapter may use: settings, the use cases, and the ports actually bound."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings
from ..modules.registry import ModuleRegistry
from ..usecases.backup import BackupService
from ..usecases.classless import ClasslessObjects
from ..usecases.cluster import ClusterService
from ..usecases.db_users import DbUsers
from ..usecases.object_list import ObjectListService
from ..usecases.objects import ObjectService
from ..usecases.property_index import PropertyIndexService
from ..usecases.rbac import RbacService
from ..usecases.references import ReferenceService
from ..usecases.schema import SchemaService
from ..usecases.search import SearchService


@dataclass
class ServerContext:
    settings: Settings
    schema: SchemaService
    objects: ObjectService
    search: SearchService
    cluster: ClusterService
    references: ReferenceService
    property_indexes: PropertyIndexService
    modules: ModuleRegistry
    listing: ObjectListService          # GET /v1/objects
    classless: ClasslessObjects         # the deprecated object paths without a class name
    db_users: DbUsers                   # /v1/users/db (AUTHENTICATION_DB_USERS_ENABLED)
    backups: BackupService              # /v1/backups
    rbac: RbacService | None = None     # /v1/authz when AUTHORIZATION_RBAC_ENABLED
    rest_port: int = 0
    grpc_port: int = 0
