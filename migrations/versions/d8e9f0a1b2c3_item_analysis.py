"""item analysis: a quiz's statistics as last computed, and each question's

One row per quiz (how many graded attempts the figures came from, when they were computed and
when a computation was last asked for) and one per question (facility, discrimination, choice
shares, flags). Nothing to fill in: the beat job computes every quiz with graded attempts.

Revision ID: d8e9f0a1b2c3
Revises: d8e2f3a4b5c6
"""

import sqlalchemy as sa
from alembic import op

revision = "d8e9f0a1b2c3"
down_revision = "d8e2f3a4b5c6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "item_analyses",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("mean_score", sa.Float(), nullable=True),
        sa.Column("computed_at", sa.DateTime(), nullable=True),
        sa.Column("queued_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_item_analyses_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["course_items.id"],
            name=op.f("fk_item_analyses_item_id_course_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_analyses")),
    )
    with op.batch_alter_table("item_analyses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_analyses_course_id"), ["course_id"], unique=False)

    op.create_table(
        "item_analysis_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("qtype", sa.String(length=24), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("competency_code", sa.String(length=32), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("facility", sa.Float(), nullable=False),
        sa.Column("discrimination", sa.Float(), nullable=True),
        sa.Column("choices", sa.JSON(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item_analyses.item_id"],
            name=op.f("fk_item_analysis_questions_item_id_item_analyses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_analysis_questions")),
    )
    with op.batch_alter_table("item_analysis_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_analysis_questions_item_id"), ["item_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("item_analysis_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_analysis_questions_item_id"))
    op.drop_table("item_analysis_questions")
    with op.batch_alter_table("item_analyses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_analyses_course_id"))
    op.drop_table("item_analyses")
