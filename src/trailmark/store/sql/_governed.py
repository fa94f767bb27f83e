"""The SQL store's governance, part one: the audit log, users, tokens, projects, members.

:class:`Governance` works on a :class:`~trailmark.store.sql._scope.Scope` it is handed;
:class:`~trailmark.store.sql.SqlStore` builds one per call and keeps the public methods.
An embedded store acts as the local user with every right; the server checks roles
before it calls these (see ``trailmark.server._auth``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from trailmark.audit import AuditEntry, AuditReport, parse_anchor, verify
from trailmark.entities import Artifact, Execution
from trailmark.errors import NotFoundError, ValidationError
from trailmark.governance import IssuedToken, Member, Principal, Role, TokenInfo, Usage, User, parse_duration
from trailmark.store import _validate
from trailmark.store.sql import _access, _audit, _deep, _usage
from trailmark.store.sql._audit import Change
from trailmark.store.sql._scope import Scope

if TYPE_CHECKING:
    from trailmark.store import NodeLike


class Governance:
    """Audit log and access control over one store's database, as its scope's actor."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    # -- audit ------------------------------------------------------------------------

    def verify_audit(self, *, anchor: str | None = None, deep: bool = False) -> AuditReport:
        """Recompute the hash chain over every entry, check it reaches the newest data, and with
        ``deep`` re-hash every node against the state its latest entry recorded (see ``_deep``)."""
        expected = parse_anchor(anchor) if anchor is not None else None
        with self.scope.read() as conn:
            report = _deep.coverage(conn, verify(_audit.stream(conn), anchor=expected))
            return _deep.deep(conn, report) if deep else report

    def audit_entries(
        self,
        *,
        target: NodeLike | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        project: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """The newest ``limit`` entries, oldest first (``store.audit.log()``); ``project`` keeps one project's."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValidationError(f"limit must be a whole number >= 1, got {limit!r}")
        ref = self.target_ref(target) if target is not None else None
        with self.scope.read() as conn:
            return _audit.entries(conn, target=ref, actor=actor, since=since, project=project, limit=limit)

    def usage(self, ref: NodeLike) -> list[Usage]:
        """Who read a node (``read`` entries) and which executions consumed it (``consumed``), oldest first."""
        with self.scope.read() as conn:
            _, node = self.scope.node(conn, ref)
            return _usage.usage(conn, node)

    def target_ref(self, target: NodeLike) -> str:
        """A node's canonical reference, or the text as given (``user:alice``, ``token:ID``)."""
        if isinstance(target, (Artifact, Execution)):
            return target.ref
        try:
            with self.scope.read() as conn:
                return self.scope.node_ref(conn, self.scope.node(conn, target)[1])
        except (NotFoundError, ValidationError):
            return str(target)

    # -- users and tokens -------------------------------------------------------------

    def add_user(self, name: str) -> User:
        """Register a user. Once any user exists, the server requires a token on every route."""
        _validate.node_name(name, "user name", max_length=_validate.MAX_SHORT_NAME)
        scope = self.scope
        return scope.audited(
            lambda conn: _access.add_user(conn, name, actor=scope.actor, now=scope.now()),
            lambda user: Change("user.add", f"user:{name}", {"name": name}, unscoped=True),
        )

    def users(self) -> list[User]:
        with self.scope.read() as conn:
            return _access.list_users(conn)

    def create_token(self, user: str, *, expires: str | timedelta | None = None) -> IssuedToken:
        """A new API token for ``user``; ``.token`` is shown once, the store keeps only its hash.

        Args:
            user: an existing user's name.
            expires: a lifetime such as ``"30d"`` or a timedelta; None never expires.
        """
        scope = self.scope
        expires_at = scope.now() + parse_duration(expires) if expires is not None else None
        return scope.audited(
            lambda conn: _access.create_token(conn, user, expires_at=expires_at, now=scope.now()),
            lambda issued: Change(
                "token.create", f"token:{issued.id}", {"user": user, "expires_at": expires_at}, unscoped=True
            ),
        )

    def revoke_token(self, token: str) -> TokenInfo:
        """Revoke a token given by its id or by the token itself (revoking twice is harmless)."""
        scope = self.scope
        return scope.audited(
            lambda conn: _access.revoke_token(conn, token, now=scope.now()),
            lambda info: Change("token.revoke", f"token:{info.id}", {"user": info.user}, unscoped=True),
        )

    def revoke_tokens(self, user: str) -> list[TokenInfo]:
        """Revoke every token of ``user``; the tokens revoked now."""
        scope = self.scope
        return scope.audited(
            lambda conn: _access.revoke_user_tokens(conn, user, now=scope.now()),
            lambda done: Change("token.revoke_all", f"user:{user}", {"tokens": [t.id for t in done]}, unscoped=True),
        )

    def disable_user(self, name: str) -> User:
        """Refuse every token of ``name`` at once, on the next request; the user and their records stay."""
        scope = self.scope
        return scope.audited(
            lambda conn: _access.disable_user(conn, name, now=scope.now()),
            lambda user: Change("user.disable", f"user:{name}", {"name": name}, unscoped=True),
        )

    def tokens(self, *, user: str | None = None) -> list[TokenInfo]:
        with self.scope.read() as conn:
            return _access.list_tokens(conn, user=user)

    def authenticate(self, token: str | None) -> Principal:
        """The user a bearer token belongs to, with their role in each project.

        Raises:
            AuthenticationError: the token is empty, malformed, unknown, expired or revoked.
        """
        with self.scope.read() as conn:
            return _access.authenticate(conn, token, now=self.scope.now())

    def auth_required(self) -> bool:
        """Whether the store has users (and so the server asks every caller for a token)."""
        with self.scope.read() as conn:
            return _access.any_user(conn)

    # -- projects and members ---------------------------------------------------------

    def add_project(self, name: str) -> str:
        """Create a project (a namespace and the unit of access control); harmless if it exists."""
        _validate.project_name(name)
        self.scope.audited(
            lambda conn: _access.add_project(conn, name, now=self.scope.now()),
            lambda created: Change("project.add", f"project:{name}", {"name": name}, name) if created else None,
        )
        return name

    def projects(self) -> list[str]:
        with self.scope.read() as conn:
            return _access.list_projects(conn)

    def add_member(self, project: str, user: str, role: Role | str) -> Member:
        """Give ``user`` a role in ``project`` (viewer, editor or admin), replacing any earlier one."""
        parsed = Role.parse(role)
        return self.scope.audited(
            lambda conn: _access.set_member(conn, project, user, parsed),
            lambda member: Change("member.set", f"project:{project}", {"user": user, "role": parsed.value}, project),
        )

    def remove_member(self, project: str, user: str) -> Member:
        """Take ``user``'s role in ``project`` away (what they had is returned); effective on the next request."""
        return self.scope.audited(
            lambda conn: _access.remove_member(conn, project, user),
            lambda member: Change("member.remove", f"project:{project}", {"user": user, "role": member.role.value},
                                  project),
        )

    def members(self, project: str | None = None) -> list[Member]:
        with self.scope.read() as conn:
            return _access.list_members(conn, project)
