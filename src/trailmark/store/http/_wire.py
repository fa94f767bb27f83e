"""Values as the REST API carries them, shared by HttpStore's parts and its batches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trailmark.entities import Metric
from trailmark.store import _validate
from trailmark.store._base import node_id
from trailmark.store._digests import artifact_digest, normalise_uri

if TYPE_CHECKING:
    from trailmark.store._protocol import NodeLike
    from trailmark.store.http._transport import Transport


def metric_json(point: Metric) -> dict[str, Any]:
    return {"key": point.key, "value": point.value, "step": point.step, "timestamp": point.timestamp.isoformat()}


def artifact_body(
    type: str, name: str, uri: str | None, *, digest: str | None, properties: Mapping[str, Any] | None
) -> dict[str, Any]:
    """An artifact to log, checked; a local file is hashed here, since the server cannot read it."""
    _validate.type_name(type)
    _validate.node_name(name)
    props = _validate.json_object(properties, "properties")
    uri = normalise_uri(uri)
    digest = digest if digest is not None else artifact_digest(uri, props, read=True)  # None: the server's
    if digest is not None:
        _validate.digest(digest)
    return {"type": type, "name": name, "uri": uri, "digest": digest, "properties": props}


def end_body(status: str, error: str | None, resources: Mapping[str, Any] | None) -> dict[str, Any]:
    """How an execution ends, checked."""
    return {"status": _validate.status(status).value, "error": error,
            "resources": _validate.json_object(resources, "resources")}


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
