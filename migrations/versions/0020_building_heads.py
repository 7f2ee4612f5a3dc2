"""Building heads (楼长) and their door-to-door visits: a staff account's buildings, and one
row per visit to a voter (outcome only; no choice, no identity data).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 15:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("buildings", sa.JSON(), nullable=True))
    op.create_table(
        "door_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", BIGINT, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_door_visits_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"],
                                name=op.f("fk_door_visits_community_id_communities")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_door_visits_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_door_visits")),
    )  # fmt: skip
    op.create_index("ix_door_visits_meeting_voter", "door_visits", ["meeting_id", "voter_id"])


def downgrade():
    op.drop_index("ix_door_visits_meeting_voter", table_name="door_visits")
    op.drop_table("door_visits")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("buildings")
