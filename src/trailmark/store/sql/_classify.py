"""Classifications in SQL: apply, propagate downstream along lineage, declassify, list.

A propagating classification is copied, with its origin, onto every node downstream of
the node it was applied to (one ``INSERT ... SELECT`` over the lineage walk), and onto
nodes linked later below a classified node (:func:`follow_links`, called by ``link``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, literal, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from trailmark.governance import Classification
from trailmark.store.sql import _txn
from trailmark.store.sql._id_list import among, bound_ids
from trailmark.store.sql._lineage import load_nodes, reachable_ids
from trailmark.store.sql._tables import Id, classifications, events

_C_TABLE = classifications
_C = classifications.c
_KEY = ["node_id", "label", "origin_id"]


def classify(
    conn: Connection, node_id: int, label: str, *, propagate: bool, actor: str, now: datetime, source: str = "manual"
) -> None:
    """Label ``node_id`` and, if ``propagate``, everything downstream of it now.

    Classifying again is the admin's latest word: it revives what was declassified from
    this origin. ``source`` says who decided: ``manual``, ``detected`` (personal data found
    by capture) or ``declared`` (columns named sensitive when logging).
    """
    row = {"node_id": node_id, "label": label, "origin_id": node_id, "propagate": propagate, "created_at": now,
           "created_by": actor, "source": source}
    statement = _insert_statement(conn).values(row)
    conn.execute(statement.on_conflict_do_update(
        index_elements=_KEY, set_={"propagate": propagate, "removed_at": None, "removed_by": None}
    ))
    if propagate:
        conn.execute(
            update(classifications)
            .where(_C.origin_id == node_id, _C.label == label, _C.removed_at.is_not(None))
            .values(removed_at=None, removed_by=None)
        )
        _spread(conn, node_id, label, node_id, actor, now)


def classify_found(conn: Connection, node_id: int, properties: Any, *, actor: str, now: datetime) -> bool:
    """Label a new artifact ``PII`` when its profile lists personal (``pii``) or ``sensitive`` columns."""
    if not isinstance(properties, dict):
        return False
    if isinstance(properties.get("pii"), dict) and properties["pii"]:
        source = "detected"
    elif isinstance(properties.get("sensitive"), list) and properties["sensitive"]:
        source = "declared"
    else:
        return False
    classify(conn, node_id, "PII", propagate=True, actor=actor, now=now, source=source)
    return True


def follow_links(conn: Connection, edges: Iterable[tuple[int, int]], *, actor: str, now: datetime) -> int:
    """Carry the propagating labels of each new edge's source to its target and beyond.

    Call it once the edges are stored. Repeated edges count once, and the whole spread is
    one ``INSERT ... SELECT`` over a recursive walk seeded from the stored edges between
    the sources and targets given, so the cost is bounded by the distinct nodes reached.
    """
    sources, targets = set(), set()
    for source, target in edges:
        sources.add(source)
        targets.add(target)
    if not sources:
        return 0
    tx = _txn.of(conn)
    if tx is not None and not tx.classified and sources <= tx.created:
        return 0  # nodes made in this transaction, in which nothing was labelled, carry no label
    if conn.execute(_LABELLED, {"ids": sorted(sources)}).first() is None:  # the common case: one cheap query
        return 0
    spread = (
        select(events.c.target_id.label("id"), _C.label.label("label"), _C.origin_id.label("origin"))
        .join(_C_TABLE, _C.node_id == events.c.source_id)
        .where(
            events.c.source_id.in_(sorted(sources)), events.c.target_id.in_(sorted(targets)),
            _C.propagate.is_(True), _C.removed_at.is_(None),
        )
        .cte("spread", recursive=True)
    )
    spread = spread.union(
        select(events.c.target_id, spread.c.label, spread.c.origin).join(spread, events.c.source_id == spread.c.id)
    )
    query = select(
        spread.c.id, spread.c.label, spread.c.origin, literal(True), literal(now, _C.created_at.type), literal(actor)
    ).where(true())  # SQLite reads "FROM spread ON CONFLICT" as a join without a WHERE between
    statement = _insert_statement(conn).from_select(
        ["node_id", "label", "origin_id", "propagate", "created_at", "created_by"], query
    )
    return conn.execute(statement.on_conflict_do_nothing(index_elements=_KEY)).rowcount


# Built once (this runs on every link): whether any of the sources carries a propagating label.
_LABELLED = select(_C.node_id).where(
    _C.node_id.in_(bindparam("ids", expanding=True)), _C.propagate.is_(True), _C.removed_at.is_(None)
).limit(1)


def declassify(conn: Connection, node_id: int, label: str, *, actor: str, now: datetime) -> int:
    """Remove ``label`` from the node, and everywhere it propagated from the node; returns rows removed."""
    result = conn.execute(
        update(classifications)
        .where(_C.label == label, _C.removed_at.is_(None), or_(_C.node_id == node_id, _C.origin_id == node_id))
        .values(removed_at=now, removed_by=actor)
    )
    return result.rowcount


def active(conn: Connection, node_id: int) -> list[Classification]:
    """The labels a node carries now, each with the ref of the node it came from."""
    return active_of(conn, [node_id]).get(node_id, [])


def active_of(conn: Connection, node_ids: Sequence[int]) -> dict[int, list[Classification]]:
    """The labels each of ``node_ids`` carries now (nodes with none left out): two statements however many
    nodes, and the load of the labels' origins."""
    if not node_ids:
        return {}
    dialect = conn.dialect.name
    rows = conn.execute(_active_statement(dialect), {"ids": bound_ids(dialect, node_ids)}).all()
    if not rows:
        return {}
    origins = load_nodes(conn, sorted({r.origin_id for r in rows}))
    sources = {(r.node_id, r.label): r.source  # a copied label keeps its origin's source
               for r in conn.execute(_sources_statement(dialect), {"origins": bound_ids(dialect, list(origins))})}
    found: dict[int, list[Classification]] = {}
    for r in rows:
        found.setdefault(r.node_id, []).append(Classification(
            label=r.label, origin=origins[r.origin_id].ref, propagate=r.propagate, created_at=r.created_at,
            created_by=r.created_by, source=sources.get((r.origin_id, r.label), "manual")))
    return found


