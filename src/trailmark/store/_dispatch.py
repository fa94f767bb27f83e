"""Pick a backend by URI scheme; backends are imported only when used."""

from __future__ import annotations

import importlib
from typing import Any

from trailmark.errors import ValidationError

BACKENDS = {
    "sqlite": "trailmark.store.sql:SqlStore",
    "postgresql": "trailmark.store.sql:SqlStore",
    "postgres": "trailmark.store.sql:SqlStore",
    "http": "trailmark.store.http:HttpStore",
    "https": "trailmark.store.http:HttpStore",
}


def backend_for(uri: str) -> Any:
    """The store class for ``uri``'s scheme (``postgresql+psycopg`` counts as ``postgresql``)."""
    scheme = uri.split("://", 1)[0].split("+", 1)[0].lower() if "://" in uri else ""
    target = BACKENDS.get(scheme)
    if target is None:
        raise ValidationError(
            f"unsupported store URI {uri!r}: use sqlite:///PATH, postgresql://USER@HOST/DB or http://HOST:PORT"
        )
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)
