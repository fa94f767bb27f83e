"""The REST API's application factory.

Each worker process opens one SqlStore (one connection pool) at startup and keeps no
other state: every request reads and writes the database, so any number of workers can
serve one PostgreSQL database.

Example:
    >>> app = create_app("postgresql://trailmark@db/trailmark")   # run it with uvicorn
"""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from trailmark import __version__
from trailmark._clock import Clock
from trailmark._config import resolve_uri
from trailmark._url import StoreURL
from trailmark.automation._urls import UrlPolicy
from trailmark.errors import ValidationError
from trailmark.server import _errors, _metrics, _read_your_writes, _security, mlflow, ui
from trailmark.server._body import RequestBodyMiddleware
from trailmark.server._compress import CompressionMiddleware
from trailmark.server._reads import ReadAuditMiddleware
from trailmark.server._reaper import Reaper, reap_after_from_env
from trailmark.server.routes import ROUTERS
from trailmark.store.sql import SqlStore
from trailmark.store.sql._replica import READ_URI_ENV, ReadReplica

DESCRIPTION = """The REST API of a Trailmark store: artifacts, executions, metrics, lineage,
search and the model registry, plus OpenLineage ingest on `POST /api/v1/lineage`.

Errors are `{"error": {"code", "message"}}` with a 4xx status for any bad input.
The project is chosen by the `X-Trailmark-Project` header or `?project=` (default `default`).
"""


def open_sql_store(uri: str, *, clock: Clock | None = None, artifacts: str | None = None) -> SqlStore:
    """The store a server serves; it must be a database, not another server."""
    if not StoreURL.parse(uri).is_sql:
        raise ValidationError(f"a server stores into sqlite:///PATH or postgresql://USER@HOST/DB, not {uri!r}")
    return SqlStore(uri, clock=clock, artifacts=artifacts)


def create_app(uri: str | None = None, *, clock: Clock | None = None, artifacts: str | None = None,
               read_uri: str | None = None) -> FastAPI:
    """A FastAPI app serving the store at ``uri`` (else ``$TRAILMARK_URI``, else the default).

    ``clock`` stamps everything the server writes (default: the system clock); tests pass one.
    ``artifacts``: the artifact root for kept bytes (else ``$TRAILMARK_ARTIFACTS``, else beside a SQLite file).
    ``read_uri``: a streaming replica of the PostgreSQL ``uri`` that serves the read routes (docs/scaling.md).
    """
    resolved = resolve_uri(uri)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_sql_store(resolved, clock=clock, artifacts=artifacts)
        app.state.store.webhook_policy = UrlPolicy.from_env()  # --webhook-deny-private
        app.state.store.serve_webhooks()  # this worker process sends webhook deliveries too
        reap_after = reap_after_from_env()
        reaper = Reaper(app.state.store, older_than=reap_after).start() if reap_after else None
        app.state.replica = ReadReplica(read_uri, app.state.store.engine) if read_uri else None
        try:
            yield
        finally:
            if reaper is not None:
                reaper.stop()
            if app.state.replica is not None:
                app.state.replica.close()
            app.state.store.close()

    app = FastAPI(title="Trailmark", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  **_security.NO_DOCS)
    app.add_middleware(ReadAuditMiddleware)  # one audit entry for a request's reads of labelled nodes
    app.add_middleware(CompressionMiddleware)  # gzip for answers of 4 KiB and more
    app.add_middleware(RequestBodyMiddleware)
    _security.install(app)  # outermost: a request for an unknown host name goes no further
    _errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    mlflow.install(app)  # MLflow's REST API and artifact proxy (docs/mlflow.md)
    ui.install(app)
    _metrics.install(app)
    if read_uri:  # the WAL-position stamp is a middleware every request would pass: only with a replica
        _read_your_writes.install(app)
    app.openapi = _optional_token_openapi(app)  # type: ignore[method-assign]  # FastAPI's documented way to customise the schema
    return app


def _optional_token_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The OpenAPI document, saying that the bearer token may be left out (a server with no users)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            for operations in build()["paths"].values():
                for operation in operations.values():
                    if "security" in operation and {} not in operation["security"]:
                        operation["security"].append({})
        return app.openapi_schema  # type: ignore[return-value]  # build() has just filled it

    return openapi


def app_from_env() -> FastAPI:
    """The app for ``$TRAILMARK_URI``: what each ``trailmark server`` worker process imports."""
    app = create_app(read_uri=os.environ.get(READ_URI_ENV) or None)
    gc.collect()
    gc.freeze()  # modules, routes and schemas live as long as the worker: the collector need not scan them again
    return app


