"""JSON routes that shape store data for the web UI's pages, under ``/api/v1/ui``.

Each route is a read that gathers what one page shows in one request (a run table with
latest metrics, a lineage graph walked both ways with classifications, the registry),
built only on the Store protocol; the pages use the general REST API for the rest. Every
route sits on the same caller and project dependencies as the REST API, so the same
tokens and roles apply.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from trailmark.errors import ValidationError
from trailmark.server._deps import Reader, current_actor
from trailmark.server.schemas import ERROR_RESPONSES
from trailmark.server.ui import _catalog, _graph, _runs

router = APIRouter(prefix="/api/v1/ui", tags=["ui"], dependencies=[Depends(current_actor)], responses=ERROR_RESPONSES)

Ref = Annotated[str, Query(min_length=1, max_length=1000, description="A reference: exec:12, dataset:raw@3...")]
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/runs", summary="Executions with their latest metrics")
def runs(
    store: Reader,
    filter: Annotated[str, Query(max_length=4000)] = "",
    order_by: Annotated[list[str] | None, Query()] = None,
    limit: Limit = 100,
    page_token: str | None = None,
    include_deleted: bool = False,
) -> dict[str, Any]:
    return _runs.runs_page(store, filter=filter, order_by=order_by or [], limit=limit, page_token=page_token,
                           include_deleted=include_deleted)


@router.get("/node", summary="One artifact or execution with its neighbours and classifications")
def node(store: Reader, ref: Ref) -> dict[str, Any]:
    return _graph.node_detail(store, ref)


@router.get("/graph", summary="Lineage of a node to separate upstream and downstream depths")
def graph(store: Reader, ref: Ref, up: str = "3", down: str = "3") -> dict[str, Any]:
    return _graph.graph(store, ref, up=_graph.parse_depth(up, "up"), down=_graph.parse_depth(down, "down"))


@router.get("/datasets", summary="Dataset series with their latest version")
def datasets(store: Reader) -> dict[str, Any]:
    return _catalog.datasets(store)


@router.get("/dataset", summary="Every version of one dataset, with what produced it")
def dataset(store: Reader, name: Annotated[str, Query(min_length=1, max_length=300)]) -> dict[str, Any]:
    return _catalog.dataset_versions(store, name)


@router.get("/models", summary="The model registry: versions with metrics, aliases, deployments")
def models(store: Reader) -> dict[str, Any]:
    return _catalog.models(store)


@router.get("/compare", summary="Two or more nodes side by side, differences marked")
def compare(store: Reader, ref: Annotated[list[str], Query()]) -> dict[str, Any]:
    if len(ref) < 2:
        raise ValidationError("compare needs at least two references")
    return store.compare(*ref).to_dict()
