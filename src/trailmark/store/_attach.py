"""Faces that the layers above the store attach to it: ``store.run``, ``store.models``, ``store.audit``, ``compare``.

The store sits below tracking, the registry, audit and compare, so it imports none of them;
``trailmark._wiring`` (imported by ``import trailmark``, which runs before any submodule)
registers what builds each face, and the store's conveniences build them from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trailmark.errors import TrailmarkError

_BUILDERS: dict[str, Callable[..., Any]] = {}


def attach(name: str, builder: Callable[..., Any]) -> None:
    """Make ``builder(store, ...)`` what ``store.<name>`` returns."""
    _BUILDERS[name] = builder


def build(name: str, store: object, *args: Any, **kwargs: Any) -> Any:
    """The face ``name`` of ``store``, built by what the upper layer attached."""
    builder = _BUILDERS.get(name)
    if builder is None:  # only reachable if trailmark/__init__.py stopped importing trailmark._wiring
        raise TrailmarkError(f"store.{name} is not available: nothing attached it (import trailmark)")
    return builder(store, *args, **kwargs)
