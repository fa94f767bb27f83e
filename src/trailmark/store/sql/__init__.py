"""The SQL backend: SQLite files and PostgreSQL databases."""

from trailmark.store.sql._store import SqlStore

__all__ = ["SqlStore"]
