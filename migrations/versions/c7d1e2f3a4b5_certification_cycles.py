"""count quiz attempts per certification cycle

An enrolment's `cycle` moves on when recertification reopens the course; an attempt keeps the
cycle it was started in, and a quiz's allowance counts the attempts of the current cycle only.
Existing rows are all in the first cycle.

Revision ID: c7d1e2f3a4b5
Revises: a1b2c3d4e5f6
"""

import sqlalchemy as sa
from alembic import op

revision = "c7d1e2f3a4b5"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("course_enrolments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cycle", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cycle", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("cycle")
    with op.batch_alter_table("course_enrolments", schema=None) as batch_op:
        batch_op.drop_column("cycle")
