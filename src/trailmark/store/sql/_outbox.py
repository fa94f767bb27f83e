"""The webhook outbox in SQL: queue in the caller's transaction, claim with a lease, record attempts.

:func:`queue` runs inside the write that caused the events, so an event is stored exactly
when its change commits. :class:`SqlOutbox` is what the delivery worker claims from:
on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` (workers skip each other's rows), on SQLite
under the write lock every write transaction takes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, func, select

from trailmark._clock import Clock
from trailmark.automation._events import Occurrence
from trailmark.automation._sending import Outcome, Outgoing
from trailmark.store.sql import _session, _webhooks
from trailmark.store.sql._tables import webhook_attempts, webhook_deliveries, webhooks

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def queue(conn: Connection, *, project_id: int, project: str, found: Sequence[Occurrence], now: datetime) -> int:
    """Queue one delivery per event and subscribed hook of the project; the number queued."""
    if not found:
        return 0
    hooks = _webhooks.subscriptions(conn, project_id)
    rows = []
    for occurrence in found:
        for hook in hooks:
            if occurrence.event not in hook.events:
                continue
            uid = uuid.uuid4().hex
            body = {"id": uid, "event": occurrence.event, "time": now.isoformat(), "project": project,
                    "subject": occurrence.subject, "data": occurrence.data}
            rows.append({
                "webhook_id": hook.id, "uid": uid, "event": occurrence.event, "subject": occurrence.subject[:500],
                "body": json.dumps(body, default=str, separators=(",", ":")), "state": PENDING, "attempts": 0,
                "next_attempt_at": now, "created_at": now,
            })
    if rows:
        conn.execute(webhook_deliveries.insert(), rows)
    return len(rows)


class SqlOutbox:
    """The delivery worker's view of the outbox (see :class:`~trailmark.automation.DeliveryWorker`)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def now(self) -> datetime:
        return self.clock.now()

    def claim(self, *, owner: str, limit: int, lease: timedelta, due_only: bool) -> list[Outgoing]:
        """Lease up to ``limit`` pending deliveries of live hooks to ``owner``."""
        d = webhook_deliveries

        def work(conn: Connection) -> list[Outgoing]:
            now = self.clock.now()
            query = (
                select(d.c.id, d.c.uid, d.c.event, d.c.body, d.c.attempts, webhooks.c.url, webhooks.c.secret)
                .join(webhooks, webhooks.c.id == d.c.webhook_id)
                .where(d.c.state == PENDING, webhooks.c.removed_at.is_(None),
                       (d.c.claimed_until.is_(None)) | (d.c.claimed_until < now))
                .order_by(d.c.id)
                .limit(limit)
                .with_for_update(of=d, skip_locked=True)
            )
            if due_only:
                query = query.where(d.c.next_attempt_at <= now)
            rows = conn.execute(query).all()
            if rows:
                conn.execute(d.update().where(d.c.id.in_([r.id for r in rows]))
                             .values(claimed_until=now + lease, claimed_by=owner))
            return [Outgoing(r.id, r.uid, r.event, r.url, r.secret, r.body.encode(), r.attempts) for r in rows]

        return _session.write(self.engine, work)

    def record(self, item: Outgoing, outcome: Outcome, *, owner: str, retry_in: timedelta | None) -> None:
        """Keep the attempt; the delivery is delivered, pending again (after ``retry_in``) or failed."""
        d = webhook_deliveries

        def work(conn: Connection) -> None:
            now = self.clock.now()
            conn.execute(webhook_attempts.insert().values(
                delivery_id=item.delivery_id, attempt=item.attempts + 1, at=now, status_code=outcome.status_code,
                error=outcome.error, duration_ms=outcome.duration_ms,
            ))
            state = DELIVERED if outcome.ok else PENDING if retry_in is not None else FAILED
            values = {"attempts": d.c.attempts + 1, "status_code": outcome.status_code, "claimed_until": None,
                      "claimed_by": None, "next_attempt_at": now + retry_in if retry_in is not None else None}
            # Another worker may have delivered it after this one's lease ran out: delivered stays delivered.
            conn.execute(d.update().where(d.c.id == item.delivery_id, d.c.state != DELIVERED)
                         .values(state=state, delivered_at=now if outcome.ok else None, **values))

        _session.write(self.engine, work)

    def next_due(self) -> datetime | None:
        """When the earliest pending delivery is due (None: nothing pending)."""
        with _session.read(self.engine) as conn:
            return conn.execute(
                select(func.min(webhook_deliveries.c.next_attempt_at)).where(webhook_deliveries.c.state == PENDING)
            ).scalar()


def backlog(conn: Connection) -> dict[str, int]:
    """Deliveries by state, over every project (for /metrics)."""
    rows = conn.execute(select(webhook_deliveries.c.state, func.count()).group_by(webhook_deliveries.c.state))
    return {state: count for state, count in rows}
