"""Matters keep the category warnings the committee confirmed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 20:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("matters") as batch:
        batch.add_column(sa.Column("category_warnings", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("matters") as batch:
        batch.drop_column("category_warnings")
