"""Governance over REST: classifications, sensitive values, purge, the audit log, members.

Reading is for viewers of the project; classifying, revealing, purging and managing
members are for its admins. The audit log shown is the project's own entries.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response
from pydantic import BaseModel, ConfigDict, Field

from trailmark.entities import to_dict
from trailmark.governance import Role
from trailmark.server._deps import Admin, Reader, Revealer, api_router

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
    store: Reader, anchor: Annotated[str | None, Query(max_length=100, description="SEQ:HASH kept from earlier.")] = None
) -> dict[str, Any]:
    """Whether the whole audit chain verifies (and still holds ``anchor``), and the first bad seq if not."""
    return to_dict(store.audit.verify(anchor=anchor))


@router.get("/members")
def members(store: Reader) -> list[dict[str, Any]]:
    """The project's members and their roles."""
    return [to_dict(m) for m in store.members(store.project)]


@router.put("/members/{user}")
def set_member(user: str, body: MemberIn, store: Admin) -> dict[str, Any]:
    """Give a user a role in the project (admin)."""
    return to_dict(store.add_member(store.project, user, body.role))
