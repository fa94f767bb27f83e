"""lifecycle: run uid, parent, soft delete, description, heartbeat

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

import trailmark.store.sql._tables as tm_types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Columns are added in place: no table copy on SQLite, where rows of other tables point at
    # these (so parent_id has no foreign key; the store checks it). uid starts as '' and gets a
    # random value per existing run before it is indexed.
    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=32), server_default="", nullable=False))
        batch_op.add_column(sa.Column("parent_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("lifecycle", sa.String(length=10), server_default="active", nullable=False))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", tm_types.UTCDateTime(), nullable=True))
    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lifecycle", sa.String(length=10), server_default="active", nullable=False))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))

    conn = op.get_bind()
    runs = sa.table("executions", sa.column("id", _ID), sa.column("uid", sa.String(32)))
    for (execution_id,) in conn.execute(sa.select(runs.c.id)).all():
        conn.execute(runs.update().where(runs.c.id == execution_id).values(uid=uuid.uuid4().hex))
    if conn.dialect.name != "sqlite":  # SQLite cannot drop a default without copying the table
        op.alter_column("executions", "uid", server_default=None)

    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.create_index("ix_executions_uid", ["uid"], unique=True)
        batch_op.create_index("ix_executions_parent", ["parent_id"], unique=False)
        batch_op.create_index("ix_executions_heartbeat", ["status", "heartbeat_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.drop_index("ix_executions_heartbeat")
        batch_op.drop_index("ix_executions_parent")
        batch_op.drop_index("ix_executions_uid")
    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.drop_column("description")
        batch_op.drop_column("lifecycle")
    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("description")
        batch_op.drop_column("lifecycle")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("uid")
