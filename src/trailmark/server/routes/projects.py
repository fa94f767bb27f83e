"""Projects and the contexts (experiments, pipelines) in them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request

from trailmark.entities import to_dict
from trailmark.governance import Role
from trailmark.server import _auth
from trailmark.server._deps import Caller, Reader, api_router
from trailmark.server.schemas import ContextOut, ProjectOut

router = api_router("projects")


@router.put("/projects/{name:path}", response_model=ProjectOut)
def create_project(name: str, request: Request, actor: Caller) -> dict[str, str]:
    """Create a project if it does not exist (what connecting with ``project=NAME`` does).

    Once the server has users, only members reach a project here; others are refused,
    whether it exists or not (an administrator creates projects: `trailmark projects add`).
    """
    _auth.require(request, name, Role.VIEWER)
    view = request.app.state.store.for_project(name, actor=actor.name, create=True)
    return {"name": view.project}


@router.get("/projects/{name:path}", response_model=ProjectOut)
def get_project(name: str, request: Request, actor: Caller) -> dict[str, str]:
    """A project, or 404 if there is none of that name."""
    _auth.require(request, name, Role.VIEWER)
    return {"name": request.app.state.store.for_project(name, actor=actor.name).project}


@router.get("/contexts", response_model=list[ContextOut])
def contexts(store: Reader, type: Annotated[str | None, Query(description="Experiment, Pipeline...")] = None
             ) -> list[dict[str, Any]]:
    """The experiments and pipelines of the project."""
    return [to_dict(c) for c in store.contexts(type=type)]
