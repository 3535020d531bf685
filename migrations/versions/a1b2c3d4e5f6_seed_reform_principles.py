"""seed the reform principles (reference data)

Revision ID: a1b2c3d4e5f6
Revises: 81ac157e866e
"""

import sqlalchemy as sa
from alembic import op

from courses.learning.services.principles import PRINCIPLES

revision = "a1b2c3d4e5f6"
down_revision = "81ac157e866e"
branch_labels = None
depends_on = None

principles = sa.table(
    "principles",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("summary", sa.Text),
    sa.column("anchor", sa.String),
    sa.column("position", sa.Integer),
)


def upgrade():
    existing = {row[0] for row in op.get_bind().execute(sa.select(principles.c.code))}
    rows = [
        {"code": fact.code, "name": fact.name, "summary": fact.summary, "anchor": fact.anchor,
         "position": position}
        for position, fact in enumerate(PRINCIPLES, start=1)
        if fact.code not in existing
    ]
    if rows:
        op.bulk_insert(principles, rows)


def downgrade():
    op.execute(principles.delete().where(principles.c.code.in_([f.code for f in PRINCIPLES])))
