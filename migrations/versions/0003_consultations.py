"""consultations

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-21 23:46:16.034953

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("survey_year", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("entry_key", sa.String(length=32), nullable=False),
        sa.Column("procedure", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_consultations_community_id_communities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint(
            "community_id", "survey_year", name=op.f("uq_consultations_community_id_survey_year")
        ),
        sa.UniqueConstraint("entry_key", name=op.f("uq_consultations_entry_key")),
    )
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index("ix_consultations_community", ["community_id", "id"], unique=False)

    op.create_table(
        "consultation_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column(
            "uploaded_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_consultation_documents_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_documents_consultation_id_consultations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_documents")),
    )
    with op.batch_alter_table("consultation_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_documents_consultation_id"),
            ["consultation_id"],
            unique=False,
        )

    op.create_table(
        "consultation_participants",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=300), nullable=False),
        sa.Column("area", sa.Integer(), nullable=False),
        sa.Column("can_take_part", sa.Boolean(), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("building", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=300), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=True),
        sa.Column("id_last4_hash", sa.String(length=64), nullable=True),
        sa.Column("phone_last4_hash", sa.String(length=64), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("failed_checks", sa.Integer(), nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_consultation_participants_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_participants_consultation_id_consultations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_participants")),
        sa.UniqueConstraint(
            "consultation_id",
            "person_key",
            name=op.f("uq_consultation_participants_consultation_id_person_key"),
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_consultation_participants_token_hash")),
    )
    with op.batch_alter_table("consultation_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_participants_consultation_id"),
            ["consultation_id"],
            unique=False,
        )

    op.create_table(
        "consultation_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_consultation_questions_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_questions_consultation_id_consultations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_questions")),
        sa.UniqueConstraint(
            "consultation_id", "code", name=op.f("uq_consultation_questions_consultation_id_code")
        ),
    )
    with op.batch_alter_table("consultation_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_questions_consultation_id"),
            ["consultation_id"],
            unique=False,
        )

    op.create_table(
        "consultation_answer_sets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column(
            "participant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_consultation_answer_sets_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_answer_sets_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["consultation_participants.id"],
            name=op.f("fk_consultation_answer_sets_participant_id_consultation_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_answer_sets")),
        sa.UniqueConstraint(
            "consultation_id",
            "participant_id",
            name=op.f("uq_consultation_answer_sets_consultation_id_participant_id"),
        ),
    )
    op.create_table(
        "consultation_comments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "participant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("staff_author", sa.String(length=128), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(), nullable=True),
        sa.Column("hidden_reason", sa.String(length=300), nullable=True),
        sa.Column("hidden_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_consultation_comments_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_comments_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["consultation_comments.id"],
            name=op.f("fk_consultation_comments_parent_id_consultation_comments"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["consultation_participants.id"],
            name=op.f("fk_consultation_comments_participant_id_consultation_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comments")),
    )
    with op.batch_alter_table("consultation_comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consultation_comments_topic", ["consultation_id", "id"], unique=False
        )

    op.create_table(
        "consultation_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["consultation_questions.id"],
            name=op.f("fk_consultation_options_question_id_consultation_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_options")),
    )
    with op.batch_alter_table("consultation_options", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_options_question_id"), ["question_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("consultation_options", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_options_question_id"))

    op.drop_table("consultation_options")
    with op.batch_alter_table("consultation_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_comments_topic")

    op.drop_table("consultation_comments")
    op.drop_table("consultation_answer_sets")
    with op.batch_alter_table("consultation_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_questions_consultation_id"))

    op.drop_table("consultation_questions")
    with op.batch_alter_table("consultation_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_participants_consultation_id"))

    op.drop_table("consultation_participants")
    with op.batch_alter_table("consultation_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_documents_consultation_id"))

    op.drop_table("consultation_documents")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index("ix_consultations_community")

    op.drop_table("consultations")
