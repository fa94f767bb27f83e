"""The SQL store's governance, part two: classifications, sensitive values, purge.

:class:`Protection` works on the :class:`~trailmark.store.sql._scope.Scope` it is handed;
every change appends an audit entry.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, select

from trailmark.entities import Artifact
from trailmark.errors import NotFoundError, ValidationError
from trailmark.governance import Classification, Keyring, Restriction, Role, Tombstone, parse_duration
from trailmark.governance._sensitive import unseal
from trailmark.store import _validate
from trailmark.store.sql import _classify, _keys, _purge
from trailmark.store.sql._audit import Change
from trailmark.store.sql._scope import Scope
from trailmark.store.sql._tables import artifacts, executions, restrictions
from trailmark.store.sql._upsert import upsert

if TYPE_CHECKING:
    from trailmark.store import NodeLike

_FIELDS = {"artifact": ("properties",), "execution": ("params",)}


class Protection:
    """Classifications, encrypted values and purge over one store's database."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    # -- classifications ------------------------------------------------------------------

    def classify(self, ref: NodeLike, label: str, *, propagate: bool = True) -> list[Classification]:
        """Label a node (``PII``, ``SENSITIVE``...); a propagating label follows lineage downstream.

        It reaches every node downstream now, and the outputs of executions that read a
        labelled node later, each recording the node it came from. Returns the node's labels.

        Example:
            >>> store.classify("dataset:housing-raw@1", "PII")
        """
        label = _validate.type_name(label, "classification label")
        scope = self.scope

        def work(conn: Connection) -> str:
            _, node = scope.node(conn, ref)
            _classify.classify(conn, node, label, propagate=propagate, actor=scope.actor, now=scope.now())
            return scope.node_ref(conn, node)

        scope.audited(work, lambda target: Change("classify", target, {"label": label, "propagate": propagate}))
        return self.classifications(ref)

    def declassify(self, ref: NodeLike, label: str) -> None:
        """Remove ``label`` from a node and from wherever it propagated from that node.

        Nodes labelled through this one keep labels that came from elsewhere; a
        declassified node no longer passes the label on to later outputs.
        """
        label = _validate.type_name(label, "classification label")
        scope = self.scope

        def work(conn: Connection) -> str:
            _, node = scope.node(conn, ref)
            if not _classify.declassify(conn, node, label, actor=scope.actor, now=scope.now()):
                raise NotFoundError(f"{scope.node_ref(conn, node)} is not classified {label!r}")
            return scope.node_ref(conn, node)

        scope.audited(work, lambda target: Change("declassify", target, {"label": label}))

    def classifications(self, ref: NodeLike) -> list[Classification]:
        """The labels a node carries, each with its origin (the node it was applied to)."""
        with self.scope.read() as conn:
            _, node = self.scope.node(conn, ref)
            return _classify.active(conn, node)

    # -- restricted labels --------------------------------------------------------------

    def restrict(self, label: str, *, min_role: Role | str = Role.EDITOR) -> Restriction:
        """In this project, let only ``min_role`` or above read nodes labelled ``label``.

        Below it, ``get`` is refused, ``search`` leaves them out and ``lineage`` shows a
        placeholder without content. Restricting again replaces the role.

        Example:
            >>> store.restrict("PII", min_role="editor")
        """
        label = _validate.type_name(label, "classification label")
        role = Role.parse(min_role)
        scope = self.scope

        def work(conn: Connection) -> Restriction:
            now = scope.now()
            row = {"project_id": scope.project_id, "label": label, "min_role": role.value, "created_at": now,
                   "created_by": scope.actor}
            upsert(conn, restrictions, row, keys=["project_id", "label"], update=["min_role", "created_at",
                                                                                  "created_by"])
            return Restriction(scope.project, label, role, now, scope.actor)

        return scope.audited(work, lambda done: Change(
            "label.restrict", f"project:{scope.project}", {"label": label, "min_role": role.value}))

    def unrestrict(self, label: str) -> None:
        """Lift the restriction on ``label`` in this project."""
        scope = self.scope

        def work(conn: Connection) -> None:
            gone = conn.execute(delete(restrictions).where(
                restrictions.c.project_id == scope.project_id, restrictions.c.label == label)).rowcount
            if not gone:
                raise NotFoundError(f"label {label!r} is not restricted in project {scope.project!r}")

        scope.audited(work, lambda _: Change("label.unrestrict", f"project:{scope.project}", {"label": label}))

    def restrictions(self) -> list[Restriction]:
        """This project's restricted labels."""
        with self.scope.read() as conn:
            rows = conn.execute(select(restrictions).where(restrictions.c.project_id == self.scope.project_id)
                                .order_by(restrictions.c.label)).all()
        return [Restriction(self.scope.project, r.label, Role(r.min_role), r.created_at, r.created_by) for r in rows]

    # -- sensitive values -------------------------------------------------------------

    def reveal(self, ref: NodeLike, path: str) -> Any:
        """Decrypt one Sensitive value; every reveal appends a ``sensitive.read`` audit entry.

        Args:
            ref: the artifact or execution.
            path: where the value is: ``properties.KEY[.KEY...]`` (artifacts) or
                ``params.KEY[...]`` (executions).

        Raises:
            PermissionDeniedError: the key that encrypted the value is not configured.
        """
        keys = path.split(".") if isinstance(path, str) else []
        scope = self.scope

        def work(conn: Connection) -> tuple[str, Any]:
            kind, node = scope.node(conn, ref)
            if len(keys) < 2 or keys[0] not in _FIELDS[kind]:
                raise ValidationError(f"invalid path {path!r}: expected {' or '.join(_FIELDS[kind])}.KEY for an {kind}")
            table = artifacts if kind == "artifact" else executions
            value = conn.execute(select(table.c[keys[0]]).where(table.c.id == node)).scalar_one()
            for key in keys[1:]:
                if not isinstance(value, dict) or key not in value:
                    raise NotFoundError(f"{scope.node_ref(conn, node)} has no value at {path!r}")
                value = value[key]
            return scope.node_ref(conn, node), unseal(value, Keyring.from_env())

        _, plain = scope.audited(work, lambda done: Change("sensitive.read", done[0], {"path": path}))
        return plain

    # -- purge ------------------------------------------------------------------------

    def purge(self, ref: NodeLike, *, reason: str) -> Tombstone:
        """Erase a node's content everywhere, keeping a tombstone and the graph's shape.

        Properties, uri, params, tags, environment, resources, error text, description,
        metrics and search rows go (see ``_purge.purge``), and so do the node's kept bytes in
        the artifact root when nothing else keeps them; SQLite overwrites the freed pages and
        empties its write-ahead log. Digests left in the audit log are keyed, so they cannot
        confirm a guess of what was erased.

        Example:
            >>> store.purge("dataset:patients@3", reason="GDPR erasure request #1234")
        """
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError("a purge needs a reason (who asked, which request)")
        scope = self.scope

        def work(conn: Connection) -> tuple[Tombstone, str | None]:
            kind, node = scope.node(conn, ref)
            _, key = _keys.current(conn, scope.now())
            stone, blob = _purge.purge(conn, node, kind, reason=reason.strip(), actor=scope.actor, now=scope.now(),
                                       key=key)
            return stone, blob if blob is not None and not _purge.bytes_still_used(conn, blob) else None

        stone, blob = scope.audited(work, lambda done: Change("purge", done[0].ref, {"reason": done[0].reason}))
        if blob is not None and scope.erase_bytes is not None:
            scope.erase_bytes(blob)
        with scope.engine.connect() as conn:
            _purge.checkpoint(conn)
        return stone

    def tombstone(self, ref: NodeLike) -> Tombstone | None:
        """What a purge left of a node (None if it was never purged)."""
        with self.scope.read() as conn:
            _, node = self.scope.node(conn, ref)
            return _purge.tombstone(conn, node)

    def retention_candidates(self, *, older_than: str | timedelta, type: str | None = None) -> list[Artifact]:
        """Artifacts of this project older than ``older_than`` (``"180d"``) and not yet purged."""
        before = self.scope.now() - parse_duration(older_than)
        if type is not None:
            _validate.type_name(type)
        with self.scope.read() as conn:
            return _purge.retention_candidates(conn, self.scope.project_id, before=before, type=type)
