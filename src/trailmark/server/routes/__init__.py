"""The API's routers, one module per resource; ``ROUTERS`` lists them in the order they are mounted."""

from __future__ import annotations

from trailmark.server.routes import (
    access,
    artifacts,
    automation,
    batch,
    blobs,
    executions,
    governance,
    health,
    lifecycle,
    lineage,
    marquez,
    metrics,
    nodes,
    openlineage,
    projects,
    registry,
    reuse,
    search,
)

ROUTERS = [
    health.router,
    access.router,
    projects.router,
    artifacts.router,
    batch.router,
    executions.router,
    metrics.router,
    nodes.router,
    lifecycle.router,
    lineage.router,
    openlineage.router,
    marquez.router,
    search.router,
    reuse.router,
    registry.router,
    governance.router,
    automation.router,
    blobs.router,
]
