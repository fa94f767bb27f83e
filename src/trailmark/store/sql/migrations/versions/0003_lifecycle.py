"""lifecycle: run uid, parent, soft delete, description, heartbeat

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
