"""governance: audit log, users, tokens, members, classifications, tombstones

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 12:19:55
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import trailmark.store.sql._tables as tm_types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('time', tm_types.UTCDateTime(), nullable=False),
    sa.Column('project', sa.String(length=200), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('change', sa.String(length=71), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_actor', ['actor', 'seq'], unique=False)
        batch_op.create_index('ix_audit_log_target', ['target', 'seq'], unique=False)
        batch_op.create_index('ix_audit_log_time', ['time'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', tm_types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('name', name=op.f('uq_users_name'))
    )
    op.create_table('classifications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('origin_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('propagate', sa.Boolean(), nullable=False),
    sa.Column('created_at', tm_types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.Column('removed_at', tm_types.UTCDateTime(), nullable=True),
    sa.Column('removed_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_classifications_node_id_nodes')),
    sa.ForeignKeyConstraint(['origin_id'], ['nodes.id'], name=op.f('fk_classifications_origin_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classifications')),
    sa.UniqueConstraint('node_id', 'label', 'origin_id', name='uq_classifications_key')
    )
    with op.batch_alter_table('classifications', schema=None) as batch_op:
        batch_op.create_index('ix_classifications_label', ['label', 'node_id'], unique=False)
        batch_op.create_index('ix_classifications_origin', ['origin_id'], unique=False)

    op.create_table('members',
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_members_project_id_projects')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_members_user_id_users')),
    sa.PrimaryKeyConstraint('project_id', 'user_id', name=op.f('pk_members'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index('ix_members_user', ['user_id'], unique=False)

    op.create_table('tokens',
    sa.Column('id', sa.String(length=12), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', tm_types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', tm_types.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', tm_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tokens')),
    sa.UniqueConstraint('hash', name=op.f('uq_tokens_hash'))
    )
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.create_index('ix_tokens_user', ['user_id'], unique=False)

    op.create_table('tombstones',
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('purged_by', sa.String(length=200), nullable=False),
    sa.Column('purged_at', tm_types.UTCDateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_tombstones_node_id_nodes')),
    sa.PrimaryKeyConstraint('node_id', name=op.f('pk_tombstones'))
    )


def downgrade() -> None:
    op.drop_table('tombstones')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_tokens_user')

    op.drop_table('tokens')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_user')

    op.drop_table('members')
    with op.batch_alter_table('classifications', schema=None) as batch_op:
        batch_op.drop_index('ix_classifications_origin')
        batch_op.drop_index('ix_classifications_label')

    op.drop_table('classifications')
    op.drop_table('users')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_time')
        batch_op.drop_index('ix_audit_log_target')
        batch_op.drop_index('ix_audit_log_actor')

    op.drop_table('audit_log')
