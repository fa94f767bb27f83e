"""One OpenLineage event into SQL, in the caller's transaction.

A runId is one execution through the ``openlineage_runs`` key: writers of one run take
turns (SQLite's write lock; a PostgreSQL advisory lock on the runId), and the key is the
last guard (a clash reruns the transaction, which then finds the row). A (namespace,
name) is one Dataset series through ``openlineage_datasets``. Outputs make one version
per writing run (or per ``version`` facet); inputs read the version named, else the
latest, and make one only for a dataset never seen before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, text

from trailmark.entities import Artifact, EdgeKind, Execution, Status
from trailmark.openlineage import _names
from trailmark.openlineage._facets import merge, version_digest, version_label
from trailmark.store.sql import _artifacts, _classify, _executions
from trailmark.store.sql._column_lineage import add_edges
from trailmark.store.sql._tables import (
    artifacts,
    context_members,
    contexts,
    events,
    executions,
    openlineage_datasets,
    openlineage_events,
    openlineage_jobs,
    openlineage_runs,
    tags,
)
from trailmark.store.sql._upsert import upsert

RUN_TAG = "openlineage.runId"
ENDINGS = {"COMPLETE": Status.COMPLETE, "FAIL": Status.FAILED, "ABORT": Status.FAILED}
Json = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Scope:
    """Where and as whom the event is written."""

    project_id: int
    actor: str
    now: datetime
    at: datetime  # the event's own time


@dataclasses.dataclass
class Touched:
    execution_id: int | None = None
    inputs: list[int] = dataclasses.field(default_factory=list)
    outputs: list[int] = dataclasses.field(default_factory=list)
    created: list[int] = dataclasses.field(default_factory=list)


def ingest(conn: Connection, scope: Scope, kind: str, event: Mapping[str, Any]) -> Touched:
    """Record a RunEvent, DatasetEvent or JobEvent (already checked); returns what it touched."""
    done = Touched()
    if kind == "DatasetEvent":
        dataset = event["dataset"]
        artifact = _dataset_version(conn, scope, dataset, done, side=None)
        done.inputs.append(artifact)
        _dataset_facets(conn, scope, dataset)
        add_edges(conn, _column_edges(conn, scope, dataset, artifact, None), execution_id=None)
    elif kind == "JobEvent":
        _job_facets(conn, scope, event["job"])
        for side in ("inputs", "outputs"):
            for dataset in event.get(side) or []:
                (done.inputs if side == "inputs" else done.outputs).append(
                    _dataset_version(conn, scope, dataset, done, side=None)
                )
                _dataset_facets(conn, scope, dataset)
    else:
        _run_event(conn, scope, event, done)
    conn.execute(openlineage_events.insert().values(
        project_id=scope.project_id, execution_id=done.execution_id, event_type=event.get("eventType"),
        received_at=scope.now, event=dict(event),
    ))
    return done


def _run_event(conn: Connection, scope: Scope, event: Mapping[str, Any], done: Touched) -> None:
    run, job = event["run"], event["job"]
    event_type = event.get("eventType") or "OTHER"
    run_facets = run.get("facets") or {}
    job_type = (job.get("facets") or {}).get("jobType") or {}
    execution_id = find_or_start(conn, scope, str(run["runId"]), job, job_type.get("jobType"))
    done.execution_id = execution_id
    _job_facets(conn, scope, job)
    parent = run_facets.get("parent")
    if isinstance(parent, Mapping) and not parent.get("_deleted"):
        _attach_parent(conn, scope, execution_id, parent)
    read: list[int] = []
    for dataset in event.get("inputs") or []:
        artifact = _dataset_version(conn, scope, dataset, done, side=EdgeKind.INPUT, execution_id=execution_id)
        read.append(artifact)
        _dataset_facets(conn, scope, dataset)
    written: list[int] = []
    for dataset in event.get("outputs") or []:
        artifact = _dataset_version(
            conn, scope, dataset, done, side=EdgeKind.OUTPUT, execution_id=execution_id, run_id=str(run["runId"])
        )
        written.append(artifact)
        _dataset_facets(conn, scope, dataset)
    done.inputs, done.outputs = read, written
    _link(conn, scope, execution_id, read, written)
    for dataset, artifact in zip(event.get("outputs") or [], written, strict=True):
        add_edges(conn, _column_edges(conn, scope, dataset, artifact, execution_id), execution_id=execution_id)
    _record_facets(conn, execution_id, event, event_type)
    _advance(conn, scope, execution_id, event_type, run_facets)


def find_or_start(conn: Connection, scope: Scope, run_id: str, job: Mapping[str, Any], job_type: Any) -> int:
    """The execution of ``run_id``, started now if the run is new."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                     {"key": f"openlineage-run:{scope.project_id}:{run_id}"})
    found = conn.execute(select(openlineage_runs.c.execution_id).where(
        openlineage_runs.c.project_id == scope.project_id, openlineage_runs.c.run_id == run_id)).scalar()
    if found is not None:
        return int(found)
    namespace, name = str(job["namespace"]), str(job["name"])
    execution_id = int(_executions.insert_execution_row(
        conn, project_id=scope.project_id,
        type=_names.type_name(job_type) if isinstance(job_type, str) else "Job",
        name=_names.node_name(f"{namespace}/{name}"),
        params_={RUN_TAG: run_id, "openlineage.namespace": namespace, "openlineage.job": name},
        environment={}, environment_id=None, actor=scope.actor, now=scope.at,
    )["id"])
    # started at the event's time, but alive as of now (an old event replayed is not an abandoned run)
    conn.execute(executions.update().where(executions.c.id == execution_id).values(heartbeat_at=scope.now))
    conn.execute(openlineage_runs.insert().values(
        project_id=scope.project_id, run_id=run_id, execution_id=execution_id, namespace=namespace, job=name))
    conn.execute(tags.insert().values(node_id=execution_id, key=RUN_TAG, value=run_id))
    return execution_id


