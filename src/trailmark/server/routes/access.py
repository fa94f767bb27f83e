"""Users, tokens and projects over REST: what ``trailmark users|tokens|projects`` do with ``--uri http://...``.

Who may do what, once the server has users (an open server lets anyone):

- list users, check a token (``/auth/principal``): any caller with a valid token;
- list projects: the caller's own projects;
- add a user: an admin of some project (a new user can reach nothing until made a member);
- create, list or revoke tokens: for oneself, or for a user whose every project the caller administers.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from pydantic import BaseModel, ConfigDict, Field

from trailmark.entities import to_dict
from trailmark.errors import NotFoundError, PermissionDeniedError
from trailmark.governance import Principal, Role
from trailmark.server import _auth
from trailmark.server._deps import Caller, Reader, api_router
from trailmark.store.sql import SqlStore

router = api_router("access")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserIn(_In):
    name: str = Field(max_length=200)


class TokenIn(_In):
    user: str = Field(max_length=200)
    expires: str | None = Field(default=None, max_length=40, description="A lifetime such as 30d or 12h.")


class PrincipalIn(_In):
    token: str | None = Field(default=None, max_length=10_000)


@router.get("/auth")
def auth(request: Request) -> dict[str, bool]:
    """``{"required": true}`` once this server asks every caller for a token (then only a valid one gets here)."""
    return {"required": _auth.enabled(request)}


@router.post("/auth/principal")
def principal(body: PrincipalIn, request: Request) -> dict[str, Any]:
    """The user a token belongs to and their role in each project (401 if the token is not valid)."""
    found = _store(request).authenticate(body.token)
    return {"user": found.user, "roles": {project: role.value for project, role in found.roles.items()}}


@router.get("/users")
def users(request: Request) -> list[dict[str, Any]]:
    """Every user of the server."""
    return [to_dict(u) for u in _store(request).users()]


@router.post("/users")
def add_user(body: UserIn, request: Request, actor: Caller) -> dict[str, Any]:
    """Register a user (an admin of some project)."""
    _require_admin_over(request, None)
    return to_dict(_store(request, actor.name).add_user(body.name))


@router.get("/tokens")
def tokens(request: Request, user: Annotated[str | None, Query(max_length=200)] = None) -> list[dict[str, Any]]:
    """Tokens (ids, owners, expiry; never the secrets): the caller's own, or those of users they administer."""
    store = _store(request)
    found = store.tokens(user=user)
    caller = _principal(request)
    if caller is not None:
        allowed = {t.user for t in found if _administers(store, caller, t.user)}
        found = [t for t in found if t.user in allowed]
    return [to_dict(t) for t in found]


@router.post("/tokens")
def create_token(body: TokenIn, request: Request, actor: Caller) -> dict[str, Any]:
    """A new token for the caller, or for a user whose projects the caller administers; shown this once."""
    _require_admin_over(request, body.user)
    issued = _store(request, actor.name).create_token(body.user, expires=body.expires)
    return {"id": issued.id, "user": issued.user, "token": issued.token,
            "expires_at": issued.expires_at.isoformat() if issued.expires_at else None}


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: str, request: Request, actor: Caller) -> dict[str, Any]:
    """Revoke a token by its id (revoking twice is harmless)."""
    store = _store(request)
    owner = next((t.user for t in store.tokens() if t.id == token_id), None)
    if owner is None:
        raise NotFoundError(f"no token with id {token_id!r}")
    _require_admin_over(request, owner)
    return to_dict(_store(request, actor.name).revoke_token(token_id))


@router.get("/projects")
def projects(request: Request) -> list[str]:
    """The projects the caller belongs to (every project, on an open server)."""
    names = _store(request).projects()
    caller = _principal(request)
    return names if caller is None else [name for name in names if caller.role(name) is not None]


@router.get("/retention")
def retention(
    store: Reader,
    older_than: Annotated[str, Query(max_length=40, description="An age such as 180d.")],
    type: Annotated[str | None, Query(max_length=200)] = None,
) -> list[dict[str, Any]]:
    """Artifacts of the project older than ``older_than`` and not yet purged (what ``gc`` would purge)."""
    return [to_dict(a) for a in store.retention_candidates(older_than=older_than, type=type)]


def _store(request: Request, actor: str | None = None) -> SqlStore:
    """The server's store, acting as ``actor`` (users and tokens belong to no one project)."""
    root: SqlStore = request.app.state.store
    return root if actor is None else root.for_project(root.project, actor=actor)


def _principal(request: Request) -> Principal | None:
    found: Principal | None = getattr(request.state, "principal", None)
    return found


def _administers(store: SqlStore, caller: Principal, user: str | None) -> bool:
    """Whether ``caller`` may manage ``user``: themselves, or an admin of each of the user's projects."""
    if user == caller.user:
        return True
    admin_of = {project for project, role in caller.roles.items() if role is Role.ADMIN}
    if not admin_of:
        return False
    if user is None:
        return True
    return {m.project for m in store.members() if m.user == user} <= admin_of


def _require_admin_over(request: Request, user: str | None) -> None:
    caller = _principal(request)
    if caller is not None and not _administers(_store(request), caller, user):
        whose = "users" if user is None else f"user {user!r}"
        raise PermissionDeniedError(
            f"user {caller.user!r} may not manage {whose}: that needs admin of every project they belong to"
        )
