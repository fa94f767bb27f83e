"""A batch over HTTP: calls are checked and recorded, then sent as one ``POST /batch`` when the block ends.

Each call is one operation of the body; a node made earlier in the batch is named by
``{"result": INDEX}`` (its placeholder), which the server replaces with the entity it
made, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from trailmark._clock import Clock
from trailmark.entities import Artifact, Execution, Metric, from_dict
from trailmark.errors import ValidationError
from trailmark.store import _validate
from trailmark.store._base import node_id
from trailmark.store._batch import BatchNode, Helpers, Pending, role_key
from trailmark.store.http._wire import artifact_body, end_body, metric_json

R = TypeVar("R")


class HttpBatch(Helpers):
    """Operations recorded for one request; see :meth:`HttpStore.batch`."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.operations: list[dict[str, Any]] = []
        self._pending: list[tuple[Pending[Any], type[Any] | None]] = []

    def _add(self, operation: dict[str, Any]) -> None:
        self._record(operation, None, operation["op"])

    def _add_result(self, operation: dict[str, Any], result: type[R], what: str) -> Pending[R]:
        """Record an operation whose result, an entity of class ``result``, later calls may name."""
        pending: Pending[R] = self._record(operation, result, what)
        return pending

    def _record(self, operation: dict[str, Any], result: type[Any] | None, what: str) -> Pending[Any]:
        if len(self.operations) >= _validate.MAX_BATCH_OPERATIONS:
            raise ValidationError(f"a batch holds at most {_validate.MAX_BATCH_OPERATIONS:,} operations")
        pending: Pending[Any] = Pending(len(self.operations), what)
        self.operations.append(operation)
        self._pending.append((pending, result))
        return pending

    def finish(self, send: Callable[[list[dict[str, Any]]], list[Any]]) -> None:
        """Send the operations (if any) and fill in the placeholders."""
        if not self.operations:
            return
        for (pending, cls), value in zip(self._pending, send(self.operations), strict=True):
            if cls is not None:
                pending.resolve(from_dict(cls, value))

    def log_artifact(
        self,
        type: str,
        name: str,
        uri: str | None = None,
        *,
        digest: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Pending[Artifact]:
        operation = {"op": "log_artifact", **artifact_body(type, name, uri, digest=digest, properties=properties)}
        return self._add_result(operation, Artifact, f"artifact {type.lower()}:{name}")

    def start_execution(
        self,
        type: str,
        name: str,
        *,
        params: Mapping[str, Any] | None = None,
        context: str | None = None,
        context_type: str = "Experiment",
        environment: Mapping[str, Any] | None = None,
    ) -> Pending[Execution]:
        operation = {"op": "start_execution", **_validate.execution_start(
            type, name, params=params, context=context, context_type=context_type, environment=environment
        )}
        return self._add_result(operation, Execution, f"execution {name}")

    def log_params(self, execution: BatchNode, params: Mapping[str, Any]) -> None:
        self._add({"op": "log_params", "execution": self._node(execution),
                   "params": _validate.json_object(params, "params")})

    def link(
        self,
        execution: BatchNode,
        *,
        inputs: Iterable[BatchNode] = (),
        outputs: Iterable[BatchNode] = (),
        roles: Mapping[Any, str] | None = None,
    ) -> None:
        ins, outs = list(inputs), list(outputs)
        _validate.link_sizes(ins, outs)
        self._add({
            "op": "link", "execution": self._node(execution), "inputs": [self._node(n) for n in ins],
            "outputs": [self._node(n) for n in outs],
            "roles": [{"artifact": self._node(role_key(k)), "role": _validate.role(v)}
                      for k, v in (roles or {}).items()],
        })

    def log_metric_points(self, execution: BatchNode, points: Sequence[Metric]) -> None:
        self._add({"op": "log_metric_points", "execution": self._node(execution),
                   "points": [metric_json(p) for p in _validate.metric_points(points)]})

    def set_tag(self, ref: BatchNode, key: str, value: str) -> None:
        _validate.tag(key, value)
        self._add({"op": "set_tag", "node": self._node(ref), "key": key, "value": str(value)})

    def end_execution(
        self,
        execution: BatchNode,
        *,
        status: str = "COMPLETE",
        error: str | None = None,
        resources: Mapping[str, Any] | None = None,
    ) -> Pending[Execution]:
        operation = {"op": "end_execution", "execution": self._node(execution), **end_body(status, error, resources)}
        return self._add_result(operation, Execution, "ended execution")

    def _node(self, node: BatchNode) -> Any:
        """A node on the wire: an earlier result of this batch, an id, or a reference."""
        if isinstance(node, Pending):
            if not (0 <= node.index < len(self._pending) and self._pending[node.index][0] is node):
                raise ValidationError(f"{node!r} belongs to another batch")
            return {"result": node.index}
        known = node_id(node)
        if known is not None:
            return known
        return _validate.reference(node)
