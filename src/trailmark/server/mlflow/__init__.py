"""MLflow's REST API on ``trailmark server``: tracking and registry under ``/api/2.0/mlflow``
(and ``/ajax-api/2.0/mlflow``, which MLflow's UI and some client calls use), the artifact
proxy under ``/api/2.0/mlflow-artifacts``. See docs/mlflow.md."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from trailmark.server.mlflow import _artifacts, _registry, _tracking
from trailmark.server.mlflow._route import PREFIXES, add, router_for


def routers() -> list[APIRouter]:
    found = []
    for prefix in PREFIXES:
        router = router_for(prefix)
        _tracking.install(router)
        _registry.install(router)
        add(router, "/artifacts/list", ["GET"], _artifacts._list_run, write=False)
        found.append(router)
    return [*found, _artifacts.ROUTER]


def install(app: FastAPI) -> None:
    """Mount the MLflow-compatible routes on ``app``."""
    for router in routers():
        app.include_router(router)


__all__ = ["install", "routers"]
