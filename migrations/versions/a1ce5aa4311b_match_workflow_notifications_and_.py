"""Match workflow notifications and partner requests, graduation readiness and check-ins

Revision ID: a1ce5aa4311b
Revises: f93bdfae7868
Create Date: 2026-11-27 22:05:32.983909

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1ce5aa4311b'
down_revision = 'f93bdfae7868'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('readiness_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('household_size', sa.Integer(), nullable=True),
    sa.Column('children_in_school', sa.String(length=12), nullable=True),
    sa.Column('monthly_income', sa.Integer(), nullable=True),
    sa.Column('income_since', sa.Date(), nullable=True),
    sa.Column('livelihood_since', sa.Date(), nullable=True),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['user.id'], name=op.f('fk_readiness_assessment_assessed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_readiness_assessment_household_id_household'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness_assessment')),
    sa.UniqueConstraint('household_id', name=op.f('uq_readiness_assessment_household_id'))
    )
    op.create_table('graduation_checkin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('months_after', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('monthly_income', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_graduation_checkin_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['graduation_record.id'], name=op.f('fk_graduation_checkin_record_id_graduation_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_graduation_checkin_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_graduation_checkin'))
    )
    with op.batch_alter_table('graduation_checkin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graduation_checkin_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_graduation_checkin_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_graduation_checkin_record_id'), ['record_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=True),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_notification_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_notification_match_id_match'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_match_id'), ['match_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('graduation_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejection_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_request', sa.Boolean(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_column('partner_request')

    with op.batch_alter_table('graduation_record', schema=None) as batch_op:
        batch_op.drop_column('rejection_reason')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')
        batch_op.drop_index(batch_op.f('ix_notification_user_id'))
        batch_op.drop_index(batch_op.f('ix_notification_match_id'))
        batch_op.drop_index(batch_op.f('ix_notification_household_id'))
        batch_op.drop_index(batch_op.f('ix_notification_created_at'))

    op.drop_table('notification')
    with op.batch_alter_table('graduation_checkin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graduation_checkin_record_id'))
        batch_op.drop_index(batch_op.f('ix_graduation_checkin_household_id'))
        batch_op.drop_index(batch_op.f('ix_graduation_checkin_due_on'))

    op.drop_table('graduation_checkin')
    op.drop_table('readiness_assessment')
