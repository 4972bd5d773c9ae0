"""NIK collisions: a NIK held by another facilitator's household becomes a case for the coordinator

Revision ID: 2647ad719f20
Revises: 3c5ff238045a
Create Date: 2026-12-03 09:10:23.447759

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2647ad719f20'
down_revision = '3c5ff238045a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('nik_collision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('desa_code', sa.String(length=16), nullable=False),
    sa.Column('submitted', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['desa_code'], ['region.code'], name=op.f('fk_nik_collision_desa_code_region')),
    sa.ForeignKeyConstraint(['holder_id'], ['user.id'], name=op.f('fk_nik_collision_holder_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_nik_collision_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requester_id'], ['user.id'], name=op.f('fk_nik_collision_requester_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_nik_collision_resolved_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nik_collision'))
    )
    with op.batch_alter_table('nik_collision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nik_collision_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_nik_collision_desa_code'), ['desa_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_nik_collision_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nik_collision_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nik_collision_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('nik_collision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nik_collision_status'))
        batch_op.drop_index(batch_op.f('ix_nik_collision_requester_id'))
        batch_op.drop_index(batch_op.f('ix_nik_collision_household_id'))
        batch_op.drop_index(batch_op.f('ix_nik_collision_desa_code'))
        batch_op.drop_index(batch_op.f('ix_nik_collision_created_at'))

    op.drop_table('nik_collision')
