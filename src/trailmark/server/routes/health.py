"""``GET /healthz``: is this worker up, and can it reach its database?"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from trailmark import __version__
from trailmark.server.schemas import HealthOut

_logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut, responses={503: {"model": HealthOut}})
def healthz(request: Request) -> dict[str, str] | JSONResponse:
    """200 ``ok`` when the database answers, else 503 ``unavailable``. Needs no token."""
    try:
        with request.app.state.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        _logger.warning("health check failed: %s", exc)
        return JSONResponse({"status": "unavailable", "version": __version__}, status_code=503)
    return {"status": "ok", "version": __version__}
