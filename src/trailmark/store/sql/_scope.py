"""What a piece of the SQL store (governance, protection) is handed to work: its scope.

A :class:`Scope` carries the store's project, actor and clock and its three ways in
(read, audited write, resolve a reference), as plain values and callables. The pieces
built on it call nothing else of the store, so a per-request view gives them a scope of
its own and they act for that project and caller.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine

from trailmark._clock import Clock
from trailmark.errors import ValidationError
from trailmark.store.sql._audit import Change
from trailmark.store.sql._lineage import load_nodes

if TYPE_CHECKING:
    from trailmark.store._protocol import NodeLike

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Scope:
    """A store's project, actor, clock, engine and its read / write / resolve entry points."""

    project: str
    project_id: int
    actor: str
    clock: Clock
    engine: Engine
    read: Callable[[], AbstractContextManager[Connection]]
    write: Callable[..., Any]  # write(work, *, audit=None): one transaction, audited with the Change returned
    resolve: Callable[..., tuple[str, int]]  # resolve(conn, ref, *, at=None) -> (kind, node id)
    erase_bytes: Callable[[str], bool] | None = None  # erase kept bytes by digest (None: no artifact root)

    def now(self) -> datetime:
        return self.clock.now()

    def audited(self, work: Callable[[Connection], T], audit: Callable[[T], Change | None]) -> T:
        """Run ``work`` in one write transaction, appending the audit entry ``audit(result)`` names."""
        result: T = self.write(work, audit=audit)
        return result

    def node_ref(self, conn: Connection, node: int) -> str:
        """The canonical reference of a node."""
        return load_nodes(conn, [node])[node].ref

    def node(self, conn: Connection, ref: NodeLike) -> tuple[str, int]:
        """``(kind, id)`` of the node ``ref`` names in this project."""
        return self.resolve(conn, ref)

    def execution_id(self, conn: Connection, ref: NodeLike) -> int:
        """The id of the execution ``ref`` names; ValidationError when it names an artifact."""
        kind, found = self.resolve(conn, ref)
        if kind != "execution":
            raise ValidationError(f"{ref if isinstance(ref, str) else found} is an artifact, not an execution")
        return found
