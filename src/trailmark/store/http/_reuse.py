"""HttpStore's reuse part: reusable executions, the step cache and similar datasets, over REST.

Each method is "payload -> request -> entity", over ``trailmark.server.routes.reuse``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trailmark.entities import Execution, from_dict
from trailmark.reuse import Similar
from trailmark.store import _validate
from trailmark.store.http._wire import execution_path, path_ref, ref_text

if TYPE_CHECKING:
    from trailmark.store._protocol import NodeLike
    from trailmark.store.http._transport import Transport


class HttpReuse:
    """The reuse routes, through the transport it is handed; :class:`~trailmark.store.http.HttpStore` delegates."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def find_reusable(
        self,
        type: str,
        name: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        inputs: Sequence[NodeLike] | None = None,
        limit: int = 20,
    ) -> list[Execution]:
        """Earlier COMPLETE executions with these params and inputs (see :meth:`SqlStore.find_reusable`)."""
        body = {
            "type": type, "name": name,
            "params": _validate.json_object(params, "params") if params is not None else None,
            "inputs": [ref_text(n) for n in inputs] if inputs is not None else None,
            "limit": _validate.limit(limit),
        }
        return [from_dict(Execution, e) for e in self.transport.request("POST", "/reuse/find", json=body)]

    def similar(self, ref: NodeLike, *, limit: int = 5) -> list[Similar]:
        """The datasets most like ``ref``, best first (see :meth:`SqlStore.similar`)."""
        found = self.transport.request("GET", f"/similar/{path_ref(ref)}",
                              params={"limit": _validate.limit(limit)})
        return [Similar.from_dict(s) for s in found]

    def cached_execution(self, key: str) -> Execution | None:
        found = self.transport.request("GET", f"/cache/{quote(_validate.digest(key), safe=':')}")
        return from_dict(Execution, found["execution"]) if found["execution"] is not None else None

    def set_cache_key(self, execution: NodeLike, key: str) -> None:
        body = {"key": _validate.digest(key)}
        path = execution_path(self.transport, execution, "cache-key")
        self.transport.request("POST", path, json=body, idempotent=True)

    def record_cache_hit(
        self,
        original: NodeLike,
        *,
        key: str,
        inputs: Sequence[NodeLike] = (),
        parent: NodeLike | None = None,
        environment: Mapping[str, Any] | None = None,
    ) -> Execution:
        body = {
            "original": ref_text(original), "key": _validate.digest(key), "inputs": [ref_text(n) for n in inputs],
            "parent": ref_text(parent) if parent is not None else None,
            "environment": _validate.json_object(environment, "environment"),
        }
        return from_dict(Execution, self.transport.request("POST", "/cache/hits", json=body))

