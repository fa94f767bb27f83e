"""Request and response bodies of the REST API, as Pydantic models (they make /openapi.json).

Responses are exactly :func:`trailmark.entities.to_dict` of the entities (timestamps as
ISO 8601 text), so the HTTP client rebuilds the same objects the SQL backend returns.
Requests check shapes only; names, digests and values are checked by the store, once,
with the same messages as the embedded API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

from trailmark.refs import MAX_ID, MAX_VERSION

Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Json = dict[str, Any]


def _iso_text(value: Any) -> Any:
    if not isinstance(value, (str, datetime)):
        raise ValueError("expected an ISO 8601 date-time text, such as 2026-05-01T10:00:00Z")
    return value


IsoDatetime = Annotated[datetime, Strict(False), BeforeValidator(_iso_text)]
"""A date-time in a request: ISO 8601 text only (no numbers read as epoch seconds)."""


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArtifactOut(_Out):
    id: int
    project: str
    type: str
    name: str
    version: int
    digest: str
    uri: str | None
    properties: Json
    created_at: Timestamp
    created_by: str | None
    lifecycle: Literal["active", "deleted"] = "active"
    description: str | None = None
    kind: Literal["artifact"]
    ref: str = Field(description="The reference of this version: dataset:NAME@VERSION.")


class ExecutionOut(_Out):
    id: int
    project: str
    type: str
    name: str
    status: Literal["RUNNING", "COMPLETE", "FAILED"]
    params: Json
    environment: Json
    started_at: Timestamp
    ended_at: Timestamp | None
    resources: Json
    error: str | None
    created_by: str | None
    uid: str = Field("", description="32 lower-case hex digits, random, never changes: run:UID names the run.")
    parent_id: int | None = Field(None, description="The execution this one is nested in.")
    lifecycle: Literal["active", "deleted"] = "active"
    description: str | None = None
    heartbeat_at: Timestamp | None = None
    cached_from: int | None = Field(None, description="The execution whose outputs this cached step reused.")
    kind: Literal["execution"]
    ref: str = Field(description="exec:ID")


NodeOut = Annotated[ArtifactOut | ExecutionOut, Field(discriminator="kind")]


class LineageArtifactOut(ArtifactOut):
    depth: int | None = Field(description="Edges from the root (the root is 0).")


class LineageExecutionOut(ExecutionOut):
    depth: int | None = Field(description="Edges from the root (the root is 0).")


class EdgeOut(_Out):
    source: int
    target: int
    kind: Literal["INPUT", "OUTPUT", "PARENT"]
    role: str | None


class LineageOut(_Out):
    root: int
    direction: Literal["upstream", "downstream", "both"]
    nodes: list[Annotated[LineageArtifactOut | LineageExecutionOut, Field(discriminator="kind")]]
    edges: list[EdgeOut]


class MetricOut(_Out):
    key: str
    value: float
    step: int
    timestamp: Timestamp


class ContextOut(_Out):
    id: int
    project: str
    type: str
    name: str


class AliasMoveOut(_Out):
    model: str
    alias: str
    version: int | None = Field(description="None when the alias was removed.")
    artifact_id: int | None
    set_by: str | None
    set_at: Timestamp


class PageOut(_Out):
    items: list[NodeOut]
    next_page_token: str | None = Field(description="Pass as page_token for the next page; None on the last.")


class ProjectOut(_Out):
    name: str


class HealthOut(_Out):
    status: Literal["ok", "unavailable"]
    version: str


class ErrorDetail(_Out):
    code: str = Field(description="invalid, filter_syntax, not_found, ambiguous_ref, conflict, permission...")
    message: str
    line: int | None = Field(default=None, description="filter_syntax: where the filter went wrong.")
    column: int | None = None
    candidates: list[str] | None = Field(default=None, description="ambiguous_ref: the matching references.")


class ErrorOut(_Out):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorOut, "description": "Bad input: invalid payload or reference, unknown node, conflict."},
    "5XX": {"model": ErrorOut, "description": "The store is unavailable or at another schema version."},
}

# -- requests: strict, so that no value of the wrong JSON type is quietly converted ---------------------


class In(BaseModel):
    model_config = ConfigDict(strict=True)


class ArtifactIn(In):
    type: str = Field(examples=["Dataset"])
    name: str = Field(examples=["housing-raw"])
    uri: str | None = Field(default=None, description="A URI with a scheme (file://, s3://...); never read.")
    digest: str | None = Field(
        default=None, description="sha256:HEX of the content; without it, a digest of uri and properties."
    )
    properties: Json | None = None


class ExecutionIn(In):
    type: str = Field(examples=["Train"])
    name: str
    params: Json | None = None
    context: str | None = Field(default=None, description="An experiment or pipeline to add the execution to.")
    context_type: str = "Experiment"
    environment: Json | None = None
    parent: str | None = Field(default=None, description="The execution this one is nested in (a reference).")


class ParamsIn(In):
    params: Json


class LinkIn(In):
    inputs: list[str] = Field(default_factory=list, description="References of the artifacts read.")
    outputs: list[str] = Field(default_factory=list, description="References of the artifacts written.")
    roles: dict[Annotated[int, Strict(False)], str] | None = Field(  # JSON keys are text: "12"
        default=None, description="Artifact id -> role (train, test...)."
    )


class MetricPointIn(In):
    key: str
    value: float
    step: int = Field(default=0, le=MAX_ID)
    timestamp: IsoDatetime | None = Field(default=None, description="Defaults to the time the server receives it.")


class MetricsIn(In):
    points: list[MetricPointIn]


class EndIn(In):
    status: str = Field(default="COMPLETE", description="COMPLETE or FAILED.")
    error: str | None = None
    resources: Json | None = None


class TagIn(In):
    key: str
    value: str


class DescriptionIn(In):
    description: str | None = Field(description="The note; null or '' clears it.")


class LifecycleIn(In):
    lifecycle: Literal["active", "deleted"] = Field(
        description="'deleted' soft-deletes the node, 'active' restores it."
    )


class ReapIn(In):
    older_than_seconds: float = Field(gt=0, le=36_500 * 86_400,
                                      description="End RUNNING executions without a heartbeat for this long.")


class AliasIn(In):
    model: str
    alias: str = Field(examples=["production"])
    version: int | None = Field(le=MAX_VERSION, description="The version to point at; null removes the alias.")
    force: bool = Field(default=False, description="Move a protected alias despite a failed gate (admins).")
