"""Objections of kind not_me ("这不是我投的"): an owner says a ballot recorded in their name
was not cast by them, at any time from the ballot on, so before any result exists.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 14:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("objections") as batch:
        batch.alter_column("result_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM objections WHERE result_id IS NULL")
    with op.batch_alter_table("objections") as batch:
        batch.alter_column("result_id", existing_type=sa.Integer(), nullable=False)
