"""Values as the REST API carries them, shared by HttpStore's parts and its batches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trailmark.entities import Metric
from trailmark.store import _validate
from trailmark.store._base import node_id

if TYPE_CHECKING:
    from trailmark.store._protocol import NodeLike
    from trailmark.store.http._transport import Transport


def metric_json(point: Metric) -> dict[str, Any]:
    return {"key": point.key, "value": point.value, "step": point.step, "timestamp": point.timestamp.isoformat()}


def ref_text(node: NodeLike) -> str:
    """The reference text of a node: an entity or id by its id; malformed text fails here as in the SQL backend."""
    known = node_id(node)
    if known is not None:
        return str(known)
    return _validate.reference(node)


def path_ref(node: NodeLike) -> str:
    """A node as the ``{ref:path}`` segment of a route."""
    return quote(ref_text(node), safe=":@/")


def execution_path(transport: Transport, execution: NodeLike, action: str) -> str:
    """``/executions/REF/ACTION``; a name with a ``/`` is resolved first, since the route takes one segment."""
    ref = ref_text(execution)
    if "/" in ref:
        ref = str(transport.request("GET", f"/nodes/{quote(ref, safe=':@/')}")["id"])
    return f"/executions/{quote(ref, safe=':')}/{action}"
