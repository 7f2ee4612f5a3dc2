"""roster error reports: owners' notes to the committee from their voting link

Revision ID: 0005
Revises: 0006
Create Date: 2026-11-21 23:47:19.837981

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "roster_error_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_roster_error_reports_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_roster_error_reports_meeting_id_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["voter_id"], ["voters.id"], name=op.f("fk_roster_error_reports_voter_id_voters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_error_reports")),
    )
    with op.batch_alter_table("roster_error_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roster_error_reports_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("roster_error_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_error_reports_meeting_id"))

    op.drop_table("roster_error_reports")
