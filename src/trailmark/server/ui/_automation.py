"""The UI's automation pages: a deployment's drift timeline and health, an experiment's leaderboard.

Built on the Store protocol, like the other UI routes; mounted under ``/api/v1/ui``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from trailmark.automation._entities import record_to_dict
from trailmark.automation._monitoring import deployment_of, drift_history
from trailmark.entities import Artifact, to_dict
from trailmark.server._deps import Reader, current_actor
from trailmark.server.schemas import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/ui", tags=["ui"], dependencies=[Depends(current_actor)], responses=ERROR_RESPONSES)


@router.get("/deployment", summary="A deployment with its drift reports (oldest first) and health checks")
def deployment(store: Reader, ref: Annotated[str, Query(min_length=1, max_length=1000)]) -> dict[str, Any]:
    target = deployment_of(store, ref)
    reports = drift_history(store, target)
    return {
        "deployment": to_dict(target),
        "drift": [record_to_dict(r) for r in reports],
        "thresholds": store.drift_thresholds(target),
        "health": [record_to_dict(c) for c in store.health_history(target, limit=500)],
    }


@router.get("/leaderboard", summary="The best runs of an experiment by one metric, and the best value over time")
def leaderboard(
    store: Reader,
    experiment: Annotated[str, Query(min_length=1, max_length=300)],
    metric: Annotated[str, Query(min_length=1, max_length=250)],
    direction: Annotated[str, Query(pattern="^(min|max)$")] = "min",
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> dict[str, Any]:
    board = store.leaderboard(experiment, metric=metric, direction=direction, limit=limit)
    rows = []
    for execution, value in board:
        models = [n for n in store.lineage(execution, direction="downstream", depth=1).nodes
                  if isinstance(n, Artifact) and n.type == "Model"]
        rows.append({"execution": to_dict(execution), "value": value,
                     "models": [m.ref for m in models]})
    every = store.leaderboard(experiment, metric=metric, direction=direction, limit=1000)
    return {"experiment": experiment, "metric": metric, "direction": direction, "rows": rows,
            "best_over_time": _best_over_time(every, direction)}


def _best_over_time(board: list[tuple[Any, float]], direction: str) -> list[dict[str, Any]]:
    """Each run in start order with the best value reached so far: is the team improving?"""
    best: float | None = None
    points = []
    for execution, value in sorted(board, key=lambda item: item[0].started_at):
        better = best is None or (value < best if direction == "min" else value > best)
        best = value if better else best
        points.append({"run": execution.ref, "started_at": execution.started_at.isoformat(), "value": value,
                       "best": best})
    return points
