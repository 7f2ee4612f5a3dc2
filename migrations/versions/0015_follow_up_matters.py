"""Matters that follow a published election: a by-election for vacant seats or a runoff.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 14:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follows", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.drop_column("follows")
