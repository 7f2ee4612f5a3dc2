"""Secret ballots (FORMATS §9): a meeting's secrecy, threshold and joint key, and its trustees
with their public shares, sealed share files and partial decryptions.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(
            sa.Column("secret", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("trustee_threshold", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("joint_key", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("key_ceremony_at", sa.DateTime(), nullable=True))
    op.create_table(
        "meeting_trustees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("public_share", sa.String(length=66), nullable=True),
        sa.Column("key_share", sa.JSON(), nullable=True),
        sa.Column("partials", sa.JSON(), nullable=True),
        sa.Column("partials_for", sa.String(length=64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_meeting_trustees_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"],
                                name=op.f("fk_meeting_trustees_community_id_communities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_trustees")),
        sa.UniqueConstraint("meeting_id", "number",
                            name=op.f("uq_meeting_trustees_meeting_id_number")),
    )  # fmt: skip
    op.create_index(op.f("ix_meeting_trustees_meeting_id"), "meeting_trustees", ["meeting_id"])


def downgrade():
    op.drop_index(op.f("ix_meeting_trustees_meeting_id"), table_name="meeting_trustees")
    op.drop_table("meeting_trustees")
    with op.batch_alter_table("meetings") as batch:
        for name in ("key_ceremony_at", "joint_key", "trustee_threshold", "secret"):
            batch.drop_column(name)
