"""automation: webhooks, outbox, deliveries, protected aliases, health checks, drift thresholds

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

import trailmark.store.sql._tables as tm_types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = (
    sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql").with_variant(sqlite.JSON(), "sqlite")
)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "webhooks",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("events", _JSON, nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("created_at", tm_types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("removed_at", tm_types.UTCDateTime(), nullable=True),
        _fk("webhooks", "project_id", "projects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    op.create_index("ix_webhooks_project", "webhooks", ["project_id", "id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("webhook_id", _ID, nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=50), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("next_attempt_at", tm_types.UTCDateTime(), nullable=True),
        sa.Column("claimed_until", tm_types.UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", tm_types.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", tm_types.UTCDateTime(), nullable=True),
        _fk("webhook_deliveries", "webhook_id", "webhooks"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("uid", name=op.f("uq_webhook_deliveries_uid")),
    )
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["state", "next_attempt_at"])
    op.create_index("ix_webhook_deliveries_hook", "webhook_deliveries", ["webhook_id", "id"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("delivery_id", _ID, nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", tm_types.UTCDateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        _fk("webhook_attempts", "delivery_id", "webhook_deliveries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempts")),
    )
    op.create_index("ix_webhook_attempts_delivery", "webhook_attempts", ["delivery_id", "attempt"])
    op.create_table(
        "alias_protections",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("model", sa.String(length=300), nullable=False),
        sa.Column("alias", sa.String(length=100), nullable=False),
        sa.Column("metric", sa.String(length=250), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("min_improvement", sa.String(length=50), nullable=False),
        sa.Column("created_at", tm_types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        _fk("alias_protections", "project_id", "projects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alias_protections")),
        sa.UniqueConstraint("project_id", "model", "alias", name="uq_alias_protections_key"),
    )
    op.create_table(
        "deployment_health",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("deployment", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=50), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("checked_at", tm_types.UTCDateTime(), nullable=False),
        sa.Column("checked_by", sa.String(length=200), nullable=True),
        _fk("deployment_health", "project_id", "projects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment_health")),
    )
    op.create_index("ix_deployment_health_series", "deployment_health", ["project_id", "deployment", "id"])
    op.create_table(
        "drift_thresholds",
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("deployment", sa.String(length=300), nullable=False),
        sa.Column("thresholds", _JSON, nullable=False),
        sa.Column("set_at", tm_types.UTCDateTime(), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=True),
        _fk("drift_thresholds", "project_id", "projects"),
        sa.PrimaryKeyConstraint("project_id", "deployment", name=op.f("pk_drift_thresholds")),
    )


def downgrade() -> None:
    for table in ("drift_thresholds", "deployment_health", "alias_protections", "webhook_attempts",
                  "webhook_deliveries", "webhooks"):
        op.drop_table(table)
