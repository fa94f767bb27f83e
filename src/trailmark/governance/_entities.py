"""Plain records of governance: users, tokens, members, classifications, tombstones."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from trailmark.governance._roles import Role


@dataclasses.dataclass(frozen=True)
class User:
    name: str
    created_at: datetime
    created_by: str | None = None
    disabled_at: datetime | None = None  # set: every token of the user is refused


@dataclasses.dataclass(frozen=True)
class TokenInfo:
    """A token as the store knows it (never the secret itself)."""

    id: str
    user: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclasses.dataclass(frozen=True)
class IssuedToken:
    """A new token: ``token`` is shown this once and is not stored."""

    id: str
    user: str
    token: str
    expires_at: datetime | None = None

    def __repr__(self) -> str:
        return f"IssuedToken(id={self.id!r}, user={self.user!r}, token='***', expires_at={self.expires_at!r})"


@dataclasses.dataclass(frozen=True)
class Member:
    project: str
    user: str
    role: Role


@dataclasses.dataclass(frozen=True)
class Classification:
    """A label on a node; ``origin`` is the ref of the node it was applied to (itself, or upstream)."""

    label: str
    origin: str
    propagate: bool
    created_at: datetime
    created_by: str | None = None
    source: str = "manual"  # manual, detected (found in the data by capture) or declared (sensitive=...)


@dataclasses.dataclass(frozen=True)
class Restriction:
    """A label readable in a project only with ``min_role`` or more (``store.restrict``)."""

    project: str
    label: str
    min_role: Role
    created_at: datetime
    created_by: str | None = None


@dataclasses.dataclass(frozen=True)
class Usage:
    """Who read a node, or which execution consumed it, and when (``store.audit.usage``)."""

    actor: str
    at: datetime
    action: str  # "read" or "consumed"
    execution: str | None = None  # the consuming execution's ref, for "consumed"
    name: str | None = None  # the consuming execution's name


@dataclasses.dataclass(frozen=True)
class Tombstone:
    """What is left of a purged node: its identity, and who purged it, when and why."""

    ref: str
    type: str
    name: str
    version: int | None
    digest: str | None
    purged_by: str
    purged_at: datetime
    reason: str
