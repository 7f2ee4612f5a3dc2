"""Help desks: devices where committee members help owners vote; their ballots are marked.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 21:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "help_desks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("opened_by", sa.String(length=128), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_help_desks_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_help_desks_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_desks")),
    )
    with op.batch_alter_table("help_desks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_desks_meeting_id"), ["meeting_id"], unique=False)
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("desk_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_ballots_desk_id_help_desks"), "help_desks", ["desk_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_ballots_desk_id_help_desks"), type_="foreignkey")
        batch_op.drop_column("desk_id")
    with op.batch_alter_table("help_desks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_desks_meeting_id"))
    op.drop_table("help_desks")
