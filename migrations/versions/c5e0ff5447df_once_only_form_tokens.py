"""Once-only form tokens: a double tap on a form creates one record

Revision ID: c5e0ff5447df
Revises: a1ce5aa4311b
Create Date: 2026-11-27 23:49:39.962753

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e0ff5447df'
down_revision = 'a1ce5aa4311b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('result_url', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_form_submission_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_submission')),
    sa.UniqueConstraint('token', name=op.f('uq_form_submission_token'))
    )
    with op.batch_alter_table('form_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_submission_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_submission_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('form_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_submission_user_id'))
        batch_op.drop_index(batch_op.f('ix_form_submission_created_at'))

    op.drop_table('form_submission')
