"""The plumbing of the MLflow-compatible routes: MLflow's error shape, request bodies, roles.

Every failure on these routes, including a refused token, leaves as MLflow's
``{"error_code", "message"}`` with MLflow's status, since MLflow clients match on it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, compile_path
from starlette.types import Receive, Scope, Send

from trailmark.errors import TrailmarkError
from trailmark.governance import Role
from trailmark.mlflow._errors import code_of, invalid
from trailmark.server._deps import resolve
from trailmark.server._fast_json import FastJSON
from trailmark.store.sql import SqlStore

_logger = logging.getLogger(__name__)
PREFIXES = ("/api/2.0/mlflow", "/ajax-api/2.0/mlflow")
_LISTS = {"run_ids", "experiment_ids", "stages", "order_by"}

Handler = Callable[[SqlStore, dict[str, Any], Request], Any]


def mlflow_error(code: str, message: str, status: int) -> JSONResponse:
    return FastJSON({"error_code": code, "message": message}, status_code=status)


def error_answer(request: Request, exc: Exception) -> Response:
    """A failure as MLflow's answer; an unexpected one is logged with its traceback and answered INTERNAL_ERROR."""
    if isinstance(exc, TrailmarkError):
        code, status = code_of(exc)
        return mlflow_error(code, exc.message, status)
    if isinstance(exc, RequestValidationError):
        return mlflow_error("INVALID_PARAMETER_VALUE", f"Invalid request: {exc.errors()[:3]}", 400)
    if isinstance(exc, HTTPException):
        return mlflow_error("BAD_REQUEST" if exc.status_code < 500 else "INTERNAL_ERROR", str(exc.detail),
                            exc.status_code)
    _logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return mlflow_error("INTERNAL_ERROR", "internal server error: see the server log", 500)


class MlflowRoute(APIRoute):
    """A route whose every error is answered in MLflow's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # the boundary: every failure leaves in MLflow's shape
                return error_answer(request, exc)

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


class MlflowRoutes(BaseRoute):
    """Every MLflow endpoint in one table from path to method, matched ahead of the REST routes.

    MLflow's paths are fixed, so one dictionary lookup finds the endpoint, where the app's
    router would try each of its routes' patterns in turn; the endpoint reads the body, then
    identifies the caller, checks the role and runs the handler in one worker-thread call
    (no FastAPI dependencies: each would be a hop of its own).
    """

    def __init__(self) -> None:
        self._paths: dict[str, dict[str, _Endpoint]] = {}
        self._templates: dict[str, tuple[str, re.Pattern[str], dict[str, _Endpoint]]] = {}

    def add(self, path: str, methods: list[str], handler: Handler, *, write: bool) -> None:
        """Answer ``methods`` on ``path`` (``{name}``: a path parameter) with ``handler(store, body, request)``."""
        endpoint = _Endpoint(path, handler, Role.EDITOR if write else Role.VIEWER)
        if "{" in path:
            literal = path[:path.index("{")]
            methods_of = self._templates.setdefault(path, (literal, compile_path(path)[0], {}))[2]
        else:
            methods_of = self._paths.setdefault(path, {})
        for method in methods:
            methods_of[method] = endpoint

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        path = _route_path(scope)
        child: Scope = {}
        methods = self._paths.get(path)
        if methods is None:
            methods = self._template_match(path, child)
            if methods is None:
                return Match.NONE, {}
        endpoint = methods.get(scope["method"])
        if endpoint is None:  # the path is known, the method is not: 405
            return Match.PARTIAL, {**child, "route": None, "mlflow.allowed": ", ".join(sorted(methods))}
        return Match.FULL, {**child, "route": endpoint}

    def _template_match(self, path: str, child: Scope) -> dict[str, _Endpoint] | None:
        for literal, pattern, methods in self._templates.values():
            found = pattern.match(path) if path.startswith(literal) else None
            if found:
                child["path_params"] = found.groupdict()
                return methods
        return None

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = scope.get("route")
        if not isinstance(endpoint, _Endpoint):
            raise HTTPException(status_code=405, headers={"Allow": scope["mlflow.allowed"]})
        response = await endpoint.answer(Request(scope, receive, send))
        await response(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The request's path below the app's mount point (``root_path``), as the app's routes see it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root + "/") else path


class _Endpoint:
    """One MLflow endpoint; ``path`` labels its requests in ``/metrics``."""

    def __init__(self, path: str, handler: Handler, needed: Role) -> None:
        self.path = path
        self.handler = handler
        self.needed = needed

    def _run(self, body: dict[str, Any], request: Request) -> Any:
        store = resolve(request, self.needed, reads_replica=self.needed is Role.VIEWER)
        return self.handler(store, body, request)

    async def answer(self, request: Request) -> Response:
        """The handler's answer, or any failure (a refused token included) in MLflow's shape."""
        try:
            body = await body_of(request)
            result = await run_in_threadpool(self._run, body, request)
        except Exception as exc:  # the boundary: every failure leaves in MLflow's shape
            return error_answer(request, exc)
        return result if isinstance(result, Response) else FastJSON(result if result is not None else {})
