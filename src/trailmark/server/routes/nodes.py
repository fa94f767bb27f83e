"""Any node by reference, and its tags. References may hold '/', so they end the path."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query, Response

from trailmark.entities import to_dict
from trailmark.server._deps import Reader, Writer, api_router
from trailmark.server._fast_json import FastJSON
from trailmark.server.schemas import NodeOut, TagIn

router = api_router("nodes")


@router.get("/nodes/{ref:path}", response_model=NodeOut)
def get(
    ref: str,
    store: Reader,
    at: Annotated[datetime | None, Query(description="Resolve aliases and 'latest' as they were then.")] = None,
) -> FastJSON:
    """The artifact or execution a reference names: dataset:NAME@3, model:NAME@production, exec:42..."""
    return FastJSON(to_dict(store.get(ref, at=at)))


@router.get("/tags/{ref:path}", response_model=dict[str, str])
def tags(ref: str, store: Reader) -> dict[str, str]:
    """The tags of a node."""
    return store.tags(ref)


@router.post("/tags/{ref:path}", status_code=204, response_class=Response)
def set_tag(ref: str, body: TagIn, store: Writer) -> None:
    """Set a tag (a mutable label) on a node."""
    store.set_tag(ref, body.key, body.value)
