"""Tables of the MLflow-compatible API (migration 0008): experiment tags, registered models,
the artifact proxy's path index and MLflow 3 logged models. Part of ``_tables.metadata``."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint

from trailmark.store.sql._tables import Id, Json, When, metadata

context_tags = Table(
    "context_tags",
    metadata,
    Column("context_id", Id, ForeignKey("contexts.id"), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("value", Text, nullable=False),
)

# A model series as MLflow names it: it may exist before its first version, and carries a
# description and tags of its own. Its versions are the Model artifacts of that name.
registered_models = Table(
    "registered_models",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("description", Text),
    Column("tags", Json, nullable=False),
    Column("created_at", When, nullable=False),
    Column("updated_at", When, nullable=False),
    UniqueConstraint("project_id", "name", name="uq_registered_models_key"),
)

# Files uploaded through /api/2.0/mlflow-artifacts: a path names bytes kept by digest.
mlflow_files = Table(
    "mlflow_files",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("path", String(1000), nullable=False),
    Column("digest", String(71), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("created_at", When, nullable=False),
    UniqueConstraint("project_id", "path", name="uq_mlflow_files_key"),
)

# MLflow 3 logged models; finalizing one as READY logs its Model artifact (artifact_id).
logged_models = Table(
    "logged_models",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("experiment_id", Id, ForeignKey("contexts.id"), nullable=False),
    Column("run_id", Id, ForeignKey("executions.id")),
    Column("name", String(300), nullable=False),
    Column("status", String(20), nullable=False),
    Column("model_type", String(100)),
    Column("params", Json, nullable=False),
    Column("tags", Json, nullable=False),
    Column("artifact_id", Id, ForeignKey("artifacts.id")),
    Column("created_at", When, nullable=False),
    Column("updated_at", When, nullable=False),
    Index("ix_logged_models_experiment", "experiment_id"),
)
