"""a level needs N questions of it; evidence keeps the questions that made it

`frameworks.min_questions_per_level`: a quiz evidences level L of a competency only when the
attempt holds at least this many questions of it at L. Existing frameworks get 3, the default.
`evidence.basis`: the rule as applied (N, threshold, score) and the questions behind a quiz
level. Existing evidence rows are left as they are (basis NULL, their level as recorded under
the rule of their time: evidence is append-only); only attempts graded from now on follow the
new rule.

Revision ID: d8e2f3a4b5c6
Revises: d4e5f6a7b8c9
"""

import sqlalchemy as sa
from alembic import op

revision = "d8e2f3a4b5c6"
down_revision = "d4e5f6a7b8c9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("frameworks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("min_questions_per_level", sa.Integer(), server_default="3", nullable=False)
        )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basis", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("basis")
    with op.batch_alter_table("frameworks", schema=None) as batch_op:
        batch_op.drop_column("min_questions_per_level")
