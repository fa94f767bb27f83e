"""Governance over REST: classifications, restricted labels, sensitive values, purge, the audit
log and usage, members, and withdrawing access.

Reading is for viewers of the project; classifying, restricting, revealing, purging and
managing members are for its admins. The audit log shown is the project's own entries;
the chain's store-wide size and head only to a caller who administers every project.
Disabling a user or revoking their tokens needs admin of every project they belong to
(or being that user, for one's own tokens).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from trailmark.entities import to_dict
from trailmark.errors import AuthenticationError, NotFoundError, PermissionDeniedError, ValidationError
from trailmark.governance import Principal, Role
from trailmark.server._deps import Admin, Reader, Revealer, api_router
from trailmark.store.sql import SqlStore

router = api_router("governance")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClassifyIn(_In):
    label: str = Field(max_length=100)
    propagate: bool = True


class RevealIn(_In):
    path: str = Field(max_length=2000, description="properties.KEY[.KEY...] or params.KEY")


class PurgeIn(_In):
    reason: str = Field(max_length=2000)


class MemberIn(_In):
    role: Role


class RestrictIn(_In):
    min_role: Role = Role.EDITOR


class RevokeIn(_In):
    token: str | None = Field(default=None, max_length=10_000, description="The token itself, or its id.")
    user: str | None = Field(default=None, max_length=200, description="Revoke every token of this user.")


@router.get("/classifications/{ref:path}")
def classifications(ref: str, store: Reader) -> list[dict[str, Any]]:
    """The labels of a node, each with its origin."""
    return [to_dict(c) for c in store.classifications(ref)]


@router.post("/classifications/{ref:path}")
def classify(ref: str, body: ClassifyIn, store: Admin) -> list[dict[str, Any]]:
    """Label a node; a propagating label follows lineage downstream (admin)."""
    return [to_dict(c) for c in store.classify(ref, body.label, propagate=body.propagate)]


@router.delete("/classifications/{ref:path}", status_code=204, response_class=Response)
def declassify(ref: str, store: Admin, label: Annotated[str, Query(max_length=100)]) -> None:
    """Remove a label from a node and from what inherited it from the node (admin)."""
    store.declassify(ref, label)


@router.post("/reveal/{ref:path}")
def reveal(ref: str, body: RevealIn, store: Revealer) -> dict[str, Any]:
    """Decrypt one sensitive value (admin, or editor with TRAILMARK_REVEAL_ROLE=editor); every reveal is audited."""
    return {"value": store.reveal(ref, body.path)}


@router.post("/purge/{ref:path}")
def purge(ref: str, body: PurgeIn, store: Admin) -> dict[str, Any]:
    """Erase a node's properties, uri and params, keeping a tombstone (admin)."""
    return to_dict(store.purge(ref, reason=body.reason))


@router.get("/tombstones/{ref:path}")
def tombstone(ref: str, store: Reader) -> dict[str, Any]:
    """``{"tombstone": ...}``: what a purge left of a node, or null if it was never purged."""
    found = store.tombstone(ref)
    return {"tombstone": to_dict(found) if found is not None else None}


