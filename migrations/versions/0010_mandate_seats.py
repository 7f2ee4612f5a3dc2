"""Committee mandates recorded from an election keep their seats and winners.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 20:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("committee_mandates") as batch:
        batch.add_column(sa.Column("seats", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("elected", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("committee_mandates") as batch:
        batch.drop_column("elected")
        batch.drop_column("seats")
