"""Reads of labelled nodes: hidden below a restricted label's role, and audited.

Every read the SQL store answers with nodes (``get``, ``search``, ``lineage``, ``versions``)
passes them through :meth:`Guard.screen`. A node carrying a label that the project
restricts (``store.restrict("PII", min_role="editor")``) is, for a reader below that role,
refused (``get``), left out (``search``) or shown as a placeholder without content
(``lineage``). Nodes that carry any label and are shown are recorded: one ``read`` audit
entry per call (or per request: store/_reads.py), with one ``audit_reads`` row per labelled
node, so ``store.audit.usage`` answers who read them. The reader's role is the store's
``reader_role``: None (an embedded store, the local user) may read everything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from contextlib import nullcontext
from functools import cache
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection, Select, select

from trailmark.entities import Artifact, Execution, Node
from trailmark.errors import PermissionDeniedError
from trailmark.governance import Role
from trailmark.store import _reads
from trailmark.store.sql import _audit
from trailmark.store.sql._id_list import among, bound_ids
from trailmark.store.sql._scope import Scope
from trailmark.store.sql._tables import audit_reads, classifications, restrictions

N = TypeVar("N", bound=Node)
Hidden = Literal["refuse", "drop", "placeholder"]
PLACEHOLDER_NAME = "(restricted)"
_C = classifications.c


def labels_of(conn: Connection, ids: Sequence[int]) -> dict[int, set[str]]:
    """The active labels of each node that has any (one statement, whatever the number of ids)."""
    found: dict[int, set[str]] = {}
    if not ids:
        return found
    dialect = conn.dialect.name
    rows = conn.execute(_labels_statement(dialect), {"ids": bound_ids(dialect, ids)})
    for node_id, label in rows:
        found.setdefault(node_id, set()).add(label)
    return found


@cache
def _labels_statement(dialect_name: str) -> Select[Any]:
    """Built once per dialect: every read of nodes runs it."""
    return select(_C.node_id, _C.label).where(among(dialect_name, _C.node_id, "ids"), _C.removed_at.is_(None))


def restricted(conn: Connection, project_id: int) -> dict[str, Role]:
    """The project's restricted labels and the least role that reads them."""
    rows = conn.execute(select(restrictions.c.label, restrictions.c.min_role).where(
        restrictions.c.project_id == project_id))
    return {label: Role(role) for label, role in rows}


def placeholder(node: N) -> N:
    """A node as a reader without the right sees it in lineage: its place in the graph, no content."""
    if isinstance(node, Artifact):
        return dataclasses.replace(node, name=PLACEHOLDER_NAME, uri=None, properties={}, description=None,
                                   digest="sha256:" + "0" * 64, created_by=None)
    if isinstance(node, Execution):
        return dataclasses.replace(node, name=PLACEHOLDER_NAME, params={}, environment={}, resources={},
                                   error=None, description=None, created_by=None)
    return node


class Guard:
    """Screens the nodes a read returns, for the scope's reader (``role`` None: every right)."""

    def __init__(self, scope: Scope, role: Role | None) -> None:
        self.scope = scope
        self.role = role

    def screen(self, nodes: Sequence[N], *, hidden: Hidden, what: str, conn: Connection | None = None) -> list[N]:
        """``nodes`` as the reader may see them; the labelled ones shown are audited as one ``read``.

        ``conn``: a read already open, to look the labels up in (else one is opened)."""
        if not nodes:
            return []
        ids = [n.id for n in nodes]
        with nullcontext(conn) if conn is not None else self.scope.read() as reading:
            labels = labels_of(reading, ids)
            rules = restricted(reading, self.scope.project_id) if labels and self.role is not None else {}
        if not labels:
            return list(nodes)
        shown: list[N] = []
        for node in nodes:
            needed = self._needed(labels.get(node.id, set()), rules)
            if needed is None:
                shown.append(node)
            elif hidden == "refuse":
                raise PermissionDeniedError(
                    f"{node.ref} carries a label restricted to {needed.value}s or above in project "
                    f"{self.scope.project!r}: this caller is {self.role.value if self.role else 'no member'}"
                )
            elif hidden == "placeholder":
                shown.append(placeholder(node))
        read = sorted({n.id for n in shown if n.id in labels and n.name != PLACEHOLDER_NAME})
        if read:
            single = next(n.ref for n in shown if n.id == read[0]) if len(read) == 1 else None
            self._record(read, single or f"{what}:{len(read)} nodes", what)
        return shown

    def hidden_ids(self, ids: Sequence[int], *, what: str, target: str | None = None, audit: bool = True) -> set[int]:
        """The ids among ``ids`` this reader may not see, for reads that hold ids rather than nodes
        (MLflow, OpenLineage, automation); the labelled ones it may see are audited as one ``read``
        (``target``: its name when one node is read)."""
        return self._split(ids, what=what, target=target, audit=audit)[1]

    def labelled(self, ids: Sequence[int], *, what: str) -> set[int]:
        """The ids among ``ids`` that carry a label this reader may see them with (the UI graph marks them),
        audited as one ``read``; in two statements at most, whatever the number of ids."""
        return self._split(ids, what=what, target=None, audit=True)[0]

    def _split(self, ids: Sequence[int], *, what: str, target: str | None, audit: bool) -> tuple[set[int], set[int]]:
        """The labelled ids this reader may see (audited if ``audit``) and those hidden from it."""
        if not ids:
            return set(), set()
        with self.scope.read() as conn:
            labels = labels_of(conn, list(ids))
            rules = restricted(conn, self.scope.project_id) if labels and self.role is not None else {}
        hidden = {i for i in labels if self._needed(labels[i], rules) is not None}
        shown = set(labels) - hidden
        read = sorted(shown)
        if read and audit:
            self._record(read, target if target and len(read) == 1 else f"{what}:{len(read)} nodes", what)
        return shown, hidden

    def _needed(self, labels: set[str], rules: dict[str, Role]) -> Role | None:
        """The role this reader lacks to see a node with ``labels`` (None: may see it)."""
        if self.role is None:
            return None
        for label in sorted(labels):
            role = rules.get(label)
            if role is not None and role.rank > self.role.rank:
                return role
        return None

    def _record(self, ids: list[int], target: str, what: str) -> None:
        """One ``read`` entry for ``ids``, now or with the rest of the request's reads (store/_reads.py)."""
        scope = self.scope

        def write(node_ids: list[int], target: str, what: str) -> None:
            def work(conn: Connection) -> None:
                entry = _audit.append(conn, project=scope.project, actor=scope.actor, action="read", target=target,
                                      payload={"read": what, "nodes": node_ids}, now=scope.now())
                conn.execute(audit_reads.insert(), [{"seq": entry.seq, "node_id": i} for i in node_ids])

            scope.write(work)

        _reads.record((scope.project, scope.actor), write, ids, target, what)
