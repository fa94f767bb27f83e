"""Pick a backend by URI scheme; backends are imported only when used."""

from __future__ import annotations

import importlib
from typing import Any

from trailmark._url import StoreURL

BACKENDS = {
    "sqlite": "trailmark.store.sql:SqlStore",
    "postgresql": "trailmark.store.sql:SqlStore",
    "http": "trailmark.store.http:HttpStore",
    "https": "trailmark.store.http:HttpStore",
}


def backend_for(uri: str | StoreURL) -> Any:
    """The store class for ``uri``'s scheme (``postgresql+psycopg`` counts as ``postgresql``)."""
    module, name = BACKENDS[StoreURL.parse(uri).scheme].split(":")
    return getattr(importlib.import_module(module), name)
