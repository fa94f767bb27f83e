"""The plumbing of the MLflow-compatible routes: MLflow's error shape, request bodies, roles.

Every failure on these routes, including a refused token, leaves as MLflow's
``{"error_code", "message"}`` with MLflow's status, since MLflow clients match on it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, APIRouter
from starlette.exceptions import HTTPException

from trailmark.errors import TrailmarkError
from trailmark.governance import Role
from trailmark.mlflow._errors import code_of, invalid
from trailmark.server._deps import resolve
from trailmark.store.sql import SqlStore

_logger = logging.getLogger(__name__)
PREFIXES = ("/api/2.0/mlflow", "/ajax-api/2.0/mlflow")
_LISTS = {"run_ids", "experiment_ids", "stages", "order_by"}

Handler = Callable[[SqlStore, dict[str, Any], Request], Any]


class MlflowJSON(JSONResponse):
    """JSON written by orjson (a search answer in a tenth of the standard encoder's time)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def mlflow_error(code: str, message: str, status: int) -> JSONResponse:
    return MlflowJSON({"error_code": code, "message": message}, status_code=status)


class MlflowRoute(APIRoute):
    """A route whose every error is answered in MLflow's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except TrailmarkError as exc:
                code, status = code_of(exc)
                return mlflow_error(code, exc.message, status)
            except RequestValidationError as exc:
                return mlflow_error("INVALID_PARAMETER_VALUE", f"Invalid request: {exc.errors()[:3]}", 400)
            except HTTPException as exc:
                return mlflow_error("BAD_REQUEST" if exc.status_code < 500 else "INTERNAL_ERROR", str(exc.detail),
                                    exc.status_code)
            except Exception:  # the boundary: logged with its traceback, answered as MLflow's INTERNAL_ERROR
                _logger.exception("%s %s failed", request.method, request.url.path)
                return mlflow_error("INTERNAL_ERROR", "internal server error: see the server log", 500)

        return answer


async def body_of(request: Request) -> dict[str, Any]:
    """The request's JSON body merged over its query parameters (GET requests carry only those)."""
    found: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        found[key] = values if key in _LISTS or len(values) > 1 else values[0]
    raw = await request.body()
    if raw.strip():
        try:
            data = _loads(raw)
        except ValueError as exc:
            raise invalid(f"Malformed JSON in the request body: {exc}") from exc
        if not isinstance(data, dict):
            raise invalid("The request body must be a JSON object")
        found.update(data)
    return found


def _loads(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:  # NaN and Infinity literals, which only the standard decoder reads
        return json.loads(raw)


def principal_user(request: Request) -> str | None:
    """The authenticated user, or None on a server without tokens."""
    principal = getattr(request.state, "principal", None)
    return getattr(principal, "user", None)


def add(router: APIRouter, path: str, methods: list[str], handler: Handler, *, write: bool) -> None:
    """Mount ``handler(store, body, request)`` at ``path``.

    The caller's token and role are checked and the handler run in one worker-thread call
    (no FastAPI dependencies: each would be a hop of its own), as :func:`~trailmark.server._deps.resolve` says.
    """
    needed = Role.EDITOR if write else Role.VIEWER

    def run(body: dict[str, Any], request: Request) -> Any:
        return handler(resolve(request, needed, reads_replica=not write), body, request)

    async def endpoint(request: Request) -> Response:
        body = await body_of(request)
        result = await run_in_threadpool(run, body, request)
        return result if isinstance(result, Response) else MlflowJSON(result if result is not None else {})

    endpoint.__name__ = "mlflow_" + "".join(c if c.isalnum() else "_" for c in path.strip("/"))
    router.add_api_route(path, endpoint, methods=methods, include_in_schema=False)


def router_for(prefix: str) -> APIRouter:
    """A router whose routes (mounted with :func:`add`) each identify the caller themselves."""
    return APIRouter(prefix=prefix, route_class=MlflowRoute)