def _attach_parent(conn: Connection, scope: Scope, execution_id: int, parent: Mapping[str, Any]) -> None:
    """The parent run (started if not known yet) becomes ``parent_id``; the child joins its contexts."""
    parent_run, parent_job = parent["run"], parent.get("job") or {}
    if not isinstance(parent_job.get("namespace"), str) or not isinstance(parent_job.get("name"), str):
        parent_job = {"namespace": "unknown", "name": f"parent-{parent_run['runId']}"}
    parent_id = find_or_start(conn, scope, str(parent_run["runId"]), parent_job, None)
    if parent_id == execution_id:
        return
    conn.execute(executions.update().where(executions.c.id == execution_id).values(parent_id=parent_id))
    pipeline = _names.node_name(f"{parent_job['namespace']}/{parent_job['name']}")
    upsert(conn, contexts, {"project_id": scope.project_id, "type": "Pipeline", "name": pipeline,
                            "created_at": scope.now}, keys=["project_id", "type", "name"])
    context_id = conn.execute(select(contexts.c.id).where(
        contexts.c.project_id == scope.project_id, contexts.c.type == "Pipeline", contexts.c.name == pipeline,
    )).scalar_one()
    upsert(conn, context_members, {"context_id": context_id, "node_id": parent_id}, keys=["context_id", "node_id"])
    joined = set(conn.execute(
        select(context_members.c.context_id).where(context_members.c.node_id == parent_id)).scalars())
    if joined:
        upsert(conn, context_members, [{"context_id": c, "node_id": execution_id} for c in sorted(joined)],
               keys=["context_id", "node_id"])


def _job_facets(conn: Connection, scope: Scope, job: Mapping[str, Any]) -> None:
    key = {"project_id": scope.project_id, "namespace": str(job["namespace"]), "name": str(job["name"])}
    _merge_row(conn, scope, openlineage_jobs, key, job.get("facets"))


def _dataset_facets(conn: Connection, scope: Scope, dataset: Mapping[str, Any]) -> None:
    key = {"project_id": scope.project_id, "namespace": str(dataset["namespace"]), "name": str(dataset["name"])}
    _merge_row(conn, scope, openlineage_datasets, key, dataset.get("facets"))


def _merge_row(conn: Connection, scope: Scope, table: Any, key: Json, facets: Any) -> None:
    """Merge ``facets`` into the row of ``table`` at ``key`` (locked for the update on PostgreSQL)."""
    if table is openlineage_jobs:
        upsert(conn, table, {**key, "facets": {}, "updated_at": scope.now}, keys=list(key))
    where = [table.c[k] == v for k, v in key.items()]
    current = conn.execute(select(table.c.facets).where(*where).with_for_update()).scalar_one()
    merged = merge(current, facets)
    if merged != current:
        conn.execute(table.update().where(*where).values(facets=merged, updated_at=scope.now))


