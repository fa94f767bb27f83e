"""``store.audit``: verify the chain and read the log, on any backend."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from trailmark.audit._chain import AuditEntry
from trailmark.audit._verify import AuditReport
from trailmark.governance import since_time

if TYPE_CHECKING:
    from trailmark.store import NodeLike


class Audit:
    """The audit log of a store: append-only, hash-chained, written by every write.

    Example:
        >>> store.audit.verify()
        AuditReport(ok=True, checked=42, first_bad=None, ...)
        >>> store.audit.log(target="dataset:housing-raw@1")
    """

    def __init__(self, store: object) -> None:
        self.store = store

    def verify(self, *, anchor: str | None = None) -> AuditReport:
        """Recompute the whole chain; ``first_bad`` names the first broken entry.

        ``anchor`` is a head printed earlier (``"SEQ:HASH"``) and kept outside the store:
        that entry must still be there, unchanged.
        """
        return self.store.verify_audit(anchor=anchor)  # type: ignore[attr-defined]

    def log(
        self,
        *,
        target: NodeLike | None = None,
        actor: str | None = None,
        since: datetime | str | None = None,
        project: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """The newest ``limit`` entries (oldest first) about ``target``, by ``actor``, after ``since``, in ``project``.

        ``since`` is a datetime, an ISO date, or a duration back from now such as ``"7d"``.
        """
        when = since_time(since) if since is not None else None
        return self.store.audit_entries(  # type: ignore[attr-defined]
            target=target, actor=actor, since=when, project=project, limit=limit
        )
