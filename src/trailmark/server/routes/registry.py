"""The model registry: aliases and their history (a model's versions are ``/series/Model/NAME``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from trailmark.entities import to_dict
from trailmark.server._deps import Reader, Writer, api_router
from trailmark.server.schemas import AliasIn, AliasMoveOut

router = api_router("registry")


@router.post("/aliases", response_model=AliasMoveOut)
def set_alias(body: AliasIn, store: Writer):
    """Point an alias (production, staging...) of a model at a version; null removes it."""
    return to_dict(store.set_alias(body.model, body.alias, version=body.version))


@router.get("/aliases", response_model=list[AliasMoveOut])
def alias_history(
    store: Reader,
    model: Annotated[str, Query(description="The model's name.")],
    alias: Annotated[str | None, Query(description="Only this alias.")] = None,
):
    """Every move of a model's aliases (or of one alias), oldest first."""
    return [to_dict(move) for move in store.alias_history(model, alias)]
