"""MLflow's artifact proxy, ``/api/2.0/mlflow-artifacts/artifacts``: upload, download and list, streamed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.background import BackgroundTask

from trailmark.hashing import CHUNK_SIZE
from trailmark.mlflow import _files, _runs, _screen
from trailmark.server._deps import current_actor, read_store, write_store
from trailmark.server.mlflow._route import MlflowRoute
from trailmark.store.sql import SqlStore

PREFIX = "/api/2.0/mlflow-artifacts"


def _router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, route_class=MlflowRoute, dependencies=[Depends(current_actor)])

    @router.put("/artifacts/{path:path}", include_in_schema=False)
    async def upload(path: str, request: Request, store: SqlStore = Depends(write_store)) -> Response:  # noqa: B008
        await _files.upload(store, path, request.stream())
        return JSONResponse({})

    @router.get("/artifacts/{path:path}", include_in_schema=False)
    async def download(path: str, store: SqlStore = Depends(read_store)) -> Response:  # noqa: B008
        await run_in_threadpool(_screen.file_path, store, path)
        reader, size = await run_in_threadpool(_files.open_file, store, path)
        return StreamingResponse(iter(lambda: reader.read(CHUNK_SIZE), b""), media_type="application/octet-stream",
                                 headers={"Content-Length": str(size)}, background=BackgroundTask(reader.close))

    @router.delete("/artifacts/{path:path}", include_in_schema=False)
    async def remove(path: str, store: SqlStore = Depends(write_store)) -> Response:  # noqa: B008
        await run_in_threadpool(_files.remove, store, path)
        return JSONResponse({})

    return router


def list_files(store: SqlStore, body: dict[str, Any], _: Request) -> dict[str, Any]:
    _screen.file_path(store, str(body.get("path") or ""))
    return {"files": _files.listing(store, body.get("path"))}


def list_run(store: SqlStore, body: dict[str, Any], _: Request) -> dict[str, Any]:
    """The tracking API's ``artifacts/list`` of a run, over the same files."""
    view = _screen.runs(store, [_runs.view(store, body.get("run_id") or body.get("run_uuid"))], refuse=True)[0]
    root = f"{view.experiment_id}/{view.execution.uid}/artifacts"
    path = (body.get("path") or "").strip("/")
    files = _files.listing(store, f"{root}/{path}" if path else root)
    return {"root_uri": f"mlflow-artifacts:/{root}",
            "files": [{**f, "path": f"{path}/{f['path']}" if path else f["path"]} for f in files]}


ROUTER = _router()
