"""Role-based access control as Weaviate's AUTHORIZATION_RBAC_*: permissions (permissions.py), the role book and
its persistence port (roles.py), the decision function (authorizer.py) and the /v1/authz use cases (service.py)."""
from .authorizer import RbacAuthorizer
from .roles import ConfiguredAssignments, PolicyStore, RoleBook
from .service import ConfiguredUsers, KnownUsers, RbacService

__all__ = ["ConfiguredAssignments", "ConfiguredUsers", "KnownUsers", "PolicyStore", "RbacAuthorizer", "RbacService",
           "RoleBook"]
