"""Model registry: aliases as an append-only history of moves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from trailmark.entities import AliasMove
from trailmark.errors import NotFoundError, ValidationError
from trailmark.store.sql._tables import alias_moves, artifacts

MODEL_TYPE = "Model"


def move_alias(
    conn: Connection, project_id: int, model: str, alias: str, version: int | None, actor: str | None, now: datetime
) -> AliasMove:
    """Point ``alias`` at ``version`` of ``model`` (None removes it), keeping the history."""
    if alias.isdigit() or not alias.strip():
        raise ValidationError(f"alias {alias!r} is not allowed: an alias is a word such as 'production'")
    artifact_id = None
    if version is not None:
        artifact_id = conn.execute(
            select(artifacts.c.id).where(
                artifacts.c.project_id == project_id,
                artifacts.c.type == MODEL_TYPE,
                artifacts.c.name == model,
                artifacts.c.version == version,
            )
        ).scalar()
        if artifact_id is None:
            raise NotFoundError(f"no model {model!r} version {version}: register it before pointing {alias!r} at it")
    conn.execute(
        alias_moves.insert().values(
            project_id=project_id, model=model, alias=alias, artifact_id=artifact_id, set_by=actor, set_at=now
        )
    )
    return AliasMove(model=model, alias=alias, version=version, artifact_id=artifact_id, set_by=actor, set_at=now)


def alias_history(conn: Connection, project_id: int, model: str, alias: str | None) -> list[AliasMove]:
    """Every move of one alias (or of all aliases of ``model``), oldest first."""
    query = (
        select(alias_moves, artifacts.c.version)
        .outerjoin(artifacts, artifacts.c.id == alias_moves.c.artifact_id)
        .where(alias_moves.c.project_id == project_id, alias_moves.c.model == model)
        .order_by(alias_moves.c.id)
    )
    if alias is not None:
        query = query.where(alias_moves.c.alias == alias)
    return [
        AliasMove(
            model=r.model, alias=r.alias, version=r.version, artifact_id=r.artifact_id, set_by=r.set_by, set_at=r.set_at
        )
        for r in conn.execute(query)
    ]

