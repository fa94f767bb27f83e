"""Marquez-compatible reads (GET), after Marquez's OpenAPI document (MarquezProject/marquez, spec/openapi.yml).

``/api/v1/namespaces``, ``/namespaces/{ns}/datasets``, ``/namespaces/{ns}/jobs``,
``/lineage?nodeId=dataset:NS:NAME&depth=N``, ``/column-lineage?nodeId=datasetField:NS:NAME:COLUMN``
and ``/events/lineage``, in Marquez's JSON shapes, so Marquez's web UI and clients can
read what Trailmark was sent. Datasets and jobs are Marquez's: versions and runs are
folded into one node each.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import Query

from trailmark.entities import Artifact, ColumnEdge, Execution, LineageJob
from trailmark.errors import NotFoundError, ValidationError
from trailmark.openlineage._facets import event_time
from trailmark.openlineage._names import dataset_identity
from trailmark.server._deps import Reader, api_router
from trailmark.store._validate import MAX_LIMIT
from trailmark.store.sql import SqlStore

router = api_router("marquez")

Json = dict[str, Any]
Limit = Annotated[int, Query(ge=1, le=10_000, description="The number of results to return from offset.")]
Offset = Annotated[int, Query(ge=0, description="The initial position from which to return results.")]
_STATES = {"RUNNING": "RUNNING", "COMPLETE": "COMPLETED", "FAILED": "FAILED"}


@router.get("/namespaces")
def namespaces(store: Reader, limit: Limit = 100, offset: Offset = 0) -> Json:
    """Marquez ``getNamespaces``: the namespaces of the project's jobs and datasets."""
    names = store.openlineage_namespaces()[offset:offset + limit]
    return {"namespaces": [{"name": n, "createdAt": None, "updatedAt": None, "ownerName": None, "description": None}
                           for n in names]}


@router.get("/namespaces/{namespace:path}/datasets")
def datasets(namespace: str, store: Reader, limit: Limit = 100, offset: Offset = 0) -> Json:
    """Marquez ``getDatasets``: the datasets of a namespace (their latest version)."""
    found = store.openlineage_datasets(namespace)
    return {"datasets": [_dataset(a) for a in found[offset:offset + limit]], "totalCount": len(found)}


@router.get("/namespaces/{namespace:path}/jobs")
def jobs(namespace: str, store: Reader, limit: Limit = 100, offset: Offset = 0) -> Json:
    """Marquez ``getJobs``: the jobs of a namespace with their latest run."""
    found = store.openlineage_jobs(namespace)
    return {"jobs": [_job(j) for j in found[offset:offset + limit]], "totalCount": len(found)}


@router.get("/lineage")
def lineage(
    store: Reader,
    node_id: Annotated[str, Query(alias="nodeId", description="dataset:NS:NAME or job:NS:NAME")],
    depth: Annotated[int, Query(ge=0, le=100, description="Depth of lineage graph to create.")] = 20,
) -> Json:
    """Marquez ``getLineage``: the graph of jobs and datasets around a node, both ways."""
    kind, namespace, name = _node(store, node_id)
    root: Artifact | Execution
    if kind == "dataset":
        root = store.openlineage_dataset(namespace, name)
    else:
        runs = [j.latest_run for j in store.openlineage_jobs(namespace) if j.name == name and j.latest_run]
        if not runs:
            raise NotFoundError(f"no OpenLineage job {name!r} in namespace {namespace!r}")
        root = runs[0]
    graph = store.lineage(root, direction="both", depth=2 * depth)
    nodes: dict[str, Json] = {}
    for node in graph.nodes:
        key = _node_id(node)
        nodes.setdefault(key, {"id": key, "type": "DATASET" if isinstance(node, Artifact) else "JOB",
                               "data": _dataset(node) if isinstance(node, Artifact) else _run_job(node),
                               "inEdges": [], "outEdges": []})
    seen: set[tuple[str, str]] = set()
    for edge in graph.edges:
        source, target = _node_id(graph.node(edge.source)), _node_id(graph.node(edge.target))
        if (source, target) in seen:
            continue
        seen.add((source, target))
        nodes[source]["outEdges"].append({"origin": source, "destination": target})
        nodes[target]["inEdges"].append({"origin": source, "destination": target})
    return {"graph": list(nodes.values())}


