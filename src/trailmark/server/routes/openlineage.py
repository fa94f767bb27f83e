"""OpenLineage in and out: ``POST /api/v1/lineage`` (where OpenLineage clients post their events),
a run's events for export, the stored events, namespaces, and column lineage."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Query

from trailmark.entities import ColumnEdge, to_dict
from trailmark.errors import ValidationError
from trailmark.openlineage import run_events
from trailmark.server._deps import Reader, Writer, api_router

router = api_router("openlineage")

_EVENT_DOC = (
    "An OpenLineage RunEvent, DatasetEvent or JobEvent (https://openlineage.io/spec/2-0-2/OpenLineage.json). "
    "A malformed event is refused with 400 naming the field or facet, and leaves nothing behind."
)


@router.post("/lineage")
def post_event(event: Annotated[dict[str, Any], Body(description=_EVENT_DOC)], store: Writer) -> dict[str, Any]:
    """Record an event: a job run becomes one execution (one per runId), its datasets Dataset versions.

    COMPLETE ends the execution; FAIL and ABORT end it FAILED with the errorMessage facet;
    START, RUNNING and OTHER keep it running. Facets accumulate over the run's events.
    """
    done = store.ingest_openlineage(event)
    return {
        "execution": to_dict(done.execution) if done.execution else None,
        "inputs": [to_dict(a) for a in done.inputs],
        "outputs": [to_dict(a) for a in done.outputs],
    }


@router.get("/openlineage/runs/{ref:path}")
def export_run(ref: str, store: Reader) -> list[dict[str, Any]]:
    """A run's OpenLineage events: as they came for an ingested run, else made from the execution."""
    return run_events(store, ref)


@router.get("/openlineage/events")
def stored_events(
    store: Reader,
    ref: Annotated[str | None, Query(description="Only the events of this execution's run.")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    newest_first: bool = False,
) -> list[dict[str, Any]]:
    """The OpenLineage events stored as they came."""
    return store.openlineage_events(ref, limit=limit, offset=offset, newest_first=newest_first)


@router.get("/openlineage/namespaces")
def namespaces(store: Reader) -> list[str]:
    """The namespaces of the project's OpenLineage jobs and datasets."""
    return store.openlineage_namespaces()


@router.get("/openlineage/datasets")
def datasets(namespace: str, store: Reader) -> list[dict[str, Any]]:
    """The latest version of each dataset of a namespace."""
    return [to_dict(a) for a in store.openlineage_datasets(namespace)]


@router.get("/openlineage/dataset")
def dataset(namespace: str, name: str, store: Reader) -> dict[str, Any]:
    """The latest version of one dataset, by its OpenLineage (namespace, name)."""
    return to_dict(store.openlineage_dataset(namespace, name))


@router.get("/openlineage/jobs")
def jobs(namespace: str, store: Reader) -> list[dict[str, Any]]:
    """The jobs of a namespace, with their facets and latest run."""
    return [{**to_dict(j), "latest_run": to_dict(j.latest_run) if j.latest_run else None}
            for j in store.openlineage_jobs(namespace)]


@router.get("/columns/{ref:path}")
def column_lineage(
    ref: str,
    store: Reader,
    column: str | None = None,
    direction: Annotated[str, Query(json_schema_extra={"enum": ["upstream", "downstream"]})] = "upstream",
    depth: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
) -> list[dict[str, Any]]:
    """Column-level lineage of a dataset: where a column came from (upstream) or what it fed."""
    return [to_dict(e) for e in store.column_lineage(ref, column=column, direction=direction, depth=depth)]


@router.post("/columns")
def log_column_lineage(
    store: Writer,
    edges: Annotated[list[dict[str, Any]], Body(embed=True)],
    execution: Annotated[str | None, Body(embed=True)] = None,
) -> dict[str, int]:
    """Record column edges ``{source, source_column, target, target_column, transformation}``."""
    store.log_column_lineage([_edge(e) for e in edges], execution=execution)
    return {"linked": len(edges)}


def _edge(data: dict[str, Any]) -> ColumnEdge:
    keys = ("source", "source_column", "target", "target_column")
    if not all(isinstance(data.get(k), str) for k in keys) or not isinstance(data.get("transformation"), str | None):
        raise ValidationError("a column edge needs source, source_column, target and target_column as text")
    return ColumnEdge(data["source"], data["source_column"], data["target"], data["target_column"],
                      data.get("transformation"))
