"""Community contact: the committee's and the street office's phone, place and hours.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 14:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COLUMNS = (("committee_phone", 40), ("committee_place", 200), ("committee_hours", 100),
           ("office_phone", 40), ("office_place", 200), ("office_hours", 100))  # fmt: skip


def upgrade():
    with op.batch_alter_table("communities", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )


def downgrade():
    with op.batch_alter_table("communities", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
