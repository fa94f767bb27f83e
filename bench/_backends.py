"""Fresh Trailmark stores on each backend: a SQLite file, a PostgreSQL database, the HTTP server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import _postgres, _server

ALL = ("sqlite", "postgresql", "http")


@dataclass
class Backends:
    """The backends of this run; ``skipped`` says why a requested one is missing."""

    workdir: Path
    names: list[str]
    postgres_url: str | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    _serial: Iterator[int] = field(default_factory=itertools.count)

    @contextmanager
    def store(self, backend: str, label: str) -> Iterator[str]:
        """The URI of a new, empty store on ``backend``."""
        serial = next(self._serial)
        if backend == "sqlite":
            yield f"sqlite:///{self.workdir / f'{label}-{serial}.db'}"
        elif backend == "postgresql":
            assert self.postgres_url is not None
            with _postgres.database(self.postgres_url, f"bench_{label}_{serial}") as uri:
                yield uri
        else:
            with self.store("postgresql", label) as uri, self.serve(uri) as url:
                yield url

    @contextmanager
    def serve(self, store_uri: str) -> Iterator[str]:
        """The URL of a server over an existing store."""
        with _server.serve(store_uri, self.workdir / "server.log") as url:
            yield url


@contextmanager
def open_backends(requested: list[str], workdir: Path) -> Iterator[Backends]:
    """The requested backends that can run here, with PostgreSQL started when one needs it."""
    backends = Backends(workdir, [b for b in requested if b == "sqlite"])
    if "http" in requested and not _server.available():
        backends.skipped["http"] = (
            "the Trailmark server is not ready yet (no `trailmark server` command or no HttpStore)"
        )
    with ExitStack() as stack:
        if "postgresql" in requested or ("http" in requested and "http" not in backends.skipped):
            try:
                backends.postgres_url = stack.enter_context(_postgres.cluster())
                backends.names += [b for b in ("postgresql", "http") if b in requested and b not in backends.skipped]
            except _postgres.PostgresUnavailable as exc:
                backends.skipped.update({b: str(exc) for b in ("postgresql", "http") if b in requested})
        yield backends
