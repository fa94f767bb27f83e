"""The audit log in SQL: append under the chain lock, read in order, filter.

Appending chains the next entry onto the head in the caller's transaction, so the entry
commits (or rolls back) with the write it records. Writers are serialised at that point:
SQLite transactions of writers already hold the write lock (``BEGIN IMMEDIATE``); on
PostgreSQL a transaction-level advisory lock is taken first, held to commit. The head is
read once per write transaction (the lock held, later heads are its own entries, see
``_txn``), and an audited write's entry is inserted with the transaction's others just
before commit. Appending is the last step of a write, so the lock is held briefly and
never while waiting on another row lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, select, text

from trailmark.audit import GENESIS, AuditEntry, change_digest, entry_hash
from trailmark.store.sql import _keys, _known_state, _state, _txn
from trailmark.store.sql._known_state import Head
from trailmark.store.sql._state import StateAfter
from trailmark.store.sql._tables import audit_log

# Any constant will do; it only has to differ from the schema-creation lock.
_CHAIN_LOCK = 7478658


class Change(NamedTuple):
    """What a write did, as the audit log records it."""

    action: str  # "artifact.create", "execution.start", "link", "metrics.log", "purge"...
    target: str  # a reference: "dataset:raw@1", "exec:42", "user:alice"...
    payload: Any  # hashed into the entry's ``change`` digest, not stored
    project: str | None = None  # the project it concerns, if not the store's own
    unscoped: bool = False  # about no project (users, tokens)
    node: int | None = None  # the target's node id, when the write knows it
    state: StateAfter | None = None  # the target's state from the values written (else its rows are read);
    # given only by writes that change no other node's state


_COLUMNS = ("seq", "time", "project", "actor", "action", "target", "change", "prev_hash", "hash", "state")
# Built once: appending is on every write's path.
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_HEAD = select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
_INSERT = audit_log.insert()


def append(
    conn: Connection,
    *,
    project: str | None,
    actor: str,
    action: str,
    target: str,
    payload: Any,
    now: datetime,
    project_id: int | None = None,
    node: int | None = None,
    state: StateAfter | None = None,
    defer: bool = False,
) -> AuditEntry:
    """Add the next entry of the chain for a write whose payload is ``payload``.

    In a write transaction (see ``_txn``) the head is read once, and with ``defer`` the entry
    is inserted with the transaction's other entries just before commit (nothing may read or
    reference it before); else now, after any entries deferred before it.

    With ``project_id``, a target naming a node of that project (``node``: its id, if known)
    also records the node's state after the write: ``state(conn, prior)`` builds it from the
    values written and the state recorded before (see ``_known_state``), else the rows are read.
    """
    tag, key = _keys.current(conn, now)
    tx = _txn.of(conn)
    before = _head(conn, tx)
    seq, prev_hash = (before[0] + 1, before[1]) if before else (1, GENESIS)
    known = _known_state.of(conn.engine)
    stateless = action in _state.STATELESS_ACTIONS
    found: _state.State | None = None
    if project_id is not None and not stateless:
        if node is None:
            node = _state.target_node(conn, project_id, target)
        if node is not None:
            found = state(conn, known.prior(before, node)) if state is not None else None
            if found is None:
                found = _state.node_state(conn, node)
    else:
        node = None
    recorded = _state.state_digest(found, tag, key) if found is not None else None
    change = change_digest(payload, key)
    digest = entry_hash(
        prev_hash=prev_hash, seq=seq, time=now, project=project, actor=actor, action=action, target=target,
        change=change, state=recorded,
    )
    entry = AuditEntry(seq, now, project, actor, action, target, change, prev_hash, digest, recorded)
    row = {c: getattr(entry, c) for c in _COLUMNS}
    if tx is None:
        conn.execute(_INSERT, row)
    else:
        tx.head = (seq, digest)
        tx.defer(_INSERT, row)
        if not defer:
            tx.flush(conn)
    known.appended(before, (seq, digest), node, found, isolated=stateless or state is not None)
    return entry


def _head(conn: Connection, tx: _txn.Tx | None) -> Head:
    """``(seq, hash)`` of the chain's newest entry (None: empty), under the chain lock from here to commit.

    Read once per write transaction: it holds the lock to its end, so later heads are its own entries.
    """
    if tx is not None and tx.head_known:
        known: Head = tx.head
        return known
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK, {"key": _CHAIN_LOCK})
    row = conn.execute(_HEAD).first()
    head = (row.seq, row.hash) if row else None
    if tx is not None:
        tx.head = head
    return head


def _to_entry(row: Any) -> AuditEntry:
    return AuditEntry(**{c: row._mapping[c] for c in _COLUMNS})


def stream(conn: Connection, batch: int = 2000) -> Iterator[AuditEntry]:
    """Every entry in ``seq`` order, fetched in keyset pages (the log may be long)."""
    _txn.flush(conn)
    after = 0
    while True:
        page = select(audit_log).where(audit_log.c.seq > after).order_by(audit_log.c.seq).limit(batch)
        rows = conn.execute(page).all()
        yield from (_to_entry(r) for r in rows)
        if len(rows) < batch:
            return
        after = rows[-1].seq


def entries(
    conn: Connection, *, target: str | None, actor: str | None, since: datetime | None, project: str | None, limit: int
) -> list[AuditEntry]:
    """The newest ``limit`` entries matching the filters, oldest first."""
    _txn.flush(conn)
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
    if project is not None:
        query = query.where(audit_log.c.project == project)
    if target is not None:
        query = query.where(audit_log.c.target == target)
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    if since is not None:
        query = query.where(audit_log.c.time >= since)
    return [_to_entry(r) for r in reversed(conn.execute(query).all())]