@cache
def _active_statement(dialect_name: str) -> Select[Any]:
    return (select(_C.node_id, _C.label, _C.origin_id, _C.propagate, _C.created_at, _C.created_by)
            .where(among(dialect_name, _C.node_id, "ids"), _C.removed_at.is_(None))
            .order_by(_C.node_id, _C.label, _C.id))


@cache
def _sources_statement(dialect_name: str) -> Select[Any]:
    """How each origin's labels came to it (manual, or found in its content)."""
    return (select(_C.node_id, _C.label, _C.source)
            .where(among(dialect_name, _C.node_id, "origins"), _C.origin_id == _C.node_id))


def _spread(
    conn: Connection, start: int, label: str, origin: int, actor: str, now: datetime
) -> int:
    reach = reachable_ids(start, "downstream")
    query = select(
        reach.c.id, literal(label), literal(origin, Id), literal(True), literal(now, _C.created_at.type),
        literal(actor),
    )
    query = query.where(reach.c.id != start)
    statement = _insert_statement(conn).from_select(
        ["node_id", "label", "origin_id", "propagate", "created_at", "created_by"], query
    )
    return conn.execute(statement.on_conflict_do_nothing(index_elements=_KEY)).rowcount


def _insert_statement(conn: Connection) -> postgresql.Insert | sqlite.Insert:
    """The INSERT every new classification goes through (so the transaction knows it labelled something)."""
    tx = _txn.of(conn)
    if tx is not None:
        tx.classified = True
    if conn.dialect.name == "postgresql":
        return postgresql.insert(classifications)
    return sqlite.insert(classifications)
