"""Parts of the Store protocol beyond the tracking core: the helpers built on it, and governance.

:class:`~trailmark.store.Store` inherits these, so they are as much the contract as
``log_artifact``: SqlStore and HttpStore implement every method, and the tracking API,
the CLI, the server and the UI call them without asking which backend they hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from typing_extensions import Self

    from trailmark.audit import Audit, AuditEntry, AuditReport
    from trailmark.compare import Comparison
    from trailmark.entities import Artifact
    from trailmark.governance import (
        Classification,
        IssuedToken,
        Member,
        Principal,
        Restriction,
        Role,
        TokenInfo,
        Tombstone,
        Usage,
        User,
    )
    from trailmark.registry import ModelRegistry
    from trailmark.store._protocol import NodeLike, Store
    from trailmark.tracking import Run


class Helpers(Protocol):
    """Conveniences every backend has (from :class:`~trailmark.store._base.StoreBase`), built on the core."""

    def log_metric(
        self, execution: NodeLike, key: str, value: float, *, step: int = 0, timestamp: datetime | None = None
    ) -> None: ...

    def log_metrics(
        self, execution: NodeLike, values: Mapping[str, float], *, step: int = 0, timestamp: datetime | None = None
    ) -> None: ...

    def log_param(self, execution: NodeLike, key: str, value: Any) -> None: ...

    def latest_metrics(self, execution: NodeLike) -> dict[str, float]: ...

    def latest_metrics_of(self, executions: Sequence[NodeLike]) -> list[dict[str, float]]: ...

    def run(
        self,
        name: str,
        *,
        type: str = "Run",
        experiment: str | None = None,
        params: Mapping[str, Any] | None = None,
        inputs: Sequence[Any] = (),
        cache: bool = False,
        system_metrics: bool | float | None = None,
    ) -> Run: ...

    @property
    def models(self) -> ModelRegistry: ...

    @property
    def audit(self) -> Audit: ...

    def compare(self, *refs: NodeLike) -> Comparison: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...


class Governance(Protocol):
    """The audit log, users and tokens, projects and members, classifications, sensitive values, purge.

    Over HTTP the server checks the caller's role for each (see docs/security.md).
    """

    # -- audit --------------------------------------------------------------------------

    def verify_audit(self, *, anchor: str | None = None, deep: bool = False) -> AuditReport: ...

    def audit_usage(self, ref: NodeLike) -> list[Usage]: ...

    def audit_entries(
        self,
        *,
        target: NodeLike | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        project: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]: ...

    # -- users, tokens, projects, members -------------------------------------------------

    def add_user(self, name: str) -> User: ...

    def users(self) -> list[User]: ...

    def create_token(self, user: str, *, expires: str | timedelta | None = None) -> IssuedToken: ...

    def revoke_token(self, token: str) -> TokenInfo: ...

    def tokens(self, *, user: str | None = None) -> list[TokenInfo]: ...

    def authenticate(self, token: str | None) -> Principal: ...

    def auth_required(self) -> bool: ...

    @staticmethod
    def authorize(principal: Principal, project: str, needed: Role | str) -> None: ...

    def add_project(self, name: str) -> str: ...

    def projects(self) -> list[str]: ...

    def for_project(self, project: str, *, actor: str | None = None, create: bool = False) -> Store: ...

    def add_member(self, project: str, user: str, role: Role | str) -> Member: ...

    def members(self, project: str | None = None) -> list[Member]: ...

    # -- withdrawing access, restricted labels (governance, second round) ------------------

    reader_role: Role | None
    """The reader's role in the project: labels restricted above it are hidden (None: every right)."""

    def remove_member(self, project: str, user: str) -> Member: ...

    def disable_user(self, name: str) -> User: ...

    def revoke_tokens(self, user: str) -> list[TokenInfo]: ...

    def restrict(self, label: str, *, min_role: Role | str = ...) -> Restriction: ...

    def unrestrict(self, label: str) -> None: ...

    def restrictions(self) -> list[Restriction]: ...

    # -- classifications, sensitive values, purge -----------------------------------------

    def classify(self, ref: NodeLike, label: str, *, propagate: bool = True) -> list[Classification]: ...

    def declassify(self, ref: NodeLike, label: str) -> None: ...

    def classifications(self, ref: NodeLike) -> list[Classification]: ...

    def reveal(self, ref: NodeLike, path: str) -> Any: ...

    def purge(self, ref: NodeLike, *, reason: str) -> Tombstone: ...

    def tombstone(self, ref: NodeLike) -> Tombstone | None: ...

    def retention_candidates(self, *, older_than: str | timedelta, type: str | None = None) -> list[Artifact]: ...
