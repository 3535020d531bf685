"""competency level descriptors and external identifiers: what an officer at each level can do
(JSON, by level) and the competency's reference in an outside framework. Existing competencies get
empty values; `lms frameworks load-defaults` fills the default competencies' empty ones.

Revision ID: a7b8c9d0e1f2
Revises: f2a3b4c5d6e7
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a7b8c9d0e1f2"
down_revision = "f2a3b4c5d6e7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("competencies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("level_descriptors", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(
            sa.Column("external_id", sa.String(length=64), server_default="", nullable=False)
        )


def downgrade():
    # Dropped in place (SQLite 3.35+ and PostgreSQL): rebuilding a table on SQLite would drop
    # the old one, and its ON DELETE CASCADE would empty the tables that refer to it.
    with op.batch_alter_table("competencies", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("external_id")
        batch_op.drop_column("level_descriptors")
