"""HttpStore's lifecycle face: notes, tag removal, soft delete and restore, heartbeats, reaping.

Each method is "payload -> request -> entity", over ``trailmark.server.routes.lifecycle``;
arguments are checked here with the SQL backend's checks first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from trailmark.entities import Execution, Node, from_dict, node_from_dict
from trailmark.errors import ValidationError
from trailmark.store import _lifecycle

if TYPE_CHECKING:
    from trailmark.store._protocol import NodeLike


class HttpLifecycle:
    """Mixed into :class:`~trailmark.store.http.HttpStore`."""

    def set_description(self, ref: NodeLike, text: str | None) -> Node:
        body = {"description": _lifecycle.description(text)}
        return node_from_dict(self._request("PUT", f"/descriptions/{self._path_of(ref)}", json=body))  # type: ignore[attr-defined]

    def delete_tag(self, ref: NodeLike, key: str) -> None:
        if not isinstance(key, str) or not key:
            raise ValidationError(f"a tag key is non-empty text, got {key!r}")
        self._request("DELETE", f"/tags/{self._path_of(ref)}", params={"key": key})  # type: ignore[attr-defined]

    def delete(self, ref: NodeLike) -> Node:
        return self._set_lifecycle(ref, _lifecycle.DELETED)

    def restore(self, ref: NodeLike) -> Node:
        return self._set_lifecycle(ref, _lifecycle.ACTIVE)

    def _set_lifecycle(self, ref: NodeLike, lifecycle: str) -> Node:
        body = {"lifecycle": lifecycle}
        return node_from_dict(self._request("PUT", f"/lifecycle/{self._path_of(ref)}", json=body))  # type: ignore[attr-defined]

    def heartbeat(self, execution: NodeLike) -> None:
        self._request("POST", self._execution_path(execution, "heartbeat"), idempotent=True)  # type: ignore[attr-defined]

    def reap(self, *, older_than: str | timedelta = _lifecycle.DEFAULT_REAP_AFTER) -> list[Execution]:
        body = {"older_than_seconds": _lifecycle.older_than(older_than).total_seconds()}
        return [from_dict(Execution, e) for e in self._request("POST", "/reap", json=body)]  # type: ignore[attr-defined]

    def _path_of(self, ref: NodeLike) -> str:
        from trailmark.store.http._store import _path_ref  # the one reference-to-path rule

        return _path_ref(ref)
