"""Reads from a PostgreSQL streaming replica, with read-your-writes, and the primary when it cannot serve.

A server given a read URI (``trailmark server --read-uri``) keeps a :class:`ReadReplica`
beside its store: writes always go to the primary; a read route's view
(:class:`ReplicaView`) reads from the replica unless the caller has written something the
replica has not replayed yet (``after``: the primary's WAL position after the caller's last
write, compared with ``pg_last_wal_replay_lsn()``), or the replica cannot be reached.
An unreachable replica is left alone for ``RETRY_SECONDS``; that it went, and that it came
back, is logged once each.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url

from trailmark._url import StoreURL
from trailmark.errors import TrailmarkError, ValidationError
from trailmark.store.sql import _session
from trailmark.store.sql._store import SqlStore
from trailmark.store.sql._views import ProjectView

_logger = logging.getLogger(__name__)

READ_URI_ENV = "TRAILMARK_READ_URI"  # set by ``trailmark server --read-uri`` for its workers
RETRY_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 3


def parse_lsn(text: str | None) -> int | None:
    """A WAL position as PostgreSQL writes it (``16/B374D848``) as a number; None if it is not one."""
    if not text:
        return None
    high, slash, low = text.strip().partition("/")
    try:
        return (int(high, 16) << 32) | int(low, 16) if slash and len(text) <= 17 else None
    except ValueError:
        return None


def check_read_uri(uri: str, primary_uri: str) -> None:
    """Refuse a read URI that cannot be a streaming replica of ``primary_uri``."""
    if StoreURL.parse(uri).scheme != "postgresql" or StoreURL.parse(primary_uri).scheme != "postgresql":
        raise ValidationError(f"a read replica is a PostgreSQL standby of a PostgreSQL --uri, not {uri!r}")


class ReadReplica:
    """A streaming replica of ``primary``'s database at ``uri``, and the choice, per read, of where to read."""

    def __init__(self, uri: str, primary: Engine) -> None:
        check_read_uri(uri, primary.url.render_as_string(hide_password=False))
        url = make_url(uri)
        if "connect_timeout" not in url.query:  # a replica that is gone must not hold a read for long
            url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_SECONDS)})
        self.uri = uri
        self.engine = _session.make_engine(url.render_as_string(hide_password=False), ping_always=True)
        self.primary = primary
        self._replayed = 0  # the highest replay position seen on the replica
        self._down = False
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def written(self) -> str:
        """The primary's WAL insert position now: past the commit of every write acknowledged before the call."""
        with _session.read(self.primary) as conn:
            return str(conn.exec_driver_sql("SELECT pg_current_wal_insert_lsn()::text").scalar_one())

    @contextmanager
    def read(self, after: int | None = None) -> Iterator[Connection]:
        """A read transaction on the replica if it is up and has replayed past ``after``, else on the primary."""
        if self._serves(after):
            started = False
            try:
                with _session.read(self.engine) as conn:
                    started = True
                    yield conn
                self._back()
                return
            except TrailmarkError as exc:
                if started:
                    raise
                self._gone(exc)
        with _session.read(self.primary) as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    def _serves(self, after: int | None) -> bool:
        if self._down and time.monotonic() < self._retry_at:
            return False
        if after is None or after <= self._replayed:
            return True
        try:
            with _session.read(self.engine) as conn:
                replayed = parse_lsn(conn.exec_driver_sql("SELECT pg_last_wal_replay_lsn()::text").scalar())
        except TrailmarkError as exc:
            self._gone(exc)
            return False
        self._back()
        with self._lock:
            self._replayed = max(self._replayed, replayed or 0)
            return after <= self._replayed

    def _gone(self, exc: Exception) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + RETRY_SECONDS
            if self._down:
                return
            self._down = True
        _logger.warning("read replica %s unreachable (%s): reads go to the primary, retried every %.0f s",
                        _shown(self.uri), exc, RETRY_SECONDS)

    def _back(self) -> None:
        if not self._down:
            return
        with self._lock:
            if not self._down:
                return
            self._down = False
        _logger.warning("read replica %s is back: reads go to it again", _shown(self.uri))


class ReplicaView(ProjectView):
    """A project view whose reads go through ``replica`` (its writes, as every store's, to the primary)."""

    def __init__(self, view: ProjectView, replica: ReadReplica, *, after: int | None) -> None:
        super().__init__(view._parent, project=view.project, project_id=view._project_id, actor=view.actor)
        self._replica = replica
        self._after = after

    def _read(self) -> AbstractContextManager[Connection]:
        return self._replica.read(self._after)


def replica_view(view: SqlStore, replica: ReadReplica, *, after: int | None) -> SqlStore:
    """``view`` reading through ``replica``; a store that is not a project view is left as it is."""
    return ReplicaView(view, replica, after=after) if isinstance(view, ProjectView) else view


def _shown(uri: str) -> str:
    return make_url(uri).render_as_string(hide_password=True)
