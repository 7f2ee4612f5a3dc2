"""Revocations: the street office revokes a published decision with a signed document.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
    op.create_table(
        "revocations",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("authority", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("document_hash", sa.String(length=64), nullable=False),
        sa.Column("signatures", sa.JSON(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_by", sa.String(length=128), nullable=False),
        sa.Column("revoked_seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column(
            "uploaded_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"],
            name=op.f("fk_revocations_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_revocations_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["result_id"], ["results.id"], name=op.f("fk_revocations_result_id_results")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revocations")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_revocations_meeting_id")),
    )  # fmt: skip
    with op.batch_alter_table("revocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_revocations_community_id"), ["community_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("revocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revocations_community_id"))
    op.drop_table("revocations")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
