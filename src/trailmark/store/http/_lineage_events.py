"""HttpStore's OpenLineage part: the same methods as SqlStore's, each one request to the server.

:class:`~trailmark.store.http.HttpStore` delegates to it; routes in ``server/routes/openlineage.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from trailmark.entities import (
    Artifact,
    ColumnEdge,
    Execution,
    IngestedEvent,
    LineageJob,
    from_dict,
    to_dict,
)
from trailmark.errors import ValidationError
from trailmark.openlineage._check import event_kind
from trailmark.store import _validate
from trailmark.store.http._wire import path_ref, ref_text

if TYPE_CHECKING:
    from trailmark.store import NodeLike
    from trailmark.store.http._transport import Transport


class HttpLineageEvents:
    """OpenLineage events and column lineage, through the transport it is handed."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def ingest_openlineage(self, event: Mapping[str, Any]) -> IngestedEvent:
        """Record one OpenLineage event (see :meth:`SqlStore.ingest_openlineage`)."""
        event_kind(event)
        done = self.transport.request("POST", "/lineage", json=_validate.json_object(event, "the event"))
        execution = from_dict(Execution, done["execution"]) if done["execution"] else None
        return IngestedEvent(execution, [from_dict(Artifact, a) for a in done["inputs"]],
                             [from_dict(Artifact, a) for a in done["outputs"]])

    def openlineage_events(
        self, ref: NodeLike | None = None, *, limit: int = 100, offset: int = 0, newest_first: bool = False
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": _validate.limit(limit), "offset": offset, "newest_first": newest_first}
        if ref is not None:
            params["ref"] = ref_text(ref)
        found: list[dict[str, Any]] = self.transport.request("GET", "/openlineage/events", params=params)
        return found

    def openlineage_event_count(self) -> int:
        found = self.transport.request("GET", "/events/lineage", params={"limit": 1})
        return int(found["totalCount"])

    def openlineage_namespaces(self) -> list[str]:
        return list(self.transport.request("GET", "/openlineage/namespaces"))

    def openlineage_datasets(self, namespace: str) -> list[Artifact]:
        found = self.transport.request("GET", "/openlineage/datasets", params={"namespace": namespace})
        return [from_dict(Artifact, a) for a in found]

    def openlineage_dataset(self, namespace: str, name: str) -> Artifact:
        found = self.transport.request("GET", "/openlineage/dataset", params={"namespace": namespace, "name": name})
        return from_dict(Artifact, found)

    def openlineage_jobs(self, namespace: str) -> list[LineageJob]:
        found = self.transport.request("GET", "/openlineage/jobs", params={"namespace": namespace})
        return [
            from_dict(LineageJob, {**j, "latest_run": from_dict(Execution, j["latest_run"]) if j["latest_run"]
                                   else None})
            for j in found
        ]

    def column_lineage(
        self, ref: NodeLike, *, column: str | None = None, direction: str = "upstream", depth: int | None = None
    ) -> list[ColumnEdge]:
        if direction not in ("upstream", "downstream"):
            raise ValidationError(f"direction must be 'upstream' or 'downstream', got {direction!r}")
        _validate.depth(depth)
        params: dict[str, Any] = {"direction": direction}
        if column is not None:
            params["column"] = column
        if depth is not None:
            params["depth"] = depth
        found = self.transport.request("GET", f"/columns/{path_ref(ref)}", params=params)
        return [from_dict(ColumnEdge, e) for e in found]

    def log_column_lineage(self, edges: Sequence[ColumnEdge], *, execution: NodeLike | None = None) -> None:
        body = {"edges": [to_dict(e) for e in edges],
                "execution": ref_text(execution) if execution is not None else None}
        self.transport.request("POST", "/columns", json=body)
