"""competency model, second edition: frameworks and competencies can be retired, and the
successions of retired competencies are recorded. Schema only: `lms frameworks load-defaults`
(competencies/services/model_upgrade.py) retires, maps and records.

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
"""

import sqlalchemy as sa
from alembic import op

revision = "b8c9d0e1f2a3"
down_revision = "a7b8c9d0e1f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("frameworks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("competencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))
    op.create_table(
        "competency_successions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retired_code", sa.String(length=32), nullable=False),
        sa.Column("successor_code", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("levels_carried", sa.Integer(), nullable=False),
        sa.Column("requirements_moved", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_successions")),
        sa.UniqueConstraint("retired_code", name=op.f("uq_competency_successions_retired_code")),
    )


def downgrade():
    # Dropped in place (SQLite 3.35+ and PostgreSQL): rebuilding a table on SQLite would drop
    # the old one, and its ON DELETE CASCADE would empty the tables that refer to it.
    op.drop_table("competency_successions")
    with op.batch_alter_table("competencies", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("retired_at")
    with op.batch_alter_table("frameworks", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("retired_at")
