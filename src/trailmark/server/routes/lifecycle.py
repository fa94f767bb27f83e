"""Notes, tag removal, soft delete and restore, heartbeats and reaping. References end the path."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import Query, Response

from trailmark.entities import to_dict
from trailmark.server._deps import Writer, api_router
from trailmark.server.schemas import DescriptionIn, ExecutionOut, LifecycleIn, NodeOut, ReapIn

router = api_router("lifecycle")


@router.put("/descriptions/{ref:path}", response_model=NodeOut)
def set_description(ref: str, body: DescriptionIn, store: Writer) -> dict[str, Any]:
    """Set or clear the note of a node: an audited annotation, not a new version."""
    return to_dict(store.set_description(ref, body.description))


@router.delete("/tags/{ref:path}", status_code=204, response_class=Response)
def delete_tag(ref: str, store: Writer, key: Annotated[str, Query(description="The tag to remove.")]) -> None:
    """Remove one tag from a node; 404 when it has no such tag."""
    store.delete_tag(ref, key)


@router.put("/lifecycle/{ref:path}", response_model=NodeOut)
def set_lifecycle(ref: str, body: LifecycleIn, store: Writer) -> dict[str, Any]:
    """Soft-delete ('deleted') or restore ('active') a node; nothing is erased."""
    node = store.delete(ref) if body.lifecycle == "deleted" else store.restore(ref)
    return to_dict(node)


@router.post("/executions/{ref}/heartbeat", status_code=204, response_class=Response)
def heartbeat(ref: str, store: Writer) -> None:
    """Record that a RUNNING execution is alive; 409 once it has ended."""
    store.heartbeat(ref)


@router.post("/reap", response_model=list[ExecutionOut])
def reap(body: ReapIn, store: Writer) -> list[dict[str, Any]]:
    """End as FAILED the RUNNING executions without a heartbeat for ``older_than_seconds``."""
    return [to_dict(e) for e in store.reap(older_than=timedelta(seconds=body.older_than_seconds))]
