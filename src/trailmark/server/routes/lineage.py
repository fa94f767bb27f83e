"""``GET /api/v1/lineage/{ref}``: the graph around a node. (POST on /api/v1/lineage is OpenLineage.)"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response

from trailmark.refs import MAX_VERSION
from trailmark.server._deps import Reader, api_router
from trailmark.server._lineage_light import LineageLightOut, light_json
from trailmark.server.schemas import LineageOut

router = api_router("lineage")


@router.get("/lineage/{ref:path}", response_model=LineageOut | LineageLightOut)
def lineage(
    ref: str,
    store: Reader,
    direction: Annotated[str, Query(json_schema_extra={"enum": ["upstream", "downstream", "both"]})] = "downstream",
    depth: Annotated[int | None, Query(le=MAX_VERSION, description="Stop after this many edges.")] = None,
    types: Annotated[list[str] | None, Query(description="Keep only nodes of these types (repeatable).")] = None,
    include_parents: Annotated[bool, Query(description="Follow run nesting too (PARENT edges, parent -> child).")]
    = False,
    light: Annotated[bool, Query(description="Only the walk, as compact rows: id, kind, type, name, version, depth, "
                                             "lifecycle, status; no full nodes.")] = False,
) -> dict[str, Any] | Response:
    """What was derived from a node (downstream), what it came from (upstream), or both."""
    found = store.lineage(ref, direction=direction, depth=depth, types=types or None, include_parents=include_parents)
    if light:
        return Response(light_json(found), media_type="application/json")
    return found.to_dict()
