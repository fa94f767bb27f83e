"""A store URI, parsed once: which backend it names, its driver, and where its data is.

Every place that picks a backend or looks at a store's location reads a :class:`StoreURL`
(as encode/databases' ``DatabaseURL``), instead of splitting the text on ``://`` itself.

Example:
    >>> url = StoreURL.parse("postgresql+psycopg://me@db/tm")
    >>> url.scheme, url.driver, url.database, url.is_sql
    ('postgresql', 'psycopg', 'tm', True)
    >>> StoreURL.parse("sqlite:///runs/tm.db").sqlite_file
    'runs/tm.db'
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from trailmark.errors import ValidationError

SQL_SCHEMES = ("sqlite", "postgresql")
HTTP_SCHEMES = ("http", "https")
_ALIASES = {"postgres": "postgresql"}
_USAGE = "use sqlite:///PATH, postgresql://USER@HOST/DB or http://HOST:PORT"


@dataclasses.dataclass(frozen=True)
class StoreURL:
    """``scheme`` is ``sqlite``, ``postgresql``, ``http`` or ``https``; ``driver`` the part after ``+``."""

    text: str
    scheme: str
    driver: str | None
    host: str | None
    database: str | None
    """The SQLite file (None for ``:memory:``), the PostgreSQL database, or an HTTP path prefix."""

    @classmethod
    def parse(cls, text: str | StoreURL) -> StoreURL:
        """Parse a store URI; an unsupported or malformed one raises ValidationError saying what is accepted."""
        if isinstance(text, StoreURL):
            return text
        if not isinstance(text, str) or "://" not in text:
            raise ValidationError(f"unsupported store URI {text!r}: {_USAGE}")
        head, rest = text.split("://", 1)
        dialect, _, driver = head.lower().partition("+")
        scheme = _ALIASES.get(dialect, dialect)
        if scheme not in SQL_SCHEMES + HTTP_SCHEMES:
            raise ValidationError(f"unsupported store URI {text!r}: {_USAGE}")
        if scheme == "sqlite":  # sqlite:///relative.db, sqlite:////absolute.db, sqlite:// (memory)
            location = rest.split("?", 1)[0]
            path = location[1:] if location.startswith("/") else location
            return cls(text, scheme, driver or None, None, None if path in ("", ":memory:") else path)
        try:
            parts = urlsplit(f"{scheme}://{rest}")
            host = parts.hostname
        except ValueError as exc:
            raise ValidationError(f"cannot read store URI {text!r}: {exc}") from exc
        database = parts.path.lstrip("/") if scheme in SQL_SCHEMES else parts.path.rstrip("/")
        return cls(text, scheme, driver or None, host, database or None)

    @property
    def is_sql(self) -> bool:
        """A database this process opens itself (SQLite or PostgreSQL)."""
        return self.scheme in SQL_SCHEMES

    @property
    def is_http(self) -> bool:
        """A Trailmark server."""
        return self.scheme in HTTP_SCHEMES

    @property
    def sqlite_file(self) -> str | None:
        """The path of a SQLite file, or None (another backend, or an in-memory database)."""
        return self.database if self.scheme == "sqlite" else None

    def require_sql(self, what: str) -> StoreURL:
        """This URL if it names a database; else a ValidationError: ``what`` needs the database, not a server."""
        if not self.is_sql:
            raise ValidationError(
                f"{what} needs the database URI (sqlite:///PATH or postgresql://USER@HOST/DB), not a server: "
                "run it where the server's database is reachable"
            )
        return self

    def __str__(self) -> str:
        return self.text
