"""HttpStore's lifecycle part: notes, tag removal, soft delete and restore, heartbeats, reaping.

Each method is "payload -> request -> entity", over ``trailmark.server.routes.lifecycle``;
arguments are checked here with the SQL backend's checks first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from trailmark.entities import Execution, Node, from_dict, node_from_dict
from trailmark.errors import ValidationError
from trailmark.store import _lifecycle
from trailmark.store.http._wire import execution_path, path_ref

if TYPE_CHECKING:
    from trailmark.store._protocol import NodeLike
    from trailmark.store.http._transport import Transport


class HttpLifecycle:
    """The lifecycle routes, through the transport it is handed; :class:`~trailmark.store.http.HttpStore` delegates."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def set_description(self, ref: NodeLike, text: str | None) -> Node:
        body = {"description": _lifecycle.description(text)}
        return node_from_dict(self.transport.request("PUT", f"/descriptions/{path_ref(ref)}", json=body))

    def delete_tag(self, ref: NodeLike, key: str) -> None:
        if not isinstance(key, str) or not key:
            raise ValidationError(f"a tag key is non-empty text, got {key!r}")
        self.transport.request("DELETE", f"/tags/{path_ref(ref)}", params={"key": key})

    def set_lifecycle(self, ref: NodeLike, lifecycle: str) -> Node:
        body = {"lifecycle": lifecycle}
        return node_from_dict(self.transport.request("PUT", f"/lifecycle/{path_ref(ref)}", json=body))

    def heartbeat(self, execution: NodeLike) -> None:
        self.transport.request("POST", execution_path(self.transport, execution, "heartbeat"), idempotent=True)

    def reap(self, older_than: str | timedelta) -> list[Execution]:
        body = {"older_than_seconds": _lifecycle.older_than(older_than).total_seconds()}
        return [from_dict(Execution, e) for e in self.transport.request("POST", "/reap", json=body)]
