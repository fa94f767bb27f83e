"""``store.audit``: verify the chain and read the log, on any backend."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from trailmark.audit._chain import AuditEntry
from trailmark.audit._verify import AuditReport
from trailmark.governance import Usage, since_time

if TYPE_CHECKING:
    from trailmark.store import NodeLike, Store


class Audit:
    """The audit log of a store: append-only, hash-chained, written by every write.

    Example:
        >>> store.audit.verify()
        AuditReport(ok=True, checked=42, first_bad=None, ...)
        >>> store.audit.log(target="dataset:housing-raw@1")
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def verify(self, *, anchor: str | None = None, deep: bool = False) -> AuditReport:
        """Recompute the whole chain; ``first_bad`` names the first broken entry.

        ``anchor`` is a head printed earlier (``"SEQ:HASH"``) and kept outside the store:
        that entry must still be there, unchanged. A log that is empty, or stops before the
        newest data, fails too. ``deep`` also re-hashes every artifact and execution against
        the state its latest audited write recorded, naming a row changed outside the API.
        """
        return self.store.verify_audit(anchor=anchor, deep=deep)

    def usage(self, ref: NodeLike) -> list[Usage]:
        """Who read ``ref`` (``read``) and which executions consumed it (``consumed``), and when, oldest first.

        Example:
            >>> store.audit.usage("dataset:customers@1")
            [Usage(actor='vera', at=..., action='read', execution=None, name=None), ...]
        """
        return self.store.audit_usage(ref)

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
        return self.store.audit_entries(
            target=target, actor=actor, since=when, project=project, limit=limit
        )
