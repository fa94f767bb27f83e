"""Whether a store URI names a store that is there, so that reading from a typo is refused."""

from __future__ import annotations

from pathlib import Path

from trailmark._config import resolve_uri
from trailmark._url import StoreURL


def missing_store(uri: str | None) -> str | None:
    """The file a ``sqlite:///`` URI names when there is none yet; None otherwise.

    Only SQLite is checked: connecting creates its file, while a PostgreSQL database or a
    server that is not there is an error of its own.
    """
    found = StoreURL.parse(resolve_uri(uri)).sqlite_file
    if found is None:
        return None
    path = Path(found).expanduser()
    return None if path.exists() else str(path.resolve())


def store_folder(uri: str | None) -> Path | None:
    """The folder of a SQLite store's file (where files that belong with it can go); None for other stores."""
    found = StoreURL.parse(resolve_uri(uri)).sqlite_file
    return Path(found).expanduser().resolve().parent if found is not None else None
