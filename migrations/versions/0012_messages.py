"""Messages to owners: the outbox, and owners' phones sealed at rest.

The outbox has no foreign keys: every ballot writes a row in its casting transaction, and
a key would lock the meeting's and community's rows once more per ballot.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 20:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "messages",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("voter_id", BIGINT, nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("recipient_hash", sa.String(length=32), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_due", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_messages_voter", ["voter_id", "kind", "created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_messages_recipient_hash"), ["recipient_hash"], unique=False
        )
    with op.batch_alter_table("owners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_sealed", sa.Text(), nullable=True))
    with op.batch_alter_table("voters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phones_sealed", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("voters", schema=None) as batch_op:
        batch_op.drop_column("phones_sealed")
    with op.batch_alter_table("owners", schema=None) as batch_op:
        batch_op.drop_column("phone_sealed")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_recipient_hash"))
        batch_op.drop_index("ix_messages_voter")
        batch_op.drop_index("ix_messages_due")
    op.drop_table("messages")