def _series(conn: Connection, scope: Scope, namespace: str, name: str) -> str:
    """The Dataset series of (namespace, name): its name, or NAMESPACE/NAME when another namespace has it."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                     {"key": f"openlineage-dataset:{scope.project_id}:{namespace}:{name}"})
    table = openlineage_datasets
    found = conn.execute(select(table.c.series).where(
        table.c.project_id == scope.project_id, table.c.namespace == namespace, table.c.name == name)).scalar()
    if found is not None:
        return str(found)
    for candidate in (_names.node_name(name), _names.node_name(f"{namespace}/{name}")):
        taken = conn.execute(select(table.c.name).where(
            table.c.project_id == scope.project_id, table.c.series == candidate)).first()
        if taken is None:
            break
    else:
        candidate = _names.node_name(f"{namespace}/{name}~{version_digest(namespace, name)[7:19]}")
    conn.execute(table.insert().values(project_id=scope.project_id, namespace=namespace, name=name,
                                       series=candidate, facets={}, updated_at=scope.now))
    return candidate


def _dataset_version(
    conn: Connection,
    scope: Scope,
    dataset: Mapping[str, Any],
    done: Touched,
    *,
    side: EdgeKind | None,
    execution_id: int | None = None,
    run_id: str | None = None,
) -> int:
    """The id of the version an event's dataset mention names (made when the rules say so)."""
    namespace, name = str(dataset["namespace"]), str(dataset["name"])
    facets = merge({}, dataset.get("facets"))
    series = _series(conn, scope, namespace, name)
    in_series = (artifacts.c.project_id == scope.project_id, artifacts.c.type == "Dataset",
                 artifacts.c.name == series)
    label = version_label(facets)
    if side is EdgeKind.OUTPUT:
        digest = version_digest(namespace, name, label=label, run_id=run_id)
    else:
        if label is not None:
            named = _by_digest(conn, in_series, version_digest(namespace, name, label=label))
            if named is not None:
                return named
        if execution_id is not None:
            already = _linked_version(conn, in_series, execution_id, EdgeKind.INPUT)
            if already is not None:
                return already
        latest = conn.execute(select(artifacts.c.id).where(*in_series).order_by(artifacts.c.version.desc())
                              .limit(1)).scalar()
        if latest is not None:
            return int(latest)
        digest = version_digest(namespace, name, label=label)
    artifact, created = _artifacts.insert_artifact(
        conn, project_id=scope.project_id, type="Dataset", name=series, digest=digest,
        uri=_names.dataset_uri(namespace, name),
        properties={"openlineage": {"namespace": namespace, "name": name}, "facets": facets},
        actor=scope.actor, now=scope.now,
    )
    if created:
        done.created.append(artifact.id)
    elif side is EdgeKind.OUTPUT and execution_id is not None and dataset.get("facets"):
        if _linked_version(conn, in_series, execution_id, EdgeKind.OUTPUT) == artifact.id:
            # The writing run's later events complete its version's facets (schema at COMPLETE).
            properties = {**artifact.properties, "facets": merge(artifact.properties.get("facets"),
                                                                 dataset.get("facets"))}
            conn.execute(artifacts.update().where(artifacts.c.id == artifact.id).values(properties=properties))
    return artifact.id


def _by_digest(conn: Connection, in_series: tuple[Any, ...], digest: str) -> int | None:
    found = conn.execute(select(artifacts.c.id).where(*in_series, artifacts.c.digest == digest)).scalar()
    return None if found is None else int(found)


def _linked_version(conn: Connection, in_series: tuple[Any, ...], execution_id: int, kind: EdgeKind) -> int | None:
    """The version of the series that the execution already reads (INPUT) or wrote (OUTPUT)."""
    end, own = (events.c.source_id, events.c.target_id) if kind is EdgeKind.INPUT else (
        events.c.target_id, events.c.source_id)
    found = conn.execute(
        select(func.max(artifacts.c.id)).select_from(events.join(artifacts, artifacts.c.id == end))
        .where(own == execution_id, events.c.kind == kind.value, *in_series)
    ).scalar()
    return None if found is None else int(found)


def _link(conn: Connection, scope: Scope, execution_id: int, read: list[int], written: list[int]) -> None:
    rows = [{"source_id": a, "target_id": execution_id, "kind": "INPUT", "role": None} for a in dict.fromkeys(read)]
    rows += [{"source_id": execution_id, "target_id": a, "kind": "OUTPUT", "role": None}
             for a in dict.fromkeys(written)]
    if not rows:
        return
    upsert(conn, events, rows, keys=["source_id", "target_id"])
    joined = conn.execute(
        select(context_members.c.context_id).where(context_members.c.node_id == execution_id)).scalars().all()
    members = [{"context_id": c, "node_id": a} for c in joined for a in dict.fromkeys(written)]
    if members:  # outputs join the contexts of the run that wrote them
        upsert(conn, context_members, members, keys=["context_id", "node_id"])
    _classify.follow_links(conn, [(int(r["source_id"]), int(r["target_id"])) for r in rows],  # type: ignore[arg-type]  # the rows built above hold ints
                           actor=scope.actor, now=scope.now)


