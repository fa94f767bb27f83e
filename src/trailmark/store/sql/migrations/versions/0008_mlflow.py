"""mlflow: experiment lifecycle and tags, logged models

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import trailmark.store.sql._tables as tm_types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("contexts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lifecycle", sa.String(length=10), server_default="active", nullable=False))

    op.create_table(
        "context_tags",
        sa.Column("context_id", _ID, nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["context_id"], ["contexts.id"], name=op.f("fk_context_tags_context_id_contexts")),
        sa.PrimaryKeyConstraint("context_id", "key", name=op.f("pk_context_tags")),
    )
    op.create_table(
        "registered_models",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("tags", tm_types.Json, nullable=False),
        sa.Column("created_at", tm_types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", tm_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_registered_models_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registered_models")),
        sa.UniqueConstraint("project_id", "name", name="uq_registered_models_key"),
    )
    op.create_table(
        "mlflow_files",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("digest", sa.String(length=71), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", tm_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_mlflow_files_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mlflow_files")),
        sa.UniqueConstraint("project_id", "path", name="uq_mlflow_files_key"),
    )
    op.create_table(
        "logged_models",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("experiment_id", _ID, nullable=False),
        sa.Column("run_id", _ID, nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("model_type", sa.String(length=100), nullable=True),
        sa.Column("params", tm_types.Json, nullable=False),
        sa.Column("tags", tm_types.Json, nullable=False),
        sa.Column("artifact_id", _ID, nullable=True),
        sa.Column("created_at", tm_types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", tm_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["artifact_id"], ["artifacts.id"], name=op.f("fk_logged_models_artifact_id_artifacts")),
        sa.ForeignKeyConstraint(["experiment_id"], ["contexts.id"],
                                name=op.f("fk_logged_models_experiment_id_contexts")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_logged_models_project_id_projects")),
        sa.ForeignKeyConstraint(["run_id"], ["executions.id"], name=op.f("fk_logged_models_run_id_executions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logged_models")),
    )
    with op.batch_alter_table("logged_models", schema=None) as batch_op:
        batch_op.create_index("ix_logged_models_experiment", ["experiment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("logged_models", schema=None) as batch_op:
        batch_op.drop_index("ix_logged_models_experiment")
    op.drop_table("logged_models")
    op.drop_table("mlflow_files")
    op.drop_table("registered_models")
    op.drop_table("context_tags")
    with op.batch_alter_table("contexts", schema=None) as batch_op:
        batch_op.drop_column("lifecycle")
