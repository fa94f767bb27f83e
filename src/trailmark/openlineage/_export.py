"""An execution as OpenLineage RunEvents.

A run that came in through OpenLineage goes out exactly as it came: every event stored,
in arrival order, with its facets, eventTime, producer and runId. Any other execution is
described as START, then COMPLETE or FAIL once it has ended, with runId its ``uid`` in
UUID form, job ``PROJECT``/``NAME``, its parent as a ``parent`` facet, and datasets named
by their location (see :func:`~trailmark.openlineage._names.dataset_identity`).
"""

from __future__ import annotations

import uuid
from typing import Any

from trailmark import __version__
from trailmark.entities import Artifact, EdgeKind, Execution, Status
from trailmark.errors import ValidationError
from trailmark.openlineage._names import dataset_identity
from trailmark.store import NodeLike, Store
from trailmark.store._validate import MAX_LIMIT

PRODUCER = f"urn:trailmark:{__version__}"
SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
_FACETS = "https://openlineage.io/spec/facets"

Json = dict[str, Any]


def run_events(store: Store, ref: NodeLike) -> list[Json]:
    """The RunEvents that describe one execution, oldest first.

    Raises:
        ValidationError: ``ref`` names an artifact.
    """
    execution = store.get(ref)
    if not isinstance(execution, Execution):
        raise ValidationError(f"{execution.ref} is an artifact: OpenLineage export takes an execution (exec:ID)")
    stored = store.openlineage_events(execution, limit=MAX_LIMIT)
    if stored:
        return stored
    graph = store.lineage(execution, direction="both", depth=1)
    inputs = [_dataset(graph.node(e.source)) for e in graph.edges
              if e.kind == EdgeKind.INPUT and e.target == execution.id]
    outputs = [_dataset(graph.node(e.target)) for e in graph.edges
               if e.kind == EdgeKind.OUTPUT and e.source == execution.id]
    run, job = _run(store, execution), _job(execution)
    events = [_event("START", execution.started_at.isoformat(), run, job, inputs, [])]
    if execution.ended_at is not None:
        failed = execution.status == Status.FAILED
        if failed and execution.error:
            error = _facet("ErrorMessageRunFacet", "1-0-1", message=execution.error, programmingLanguage="python")
            run = {**run, "facets": {**run["facets"], "errorMessage": error}}
        ended = execution.ended_at.isoformat()
        events.append(_event("FAIL" if failed else "COMPLETE", ended, run, job, inputs, outputs))
    return events


def run_id(execution: Execution) -> str:
    """The OpenLineage runId of a native execution: its uid in UUID form."""
    return str(uuid.UUID(hex=execution.uid))


def _event(kind: str, time: str, run: Json, job: Json, inputs: list[Json], outputs: list[Json]) -> Json:
    return {
        "eventType": kind, "eventTime": time, "run": run, "job": job, "inputs": inputs, "outputs": outputs,
        "producer": PRODUCER, "schemaURL": SPEC,
    }


def _facet(name: str, version: str, **fields: Any) -> Json:
    return {"_producer": PRODUCER, "_schemaURL": f"{_FACETS}/{version}/{name}.json#/$defs/{name}", **fields}


def _trailmark_facet(**fields: Any) -> Json:
    return {"_producer": PRODUCER, "_schemaURL": "urn:trailmark:facets:trailmark", **fields}


def _run(store: Store, execution: Execution) -> Json:
    facets: Json = {"trailmark": _trailmark_facet(ref=execution.ref, params=execution.params,
                                                  resources=execution.resources)}
    if execution.parent_id is not None:
        parent = store.get(f"exec:{execution.parent_id}")
        if isinstance(parent, Execution):
            job = _job(parent)
            facets["parent"] = _facet("ParentRunFacet", "1-2-0", run={"runId": run_id(parent)},
                                      job={"namespace": job["namespace"], "name": job["name"]})
    return {"runId": run_id(execution), "facets": facets}


def _job(execution: Execution) -> Json:
    job_type = _facet(
        "JobTypeJobFacet", "2-0-4", processingType="BATCH", integration="TRAILMARK", jobType=execution.type
    )
    return {"namespace": execution.project, "name": execution.name, "facets": {"jobType": job_type}}


def _dataset(artifact: Any) -> Json:
    assert isinstance(artifact, Artifact)
    namespace, name = dataset_identity(artifact.project, artifact.name, artifact.uri, artifact.properties)
    facets = {
        "version": _facet("DatasetVersionDatasetFacet", "1-0-1", datasetVersion=artifact.digest),
        "trailmark": _trailmark_facet(ref=artifact.ref, type=artifact.type, uri=artifact.uri),
    }
    return {"namespace": namespace, "name": name, "facets": facets}
