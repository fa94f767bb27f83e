"""``GET /api/v1/search``: the filter language over artifacts, executions and models."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from trailmark.entities import to_dict
from trailmark.server._deps import Reader, api_router
from trailmark.server._fast_json import FastJSON
from trailmark.server.schemas import PageOut

router = api_router("search")


@router.get("/search", response_model=PageOut)
def search(
    store: Reader,
    filter: Annotated[str, Query(description="e.g. type = 'Model' and metrics.rmse < 30000")] = "",
    kind: Annotated[str, Query(json_schema_extra={"enum": ["artifacts", "executions", "models"]})] = "artifacts",
    order_by: Annotated[list[str] | None, Query(description="e.g. metrics.rmse asc (repeatable).")] = None,
    limit: Annotated[int, Query(description="Items per page.")] = 100,
    page_token: Annotated[str | None, Query(description="next_page_token of the previous page.")] = None,
    include_deleted: Annotated[bool, Query(description="Soft-deleted nodes too.")] = False,
) -> FastJSON:
    """One page of matches; a filter that does not parse is 400 ``filter_syntax``."""
    page = store.search(filter, kind=kind, order_by=order_by, limit=limit, page_token=page_token,
                        include_deleted=include_deleted)
    return FastJSON({"items": [to_dict(item) for item in page.items], "next_page_token": page.next_page_token})
