"""An execution as OpenLineage RunEvents: START, then COMPLETE or FAIL once it has ended.

An execution that came in through OpenLineage goes out with its own runId, job and
facets; any other gets a stable runId derived from its id, job ``PROJECT``/``NAME``, and
a ``trailmark`` facet. Datasets keep their OpenLineage identity when they have one; other
artifacts are named ``trailmark://PROJECT``/``NAME`` with their digest as datasetVersion.
"""

from __future__ import annotations

import uuid
from typing import Any

from trailmark import __version__
from trailmark.entities import Artifact, EdgeKind, Execution, Status
from trailmark.errors import ValidationError
from trailmark.store import NodeLike, Store

PRODUCER = f"urn:trailmark:{__version__}"
SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
_FACETS = "https://openlineage.io/spec/facets"
_RUN_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:trailmark:openlineage")

Json = dict[str, Any]


def run_events(store: Store, ref: NodeLike) -> list[Json]:
    """The RunEvents that describe one execution, oldest first.

    Raises:
        ValidationError: ``ref`` names an artifact.
    """
    execution = store.get(ref)
    if not isinstance(execution, Execution):
        raise ValidationError(f"{execution.ref} is an artifact: OpenLineage export takes an execution (exec:ID)")
    graph = store.lineage(execution, direction="both", depth=1)
    inputs = [_dataset(graph.node(e.source)) for e in graph.edges
              if e.kind == EdgeKind.INPUT and e.target == execution.id]
    outputs = [_dataset(graph.node(e.target)) for e in graph.edges
               if e.kind == EdgeKind.OUTPUT and e.source == execution.id]
    run, job = _run(execution), _job(execution)
    events = [_event("START", execution.started_at.isoformat(), run, job, inputs, [])]
    if execution.ended_at is not None:
        failed = execution.status == Status.FAILED
        if failed and execution.error:
            error = _facet("ErrorMessageRunFacet", "1-0-1", message=execution.error, programmingLanguage="python")
            run = {**run, "facets": {**run["facets"], "errorMessage": error}}
        ended = execution.ended_at.isoformat()
        events.append(_event("FAIL" if failed else "COMPLETE", ended, run, job, inputs, outputs))
    return events


def _event(kind: str, time: str, run: Json, job: Json, inputs: list[Json], outputs: list[Json]) -> Json:
    return {
        "eventType": kind, "eventTime": time, "run": run, "job": job, "inputs": inputs, "outputs": outputs,
        "producer": PRODUCER, "schemaURL": SPEC,
    }


def _facet(name: str, version: str, **fields: Any) -> Json:
    return {"_producer": PRODUCER, "_schemaURL": f"{_FACETS}/{version}/{name}.json#/$defs/{name}", **fields}


def _trailmark_facet(**fields: Any) -> Json:
    return {"_producer": PRODUCER, "_schemaURL": "urn:trailmark:facets:trailmark", **fields}


def _run(execution: Execution) -> Json:
    params = execution.params
    if "openlineage.runId" in params:
        return {"runId": params["openlineage.runId"], "facets": params.get("openlineage.runFacets", {})}
    run_id = uuid.uuid5(_RUN_ID_NAMESPACE, f"{execution.project}/{execution.id}")
    facets = {"trailmark": _trailmark_facet(ref=execution.ref, params=params, resources=execution.resources)}
    return {"runId": str(run_id), "facets": facets}


def _job(execution: Execution) -> Json:
    params = execution.params
    if "openlineage.job" in params:
        return {
            "namespace": params.get("openlineage.namespace", execution.project),
            "name": params["openlineage.job"],
            "facets": params.get("openlineage.jobFacets", {}),
        }
    job_type = _facet(
        "JobTypeJobFacet", "2-0-4", processingType="BATCH", integration="TRAILMARK", jobType=execution.type
    )
    return {"namespace": execution.project, "name": execution.name, "facets": {"jobType": job_type}}


def _dataset(artifact: Any) -> Json:
    assert isinstance(artifact, Artifact)
    origin = artifact.properties.get("openlineage")
    if isinstance(origin, dict) and "namespace" in origin and "name" in origin:
        facets = artifact.properties.get("facets", {})
        return {"namespace": origin["namespace"], "name": origin["name"], "facets": facets}
    facets = {
        "version": _facet("DatasetVersionDatasetFacet", "1-0-1", datasetVersion=artifact.digest),
        "trailmark": _trailmark_facet(ref=artifact.ref, type=artifact.type, uri=artifact.uri),
    }
    return {"namespace": f"trailmark://{artifact.project}", "name": artifact.name, "facets": facets}
