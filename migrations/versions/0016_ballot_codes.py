"""One-time codes at the first online ballot: each link keeps its latest code as a keyed
hash, with the time it was asked for (it expires ten minutes later).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("code_sent_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("credentials") as batch:
        batch.drop_column("code_sent_at")
        batch.drop_column("code_hash")
