"""One OpenLineage RunEvent into the store.

A job run (``run.runId``) is one execution, found again through its ``openlineage.runId``
tag; each dataset (namespace, name) is a version of the Dataset series named by its
name, new when its identifying facets (schema, version, dataSource) change. START and
RUNNING events add facets; COMPLETE ends the execution, FAIL and ABORT end it FAILED.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from trailmark.entities import Artifact, Execution, Status
from trailmark.openlineage import _names
from trailmark.store.sql import SqlStore
from trailmark.store.sql._views import find_tagged

RUN_TAG = "openlineage.runId"
IDENTITY_FACETS = ("schema", "version", "dataSource")
ENDINGS = {"COMPLETE": "COMPLETE", "FAIL": "FAILED", "ABORT": "FAILED"}

Json = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Ingested:
    """What one event touched."""

    execution: Execution
    inputs: list[Artifact]
    outputs: list[Artifact]


def ingest(store: SqlStore, event: Mapping[str, Any]) -> Ingested:
    """Record one RunEvent (already checked against the RunEvent shape)."""
    run, job = event["run"], event["job"]
    event_type = event.get("eventType") or "OTHER"
    execution = _find_or_start(store, run, job)
    inputs = [_log_dataset(store, d) for d in event.get("inputs") or []]
    outputs = [_log_dataset(store, d) for d in event.get("outputs") or []]
    if inputs or outputs:
        store.link(execution, inputs=inputs, outputs=outputs)
    if execution.status is Status.RUNNING:
        store.log_params(execution, _event_params(execution, event, event_type))
        if event_type in ENDINGS:
            execution = store.end_execution(
                execution, status=ENDINGS[event_type], error=_error(run, event_type)
            )
    return Ingested(execution, inputs, outputs)


def _find_or_start(store: SqlStore, run: Json, job: Json) -> Execution:
    for node in find_tagged(store, RUN_TAG, str(run["runId"])):
        if isinstance(node, Execution):
            return node
    job_facets = job.get("facets") or {}
    job_type = (job_facets.get("jobType") or {}).get("jobType")
    parent = ((run.get("facets") or {}).get("parent") or {}).get("job")
    execution = store.start_execution(
        _names.type_name(job_type) if isinstance(job_type, str) else "Job",
        _names.node_name(f"{job['namespace']}/{job['name']}"),
        params={
            RUN_TAG: str(run["runId"]),
            "openlineage.namespace": job["namespace"],
            "openlineage.job": job["name"],
            "openlineage.jobFacets": job_facets,
        },
        context=_names.node_name(f"{parent['namespace']}/{parent['name']}") if _is_job(parent) else None,
        context_type="Pipeline",
    )
    store.set_tag(execution, RUN_TAG, str(run["runId"]))
    return execution


def _is_job(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("namespace"), str) and isinstance(value.get("name"), str)


def _event_params(execution: Execution, event: Mapping[str, Any], event_type: str) -> Json:
    """Run facets and datasets' input/output facets (by uri) merged over earlier events', and the event time."""
    run_facets = event["run"].get("facets") or {}
    params: Json = {"openlineage.runFacets": {**execution.params.get("openlineage.runFacets", {}), **run_facets}}
    for side, key in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
        seen = {_names.dataset_uri(d["namespace"], d["name"]): d[key] for d in event.get(side) or [] if d.get(key)}
        if seen:
            params[f"openlineage.{key}"] = {**execution.params.get(f"openlineage.{key}", {}), **seen}
    if event.get("eventTime"):
        params[f"openlineage.eventTime.{event_type}"] = str(event["eventTime"])
    return params


def _error(run: Json, event_type: str) -> str | None:
    if event_type == "COMPLETE":
        return None
    message = ((run.get("facets") or {}).get("errorMessage") or {}).get("message")
    return str(message) if message else f"the job run ended with OpenLineage {event_type}"


def _log_dataset(store: SqlStore, dataset: Json) -> Artifact:
    namespace, name = dataset["namespace"], dataset["name"]
    facets = dataset.get("facets") or {}
    identity = {"namespace": namespace, "name": name}
    identity.update({k: _without_meta(facets[k]) for k in IDENTITY_FACETS if k in facets})
    canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return store.log_artifact(
        "Dataset",
        _names.node_name(name),
        _names.dataset_uri(namespace, name),
        digest="sha256:" + hashlib.sha256(canonical.encode()).hexdigest(),
        properties={"openlineage": {"namespace": namespace, "name": name}, "facets": facets},
    )


def _without_meta(facet: Any) -> Any:
    """A facet without ``_producer``/``_schemaURL``, which name the emitter, not the data."""
    if isinstance(facet, dict):
        return {k: v for k, v in facet.items() if not k.startswith("_")}
    return facet
