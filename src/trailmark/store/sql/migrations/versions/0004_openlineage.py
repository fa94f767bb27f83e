"""openlineage: one execution per runId, datasets by (namespace, name), events as they came, column lineage

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:00:00

Stores split by the old identity rule (a new Dataset version whenever a mention's schema,
version or dataSource facets differed) are not merged here: a split version may already
be referenced by tags, classifications, aliases and audit entries, which a schema
migration cannot rewrite without breaking the audit chain. New events follow the new rule.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

import trailmark.store.sql._tables as tm_types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql").with_variant(
    sqlite.JSON(), "sqlite"
)


def upgrade() -> None:
    op.create_table(
        "openlineage_runs",
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("run_id", sa.String(length=200), nullable=False),
        sa.Column("execution_id", _ID, nullable=False),
        sa.Column("namespace", sa.String(length=300), nullable=False),
        sa.Column("job", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_openlineage_runs_project_id_projects")),
        sa.ForeignKeyConstraint(
            ["execution_id"], ["executions.id"], name=op.f("fk_openlineage_runs_execution_id_executions")
        ),
        sa.PrimaryKeyConstraint("project_id", "run_id", name=op.f("pk_openlineage_runs")),
        sa.UniqueConstraint("execution_id", name=op.f("uq_openlineage_runs_execution_id")),
    )
    for table in ("openlineage_jobs", "openlineage_datasets"):
        extra = [sa.Column("series", sa.String(length=300), nullable=False)] if table == "openlineage_datasets" else []
        keys = [sa.UniqueConstraint("project_id", "series", name="uq_openlineage_datasets_series")] if extra else []
        op.create_table(
            table,
            sa.Column("project_id", _ID, nullable=False),
            sa.Column("namespace", sa.String(length=300), nullable=False),
            sa.Column("name", sa.String(length=500), nullable=False),
            *extra,
            sa.Column("facets", _JSON, nullable=False),
            sa.Column("updated_at", tm_types.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f(f"fk_{table}_project_id_projects")),
            sa.PrimaryKeyConstraint("project_id", "namespace", "name", name=op.f(f"pk_{table}")),
            *keys,
        )
    op.create_table(
        "openlineage_events",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("execution_id", _ID, nullable=True),
        sa.Column("event_type", sa.String(length=20), nullable=True),
        sa.Column("received_at", tm_types.UTCDateTime(), nullable=False),
        sa.Column("event", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_openlineage_events_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["execution_id"], ["executions.id"], name=op.f("fk_openlineage_events_execution_id_executions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openlineage_events")),
    )
    with op.batch_alter_table("openlineage_events", schema=None) as batch_op:
        batch_op.create_index("ix_openlineage_events_project", ["project_id", "id"], unique=False)
        batch_op.create_index("ix_openlineage_events_execution", ["execution_id", "id"], unique=False)
    op.create_table(
        "column_edges",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("source_id", _ID, nullable=False),
        sa.Column("source_column", sa.String(length=300), nullable=False),
        sa.Column("target_id", _ID, nullable=False),
        sa.Column("target_column", sa.String(length=300), nullable=False),
        sa.Column("transformation", sa.Text(), nullable=True),
        sa.Column("execution_id", _ID, nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["artifacts.id"], name=op.f("fk_column_edges_source_id_artifacts")),
        sa.ForeignKeyConstraint(["target_id"], ["artifacts.id"], name=op.f("fk_column_edges_target_id_artifacts")),
        sa.ForeignKeyConstraint(
            ["execution_id"], ["executions.id"], name=op.f("fk_column_edges_execution_id_executions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_column_edges")),
        sa.UniqueConstraint("source_id", "source_column", "target_id", "target_column", name="uq_column_edges_key"),
    )
    with op.batch_alter_table("column_edges", schema=None) as batch_op:
        batch_op.create_index("ix_column_edges_target", ["target_id", "target_column"], unique=False)


def downgrade() -> None:
    for table in ("column_edges", "openlineage_events", "openlineage_datasets", "openlineage_jobs", "openlineage_runs"):
        op.drop_table(table)
