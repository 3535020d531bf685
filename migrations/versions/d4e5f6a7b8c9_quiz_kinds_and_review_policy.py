"""quiz kinds (checkpoint, assessment) and a review policy of what and when

A quiz is a checkpoint (practice, never evidence) or an assessment (evidence); its review says
what the officer sees of a graded attempt (score, marks, feedback, keys) and when (immediately,
after the last attempt or a pass, after the quiz closes, never). Attempts keep the kind they
were started under; they no longer carry a review mode, as the review follows the quiz.

Existing quizzes: the last quiz of its course (greatest module position, then item position,
then id) is the final assessment, unless its title starts with "Checkpoint"; every other quiz
is a module checkpoint. Their old review mode maps to:

    old review     checkpoint                      assessment
    score_only     score, immediately              score, immediately
    after_submit   feedback, immediately           marks, immediately
    after_close    feedback, after_last_attempt    keys, after_last_attempt

so no assessment shows its keys while an attempt remains, and no checkpoint shows the keys of
questions its course's assessment may draw. Existing attempts are all `assessment`: each was
evidence when graded, and its evidence rows and certificates are left as they are.

Revision ID: d4e5f6a7b8c9
Revises: c7d1e2f3a4b5
"""

import sqlalchemy as sa
from alembic import op

revision = "d4e5f6a7b8c9"
down_revision = "c7d1e2f3a4b5"
branch_labels = None
depends_on = None

REVIEW = {  # (kind, old review mode) -> (shows, when)
    ("checkpoint", "score_only"): ("score", "immediately"),
    ("checkpoint", "after_submit"): ("feedback", "immediately"),
    ("checkpoint", "after_close"): ("feedback", "after_last_attempt"),
    ("assessment", "score_only"): ("score", "immediately"),
    ("assessment", "after_submit"): ("marks", "immediately"),
    ("assessment", "after_close"): ("keys", "after_last_attempt"),
}


def final_assessments(connection) -> set[int]:
    """The item ids of each course's last quiz, unless titled as a checkpoint."""
    rows = connection.execute(
        sa.text(
            "SELECT i.id, i.course_id, i.title, m.position, i.position FROM course_items i "
            "JOIN modules m ON m.id = i.module_id JOIN quizzes q ON q.item_id = i.id"
        )
    ).all()
    last: dict[int, tuple] = {}
    for item_id, course_id, title, module_position, position in rows:
        order = (module_position, position, item_id)
        if course_id not in last or order > last[course_id][0]:
            last[course_id] = (order, item_id, title)
    return {
        item_id
        for _, item_id, title in last.values()
        if not title.strip().lower().startswith("checkpoint")
    }


def upgrade():
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="assessment", nullable=False)
        )
        batch_op.add_column(
            sa.Column("review_shows", sa.String(length=16), server_default="marks", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "review_when", sa.String(length=24), server_default="immediately", nullable=False
            )
        )
        batch_op.add_column(sa.Column("closes_at", sa.DateTime(), nullable=True))

    connection = op.get_bind()
    quizzes = sa.table(
        "quizzes",
        sa.column("item_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("review_mode", sa.String),
        sa.column("review_shows", sa.String),
        sa.column("review_when", sa.String),
    )
    finals = final_assessments(connection)
    for item_id, old in connection.execute(sa.select(quizzes.c.item_id, quizzes.c.review_mode)):
        kind = "assessment" if item_id in finals else "checkpoint"
        shows, when = REVIEW.get((kind, old), REVIEW[(kind, "after_submit")])
        connection.execute(
            quizzes.update()
            .where(quizzes.c.item_id == item_id)
            .values(kind=kind, review_shows=shows, review_when=when)
        )

    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.drop_column("review_mode")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="assessment", nullable=False)
        )
        batch_op.drop_column("review_mode")


def downgrade():
    """Back to one review mode: keys after the last attempt (or later) become after_close,
    keys shown immediately after_submit, anything short of the keys score_only. Attempts take
    their quiz's mode."""
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "review_mode", sa.String(length=16), server_default="score_only", nullable=False
            )
        )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "review_mode", sa.String(length=16), server_default="score_only", nullable=False
            )
        )
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE quizzes SET review_mode = CASE WHEN review_shows <> 'keys' "
            "OR review_when = 'never' THEN 'score_only' WHEN review_when = 'immediately' "
            "THEN 'after_submit' ELSE 'after_close' END"
        )
    )
    connection.execute(
        sa.text(
            "UPDATE attempts SET review_mode = (SELECT q.review_mode FROM quizzes q "
            "WHERE q.item_id = attempts.item_id)"
        )
    )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.drop_column("closes_at")
        batch_op.drop_column("review_when")
        batch_op.drop_column("review_shows")
        batch_op.drop_column("kind")
