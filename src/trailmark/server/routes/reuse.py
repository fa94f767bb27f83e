"""Reuse: earlier COMPLETE executions with the same inputs and params, the step cache, and
datasets like a given one (``/api/v1/reuse/find``, ``/api/v1/cache/...``, ``/api/v1/similar/{ref}``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response
from pydantic import Field

from trailmark.entities import to_dict
from trailmark.server._deps import Reader, Writer, api_router
from trailmark.server.schemas import ArtifactOut, ExecutionOut, In, Json, _Out

router = api_router("reuse")


class FindReusableIn(In):
    type: str = Field(examples=["Preprocess"])
    name: str | None = None
    params: Json | None = Field(default=None, description="Exactly these params; null matches any.")
    inputs: list[str] | None = Field(
        default=None, description="References of exactly these inputs (compared by digest); null matches any."
    )
    limit: int = 20


class CacheKeyIn(In):
    key: str = Field(description="sha256:HEX, the step's cache key.")


class CacheHitIn(In):
    original: str = Field(description="The COMPLETE execution whose outputs are reused.")
    key: str
    inputs: list[str] = Field(default_factory=list)
    parent: str | None = None
    environment: Json | None = None


class CachedOut(_Out):
    execution: ExecutionOut | None


class TrainedModelOut(_Out):
    model: str
    run: str
    metrics: dict[str, float]


class SimilarOut(_Out):
    artifact: ArtifactOut
    score: float
    reasons: list[str]
    models: list[TrainedModelOut]


@router.post("/reuse/find", response_model=list[ExecutionOut])
def find_reusable(body: FindReusableIn, store: Reader) -> list[dict[str, Any]]:
    """Earlier COMPLETE executions of a type (and name) with exactly these params and inputs, newest first."""
    found = store.find_reusable(body.type, body.name, params=body.params, inputs=body.inputs, limit=body.limit)
    return [to_dict(e) for e in found]


@router.get("/similar/{ref:path}", response_model=list[SimilarOut])
def similar(
    ref: str, store: Reader, limit: Annotated[int, Query(description="How many datasets.")] = 5
) -> list[dict[str, Any]]:
    """The datasets of the project most like a dataset, best first, with reasons and the models trained on them;
    400 when the dataset has no profile."""
    return [s.to_dict() for s in store.similar(ref, limit=limit)]


@router.get("/cache/{key}", response_model=CachedOut)
def cached_execution(key: str, store: Reader) -> dict[str, Any]:
    """The newest COMPLETE execution recorded under a cache key (``execution`` null when there is none)."""
    found = store.cached_execution(key)
    return {"execution": to_dict(found) if found is not None else None}


@router.post("/executions/{ref}/cache-key", status_code=204, response_class=Response)
def set_cache_key(ref: str, body: CacheKeyIn, store: Writer) -> None:
    """Record the cache key of a RUNNING execution."""
    store.set_cache_key(ref, body.key)


@router.post("/cache/hits", response_model=ExecutionOut)
def record_cache_hit(body: CacheHitIn, store: Writer) -> dict[str, Any]:
    """Record, in one transaction, a COMPLETE execution that reused an original's outputs."""
    execution = store.record_cache_hit(body.original, key=body.key, inputs=body.inputs, parent=body.parent,
                                       environment=body.environment)
    return to_dict(execution)
