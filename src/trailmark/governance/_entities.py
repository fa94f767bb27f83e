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
