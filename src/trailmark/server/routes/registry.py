"""The model registry: aliases and their history (a model's versions are ``/series/Model/NAME``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request

from trailmark.entities import to_dict
from trailmark.governance import Role
from trailmark.server import _auth
from trailmark.server._deps import Reader, Writer, api_router, project_name
from trailmark.server.schemas import AliasIn, AliasMoveOut

router = api_router("registry")


@router.post("/aliases", response_model=AliasMoveOut)
def set_alias(
    body: AliasIn, store: Writer, request: Request, project: Annotated[str, Depends(project_name)]
) -> dict[str, Any]:
    """Point an alias (production, staging...) of a model at a version; null removes it.

    A protected alias runs its gate first (409 ``gate_failed`` when the version is worse);
    ``force`` moves it anyway, for the project's admins.
    """
    if body.force:
        _auth.require(request, project, Role.ADMIN)
    return to_dict(store.set_alias(body.model, body.alias, version=body.version, force=body.force))


@router.get("/aliases", response_model=list[AliasMoveOut])
def alias_history(
    store: Reader,
    model: Annotated[str, Query(description="The model's name.")],
    alias: Annotated[str | None, Query(description="Only this alias.")] = None,
) -> list[dict[str, Any]]:
    """Every move of a model's aliases (or of one alias), oldest first."""
    return [to_dict(move) for move in store.alias_history(model, alias)]
