"""HttpStore's governance part: the audit log, classifications, sensitive values, purge, members.

Each method is "payload -> request -> record", over the routes of
``trailmark.server.routes.governance``; the server checks the caller's role. Users and
tokens are managed where the database is (``trailmark users``, ``trailmark tokens``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from trailmark.audit import AuditEntry, AuditReport
from trailmark.entities import Artifact, Execution, from_dict
from trailmark.errors import ValidationError
from trailmark.governance import Classification, Member, Restriction, Role, TokenInfo, Tombstone, Usage, User
from trailmark.store._protocol import NodeLike
from trailmark.store.http._transport import Transport
from trailmark.store.http._wire import path_ref


class HttpGovernance:
    """The governance routes of one project, through the transport it is handed; HttpStore delegates."""

    def __init__(self, transport: Transport, project: str) -> None:
        self.transport = transport
        self.project = project

    def verify_audit(self, *, anchor: str | None = None, deep: bool = False) -> AuditReport:
        """Whether the server's whole audit chain verifies (``store.audit.verify()``).

        The size and head of the chain come back only to a caller who administers every project.
        """
        params: dict[str, Any] = {"anchor": anchor} if anchor is not None else {}
        if deep:
            params["deep"] = "true"
        return AuditReport(**self.transport.request("GET", "/audit/verify", params=params))

    def audit_usage(self, ref: NodeLike) -> list[Usage]:
        """Who read a node and which executions consumed it (``store.audit.usage``)."""
        found = self.transport.request("GET", f"/audit/usage/{path_ref(ref)}")
        return [from_dict(Usage, u) for u in found]

    def restrict(self, label: str, *, min_role: Role | str = Role.EDITOR) -> Restriction:
        body = {"min_role": Role.parse(min_role).value}
        found = self.transport.request("PUT", f"/restrictions/{quote(label, safe='')}", json=body)
        return _restriction(found)

    def unrestrict(self, label: str) -> None:
        self.transport.request("DELETE", f"/restrictions/{quote(label, safe='')}")

    def restrictions(self) -> list[Restriction]:
        return [_restriction(r) for r in self.transport.request("GET", "/restrictions")]

    def remove_member(self, project: str, user: str) -> Member:
        found = self.transport.request("DELETE", f"/members/{quote(user, safe='')}", params={"project": project})
        return _member(found)

    def disable_user(self, name: str) -> User:
        return from_dict(User, self.transport.request("POST", f"/users/{quote(name, safe='')}/disable"))

    def revoke_tokens(self, user: str) -> list[TokenInfo]:
        found = self.transport.request("POST", "/tokens/revoke", json={"user": user})
        return [from_dict(TokenInfo, t) for t in found]

    def audit_entries(
        self,
        *,
        target: NodeLike | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        project: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """The connected project's newest entries, oldest first (``store.audit.log()``)."""
        if project not in (None, self.project):
            raise ValidationError("over HTTP the audit log is the connected project's: connect with project=...")
        params: dict[str, Any] = {"limit": limit}
        if target is not None:
            params["target"] = target.ref if isinstance(target, (Artifact, Execution)) else str(target)
        if actor is not None:
            params["actor"] = actor
        if since is not None:
            params["since"] = since.isoformat()
        found = self.transport.request("GET", "/audit", params=params)
        return [from_dict(AuditEntry, e) for e in found]

    def classify(self, ref: NodeLike, label: str, *, propagate: bool = True) -> list[Classification]:
        body = {"label": label, "propagate": propagate}
        found = self.transport.request("POST", f"/classifications/{path_ref(ref)}", json=body)
        return [from_dict(Classification, c) for c in found]

    def declassify(self, ref: NodeLike, label: str) -> None:
        self.transport.request("DELETE", f"/classifications/{path_ref(ref)}", params={"label": label})

    def classifications(self, ref: NodeLike) -> list[Classification]:
        found = self.transport.request("GET", f"/classifications/{path_ref(ref)}")
        return [from_dict(Classification, c) for c in found]

    def reveal(self, ref: NodeLike, path: str) -> Any:
        """Decrypt one sensitive value on the server (admins only; audited there)."""
        return self.transport.request("POST", f"/reveal/{path_ref(ref)}", json={"path": path})["value"]

    def purge(self, ref: NodeLike, *, reason: str) -> Tombstone:
        found = self.transport.request("POST", f"/purge/{path_ref(ref)}", json={"reason": reason})
        return from_dict(Tombstone, found)

    def tombstone(self, ref: NodeLike) -> Tombstone | None:
        found = self.transport.request("GET", f"/tombstones/{path_ref(ref)}")["tombstone"]
        return None if found is None else from_dict(Tombstone, found)

    def members(self, project: str | None = None) -> list[Member]:
        params = {"project": project} if project is not None else {}
        found = self.transport.request("GET", "/members", params=params)
        return [_member(m) for m in found]

    def add_member(self, project: str, user: str, role: Role | str) -> Member:
        body = {"role": Role.parse(role).value}
        found = self.transport.request(
            "PUT", f"/members/{quote(user, safe='')}", params={"project": project}, json=body
        )
        return _member(found)


def _member(data: dict[str, Any]) -> Member:
    return Member(project=data["project"], user=data["user"], role=Role(data["role"]))


def _restriction(data: dict[str, Any]) -> Restriction:
    return Restriction(project=data["project"], label=data["label"], min_role=Role(data["min_role"]),
                       created_at=datetime.fromisoformat(data["created_at"]), created_by=data.get("created_by"))


