"""Webhooks in SQL: subscriptions of a project, and their deliveries with every attempt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from trailmark.automation._entities import Delivery, DeliveryAttempt, Webhook
from trailmark.errors import NotFoundError
from trailmark.store.sql import _txn
from trailmark.store.sql._tables import webhook_attempts, webhook_deliveries, webhooks


def _to_webhook(row: Any, project: str) -> Webhook:
    return Webhook(id=row.id, project=project, url=row.url, events=list(row.events), signed=bool(row.secret),
                   created_at=row.created_at, created_by=row.created_by)


# Built once: looked up on every write that causes an event.
_HOOKS = select(webhooks.c.id, webhooks.c.events).where(
    webhooks.c.project_id == bindparam("project_id"), webhooks.c.removed_at.is_(None)
)


def subscriptions(conn: Connection, project_id: int) -> Sequence[Any]:
    """``(id, events)`` of the project's live hooks, read once per write transaction (see _txn): only
    :func:`add` and :func:`remove` change them, and they forget what was read."""
    tx = _txn.of(conn)
    if tx is None:
        return conn.execute(_HOOKS, {"project_id": project_id}).all()
    return tx.once(("webhooks", project_id), lambda: conn.execute(_HOOKS, {"project_id": project_id}).all())


def _changed(conn: Connection, project_id: int) -> None:
    tx = _txn.of(conn)
    if tx is not None:
        tx.forget(("webhooks", project_id))


def add(conn: Connection, *, project_id: int, project: str, url: str, events: list[str], secret: str | None,
        actor: str, now: datetime) -> Webhook:
    hook_id = conn.execute(
        webhooks.insert().values(project_id=project_id, url=url, events=events, secret=secret, created_at=now,
                                 created_by=actor).returning(webhooks.c.id)
    ).scalar_one()
    _changed(conn, project_id)
    return get(conn, project_id=project_id, project=project, hook_id=hook_id)


def get(conn: Connection, *, project_id: int, project: str, hook_id: int) -> Webhook:
    """A live hook of the project; NotFoundError naming it otherwise."""
    row = conn.execute(
        select(webhooks).where(webhooks.c.id == hook_id, webhooks.c.project_id == project_id,
                               webhooks.c.removed_at.is_(None))
    ).first()
    if row is None:
        raise NotFoundError(f"no webhook {hook_id} in project {project!r}: `trailmark webhooks list` shows them")
    return _to_webhook(row, project)


def listed(conn: Connection, *, project_id: int, project: str) -> list[Webhook]:
    rows = conn.execute(
        select(webhooks).where(webhooks.c.project_id == project_id, webhooks.c.removed_at.is_(None))
        .order_by(webhooks.c.id)
    )
    return [_to_webhook(r, project) for r in rows]


def remove(conn: Connection, *, project_id: int, project: str, hook_id: int, now: datetime) -> Webhook:
    hook = get(conn, project_id=project_id, project=project, hook_id=hook_id)
    conn.execute(webhooks.update().where(webhooks.c.id == hook_id).values(removed_at=now))
    _changed(conn, project_id)
    return hook


def deliveries(conn: Connection, *, hook_id: int) -> list[Delivery]:
    """A hook's deliveries, oldest first, each with its attempts in order."""
    d, a = webhook_deliveries, webhook_attempts
    rows = conn.execute(select(d).where(d.c.webhook_id == hook_id).order_by(d.c.id)).all()
    attempts: dict[int, list[DeliveryAttempt]] = {}
    if rows:
        found = conn.execute(
            select(a).join(d, d.c.id == a.c.delivery_id).where(d.c.webhook_id == hook_id).order_by(a.c.id)
        )
        for t in found:
            attempts.setdefault(t.delivery_id, []).append(
                DeliveryAttempt(attempt=t.attempt, at=t.at, status_code=t.status_code, error=t.error,
                                duration_ms=t.duration_ms)
            )
    return [
        Delivery(id=r.uid, webhook_id=r.webhook_id, event=r.event, subject=r.subject, state=r.state,
                 status_code=r.status_code, attempts=r.attempts, created_at=r.created_at,
                 next_attempt_at=r.next_attempt_at, delivered_at=r.delivered_at, history=attempts.get(r.id, []))
        for r in rows
    ]
