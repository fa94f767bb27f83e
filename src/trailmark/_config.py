"""Which store to open: an explicit URI, else ``$TRAILMARK_URI``, else a local SQLite file."""

from __future__ import annotations

import os

DEFAULT_URI = "sqlite:///trailmark.db"
URI_ENV = "TRAILMARK_URI"
DEFAULT_PROJECT = "default"


def resolve_uri(uri: str | None = None) -> str:
    """Return ``uri`` if given, else ``$TRAILMARK_URI``, else :data:`DEFAULT_URI`."""
    return uri or os.environ.get(URI_ENV) or DEFAULT_URI
