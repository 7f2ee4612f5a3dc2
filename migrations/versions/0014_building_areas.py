"""Turnout by building: each voter keeps the counted area held in each building.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("voters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("building_areas", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("voters", schema=None) as batch_op:
        batch_op.drop_column("building_areas")
