"""Paper ballots carry their time of receipt: when the ballot box or the collector received
each one (entries and the ballot they make). Rows from before stay without it.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 14:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("paper_entries") as batch:
        batch.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("ballots") as batch:
        batch.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("ballots") as batch:
        batch.drop_column("received_at")
    with op.batch_alter_table("paper_entries") as batch:
        batch.drop_column("received_at")
