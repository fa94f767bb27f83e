"""Verify the audit log against the data it covers: a log that is missing or cut, rows changed outside the API.

The chain check (``trailmark.audit.verify``) proves the log was not edited; it cannot see a
log deleted whole, or a tail cut off together with its last hashes. So the log must also
reach the newest node: the newest artifact and execution are each named by an entry, or an
entry was written at or after they were. ``deep`` then recomputes every node's state and
compares it with the state the latest entry about the node recorded.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from trailmark.audit import AuditReport
from trailmark.store.sql import _keys, _state
from trailmark.store.sql._lineage import load_nodes
from trailmark.store.sql._tables import artifacts, audit_log, executions, projects


def coverage(conn: Connection, report: AuditReport) -> AuditReport:
    """``report``, or a failed one if the log stops before the data it should cover."""
    if not report.ok:
        return report
    newest = [
        conn.execute(select(func.max(artifacts.c.id))).scalar(),
        conn.execute(select(func.max(executions.c.id))).scalar(),
    ]
    nodes = [n for n in newest if n is not None]
    if not nodes:
        return report
    if not report.checked:
        count = conn.execute(select(func.count()).select_from(artifacts)).scalar_one() + conn.execute(
            select(func.count()).select_from(executions)).scalar_one()
        return _failed(report, 1, f"the audit log is empty but the store holds {count} nodes: it was deleted")
    last_time = conn.execute(select(audit_log.c.time).where(audit_log.c.seq == report.head_seq)).scalar_one()
    for node in nodes:
        loaded = load_nodes(conn, [node])[node]
        created = getattr(loaded, "created_at", None) or getattr(loaded, "started_at", None)
        named = conn.execute(select(audit_log.c.seq).where(audit_log.c.target == loaded.ref).limit(1)).first()
        if named is None and created is not None and created > last_time:
            reason = f"the audit log ends at entry {report.head_seq}, before {loaded.ref} was written: it was cut"
            return _failed(report, (report.head_seq or 0) + 1, reason)
    return report


def deep(conn: Connection, report: AuditReport) -> AuditReport:
    """``report``, or a failed one naming the first node whose rows no longer match their recorded state."""
    if not report.ok:
        return report
    names = dict(conn.execute(select(projects.c.id, projects.c.name)).all())
    latest: dict[tuple[str | None, str], tuple[int, str | None, str]] = {}
    for seq, project, target, action, state in conn.execute(
        select(audit_log.c.seq, audit_log.c.project, audit_log.c.target, audit_log.c.action, audit_log.c.state)
        .order_by(audit_log.c.seq)
    ):
        if action not in _state.STATELESS_ACTIONS:
            latest[(project, target)] = (seq, state, action)
    keys = _keys.known(conn)
    bad: list[tuple[int, str]] = []
    checked = 0
    for table in (artifacts, executions):
        ids = conn.execute(select(table.c.id, table.c.project_id).order_by(table.c.id)).all()
        for batch_start in range(0, len(ids), 500):
            batch = ids[batch_start:batch_start + 500]
            loaded = load_nodes(conn, [i for i, _ in batch])
            for node_id, project_id in batch:
                ref = loaded[node_id].ref
                found = latest.get((names.get(project_id), ref))
                if found is None or found[1] is None:
                    continue  # not recorded by a stateful write: nothing to compare with
                seq, recorded, action = found
                assert recorded is not None
                tag, _, _ = recorded.partition(":")
                if tag not in keys:
                    continue  # made with a key not configured here
                checked += 1
                state = _state.node_state(conn, node_id)
                if state is None or _state.state_digest(state, tag, keys[tag]) != recorded:
                    bad.append((seq, f"{table.name} row {node_id} ({ref}) was changed outside the API "
                                     f"after entry {seq} ({action})"))
    if bad:
        seq, reason = min(bad)
        more = f"; {len(bad) - 1} more rows differ" if len(bad) > 1 else ""
        return _failed(report, seq, reason + more)
    return AuditReport(ok=True, checked=report.checked, head_seq=report.head_seq, head_hash=report.head_hash,
                       rows=checked)


def _failed(report: AuditReport, seq: int, reason: str) -> AuditReport:
    return AuditReport(ok=False, checked=report.checked, first_bad=seq, reason=reason)
