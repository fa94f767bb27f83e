"""Runs for the web UI: a page of executions, each with its latest metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact, Execution, to_dict

if TYPE_CHECKING:
    from trailmark.store import Store


def runs_page(
    store: Store, *, filter: str, order_by: Sequence[str], limit: int, page_token: str | None,
    include_deleted: bool = False,
) -> dict[str, Any]:
    """One page of executions (newest first unless ordered), each with the latest value of every metric;
    soft-deleted ones only with ``include_deleted``."""
    order = [o for o in order_by if o.strip()] or ["started desc"]
    page = store.search(filter, kind="executions", order_by=order, limit=limit, page_token=page_token,
                        include_deleted=include_deleted)
    latest = store.latest_metrics_of(page.items)  # one query for the whole page
    items = [{**to_dict(e), "duration": e.duration, "metrics": m} for e, m in zip(page.items, latest, strict=True)]
    return {"items": items, "next_page_token": page.next_page_token}


def producer_of(store: Store, artifact: Artifact) -> Execution | None:
    """The execution that wrote ``artifact``, if one did."""
    found = store.lineage(artifact, direction="upstream", depth=1).executions()
    return found[0] if found else None
