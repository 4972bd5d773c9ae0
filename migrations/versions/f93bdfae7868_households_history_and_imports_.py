"""Households history and imports, organization suspension, ranking decisions

Revision ID: f93bdfae7868
Revises: 4ea19333c09b
Create Date: 2026-11-27 21:20:21.779597

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f93bdfae7868'
down_revision = '4ea19333c09b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('household_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('update_existing', sa.Boolean(), nullable=False),
    sa.Column('table', sa.JSON(), nullable=False),
    sa.Column('preview', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('applied_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['facilitator_id'], ['user.id'], name=op.f('fk_household_import_facilitator_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_import'))
    )
    with op.batch_alter_table('household_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_import_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_import_facilitator_id'), ['facilitator_id'], unique=False)

    op.create_table('household_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_household_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_event_household_id_household'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_event'))
    )
    with op.batch_alter_table('household_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_event_household_id'), ['household_id'], unique=False)

    op.create_table('ranking_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('shown_position', sa.Integer(), nullable=True),
    sa.Column('shown_score', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_ranking_decision_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_ranking_decision_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_ranking_decision_match_id_match'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_ranking_decision_offer_id_offer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_decision'))
    )
    with op.batch_alter_table('ranking_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_decision_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_decision_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_decision_match_id'), ['match_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_decision_offer_id'), ['offer_id'], unique=False)

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('likely_duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_household_likely_duplicate_of_id'), ['likely_duplicate_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_household_likely_duplicate_of_id_household'), 'household', ['likely_duplicate_of_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspension_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('suspended_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('suspended_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_organization_suspended_by_id_user'), 'user', ['suspended_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organization_suspended_by_id_user'), type_='foreignkey')
        batch_op.drop_column('suspended_by_id')
        batch_op.drop_column('suspended_at')
        batch_op.drop_column('suspension_reason')

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_household_likely_duplicate_of_id_household'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_household_likely_duplicate_of_id'))
        batch_op.drop_column('likely_duplicate_of_id')

    with op.batch_alter_table('ranking_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ranking_decision_offer_id'))
        batch_op.drop_index(batch_op.f('ix_ranking_decision_match_id'))
        batch_op.drop_index(batch_op.f('ix_ranking_decision_household_id'))
        batch_op.drop_index(batch_op.f('ix_ranking_decision_created_at'))

    op.drop_table('ranking_decision')
    with op.batch_alter_table('household_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_event_household_id'))

    op.drop_table('household_event')
    with op.batch_alter_table('household_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_import_facilitator_id'))
        batch_op.drop_index(batch_op.f('ix_household_import_expires_at'))

    op.drop_table('household_import')
