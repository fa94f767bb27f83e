"""The schema, in SQLAlchemy Core. It changes only through Alembic migrations.

Artifacts and executions share one id space (``nodes``), so a bare id names one node,
events are plain ``source -> target`` edges, and tags or classifications can sit on
either kind of node.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BIGINT on PostgreSQL; INTEGER on SQLite, where only "INTEGER PRIMARY KEY" is the rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")
# JSONB on PostgreSQL (indexable, compact); JSON text elsewhere.
Json = JSON().with_variant(postgresql.JSONB(), "postgresql").with_variant(sqlite.JSON(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


When = UTCDateTime()

projects = Table(
    "projects",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", When, nullable=False),
)

nodes = Table(
    "nodes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # "artifact" | "execution"
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("id", Id, ForeignKey("nodes.id"), primary_key=True, autoincrement=False),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("type", String(100), nullable=False),
    Column("name", String(300), nullable=False),
    Column("version", Integer, nullable=False),
    Column("digest", String(71), nullable=False),
    Column("uri", Text),
    Column("properties", Json, nullable=False),
    Column("created_at", When, nullable=False),
    Column("created_by", String(200)),
    Column("lifecycle", String(10), nullable=False, server_default="active"),  # active | deleted
    Column("description", Text),
    UniqueConstraint("project_id", "type", "name", "version", name="uq_artifacts_series_version"),
    UniqueConstraint("project_id", "type", "name", "digest", name="uq_artifacts_series_digest"),
    Index("ix_artifacts_name", "project_id", "name", "version"),
    Index("ix_artifacts_digest", "digest"),
    Index("ix_artifacts_created", "project_id", "created_at"),
)

environments = Table(
    "environments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("digest", String(71), nullable=False, unique=True),
    Column("packages", Json, nullable=False),
)

executions = Table(
    "executions",
    metadata,
    Column("id", Id, ForeignKey("nodes.id"), primary_key=True, autoincrement=False),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("type", String(100), nullable=False),
    Column("name", String(300), nullable=False),
    Column("status", String(10), nullable=False),
    Column("params", Json, nullable=False),
    Column("environment", Json, nullable=False),
    Column("environment_id", Id, ForeignKey("environments.id")),
    Column("started_at", When, nullable=False),
    Column("ended_at", When),
    Column("resources", Json, nullable=False),
    Column("error", Text),
    Column("created_by", String(200)),
    # reuse (migration 0007): the cache key of a cached step, and the execution a cache hit reused
    # (checked by the store: no foreign key, so SQLite adds the column without copying the table)
    Column("cache_key", String(71)),
    Column("cached_from", Id),
    # lifecycle (migration 0003): uid is random and never changes; parent_id names the run
    # this one is nested in (checked by the store: no foreign key, see the migration).
    Column("uid", String(32), nullable=False),
    Column("parent_id", Id),
    Column("lifecycle", String(10), nullable=False, server_default="active"),  # active | deleted
    Column("description", Text),
    Column("heartbeat_at", When),
    Index("ix_executions_uid", "uid", unique=True),
    Index("ix_executions_parent", "parent_id"),
    Index("ix_executions_heartbeat", "status", "heartbeat_at"),
    Index("ix_executions_started", "project_id", "started_at"),
    Index("ix_executions_name", "project_id", "name"),
    Index("ix_executions_type", "project_id", "type", "started_at"),
    Index("ix_executions_cache_key", "project_id", "cache_key"),
)

# One row per parameter, beside the params JSON, so that search can use an index.
params = Table(
    "params",
    metadata,
    Column("execution_id", Id, ForeignKey("executions.id"), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("value_text", Text),
    Column("value_num", Float),
    Index("ix_params_key_text", "key", "value_text"),
    Index("ix_params_key_num", "key", "value_num"),
)

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source_id", Id, ForeignKey("nodes.id"), nullable=False),
    Column("target_id", Id, ForeignKey("nodes.id"), nullable=False),
    Column("kind", String(6), nullable=False),  # INPUT: artifact -> execution; OUTPUT: execution -> artifact
    Column("role", String(100)),
    UniqueConstraint("source_id", "target_id", name="uq_events_edge"),
    Index("ix_events_target", "target_id", "source_id"),
)

metrics = Table(
    "metrics",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("execution_id", Id, ForeignKey("executions.id"), nullable=False),
    Column("key", String(250), nullable=False),
    Column("value", Float, nullable=False),
    Column("step", BigInteger, nullable=False),
    Column("timestamp", When, nullable=False),
    Index("ix_metrics_series", "execution_id", "key", "step"),
)

# The value at the latest step of each series, with its running min and max, kept up to
# date on every write so that search and ordering by a metric use one indexed row.
latest_metrics = Table(
    "latest_metrics",
    metadata,
    Column("execution_id", Id, ForeignKey("executions.id"), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("value", Float, nullable=False),
    Column("step", BigInteger, nullable=False),
    Column("timestamp", When, nullable=False),
    Column("min_value", Float, nullable=False),
    Column("max_value", Float, nullable=False),
    Index("ix_latest_metrics_key_value", "key", "value"),
)

contexts = Table(
    "contexts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("type", String(100), nullable=False),
    Column("name", String(300), nullable=False),
    Column("created_at", When, nullable=False),
    Column("lifecycle", String(10), nullable=False, server_default="active"),  # an MLflow experiment's (0008)
    UniqueConstraint("project_id", "type", "name", name="uq_contexts_key"),
)

context_members = Table(
    "context_members",
    metadata,
    Column("context_id", Id, ForeignKey("contexts.id"), primary_key=True),
    Column("node_id", Id, ForeignKey("nodes.id"), primary_key=True),
    Index("ix_context_members_node", "node_id"),
)

tags = Table(
    "tags",
    metadata,
    Column("node_id", Id, ForeignKey("nodes.id"), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("value", Text, nullable=False),
    Index("ix_tags_key_value", "key", "value"),
)

alias_moves = Table(
    "alias_moves",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("model", String(300), nullable=False),
    Column("alias", String(100), nullable=False),
    Column("artifact_id", Id, ForeignKey("artifacts.id")),  # NULL: the alias was removed
    Column("set_by", String(200)),
    Column("set_at", When, nullable=False),
    Index("ix_alias_moves_lookup", "project_id", "model", "alias", "id"),
)

# -- governance: see docs/security.md ------------------------------------------------

# Append-only and hash-chained: ``seq`` is assigned under the chain lock, never reused.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=False),
    Column("time", When, nullable=False),
    Column("project", String(200)),
    Column("actor", String(200), nullable=False),
    Column("action", String(50), nullable=False),
    Column("target", String(500), nullable=False),
    Column("change", String(71), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("state", String(80)),  # keyed digest of the target node's rows after the write (migration 0006)
    Index("ix_audit_log_target", "target", "seq"),
    Index("ix_audit_log_actor", "actor", "seq"),
    Index("ix_audit_log_time", "time"),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", When, nullable=False),
    Column("created_by", String(200)),
    Column("disabled_at", When),  # set: every token of the user is refused (migration 0006)
)

# Only the SHA-256 of a token is kept; ``id`` is its public part, used to revoke it.
tokens = Table(
    "tokens",
    metadata,
    Column("id", String(12), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id"), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Column("created_at", When, nullable=False),
    Column("expires_at", When),
    Column("revoked_at", When),
    Index("ix_tokens_user", "user_id"),
)

members = Table(
    "members",
    metadata,
    Column("project_id", Id, ForeignKey("projects.id"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id"), primary_key=True),
    Column("role", String(10), nullable=False),  # viewer | editor | admin
    Index("ix_members_user", "user_id"),
)

# A label on a node, from ``origin_id`` (the node it was applied to, or an upstream one it
# propagated from). Declassified rows keep ``removed_at`` so propagation does not revive them.
classifications = Table(
    "classifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("node_id", Id, ForeignKey("nodes.id"), nullable=False),
    Column("label", String(100), nullable=False),
    Column("origin_id", Id, ForeignKey("nodes.id"), nullable=False),
    Column("propagate", Boolean, nullable=False),
    Column("created_at", When, nullable=False),
    Column("created_by", String(200)),
    Column("removed_at", When),
    Column("removed_by", String(200)),
    Column("source", String(10), nullable=False, server_default="manual"),  # manual | detected | declared (0006)
    UniqueConstraint("node_id", "label", "origin_id", name="uq_classifications_key"),
    Index("ix_classifications_label", "label", "node_id"),
    Index("ix_classifications_origin", "origin_id"),
)

# Labels a project restricts to a minimum role (migration 0006): nodes carrying one are hidden below it.
restrictions = Table(
    "restrictions",
    metadata,
    Column("project_id", Id, ForeignKey("projects.id"), primary_key=True),
    Column("label", String(100), primary_key=True),
    Column("min_role", String(10), nullable=False),  # viewer | editor | admin
    Column("created_at", When, nullable=False),
    Column("created_by", String(200)),
)

# The nodes a ``read`` audit entry covers: one entry per read request, one row per classified node read (0006).
audit_reads = Table(
    "audit_reads",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=False),
    Column("node_id", Id, primary_key=True, autoincrement=False),
    Index("ix_audit_reads_node", "node_id", "seq"),
)

# The key of the audit log's digests when no TRAILMARK_SECRET_KEY is set: random, one per store (0006).
audit_keys = Table(
    "audit_keys",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("key", String(64), nullable=False),  # hex of 32 random bytes
    Column("created_at", When, nullable=False),
)

tombstones = Table(
    "tombstones",
    metadata,
    Column("node_id", Id, ForeignKey("nodes.id"), primary_key=True),
    Column("purged_by", String(200), nullable=False),
    Column("purged_at", When, nullable=False),
    Column("reason", Text, nullable=False),
)

# OpenLineage (migration 0004). A runId names one execution: concurrent events of one run
# meet on the primary key, not on a lookup. A (namespace, name) names one Dataset series.
openlineage_runs = Table(
    "openlineage_runs",
    metadata,
    Column("project_id", Id, ForeignKey("projects.id"), primary_key=True),
    Column("run_id", String(200), primary_key=True),
    Column("execution_id", Id, ForeignKey("executions.id"), nullable=False, unique=True),
    Column("namespace", String(300), nullable=False),
    Column("job", String(500), nullable=False),
)

openlineage_jobs = Table(
    "openlineage_jobs",
    metadata,
    Column("project_id", Id, ForeignKey("projects.id"), primary_key=True),
    Column("namespace", String(300), primary_key=True),
    Column("name", String(500), primary_key=True),
    Column("facets", Json, nullable=False),  # latest value of each facet, over every event of the job
    Column("updated_at", When, nullable=False),
)

openlineage_datasets = Table(
    "openlineage_datasets",
    metadata,
    Column("project_id", Id, ForeignKey("projects.id"), primary_key=True),
    Column("namespace", String(300), primary_key=True),
    Column("name", String(500), primary_key=True),
    Column("series", String(300), nullable=False),  # the Dataset series' name in Trailmark
    Column("facets", Json, nullable=False),
    Column("updated_at", When, nullable=False),
    UniqueConstraint("project_id", "series", name="uq_openlineage_datasets_series"),
)

# Every event as it came (lossless export); execution_id is None for DatasetEvent and JobEvent.
openlineage_events = Table(
    "openlineage_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("execution_id", Id, ForeignKey("executions.id")),
    Column("event_type", String(20)),
    Column("received_at", When, nullable=False),
    Column("event", Json, nullable=False),
    Index("ix_openlineage_events_project", "project_id", "id"),
    Index("ix_openlineage_events_execution", "execution_id", "id"),
)

# Column-level lineage: target.target_column derives from source.source_column.
column_edges = Table(
    "column_edges",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source_id", Id, ForeignKey("artifacts.id"), nullable=False),
    Column("source_column", String(300), nullable=False),
    Column("target_id", Id, ForeignKey("artifacts.id"), nullable=False),
    Column("target_column", String(300), nullable=False),
    Column("transformation", Text),
    Column("execution_id", Id, ForeignKey("executions.id")),
    UniqueConstraint("source_id", "source_column", "target_id", "target_column", name="uq_column_edges_key"),
    Index("ix_column_edges_target", "target_id", "target_column"),
)

# -- reuse: see docs/reuse.md -----------------------------------------------------------

# The meta-feature vector of each profiled dataset (float32 bytes, see trailmark.reuse._features),
# so that ``similar`` scores every dataset of a project from one narrow row each.
dataset_features = Table(
    "dataset_features",
    metadata,
    Column("artifact_id", Id, ForeignKey("artifacts.id"), primary_key=True, autoincrement=False),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("vector", LargeBinary, nullable=False),
    Index("ix_dataset_features_project", "project_id", "artifact_id"),
)

# -- automation: see docs/automation.md ---------------------------------------------------

# The secret is kept as given: signing needs it back. It is never returned by any API.
webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("url", Text, nullable=False),
    Column("events", Json, nullable=False),
    Column("secret", Text),
    Column("created_at", When, nullable=False),
    Column("created_by", String(200)),
    Column("removed_at", When),
    Index("ix_webhooks_project", "project_id", "id"),
)

# The outbox: one row per event and hook, written in the transaction of the change that
# caused it; ``body`` is the exact JSON sent (and signed) on every attempt.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("webhook_id", Id, ForeignKey("webhooks.id"), nullable=False),
    Column("uid", String(32), nullable=False, unique=True),
    Column("event", String(50), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("body", Text, nullable=False),
    Column("state", String(10), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False),
    Column("status_code", Integer),
    Column("next_attempt_at", When),
    Column("claimed_until", When),
    Column("claimed_by", String(32)),
    Column("created_at", When, nullable=False),
    Column("delivered_at", When),
    Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
    Index("ix_webhook_deliveries_hook", "webhook_id", "id"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("delivery_id", Id, ForeignKey("webhook_deliveries.id"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", When, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("duration_ms", Float, nullable=False),
    Index("ix_webhook_attempts_delivery", "delivery_id", "attempt"),
)

alias_protections = Table(
    "alias_protections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("model", String(300), nullable=False),
    Column("alias", String(100), nullable=False),
    Column("metric", String(250), nullable=False),
    Column("direction", String(3), nullable=False),
    Column("min_improvement", String(50), nullable=False),  # "0.5" or "1%"
    Column("created_at", When, nullable=False),
    Column("created_by", String(200)),
    UniqueConstraint("project_id", "model", "alias", name="uq_alias_protections_key"),
)

# A series of checks per deployment (by name), not new Deployment versions.
deployment_health = Table(
    "deployment_health",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id"), nullable=False),
    Column("deployment", String(300), nullable=False),
    Column("status", String(50), nullable=False),
    Column("latency_ms", Float),
    Column("detail", Text),
    Column("checked_at", When, nullable=False),
    Column("checked_by", String(200)),
    Index("ix_deployment_health_series", "project_id", "deployment", "id"),
)

drift_thresholds = Table(
    "drift_thresholds",
    metadata,
    Column("project_id", Id, ForeignKey("projects.id"), primary_key=True),
    Column("deployment", String(300), primary_key=True),
    Column("thresholds", Json, nullable=False),
    Column("set_at", When, nullable=False),
    Column("set_by", String(200)),
)

# The MLflow-compatible API's tables (migration 0008) join this metadata.
from trailmark.store.sql import _mlflow_tables  # noqa: E402, F401
