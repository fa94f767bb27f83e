"""governance, second round: restricted labels, disabled users, detected labels, audited row states

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import trailmark.store.sql._tables as tm_types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", tm_types.UTCDateTime(), nullable=True))
    with op.batch_alter_table("classifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=10), server_default="manual", nullable=False))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=80), nullable=True))
    op.create_table(
        "restrictions",
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("min_role", sa.String(length=10), nullable=False),
        sa.Column("created_at", tm_types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_restrictions_project_id_projects")),
        sa.PrimaryKeyConstraint("project_id", "label", name=op.f("pk_restrictions")),
    )
    op.create_table(
        "audit_reads",
        sa.Column("seq", _ID, autoincrement=False, nullable=False),
        sa.Column("node_id", _ID, autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("seq", "node_id", name=op.f("pk_audit_reads")),
    )
    with op.batch_alter_table("audit_reads", schema=None) as batch_op:
        batch_op.create_index("ix_audit_reads_node", ["node_id", "seq"], unique=False)
    op.create_table(
        "audit_keys",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", tm_types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_keys")),
    )


def downgrade() -> None:
    op.drop_table("audit_keys")
    op.drop_table("audit_reads")
    op.drop_table("restrictions")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("state")
    with op.batch_alter_table("classifications", schema=None) as batch_op:
        batch_op.drop_column("source")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
