"""Who is calling, and which store serves them: the dependencies every API route sits on.

:func:`current_actor` checks the bearer token and :func:`read_store`, :func:`write_store`
and :func:`admin_store` the caller's role in the project (see ``_auth``): each route says
whether it reads, writes or administers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from trailmark._config import DEFAULT_PROJECT
from trailmark.governance import Role
from trailmark.server import _auth, _read_your_writes
from trailmark.server.schemas import ERROR_RESPONSES
from trailmark.store.sql import SqlStore
from trailmark.store.sql._replica import ReadReplica, replica_view
from trailmark.store.sql._views import ProjectView

PROJECT_HEADER = "X-Trailmark-Project"

_bearer = HTTPBearer(auto_error=False, description="A Trailmark token, once the server has users.")


@dataclasses.dataclass(frozen=True)
class Actor:
    """The caller, as recorded in created_by and set_by."""

    name: str


ANONYMOUS = Actor(_auth.ANONYMOUS)


def current_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Actor:
    """The caller: the token's user, or the anonymous actor on a server without users."""
    return Actor(_auth.identify(request, credentials.credentials if credentials else None))


async def project_name(
    header: Annotated[str | None, Header(alias=PROJECT_HEADER, description="The project (default 'default').")] = None,
    query: Annotated[
        str | None, Query(alias="project", description=f"The project; overrides {PROJECT_HEADER}.")
    ] = None,
) -> str:
    """The project a request addresses: ``?project=``, else the header, else ``default``."""
    return query or header or DEFAULT_PROJECT


def _known_view(request: Request, project: str, actor: Actor, *, reads_replica: bool) -> SqlStore | None:
    """The view for ``project`` when its id is known already (projects are never renamed nor removed), else None."""
    store: SqlStore = request.app.state.store
    project_id = _project_ids(request).get(project)
    if project_id is None:
        return None
    view: SqlStore = ProjectView(store, project=project, project_id=project_id, actor=actor.name)
    replica: ReadReplica | None = getattr(request.app.state, "replica", None)
    if reads_replica and replica is not None:  # a read route: from the replica, once it has the caller's writes
        view = replica_view(view, replica, after=_read_your_writes.after(request))
    view.reader_role = _auth.role_in(request, project)  # labels restricted above it stay hidden (docs/security.md)
    return view


def _project_ids(request: Request) -> dict[str, int]:
    found: dict[str, int] | None = getattr(request.app.state, "project_ids", None)
    if found is None:
        found = request.app.state.project_ids = {}
    return found


def _view(request: Request, project: str, actor: Actor, *, reads_replica: bool = False) -> SqlStore:
    """The caller's view of ``project`` (a database lookup the first time a project is named)."""
    view = _known_view(request, project, actor, reads_replica=reads_replica)
    if view is None:
        store: SqlStore = request.app.state.store
        _project_ids(request)[project] = store.for_project(project, actor=actor.name)._project_id  # NotFoundError
        view = _known_view(request, project, actor, reads_replica=reads_replica)
        assert view is not None
    return view


def resolve(request: Request, needed: Role, *, reads_replica: bool = False) -> SqlStore:
    """Identify the caller, check ``needed`` in the request's project, and give its view: all in this thread.

    What the dependencies below do, for routes that do it inside their one worker-thread call (the MLflow API).
    """
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    actor = Actor(_auth.identify(request, token.strip() if scheme.lower() == "bearer" else None))
    project = request.query_params.get("project") or request.headers.get(PROJECT_HEADER) or DEFAULT_PROJECT
    _auth.require(request, project, needed)
    return _view(request, project, actor, reads_replica=reads_replica)


def _store_for(needed: Callable[[], Role], doc: str, *, reads_replica: bool = False) -> Callable[..., Any]:
    """A dependency giving the store to a caller who holds the role ``needed()`` in the project.

    ``reads_replica``: the route only reads, so a server's read replica may serve it. The dependency is
    async: it runs on the event loop, no worker-thread hop, and reaches the database only for a project
    named for the first time.
    """

    async def dependency(
        request: Request,
        actor: Annotated[Actor, Depends(current_actor)],
        project: Annotated[str, Depends(project_name)],
    ) -> SqlStore:
        _auth.require(request, project, needed())
        view = _known_view(request, project, actor, reads_replica=reads_replica)
        if view is None:
            view = await run_in_threadpool(_view, request, project, actor, reads_replica=reads_replica)
        return view

    dependency.__doc__ = doc
    return dependency


read_store = _store_for(lambda: Role.VIEWER, "The store, for a caller allowed to read ``project``.", reads_replica=True)
write_store = _store_for(lambda: Role.EDITOR, "The store, for a caller allowed to write to ``project``.")
admin_store = _store_for(
    lambda: Role.ADMIN, "The store, for a caller allowed to administer ``project`` (members, classify, reveal, purge)."
)
reveal_store = _store_for(
    _auth.reveal_role,
    "The store, for a caller allowed to decrypt sensitive values in ``project`` (admin, or as configured).",
)


Reader = Annotated[SqlStore, Depends(read_store)]
Writer = Annotated[SqlStore, Depends(write_store)]
Admin = Annotated[SqlStore, Depends(admin_store)]
Revealer = Annotated[SqlStore, Depends(reveal_store)]
Caller = Annotated[Actor, Depends(current_actor)]


def api_router(tag: str) -> APIRouter:
    """A router under /api/v1 whose every route first identifies the caller."""
    return APIRouter(prefix="/api/v1", tags=[tag], dependencies=[Depends(current_actor)], responses=ERROR_RESPONSES)
