"""``POST /api/v1/batch``: many writes in one request and one transaction (what ``HttpStore.batch()`` sends).

An operation may name an artifact or execution made by an earlier operation of the same
batch as ``{"result": INDEX}``. Either every operation is stored, or none is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from trailmark.entities import Artifact, Execution, Metric, to_dict
from trailmark.errors import ValidationError
from trailmark.server._deps import Writer, api_router
from trailmark.server.routes.artifacts import server_digest
from trailmark.server.schemas import In, Json, MetricPointIn, NodeOut, _Out
from trailmark.store import _validate
from trailmark.store._batch import Batch, resolved, role_key
from trailmark.store.sql import SqlStore

router = api_router("batch")


class ResultRef(In):
    result: int = Field(ge=0, description="Index of an earlier operation of this batch.")


NodeIn = Annotated[str | int | ResultRef, Field(description="A reference, an id, or {\"result\": INDEX}.")]


class LogArtifactOp(In):
    op: Literal["log_artifact"]
    type: str
    name: str
    uri: str | None = None
    digest: str | None = None
    properties: Json | None = None


class StartExecutionOp(In):
    op: Literal["start_execution"]
    type: str
    name: str
    params: Json | None = None
    context: str | None = None
    context_type: str = "Experiment"
    environment: Json | None = None


class LogParamsOp(In):
    op: Literal["log_params"]
    execution: NodeIn
    params: Json


class RoleIn(In):
    artifact: NodeIn
    role: str


class LinkOp(In):
    op: Literal["link"]
    execution: NodeIn
    inputs: list[NodeIn] = Field(default_factory=list)
    outputs: list[NodeIn] = Field(default_factory=list)
    roles: list[RoleIn] = Field(default_factory=list)


class LogMetricPointsOp(In):
    op: Literal["log_metric_points"]
    execution: NodeIn
    points: list[MetricPointIn]


class SetTagOp(In):
    op: Literal["set_tag"]
    node: NodeIn
    key: str
    value: str


class EndExecutionOp(In):
    op: Literal["end_execution"]
    execution: NodeIn
    status: str = "COMPLETE"
    error: str | None = None
    resources: Json | None = None


Operation = Annotated[
    LogArtifactOp | StartExecutionOp | LogParamsOp | LinkOp | LogMetricPointsOp | SetTagOp | EndExecutionOp,
    Field(discriminator="op"),
]


class BatchIn(In):
    operations: list[Operation] = Field(max_length=_validate.MAX_BATCH_OPERATIONS)


class BatchOut(_Out):
    results: list[NodeOut | None] = Field(description="Per operation: the artifact or execution it made, or null.")


@router.post("/batch", response_model=BatchOut)
def batch(body: BatchIn, store: Writer) -> dict[str, Any]:
    """Run the operations in order, in one transaction; the first failure refuses them all."""
    results: list[Artifact | Execution | None] = []
    now = store.clock.now()
    with store.batch() as b:
        for operation in body.operations:
            made = _apply(store, b, operation, results, now)
            results.append(resolved(made) if made is not None else None)
    return {"results": [to_dict(r) if r is not None else None for r in results]}


def _apply(store: SqlStore, b: Batch, op: Any, results: list[Any], now: datetime) -> Any:
    def node(value: Any) -> Any:
        if not isinstance(value, ResultRef):
            return value
        if value.result >= len(results) or results[value.result] is None:
            raise ValidationError(
                f"operation {len(results)} names result {value.result}, which is not an earlier artifact or execution"
            )
        return results[value.result]

    if isinstance(op, LogArtifactOp):
        properties = _validate.json_object(op.properties, "properties")
        digest = server_digest(op.uri, op.digest, properties)
        return b.log_artifact(op.type, op.name, op.uri, digest=digest, properties=properties)
    if isinstance(op, StartExecutionOp):
        return b.start_execution(op.type, op.name, params=op.params, context=op.context, context_type=op.context_type,
                                 environment=op.environment)
    if isinstance(op, LogParamsOp):
        return b.log_params(node(op.execution), op.params)
    if isinstance(op, LinkOp):
        roles = {role_key(node(r.artifact)): r.role for r in op.roles}
        return b.link(node(op.execution), inputs=[node(n) for n in op.inputs], outputs=[node(n) for n in op.outputs],
                      roles=roles)
    if isinstance(op, LogMetricPointsOp):
        points = [Metric(p.key, p.value, p.step, p.timestamp or now) for p in op.points]
        return b.log_metric_points(node(op.execution), points)
    if isinstance(op, SetTagOp):
        return b.set_tag(node(op.node), op.key, op.value)
    return b.end_execution(node(op.execution), status=op.status, error=op.error, resources=op.resources)
