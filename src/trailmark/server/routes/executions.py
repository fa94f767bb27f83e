"""Executions: start, add params, link inputs and outputs, end; and their package sets."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from trailmark.entities import to_dict
from trailmark.server._deps import Reader, Writer, api_router
from trailmark.server.schemas import EndIn, ExecutionIn, ExecutionOut, LinkIn, ParamsIn

router = api_router("executions")


@router.post("/executions", response_model=ExecutionOut)
def start_execution(body: ExecutionIn, store: Writer) -> dict[str, Any]:
    """Start a RUNNING execution, optionally in a context (an experiment or pipeline)."""
    execution = store.start_execution(
        body.type, body.name, params=body.params, context=body.context, context_type=body.context_type,
        environment=body.environment, parent=body.parent,
    )
    return to_dict(execution)


@router.post("/executions/{ref}/params", status_code=204, response_class=Response)
def log_params(ref: str, body: ParamsIn, store: Writer) -> None:
    """Add parameters to a running execution (a later value for a key wins)."""
    store.log_params(ref, body.params)


@router.post("/executions/{ref}/links", status_code=204, response_class=Response)
def link(ref: str, body: LinkIn, store: Writer) -> None:
    """Record the artifacts an execution read (inputs) and wrote (outputs)."""
    store.link(ref, inputs=body.inputs, outputs=body.outputs, roles=body.roles)


@router.post("/executions/{ref}/end", response_model=ExecutionOut)
def end_execution(ref: str, body: EndIn, store: Writer) -> dict[str, Any]:
    """End a running execution as COMPLETE or FAILED; ending it twice is a conflict (409)."""
    return to_dict(store.end_execution(ref, status=body.status, error=body.error, resources=body.resources))


@router.get("/packages/{digest}", response_model=dict[str, str])
def packages(digest: str, store: Reader) -> dict[str, str]:
    """The package versions of an environment, by its ``packages_digest``."""
    return store.packages(digest)
