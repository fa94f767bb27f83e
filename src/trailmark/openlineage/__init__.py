"""OpenLineage: RunEvents in (a job run becomes an execution, a dataset a Dataset series) and out.

See docs/openlineage.md. Ingest runs in the server (``POST /api/v1/lineage``); export
works on any store (``trailmark export REF --format openlineage``).
"""

from trailmark.openlineage._export import run_events

__all__ = ["run_events"]
