"""quizzes may draw a number of questions of each competency at each level

`quizzes.draw_count`: how many questions of each (competency, level) group of the pool the
`per_competency_level` draw takes; NULL for every other mode, so existing quizzes keep their
draw. `quizzes.draw_mode` widens from 16 to 24 characters to hold the new mode's name.
Downgrading turns quizzes of the new mode into `all` (every question of their pool: each group
they drew from stays in every attempt), since the older code knows no other way to draw them.

Revision ID: e1f2a3b4c5d6
Revises: d8e9f0a1b2c3
"""

import sqlalchemy as sa
from alembic import op

revision = "e1f2a3b4c5d6"
down_revision = "d8e9f0a1b2c3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.alter_column(
            "draw_mode",
            existing_type=sa.String(length=16),
            type_=sa.String(length=24),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("draw_count", sa.Integer(), nullable=True))


def downgrade():
    quizzes = sa.table("quizzes", sa.column("draw_mode", sa.String))
    op.execute(
        quizzes.update()
        .where(quizzes.c.draw_mode == "per_competency_level")
        .values(draw_mode="all")
    )
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.drop_column("draw_count")
        batch_op.alter_column(
            "draw_mode",
            existing_type=sa.String(length=24),
            type_=sa.String(length=16),
            existing_nullable=False,
        )
