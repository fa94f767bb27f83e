"""Views of one open SqlStore for another project and actor.

A server process opens one :class:`SqlStore` (one engine, one connection pool) and takes a
:class:`ProjectView` of it per request, for the caller's project and actor, with
``store.for_project(project, actor=...)``.
"""

from __future__ import annotations

from typing import Any

from trailmark.automation._urls import UrlPolicy
from trailmark.store.sql._store import SqlStore


class ProjectView(SqlStore):
    """A SqlStore acting in ``project`` as ``actor``, on the database its parent opened.

    It holds its own project, project id and actor; everything else (engine, clock,
    artifact root, caches) is the parent's, read through. Closing a view closes nothing:
    the parent owns the connections.
    """

    def __init__(self, parent: SqlStore, *, project: str, project_id: int, actor: str) -> None:
        # Not SqlStore.__init__: the database is open and its schema checked already.
        self._parent = parent
        self.project = project
        self.actor = actor
        self._project_id = project_id

    def __getattr__(self, name: str) -> Any:
        # Only reached for what the view does not hold itself: the parent's shared state.
        if name == "_parent":
            raise AttributeError(name)
        return getattr(self._parent, name)

    @property
    def webhook_policy(self) -> UrlPolicy:  # the parent's: the server sets it on the store it opened
        return self._parent.webhook_policy

    @webhook_policy.setter
    def webhook_policy(self, policy: UrlPolicy) -> None:
        self._parent.webhook_policy = policy

    def __repr__(self) -> str:
        return f"ProjectView({self._parent!r}, project={self.project!r}, actor={self.actor!r})"

    def for_project(self, project: str, *, actor: str | None = None, create: bool = False) -> SqlStore:
        return self._parent.for_project(project, actor=actor or self.actor, create=create)

    def close(self) -> None:
        """Nothing to release: the store the view came from owns the engine."""


def project_view(store: SqlStore, project: str, *, actor: str, create: bool = False) -> SqlStore:
    """``store.for_project(project, actor=actor, create=create)``."""
    return store.for_project(project, actor=actor, create=create)
