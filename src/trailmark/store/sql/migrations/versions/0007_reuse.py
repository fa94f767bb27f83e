"""reuse: cache keys and cached_from on executions, meta-feature vectors of datasets

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from trailmark.reuse._features import features, has_profile

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Added in place (no table copy on SQLite); cached_from has no foreign key, the store checks it.
    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cache_key", sa.String(length=71), nullable=True))
        batch_op.add_column(sa.Column("cached_from", _ID, nullable=True))
        batch_op.create_index("ix_executions_cache_key", ["project_id", "cache_key"], unique=False)

    op.create_table(
        "dataset_features",
        sa.Column("artifact_id", _ID, autoincrement=False, nullable=False),
        sa.Column("project_id", _ID, nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artifact_id"], ["artifacts.id"], name=op.f("fk_dataset_features_artifact_id_artifacts")
        ),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_dataset_features_project_id_projects")),
        sa.PrimaryKeyConstraint("artifact_id", name=op.f("pk_dataset_features")),
    )
    with op.batch_alter_table("dataset_features", schema=None) as batch_op:
        batch_op.create_index("ix_dataset_features_project", ["project_id", "artifact_id"], unique=False)
    _index_existing_profiles()


def _index_existing_profiles() -> None:
    """Vectors for the datasets logged before this revision."""
    conn = op.get_bind()
    stored = sa.table("artifacts", sa.column("id", _ID), sa.column("project_id", _ID), sa.column("properties", sa.JSON))
    vectors = sa.table("dataset_features", sa.column("artifact_id", _ID), sa.column("project_id", _ID),
                       sa.column("vector", sa.LargeBinary))
    rows = [
        {"artifact_id": r.id, "project_id": r.project_id, "vector": features(r.properties).pack()}
        for r in conn.execute(sa.select(stored.c.id, stored.c.project_id, stored.c.properties))
        if isinstance(r.properties, dict) and has_profile(r.properties)
    ]
    if rows:
        conn.execute(vectors.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table("dataset_features", schema=None) as batch_op:
        batch_op.drop_index("ix_dataset_features_project")
    op.drop_table("dataset_features")
    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.drop_index("ix_executions_cache_key")
        batch_op.drop_column("cached_from")
        batch_op.drop_column("cache_key")
