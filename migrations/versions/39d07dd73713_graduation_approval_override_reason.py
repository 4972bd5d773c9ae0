"""The coordinator's written reason for approving a graduation whose required checklist items fail

Revision ID: 39d07dd73713
Revises: a82f58c35daf
Create Date: 2026-12-03 12:22:59.759031

"""
import sqlalchemy as sa
from alembic import op

revision = "39d07dd73713"
down_revision = "a82f58c35daf"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("graduation_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("graduation_record", schema=None) as batch_op:
        batch_op.drop_column("override_reason")
