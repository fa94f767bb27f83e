"""Stores: the protocol, and ``connect`` that opens the backend a URI names."""

from __future__ import annotations

from typing import Any

from trailmark._config import DEFAULT_PROJECT, resolve_uri
from trailmark.store._batch import Batch, Pending
from trailmark.store._dispatch import backend_for
from trailmark.store._protocol import NodeLike, Store
from trailmark.store._reads import gathering as one_read_entry


def open_store(uri: str | None = None, *, project: str = DEFAULT_PROJECT, **options: Any) -> Store:
    """Open the store ``uri`` names (``$TRAILMARK_URI`` or ``sqlite:///trailmark.db`` if None)."""
    resolved = resolve_uri(uri)
    store: Store = backend_for(resolved)(resolved, project=project, **options)
    return store


__all__ = ["Batch", "NodeLike", "Pending", "Store", "one_read_entry", "open_store"]