def _column_edges(
    conn: Connection, scope: Scope, dataset: Mapping[str, Any], target: int, execution_id: int | None
) -> list[Json]:
    facet = (dataset.get("facets") or {}).get("columnLineage")
    if not isinstance(facet, Mapping) or facet.get("_deleted"):
        return []
    edges = []
    for column, field in (facet.get("fields") or {}).items():
        transformation = _transformation(field)
        for source in field.get("inputFields") or []:
            holder = Touched()
            source_id = _dataset_version(conn, scope, source, holder, side=EdgeKind.INPUT, execution_id=execution_id)
            edges.append({"source_id": source_id, "source_column": str(source["field"]), "target_id": target,
                          "target_column": str(column),
                          "transformation": _transformation(source) or transformation})
    return edges


def _transformation(field: Mapping[str, Any]) -> str | None:
    """``TYPE: description`` from the 1-0 fields or the first of the 1-1 ``transformations``."""
    found = field.get("transformations")
    if isinstance(found, list) and found and isinstance(found[0], Mapping):
        field = {"transformationType": found[0].get("type"), "transformationDescription": found[0].get("description")}
    kind, text_ = field.get("transformationType"), field.get("transformationDescription")
    parts = [str(p) for p in (kind, text_) if p]
    return ": ".join(parts) if parts else None


def _record_facets(conn: Connection, execution_id: int, event: Mapping[str, Any], event_type: str) -> None:
    """Run, job, input and output facets merged into the params, also after the run ended."""
    current = conn.execute(select(executions.c.params).where(executions.c.id == execution_id)).scalar_one()
    new: Json = {
        "openlineage.runFacets": merge(current.get("openlineage.runFacets"), event["run"].get("facets")),
        "openlineage.jobFacets": merge(current.get("openlineage.jobFacets"), event["job"].get("facets")),
    }
    for side, key in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
        seen = current.get(f"openlineage.{key}", {})
        for dataset in event.get(side) or []:
            if dataset.get(key):
                uri = _names.dataset_uri(dataset["namespace"], dataset["name"])
                seen = {**seen, uri: merge(seen.get(uri), dataset[key])}
        if seen:
            new[f"openlineage.{key}"] = seen
    if event.get("eventTime"):
        new[f"openlineage.eventTime.{event_type}"] = str(event["eventTime"])
    if event.get("producer"):
        new["openlineage.producer"] = str(event["producer"])
    changed = {k: v for k, v in new.items() if current.get(k) != v}
    if changed:
        conn.execute(executions.update().where(executions.c.id == execution_id).values(params={**current, **changed}))
        _executions.write_param_index(conn, execution_id, changed)
    job_type = (new["openlineage.jobFacets"].get("jobType") or {}).get("jobType")
    if isinstance(job_type, str):  # the type follows the run's latest jobType, also one sent after the first event
        conn.execute(executions.update().where(executions.c.id == execution_id,
                                               executions.c.type != _names.type_name(job_type))
                     .values(type=_names.type_name(job_type)))


def _advance(conn: Connection, scope: Scope, execution_id: int, event_type: str, run_facets: Mapping[str, Any]) -> None:
    """Status and times: an ending event ends a RUNNING run once; nothing reopens an ended one."""
    row = conn.execute(select(executions.c.status, executions.c.started_at).where(
        executions.c.id == execution_id)).one()
    values: Json = {"heartbeat_at": scope.now}
    if scope.at < row.started_at:
        values["started_at"] = scope.at  # the run began no later than any of its events
    if row.status == Status.RUNNING.value and event_type in ENDINGS:
        values.update(status=ENDINGS[event_type].value, ended_at=max(scope.at, values.get("started_at",
                                                                                           row.started_at)))
        if event_type != "COMPLETE":
            message = (run_facets.get("errorMessage") or {}).get("message")
            values["error"] = str(message).replace("\x00", "") if message else (
                f"the job run ended with OpenLineage {event_type}")
    conn.execute(executions.update().where(executions.c.id == execution_id).values(**values))


def loaded(conn: Connection, done: Touched) -> tuple[Execution | None, list[Artifact], list[Artifact]]:
    """The entities of what an event touched."""
    execution = _executions.load_execution(conn, done.execution_id) if done.execution_id is not None else None
    return (execution, [_artifacts.load_artifact(conn, a) for a in done.inputs],
            [_artifacts.load_artifact(conn, a) for a in done.outputs])
