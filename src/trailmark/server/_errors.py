"""Every error leaves the server as ``{"error": {"code", "message"}}``, never as a traceback.

A :class:`~trailmark.errors.TrailmarkError` gets its class's ``http_status``; a payload or
query that does not fit the schema is 400 ``invalid``; an unknown route is 404.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from trailmark.errors import NotFoundError, TrailmarkError, ValidationError
from trailmark.store._validate import MAX_JSON_DEPTH

_logger = logging.getLogger(__name__)

# Attributes some error classes carry; the HTTP client passes them back to the same class.
DETAILS = ("line", "column", "candidates")
_MAX_PROBLEMS = 5


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None, **details: Any
) -> JSONResponse:
    body = {"code": code, "message": message, **{k: v for k, v in details.items() if v is not None}}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


async def _trailmark_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TrailmarkError)
    if exc.http_status >= 500:
        _logger.error("%s %s failed: %s", request.method, request.url.path, exc)
    details = {name: getattr(exc, name, None) for name in DETAILS}
    return error_response(exc.http_status, exc.code, exc.message, **details)


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_describe(problem) for problem in exc.errors()]
    more = len(problems) - _MAX_PROBLEMS
    message = "invalid request: " + "; ".join(problems[:_MAX_PROBLEMS]) + (f" (and {more} more)" if more > 0 else "")
    return error_response(400, ValidationError.code, message)


def _describe(problem: Any) -> str:
    location = ".".join(str(part) for part in problem.get("loc", ()))
    return f"{location}: {problem.get('msg', 'invalid')}" if location else str(problem.get("msg", "invalid"))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"no route {request.method} {request.url.path}: see /openapi.json for the API"
        return error_response(404, NotFoundError.code, message)
    if exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(405, "method_not_allowed", message, headers=exc.headers)
    if exc.status_code in (400, 413):  # the body could not be read: too large, not gzip, not JSON
        message = _BODY_HINTS.get(str(exc.detail), str(exc.detail))
        return error_response(exc.status_code, ValidationError.code, message, headers=exc.headers)
    return error_response(exc.status_code, "http_error", str(exc.detail), headers=exc.headers)


# FastAPI's own words when a JSON body does not decode (Python's decoder also gives up past ~1,000 levels).
_BODY_HINTS = {
    "There was an error parsing the body": "cannot read the request body: send JSON nested at most "
    f"{MAX_JSON_DEPTH} levels deep",
}


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Logged with its traceback here; the caller only learns that it was the server's fault.
    _logger.exception("%s %s failed", request.method, request.url.path)
    return error_response(500, TrailmarkError.code, "internal server error: see the server log")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(TrailmarkError, _trailmark_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
