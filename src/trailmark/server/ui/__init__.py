"""The web UI: static pages at ``/`` and the JSON routes they read, under ``/api/v1/ui``.

``install(app)`` adds both to the server's FastAPI application. The pages are plain
JavaScript modules and vendored libraries (Cytoscape.js with dagre for lineage, uPlot for
charts), shipped in the wheel: nothing to build, no Node.js needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from trailmark.server.ui._automation import router as automation_router
from trailmark.server.ui._routes import router

STATIC = Path(__file__).parent / "static"

__all__ = ["STATIC", "install", "router"]


def install(app: FastAPI) -> None:
    """Serve the UI from ``app``: the page at ``/``, its assets under ``/ui/``, data under ``/api/v1/ui/``.

    The data routes sit on the same caller dependency as the REST API; the page and its
    assets hold no data and load without a token, so that a visitor can be asked for one.
    """
    app.include_router(router)
    app.include_router(automation_router)  # drift timeline, health, leaderboard
    app.add_api_route("/", _index, methods=["GET"], include_in_schema=False)
    app.mount("/ui", _Assets(directory=STATIC), name="ui")


class _Assets(StaticFiles):
    """Static files that browsers revalidate (a 304 when unchanged), so an upgrade shows at once."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        return response


def _index() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})
