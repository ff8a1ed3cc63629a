"""/v1/authz/* and /v1/users/own-info: roles, permissions and assignments (client.roles, client.users.{db,oidc},
client.groups.oidc), with AUTHORIZATION_RBAC_ENABLED over the role book, without it over an empty one that keeps
nothing (usecases/rbac/disabled.py), as Weaviate. Status codes as Weaviate's authz handlers: create 201, delete
204, a missing role 404 with an empty body, authz mistakes 400, invalid permissions on create 422, an existing role
409, a missing permission 403."""
from __future__ import annotations

import functools

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...entities.errors import NotFound, Unauthenticated
from ...usecases.rbac import RbacService
from ...usecases.rbac.service import BadRequest, RoleConflict
from ..auth import rest_principal
from ._json import json_response, read_json
from .errors import error_response, rest_errors


def _authz_errors(handler):
    """Weaviate's authz statuses that differ from the general table: 400, 409, and 404 without a body."""
    @rest_errors
    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        try:
            return await handler(request)
        except BadRequest as exc:
            return error_response(400, exc.message)
        except RoleConflict as exc:
            return error_response(409, exc.message)
        except NotFound as exc:
            return error_response(404, exc.message) if exc.message else Response(status_code=404)
        except Unauthenticated as exc:
            return error_response(401, exc.message) if exc.message else Response(status_code=401)
    return wrapper


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() == "true"


def routes(rbac: RbacService | None) -> list[Route]:
    if rbac is None:
        return []

    async def call(request: Request, method, *args):
        return await run_in_threadpool(method, rest_principal(request), *args)

    @_authz_errors
    async def list_roles(request: Request) -> Response:
        return json_response(await call(request, rbac.list_roles))

    @_authz_errors
    async def create_role(request: Request) -> Response:
        await call(request, rbac.create_role, await read_json(request))
        return Response(status_code=201)

    @_authz_errors
    async def get_role(request: Request) -> Response:
        role = await call(request, rbac.get_role, request.path_params["id"])
        return Response(status_code=404) if role is None else json_response(role)

    @_authz_errors
    async def delete_role(request: Request) -> Response:
        await call(request, rbac.delete_role, request.path_params["id"])
        return Response(status_code=204)

    @_authz_errors
    async def add_permissions(request: Request) -> Response:
        await call(request, rbac.add_permissions, request.path_params["id"], await read_json(request))
        return Response(status_code=200)

    @_authz_errors
    async def remove_permissions(request: Request) -> Response:
        await call(request, rbac.remove_permissions, request.path_params["id"], await read_json(request))
        return Response(status_code=200)

    @_authz_errors
    async def has_permission(request: Request) -> Response:
        return json_response(await call(request, rbac.has_permission, request.path_params["id"],
                                        await read_json(request)))

    @_authz_errors
    async def user_assignments(request: Request) -> Response:
        return json_response(await call(request, rbac.user_assignments, request.path_params["id"]))

    @_authz_errors
    async def group_assignments(request: Request) -> Response:
        return json_response(await call(request, rbac.group_assignments, request.path_params["id"]))

    @_authz_errors
    async def users_of_role(request: Request) -> Response:
        return json_response(await call(request, rbac.users_of_role, request.path_params["id"]))

    @_authz_errors
    async def own_roles(request: Request) -> Response:
        return json_response(await call(request, rbac.own_roles))

    @_authz_errors
    async def roles_of_user(request: Request) -> Response:
        return json_response(await call(request, rbac.roles_of_user, request.path_params["id"],
                                        request.path_params["user_type"], _flag(request, "includeFullRoles")))

    @_authz_errors
    async def roles_of_user_deprecated(request: Request) -> Response:
        return json_response(await call(request, rbac.roles_of_user, request.path_params["id"], None, True))

    @_authz_errors
    async def assign_user(request: Request) -> Response:
        await call(request, rbac.assign_user, request.path_params["id"], await read_json(request))
        return Response(status_code=200)

    @_authz_errors
    async def revoke_user(request: Request) -> Response:
        await call(request, rbac.assign_user, request.path_params["id"], await read_json(request), True)
        return Response(status_code=200)

    @_authz_errors
    async def known_groups(request: Request) -> Response:
        return json_response(await call(request, rbac.known_groups, request.path_params["group_type"]))

    @_authz_errors
    async def roles_of_group(request: Request) -> Response:
        return json_response(await call(request, rbac.roles_of_group, request.path_params["id"],
                                        request.path_params["group_type"], _flag(request, "includeFullRoles")))

    @_authz_errors
    async def assign_group(request: Request) -> Response:
        await call(request, rbac.assign_group, request.path_params["id"], await read_json(request))
        return Response(status_code=200)

    @_authz_errors
    async def revoke_group(request: Request) -> Response:
        await call(request, rbac.assign_group, request.path_params["id"], await read_json(request), True)
        return Response(status_code=200)

    @_authz_errors
    async def own_info(request: Request) -> Response:
        return json_response(await call(request, rbac.own_info))

    return [
        Route("/v1/authz/roles", list_roles, methods=["GET"]),
        Route("/v1/authz/roles", create_role, methods=["POST"]),
        Route("/v1/authz/roles/{id}", get_role, methods=["GET"]),
        Route("/v1/authz/roles/{id}", delete_role, methods=["DELETE"]),
        Route("/v1/authz/roles/{id}/add-permissions", add_permissions, methods=["POST"]),
        Route("/v1/authz/roles/{id}/remove-permissions", remove_permissions, methods=["POST"]),
        Route("/v1/authz/roles/{id}/has-permission", has_permission, methods=["POST"]),
        Route("/v1/authz/roles/{id}/user-assignments", user_assignments, methods=["GET"]),
        Route("/v1/authz/roles/{id}/group-assignments", group_assignments, methods=["GET"]),
        Route("/v1/authz/roles/{id}/users", users_of_role, methods=["GET"]),
        Route("/v1/authz/users/own-roles", own_roles, methods=["GET"]),
        Route("/v1/authz/users/{id}/roles", roles_of_user_deprecated, methods=["GET"]),
        Route("/v1/authz/users/{id}/roles/{user_type}", roles_of_user, methods=["GET"]),
        Route("/v1/authz/users/{id}/assign", assign_user, methods=["POST"]),
        Route("/v1/authz/users/{id}/revoke", revoke_user, methods=["POST"]),
        Route("/v1/authz/groups/{group_type}", known_groups, methods=["GET"]),
        Route("/v1/authz/groups/{id}/roles/{group_type}", roles_of_group, methods=["GET"]),
        Route("/v1/authz/groups/{id}/assign", assign_group, methods=["POST"]),
        Route("/v1/authz/groups/{id}/revoke", revoke_group, methods=["POST"]),
        Route("/v1/users/own-info", own_info, methods=["GET"]),
    ]
