"""HttpStore's governance face: the audit log, classifications, sensitive values, purge, members.

Each method is "payload -> request -> record", over the routes of
``trailmark.server.routes.governance``; the server checks the caller's role. Users and
tokens are managed where the database is (``trailmark users``, ``trailmark tokens``).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

from trailmark.audit import AuditEntry, AuditReport
from trailmark.entities import Artifact, Execution
from trailmark.errors import ValidationError
from trailmark.governance import Classification, Member, Role, Tombstone
from trailmark.store._protocol import NodeLike

T = TypeVar("T")


class HttpGovernance:
    """Mixed into :class:`~trailmark.store.http.HttpStore`."""

    def verify_audit(self, *, anchor: str | None = None) -> AuditReport:
        """Whether the server's whole audit chain verifies (``store.audit.verify()``)."""
        params = {"anchor": anchor} if anchor is not None else {}
        return AuditReport(**self._request("GET", "/audit/verify", params=params))  # type: ignore[attr-defined]

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
        if project not in (None, self.project):  # type: ignore[attr-defined]
            raise ValidationError("over HTTP the audit log is the connected project's: connect with project=...")
        params: dict[str, Any] = {"limit": limit}
        if target is not None:
            params["target"] = target.ref if isinstance(target, (Artifact, Execution)) else str(target)
        if actor is not None:
            params["actor"] = actor
        if since is not None:
            params["since"] = since.isoformat()
        found = self._request("GET", "/audit", params=params)  # type: ignore[attr-defined]
        return [_record(AuditEntry, e, "time") for e in found]

    def classify(self, ref: NodeLike, label: str, *, propagate: bool = True) -> list[Classification]:
        body = {"label": label, "propagate": propagate}
        found = self._request("POST", f"/classifications/{_path(ref)}", json=body)  # type: ignore[attr-defined]
        return [_record(Classification, c, "created_at") for c in found]

    def declassify(self, ref: NodeLike, label: str) -> None:
        self._request("DELETE", f"/classifications/{_path(ref)}", params={"label": label})  # type: ignore[attr-defined]

    def classifications(self, ref: NodeLike) -> list[Classification]:
        found = self._request("GET", f"/classifications/{_path(ref)}")  # type: ignore[attr-defined]
        return [_record(Classification, c, "created_at") for c in found]

    def reveal(self, ref: NodeLike, path: str) -> Any:
        """Decrypt one sensitive value on the server (admins only; audited there)."""
        return self._request("POST", f"/reveal/{_path(ref)}", json={"path": path})["value"]  # type: ignore[attr-defined]

    def purge(self, ref: NodeLike, *, reason: str) -> Tombstone:
        found = self._request("POST", f"/purge/{_path(ref)}", json={"reason": reason})  # type: ignore[attr-defined]
        return _record(Tombstone, found, "purged_at")

    def tombstone(self, ref: NodeLike) -> Tombstone | None:
        found = self._request("GET", f"/tombstones/{_path(ref)}")["tombstone"]  # type: ignore[attr-defined]
        return None if found is None else _record(Tombstone, found, "purged_at")

    def members(self, project: str | None = None) -> list[Member]:
        params = {"project": project} if project is not None else {}
        found = self._request("GET", "/members", params=params)  # type: ignore[attr-defined]
        return [Member(project=m["project"], user=m["user"], role=Role(m["role"])) for m in found]

    def add_member(self, project: str, user: str, role: Role | str) -> Member:
        body = {"role": Role.parse(role).value}
        found = self._request(  # type: ignore[attr-defined]
            "PUT", f"/members/{quote(user, safe='')}", params={"project": project}, json=body
        )
        return Member(project=found["project"], user=found["user"], role=Role(found["role"]))


def _path(ref: NodeLike) -> str:
    text = ref.ref if isinstance(ref, (Artifact, Execution)) else str(ref)
    return quote(text, safe=":@/")


def _record(cls: type[T], data: dict[str, Any], *times: str) -> T:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values = {k: v for k, v in data.items() if k in names}
    for name in times:
        if isinstance(values.get(name), str):
            values[name] = datetime.fromisoformat(values[name])
    return cls(**values)
