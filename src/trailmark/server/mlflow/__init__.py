"""MLflow's REST API on ``trailmark server``: tracking and registry under ``/api/2.0/mlflow``
(and ``/ajax-api/2.0/mlflow``, which MLflow's UI and some client calls use), the artifact
proxy under ``/api/2.0/mlflow-artifacts``. See docs/mlflow.md."""

from __future__ import annotations

from fastapi import FastAPI

from trailmark.server.mlflow import _artifacts, _registry, _tracking
from trailmark.server.mlflow._route import PREFIXES, MlflowRoutes


def routes() -> MlflowRoutes:
    """Every endpoint of MLflow's API with a fixed path, under each of its prefixes."""
    found = MlflowRoutes()
    for prefix in PREFIXES:
        _tracking.install(found, prefix)
        _registry.install(found, prefix)
        found.add(prefix + "/artifacts/list", ["GET"], _artifacts.list_run, write=False)
    found.add(_artifacts.PREFIX + "/artifacts", ["GET"], _artifacts.list_files, write=False)
    return found


def install(app: FastAPI) -> None:
    """Mount the MLflow-compatible routes on ``app``: the fixed paths first of all its routes."""
    app.router.routes.insert(0, routes())
    app.include_router(_artifacts.ROUTER)


__all__ = ["install", "routes"]
