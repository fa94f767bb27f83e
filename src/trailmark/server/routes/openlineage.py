"""``POST /api/v1/lineage``: the endpoint OpenLineage clients (Spark, Airflow, dbt...) post RunEvents to."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from trailmark.entities import to_dict
from trailmark.openlineage._ingest import ingest
from trailmark.server._deps import Writer, api_router
from trailmark.server.schemas import ArtifactOut, ExecutionOut, IsoDatetime

router = api_router("openlineage")

Facets = dict[str, Any]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class OpenLineageRun(_Open):
    runId: str = Field(min_length=1, description="One execution per runId.")
    facets: Facets | None = None


class OpenLineageJob(_Open):
    namespace: str = Field(min_length=1)
    name: str = Field(min_length=1)
    facets: Facets | None = None


class OpenLineageDataset(_Open):
    namespace: str = Field(min_length=1)
    name: str = Field(min_length=1, description="Names the Dataset series.")
    facets: Facets | None = None
    inputFacets: Facets | None = None
    outputFacets: Facets | None = None


class OpenLineageRunEvent(_Open):
    """An OpenLineage RunEvent (https://openlineage.io/spec/2-0-2/OpenLineage.json)."""

    eventType: Literal["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"] | None = None
    eventTime: IsoDatetime | None = None
    run: OpenLineageRun
    job: OpenLineageJob
    inputs: list[OpenLineageDataset] | None = None
    outputs: list[OpenLineageDataset] | None = None
    producer: str | None = None
    schemaURL: str | None = None


class IngestedOut(BaseModel):
    execution: ExecutionOut
    inputs: list[ArtifactOut]
    outputs: list[ArtifactOut]


@router.post("/lineage", response_model=IngestedOut)
def post_run_event(event: OpenLineageRunEvent, store: Writer):
    """Record a RunEvent: the job run becomes an execution, its datasets Dataset versions.

    COMPLETE ends the execution; FAIL and ABORT end it FAILED with the errorMessage facet.
    """
    done = ingest(store, event.model_dump(mode="json", exclude_unset=True))
    return {
        "execution": to_dict(done.execution),
        "inputs": [to_dict(a) for a in done.inputs],
        "outputs": [to_dict(a) for a in done.outputs],
    }
