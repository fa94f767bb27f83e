"""Similar datasets in SQL: score every stored vector of the project, explain the best few."""

from __future__ import annotations

import threading
import weakref

from sqlalchemy import Connection, Engine, func, select

from trailmark.entities import Artifact
from trailmark.errors import ValidationError
from trailmark.reuse import Similar, TrainedModel
from trailmark.reuse._features import features, has_profile
from trailmark.reuse._matrix import Matrix
from trailmark.reuse._reasons import reasons
from trailmark.store.sql._artifacts import load_artifacts
from trailmark.store.sql._tables import (
    artifacts,
    dataset_features,
    events,
    latest_metrics,
)

# Candidates scored beyond ``limit``, so that deleted or purged ones can be left out and still fill it.
_SPARE = 20

# Vectors read once per process and project, then only the rows added since (see _matrix).
_matrices: weakref.WeakKeyDictionary[Engine, dict[int, Matrix]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def similar(conn: Connection, project_id: int, query: Artifact, limit: int) -> list[Similar]:
    """The ``limit`` datasets of the project most like ``query``, best first."""
    if not has_profile(query.properties):
        raise ValidationError(
            f"{query.ref} has no dataset profile (schema and row count) to compare: log it from a DataFrame, "
            "an Arrow table or a data file to have one"
        )
    matrix = _matrix(conn, project_id)
    scores = matrix.scores(features(query.properties))
    scores[matrix.ids == query.id] = -1.0
    count = min(limit + _SPARE, len(matrix))
    top = scores.argpartition(len(matrix) - count)[len(matrix) - count :] if count else scores[:0].astype(int)
    best = top[scores[top].argsort()[::-1]]
    candidates = [(float(scores[i]), int(matrix.ids[i])) for i in best if scores[i] >= 0]
    if not candidates:
        return []
    found = {a.id: a for a in load_artifacts(conn, artifacts.c.id.in_([i for _, i in candidates]))}
    kept = [(s, found[i]) for s, i in candidates
            if i in found and found[i].lifecycle == "active" and has_profile(found[i].properties)][:limit]
    models = trained_models(conn, [a.id for _, a in kept])
    return [
        Similar(artifact=a, score=round(s, 4), reasons=reasons(query.properties, a.properties),
                models=models.get(a.id, []))
        for s, a in kept
    ]


def _matrix(conn: Connection, project_id: int) -> Matrix:
    """The project's vectors: the rows added since the last call are read; any other change reloads all."""
    where = dataset_features.c.project_id == project_id
    with _lock:
        held = _matrices.setdefault(conn.engine, {})
        matrix = held.get(project_id) or Matrix()
        stored = conn.execute(select(func.count()).select_from(dataset_features).where(where)).scalar_one()
        if stored != len(matrix):
            query = select(dataset_features.c.artifact_id, dataset_features.c.vector).where(where)
            rows = conn.execute(query.where(dataset_features.c.artifact_id > matrix.last_id)).all()
            if len(matrix) + len(rows) != stored:  # rows went away, or came in below the last id seen
                matrix, rows = Matrix(), conn.execute(query).all()
            matrix = matrix.extended([(r.artifact_id, r.vector) for r in rows])
        held[project_id] = matrix
    return matrix


def trained_models(conn: Connection, dataset_ids: list[int]) -> dict[int, list[TrainedModel]]:
    """For each dataset, the models written by runs that read it, with those runs' latest metrics."""
    if not dataset_ids:
        return {}
    read, wrote = events.alias("read"), events.alias("wrote")
    rows = conn.execute(
        select(read.c.source_id.label("dataset"), wrote.c.source_id.label("run"), artifacts.c.id.label("model"))
        .join(wrote, (wrote.c.source_id == read.c.target_id) & (wrote.c.kind == "OUTPUT"))
        .join(artifacts, artifacts.c.id == wrote.c.target_id)
        .where(read.c.source_id.in_(dataset_ids), read.c.kind == "INPUT", artifacts.c.type == "Model")
        .order_by(read.c.source_id, artifacts.c.id)
    ).all()
    if not rows:
        return {}
    model_refs = {a.id: a.ref for a in load_artifacts(conn, artifacts.c.id.in_({r.model for r in rows}))}
    metrics: dict[int, dict[str, float]] = {}
    for point in conn.execute(
        select(latest_metrics.c.execution_id, latest_metrics.c.key, latest_metrics.c.value).where(
            latest_metrics.c.execution_id.in_({r.run for r in rows})
        )
    ):
        metrics.setdefault(point.execution_id, {})[point.key] = point.value
    out: dict[int, list[TrainedModel]] = {}
    for row in rows:
        entry = TrainedModel(model=model_refs[row.model], run=f"exec:{row.run}", metrics=metrics.get(row.run, {}))
        out.setdefault(row.dataset, []).append(entry)
    return out