@router.get("/audit")
def audit_log(
    store: Reader,
    target: Annotated[str | None, Query(max_length=500)] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[
        str | None, Query(max_length=40, description="ISO 8601 date or time, or a duration back: 7d.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
) -> list[dict[str, Any]]:
    """The project's newest audit entries, oldest first."""
    entries = store.audit.log(target=target, actor=actor, since=since, project=store.project, limit=limit)
    return [to_dict(e) for e in entries]


@router.get("/audit/verify")
def audit_verify(
    store: Reader,
    request: Request,
    anchor: Annotated[str | None, Query(max_length=100, description="SEQ:HASH kept from earlier.")] = None,
    deep: Annotated[bool, Query(description="Also re-hash every node against its audited state.")] = False,
) -> dict[str, Any]:
    """Whether the whole audit chain verifies (and still holds ``anchor``), and the first bad seq if not.

    The chain spans every project: its size and head are shown only to a caller who
    administers every project (anyone, on an open server).
    """
    report = store.audit.verify(anchor=anchor, deep=deep)
    if not _administers_all(request, store):
        report = dataclasses.replace(report, checked=0, head_seq=None, head_hash=None, rows=None)
    return to_dict(report)


@router.get("/audit/usage/{ref:path}")
def audit_usage(ref: str, store: Reader) -> list[dict[str, Any]]:
    """Who read a node and which executions consumed it, and when."""
    return [to_dict(u) for u in store.audit.usage(ref)]


@router.get("/restrictions")
def restrictions(store: Reader) -> list[dict[str, Any]]:
    """The project's restricted labels and the least role that reads them."""
    return [to_dict(r) for r in store.restrictions()]


@router.put("/restrictions/{label}")
def restrict(label: str, body: RestrictIn, store: Admin) -> dict[str, Any]:
    """Let only ``min_role`` or above read nodes carrying ``label`` in the project (admin)."""
    return to_dict(store.restrict(label, min_role=body.min_role))


@router.delete("/restrictions/{label}", status_code=204, response_class=Response)
def unrestrict(label: str, store: Admin) -> None:
    """Lift a label's restriction (admin)."""
    store.unrestrict(label)


@router.get("/members")
def members(store: Reader) -> list[dict[str, Any]]:
    """The project's members and their roles."""
    return [to_dict(m) for m in store.members(store.project)]


@router.put("/members/{user}")
def set_member(user: str, body: MemberIn, store: Admin) -> dict[str, Any]:
    """Give a user a role in the project (admin)."""
    return to_dict(store.add_member(store.project, user, body.role))


@router.delete("/members/{user}")
def remove_member(user: str, store: Admin) -> dict[str, Any]:
    """Take a user's role in the project away (admin); their next request is refused."""
    return to_dict(store.remove_member(store.project, user))


@router.post("/users/{name}/disable")
def disable_user(name: str, store: Reader, request: Request) -> dict[str, Any]:
    """Refuse every token of a user from the next request (admin of every project they belong to)."""
    _require_admin_over(request, store, name)
    return to_dict(store.disable_user(name))


@router.post("/tokens/revoke")
def revoke(body: RevokeIn, store: Reader, request: Request) -> list[dict[str, Any]]:
    """Revoke one token (given whole or by id) or every token of ``user``: one's own, or as their admin."""
    if (body.token is None) == (body.user is None):
        raise ValidationError("give token (the token or its id) or user, not both")
    if body.user is not None:
        _require_admin_over(request, store, body.user)
        return [to_dict(t) for t in store.revoke_tokens(body.user)]
    assert body.token is not None
    owner = _token_owner(store, body.token)
    _require_admin_over(request, store, owner)
    return [to_dict(store.revoke_token(body.token))]


def _principal(request: Request) -> Principal | None:
    found: Principal | None = getattr(request.state, "principal", None)
    return found


def _administers_all(request: Request, store: SqlStore) -> bool:
    caller = _principal(request)
    return caller is None or all(caller.role(p) is Role.ADMIN for p in store.projects())


def _token_owner(store: SqlStore, token: str) -> str:
    token = token.strip()
    if token.startswith("tm_"):
        try:
            return store.authenticate(token).user
        except AuthenticationError as exc:
            raise NotFoundError("that token is not live here (unknown, expired or revoked already)") from exc
    owner = next((t.user for t in store.tokens() if t.id == token), None)
    if owner is None:
        raise NotFoundError(f"no token with id {token!r}")
    return owner


def _require_admin_over(request: Request, store: SqlStore, user: str) -> None:
    """Refuse unless the caller is ``user`` or administers every project ``user`` belongs to."""
    caller = _principal(request)
    if caller is None or caller.user == user:
        return
    projects = {m.project for m in store.members() if m.user == user}
    if not all(caller.role(p) is Role.ADMIN for p in projects) or not any(
        r is Role.ADMIN for r in caller.roles.values()
    ):
        raise PermissionDeniedError(
            f"user {caller.user!r} may not manage user {user!r}: that needs admin of every project they belong to"
        )
