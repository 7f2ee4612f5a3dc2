"""Supervision: committee mandates and failed identity checks.

Mandates are preparatory groups, 物管会 and elected committees; failed identity checks keep
a keyed hash of the address, for the anomaly checks.

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-22 00:27:33.484036

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "committee_mandates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("owner_reps", sa.JSON(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("term_ends_on", sa.Date(), nullable=True),
        sa.Column("appointed_by", sa.String(length=128), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=128), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_committee_mandates_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_committee_mandates_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_mandates")),
    )
    with op.batch_alter_table("committee_mandates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_committee_mandates_community", ["community_id", "ended_at"], unique=False
        )

    op.create_table(
        "identity_check_failures",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", BIGINT, nullable=False),
        sa.Column("source_hash", sa.String(length=32), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_identity_check_failures_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_identity_check_failures_credential_id_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_identity_check_failures_meeting_id_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_check_failures")),
    )
    with op.batch_alter_table("identity_check_failures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_identity_check_failures_meeting", ["meeting_id", "source_hash"], unique=False
        )


def downgrade():
    with op.batch_alter_table("identity_check_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_check_failures_meeting")
    op.drop_table("identity_check_failures")
    with op.batch_alter_table("committee_mandates", schema=None) as batch_op:
        batch_op.drop_index("ix_committee_mandates_community")
    op.drop_table("committee_mandates")
