"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 12:01:50.754325
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

import trailmark.store.sql._tables as tm_types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('environments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('digest', sa.String(length=71), nullable=False),
    sa.Column('packages', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
              .with_variant(sqlite.JSON(), 'sqlite'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_environments')),
    sa.UniqueConstraint('digest', name=op.f('uq_environments_digest'))
    )
    op.create_table('nodes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nodes'))
    )
    op.create_table('projects',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', tm_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('name', name=op.f('uq_projects_name'))
    )
    op.create_table('artifacts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=71), nullable=False),
    sa.Column('uri', sa.Text(), nullable=True),
    sa.Column('properties', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
              .with_variant(sqlite.JSON(), 'sqlite'), nullable=False),
    sa.Column('created_at', tm_types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['id'], ['nodes.id'], name=op.f('fk_artifacts_id_nodes')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_artifacts_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_artifacts')),
    sa.UniqueConstraint('project_id', 'type', 'name', 'digest', name='uq_artifacts_series_digest'),
    sa.UniqueConstraint('project_id', 'type', 'name', 'version', name='uq_artifacts_series_version')
    )
    with op.batch_alter_table('artifacts', schema=None) as batch_op:
        batch_op.create_index('ix_artifacts_created', ['project_id', 'created_at'], unique=False)
        batch_op.create_index('ix_artifacts_digest', ['digest'], unique=False)
        batch_op.create_index('ix_artifacts_name', ['project_id', 'name', 'version'], unique=False)

    op.create_table('contexts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('created_at', tm_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_contexts_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contexts')),
    sa.UniqueConstraint('project_id', 'type', 'name', name='uq_contexts_key')
    )
    op.create_table('events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('target_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=6), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['nodes.id'], name=op.f('fk_events_source_id_nodes')),
    sa.ForeignKeyConstraint(['target_id'], ['nodes.id'], name=op.f('fk_events_target_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('source_id', 'target_id', name='uq_events_edge')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_target', ['target_id', 'source_id'], unique=False)

    op.create_table('executions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
              .with_variant(sqlite.JSON(), 'sqlite'), nullable=False),
    sa.Column('environment', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
              .with_variant(sqlite.JSON(), 'sqlite'), nullable=False),
    sa.Column('environment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('started_at', tm_types.UTCDateTime(), nullable=False),
    sa.Column('ended_at', tm_types.UTCDateTime(), nullable=True),
    sa.Column('resources', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
              .with_variant(sqlite.JSON(), 'sqlite'), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['environment_id'], ['environments.id'],
                            name=op.f('fk_executions_environment_id_environments')),
    sa.ForeignKeyConstraint(['id'], ['nodes.id'], name=op.f('fk_executions_id_nodes')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_executions_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_executions'))
    )
    with op.batch_alter_table('executions', schema=None) as batch_op:
        batch_op.create_index('ix_executions_name', ['project_id', 'name'], unique=False)
        batch_op.create_index('ix_executions_started', ['project_id', 'started_at'], unique=False)
        batch_op.create_index('ix_executions_type', ['project_id', 'type', 'started_at'], unique=False)

    op.create_table('tags',
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=250), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_tags_node_id_nodes')),
    sa.PrimaryKeyConstraint('node_id', 'key', name=op.f('pk_tags'))
    )
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.create_index('ix_tags_key_value', ['key', 'value'], unique=False)

    op.create_table('alias_moves',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('model', sa.String(length=300), nullable=False),
    sa.Column('alias', sa.String(length=100), nullable=False),
    sa.Column('artifact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('set_by', sa.String(length=200), nullable=True),
    sa.Column('set_at', tm_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['artifact_id'], ['artifacts.id'], name=op.f('fk_alias_moves_artifact_id_artifacts')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_alias_moves_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alias_moves'))
    )
    with op.batch_alter_table('alias_moves', schema=None) as batch_op:
        batch_op.create_index('ix_alias_moves_lookup', ['project_id', 'model', 'alias', 'id'], unique=False)

    op.create_table('context_members',
    sa.Column('context_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['context_id'], ['contexts.id'], name=op.f('fk_context_members_context_id_contexts')),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_context_members_node_id_nodes')),
    sa.PrimaryKeyConstraint('context_id', 'node_id', name=op.f('pk_context_members'))
    )
    with op.batch_alter_table('context_members', schema=None) as batch_op:
        batch_op.create_index('ix_context_members_node', ['node_id'], unique=False)

    op.create_table('latest_metrics',
    sa.Column('execution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=250), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('step', sa.BigInteger(), nullable=False),
    sa.Column('timestamp', tm_types.UTCDateTime(), nullable=False),
    sa.Column('min_value', sa.Float(), nullable=False),
    sa.Column('max_value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['execution_id'], ['executions.id'],
                            name=op.f('fk_latest_metrics_execution_id_executions')),
    sa.PrimaryKeyConstraint('execution_id', 'key', name=op.f('pk_latest_metrics'))
    )
    with op.batch_alter_table('latest_metrics', schema=None) as batch_op:
        batch_op.create_index('ix_latest_metrics_key_value', ['key', 'value'], unique=False)

    op.create_table('metrics',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('execution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=250), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('step', sa.BigInteger(), nullable=False),
    sa.Column('timestamp', tm_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['execution_id'], ['executions.id'], name=op.f('fk_metrics_execution_id_executions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics'))
    )
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.create_index('ix_metrics_series', ['execution_id', 'key', 'step'], unique=False)

    op.create_table('params',
    sa.Column('execution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=250), nullable=False),
    sa.Column('value_text', sa.Text(), nullable=True),
    sa.Column('value_num', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['execution_id'], ['executions.id'], name=op.f('fk_params_execution_id_executions')),
    sa.PrimaryKeyConstraint('execution_id', 'key', name=op.f('pk_params'))
    )
    with op.batch_alter_table('params', schema=None) as batch_op:
        batch_op.create_index('ix_params_key_num', ['key', 'value_num'], unique=False)
        batch_op.create_index('ix_params_key_text', ['key', 'value_text'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('params', schema=None) as batch_op:
        batch_op.drop_index('ix_params_key_text')
        batch_op.drop_index('ix_params_key_num')

    op.drop_table('params')
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_index('ix_metrics_series')

    op.drop_table('metrics')
    with op.batch_alter_table('latest_metrics', schema=None) as batch_op:
        batch_op.drop_index('ix_latest_metrics_key_value')

    op.drop_table('latest_metrics')
    with op.batch_alter_table('context_members', schema=None) as batch_op:
        batch_op.drop_index('ix_context_members_node')

    op.drop_table('context_members')
    with op.batch_alter_table('alias_moves', schema=None) as batch_op:
        batch_op.drop_index('ix_alias_moves_lookup')

    op.drop_table('alias_moves')
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.drop_index('ix_tags_key_value')

    op.drop_table('tags')
    with op.batch_alter_table('executions', schema=None) as batch_op:
        batch_op.drop_index('ix_executions_type')
        batch_op.drop_index('ix_executions_started')
        batch_op.drop_index('ix_executions_name')

    op.drop_table('executions')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_target')

    op.drop_table('events')
    op.drop_table('contexts')
    with op.batch_alter_table('artifacts', schema=None) as batch_op:
        batch_op.drop_index('ix_artifacts_name')
        batch_op.drop_index('ix_artifacts_digest')
        batch_op.drop_index('ix_artifacts_created')

    op.drop_table('artifacts')
    op.drop_table('projects')
    op.drop_table('nodes')
    op.drop_table('environments')