@router.get("/column-lineage")
def column_lineage(
    store: Reader,
    node_id: Annotated[str, Query(alias="nodeId", description="datasetField:NS:NAME:COLUMN or dataset:NS:NAME")],
    depth: Annotated[int, Query(ge=0, le=100)] = 20,
    with_downstream: Annotated[bool, Query(alias="withDownstream")] = False,
) -> Json:
    """Marquez ``getColumnLineage``: the dataset fields a column (or every column of a dataset) came from."""
    column: str | None = None
    if node_id.startswith("datasetField:"):
        head, _, column = node_id.rpartition(":")
        node_id = "dataset:" + head.removeprefix("datasetField:")
    kind, namespace, name = _node(store, node_id)
    if kind != "dataset":
        raise ValidationError(f"column lineage starts at a dataset or a dataset field, not {node_id!r}")
    artifact = store.openlineage_dataset(namespace, name)
    edges = store.column_lineage(artifact, column=column, direction="upstream", depth=depth)
    if with_downstream:
        edges += store.column_lineage(artifact, column=column, direction="downstream", depth=depth)
    return {"graph": _field_graph(store, edges)}


@router.get("/events/lineage")
def events(
    store: Reader,
    sort_direction: Annotated[str, Query(alias="sortDirection", pattern="^(asc|desc)$")] = "desc",
    before: Annotated[datetime | None, Query(description="Only events whose eventTime is before this.")] = None,
    after: Annotated[datetime | None, Query(description="Only events whose eventTime is after this.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Json:
    """Marquez ``getLineageEvents``: the OpenLineage events received, newest first by default."""
    newest_first = sort_direction == "desc"
    if before is None and after is None:
        found = store.openlineage_events(limit=limit, offset=offset, newest_first=newest_first)
        return {"events": found, "totalCount": store.openlineage_event_count()}
    # by eventTime, which only the event itself holds: filtered over the newest MAX_LIMIT events
    matching = [e for e in store.openlineage_events(limit=MAX_LIMIT, newest_first=newest_first)
                if _within(e, before, after)]
    return {"events": matching[offset:offset + limit], "totalCount": len(matching)}


def _within(event: Json, before: datetime | None, after: datetime | None) -> bool:
    try:
        at = event_time(event, datetime.min.replace(tzinfo=timezone.utc))
    except ValidationError:
        return False
    return (before is None or at < _aware(before)) and (after is None or at > _aware(after))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _node(store: SqlStore, node_id: str) -> tuple[str, str, str]:
    """``dataset:NS:NAME`` or ``job:NS:NAME`` -> (kind, namespace, name); a namespace may hold ':' itself."""
    kind, _, rest = node_id.partition(":")
    if kind not in ("dataset", "job") or ":" not in rest:
        raise ValidationError(f"nodeId must be dataset:NAMESPACE:NAME or job:NAMESPACE:NAME, got {node_id!r}")
    known = set(store.openlineage_namespaces())
    splits = [i for i, c in enumerate(rest) if c == ":"]
    # the longest known namespace that leaves a name (s3://bucket holds a ':' itself), else the first ':'
    at = max((i for i in splits if rest[:i] in known), default=splits[0])
    namespace, name = rest[:at], rest[at + 1:]
    return kind, namespace, name


def _node_id(node: Artifact | Execution) -> str:
    if isinstance(node, Artifact):
        namespace, name = dataset_identity(node.project, node.name, node.uri, node.properties)
        return f"dataset:{namespace}:{name}"
    namespace, name = _job_identity(node)
    return f"job:{namespace}:{name}"


def _job_identity(execution: Execution) -> tuple[str, str]:
    params = execution.params
    if isinstance(params.get("openlineage.namespace"), str) and isinstance(params.get("openlineage.job"), str):
        return params["openlineage.namespace"], params["openlineage.job"]
    return execution.project, execution.name


def _dataset(artifact: Artifact) -> Json:
    namespace, name = dataset_identity(artifact.project, artifact.name, artifact.uri, artifact.properties)
    found = artifact.properties.get("facets")
    facets: Json = found if isinstance(found, dict) else {}
    schema: Json = facets.get("schema") or {}
    fields: list[Json] = [
        {"name": f.get("name"), "type": f.get("type"), "tags": [], "description": f.get("description")}
        for f in schema.get("fields", []) if isinstance(f, dict)
    ]
    return {
        "id": {"namespace": namespace, "name": name}, "type": "DB_TABLE", "name": name, "physicalName": name,
        "createdAt": artifact.created_at.isoformat(), "updatedAt": artifact.created_at.isoformat(),
        "namespace": namespace, "sourceName": namespace, "fields": fields, "tags": [],
        "lastModifiedAt": artifact.created_at.isoformat(), "lastLifecycleState": None,
        "description": artifact.description, "facets": facets, "currentVersion": None,
        "deleted": artifact.lifecycle == "deleted", "trailmarkRef": artifact.ref,
    }


def _run(execution: Execution) -> Json:
    duration = execution.duration
    return {
        "id": execution.params.get("openlineage.runId") or execution.uid,
        "createdAt": execution.started_at.isoformat(), "updatedAt": (execution.ended_at or execution.started_at)
        .isoformat(), "nominalStartTime": None, "nominalEndTime": None,
        "state": "ABORTED" if "ABORT" in (execution.error or "") else _STATES.get(str(execution.status), "NEW"),
        "startedAt": execution.started_at.isoformat(),
        "endedAt": execution.ended_at.isoformat() if execution.ended_at else None,
        "durationMs": int(duration * 1000) if duration is not None else None,
        "args": {}, "facets": execution.params.get("openlineage.runFacets", {}), "trailmarkRef": execution.ref,
    }


def _job(job: LineageJob) -> Json:
    latest = job.latest_run
    return {
        "id": {"namespace": job.namespace, "name": job.name}, "type": "BATCH", "name": job.name,
        "simpleName": job.name.rsplit(".", 1)[-1], "parentJobName": None, "parentJobUuid": None,
        "createdAt": (latest.started_at if latest else job.updated_at).isoformat(),
        "updatedAt": job.updated_at.isoformat(), "namespace": job.namespace,
        "inputs": job.inputs, "outputs": job.outputs, "location": None, "description": None,
        "latestRun": _run(latest) if latest else None, "latestRuns": [_run(latest)] if latest else [],
        "facets": job.facets, "currentVersion": None,
    }


def _run_job(execution: Execution) -> Json:
    namespace, name = _job_identity(execution)
    return {"id": {"namespace": namespace, "name": name}, "type": "BATCH", "name": name, "namespace": namespace,
            "simpleName": name.rsplit(".", 1)[-1], "latestRun": _run(execution),
            "facets": execution.params.get("openlineage.jobFacets", {})}


def _field_graph(store: SqlStore, edges: list[ColumnEdge]) -> list[Json]:
    """Column edges as Marquez DATASET_FIELD nodes with their inputFields and edges."""
    identities: dict[str, tuple[str, str]] = {}

    def field_id(ref: str, column: str) -> tuple[str, str, str, str]:
        if ref not in identities:
            artifact = store.get(ref)
            assert isinstance(artifact, Artifact)
            identities[ref] = dataset_identity(artifact.project, artifact.name, artifact.uri, artifact.properties)
        namespace, name = identities[ref]
        return f"datasetField:{namespace}:{name}:{column}", namespace, name, column

    nodes: dict[str, Json] = {}

    def node(ref: str, column: str) -> Json:
        key, namespace, name, field = field_id(ref, column)
        return nodes.setdefault(key, {"id": key, "type": "DATASET_FIELD", "data": {
            "namespace": namespace, "dataset": name, "datasetVersion": ref, "field": field, "fieldType": None,
            "transformationDescription": None, "transformationType": None, "inputFields": []},
            "inEdges": [], "outEdges": []})

    for edge in edges:
        source, target = node(edge.source, edge.source_column), node(edge.target, edge.target_column)
        link = {"origin": source["id"], "destination": target["id"]}
        if link not in target["inEdges"]:
            target["inEdges"].append(link)
            source["outEdges"].append(link)
            kind, _, text = (edge.transformation or "").partition(": ")
            target["data"]["inputFields"].append({
                "namespace": source["data"]["namespace"], "dataset": source["data"]["dataset"],
                "field": source["data"]["field"], "transformationDescription": text or None,
                "transformationType": kind or None})
            target["data"]["transformationDescription"] = text or None
            target["data"]["transformationType"] = kind or None
    return list(nodes.values())
