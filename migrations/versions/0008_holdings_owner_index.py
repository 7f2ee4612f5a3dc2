"""Index holdings by owner.

Deleting a roster's owners checks each against holdings.owner_id; without an index of its own
PostgreSQL scans holdings once per owner, and replacing a 50,000-unit roster took half a
minute.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 03:20:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_holdings_owner_id", "holdings", ["owner_id"])


def downgrade():
    op.drop_index("ix_holdings_owner_id", table_name="holdings")
