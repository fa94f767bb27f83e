"""Attach the layers above the store to it (see ``trailmark.store._attach``).

Each face is imported when first used, so ``import trailmark`` stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trailmark.store._attach import attach

if TYPE_CHECKING:
    from trailmark.audit import Audit
    from trailmark.compare import Comparison
    from trailmark.registry import ModelRegistry
    from trailmark.store import NodeLike, Store
    from trailmark.tracking import Run


def _run(store: Store, name: str, *, inputs: Sequence[Any] = (), cache: bool = False, **options: Any) -> Run:
    """``store.run(...)``: a Run, or a CachedRun when inputs are declared up front or ``cache=True``."""
    from trailmark.tracking import Run

    if inputs or cache:
        from trailmark.tracking._cached_run import CachedRun

        return CachedRun(store, name, inputs=inputs, cache=cache, **options)
    return Run(store, name, **options)


def _models(store: Store) -> ModelRegistry:
    from trailmark.registry import ModelRegistry

    return ModelRegistry(store)


def _audit(store: Store) -> Audit:
    from trailmark.audit import Audit

    return Audit(store)


def _compare(store: Store, refs: Sequence[NodeLike]) -> Comparison:
    from trailmark.compare import compare

    return compare(store, refs)


attach("run", _run)
attach("models", _models)
attach("audit", _audit)
attach("compare", _compare)
