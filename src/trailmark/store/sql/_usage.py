"""Usage of a node: the audited reads of it, and the executions that consumed it."""

from __future__ import annotations

from sqlalchemy import Connection, select

from trailmark.governance import Usage
from trailmark.store.sql._tables import audit_log, audit_reads, events, executions


def usage(conn: Connection, node_id: int) -> list[Usage]:
    """``read`` entries naming the node and ``consumed`` edges from it, in time order."""
    reads = conn.execute(
        select(audit_log.c.actor, audit_log.c.time)
        .join(audit_reads, audit_reads.c.seq == audit_log.c.seq)
        .where(audit_reads.c.node_id == node_id)
        .order_by(audit_log.c.seq)
    ).all()
    consumers = conn.execute(
        select(executions.c.id, executions.c.name, executions.c.created_by, executions.c.started_at)
        .join(events, events.c.target_id == executions.c.id)
        .where(events.c.source_id == node_id, events.c.kind == "INPUT")
        .order_by(executions.c.started_at, executions.c.id)
    ).all()
    found = [Usage(actor=r.actor, at=r.time, action="read") for r in reads]
    found += [Usage(actor=r.created_by or "unknown", at=r.started_at, action="consumed", execution=f"exec:{r.id}",
                    name=r.name) for r in consumers]
    return sorted(found, key=lambda u: u.at)
