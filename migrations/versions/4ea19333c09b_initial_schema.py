"""Initial schema

Revision ID: 4ea19333c09b
Revises: 
Create Date: 2026-11-27 20:23:54.570031

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4ea19333c09b'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('region',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('parent_code', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['region.code'], name=op.f('fk_region_parent_code_region')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region'))
    )
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_region_parent_code'), ['parent_code'], unique=False)

    op.create_table('skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name_id', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('synonyms', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill')),
    sa.UniqueConstraint('slug', name=op.f('uq_skill_slug'))
    )
    with op.batch_alter_table('skill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skill_category'), ['category'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('preferred_language', sa.String(length=5), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_user_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_role'), ['role'], unique=False)

    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('sector', sa.String(length=2), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('desa_code', sa.String(length=16), nullable=True),
    sa.Column('serves_code', sa.String(length=16), nullable=True),
    sa.Column('address', sa.String(length=255), nullable=True),
    sa.Column('contact_person', sa.String(length=120), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['desa_code'], ['region.code'], name=op.f('fk_organization_desa_code_region')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_organization_owner_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['serves_code'], ['region.code'], name=op.f('fk_organization_serves_code_region')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], name=op.f('fk_organization_verified_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization'))
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_desa_code'), ['desa_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_status'), ['status'], unique=False)

    # user and organization refer to each other: the second reference is added once both exist.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_user_organization_id_organization'), 'organization', ['organization_id'], ['id'], ondelete='SET NULL')

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target_type', sa.String(length=30), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_audit_event_target', ['target_type', 'target_id'], unique=False)

    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('kk_number', sa.String(length=16), nullable=True),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=255), nullable=True),
    sa.Column('desa_code', sa.String(length=16), nullable=False),
    sa.Column('pkh_participant_id', sa.String(length=40), nullable=True),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('year_joined', sa.Integer(), nullable=True),
    sa.Column('skills_text', sa.Text(), nullable=False),
    sa.Column('interests', sa.Text(), nullable=False),
    sa.Column('work_experience', sa.Text(), nullable=False),
    sa.Column('business_experience', sa.Text(), nullable=False),
    sa.Column('work_preference', sa.String(length=16), nullable=False),
    sa.Column('hours_per_week', sa.Integer(), nullable=True),
    sa.Column('travel_range', sa.String(length=12), nullable=False),
    sa.Column('home_based_only', sa.Boolean(), nullable=False),
    sa.Column('constraints', sa.JSON(), nullable=False),
    sa.Column('assets', sa.JSON(), nullable=False),
    sa.Column('income_bracket', sa.String(length=20), nullable=True),
    sa.Column('has_savings', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('graduation_type', sa.String(length=20), nullable=True),
    sa.Column('graduated_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['desa_code'], ['region.code'], name=op.f('fk_household_desa_code_region')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['user.id'], name=op.f('fk_household_facilitator_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household')),
    sa.UniqueConstraint('nik', name=op.f('uq_household_nik'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_desa_code'), ['desa_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_full_name'), ['full_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_status'), ['status'], unique=False)

    op.create_table('offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('skills_text', sa.Text(), nullable=False),
    sa.Column('desa_code', sa.String(length=16), nullable=False),
    sa.Column('home_based', sa.Boolean(), nullable=False),
    sa.Column('reach', sa.String(length=12), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('hours_per_week', sa.Integer(), nullable=True),
    sa.Column('schedule', sa.String(length=200), nullable=True),
    sa.Column('pay_amount', sa.Integer(), nullable=True),
    sa.Column('pay_terms', sa.String(length=200), nullable=True),
    sa.Column('funding_source', sa.String(length=20), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['desa_code'], ['region.code'], name=op.f('fk_offer_desa_code_region')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_offer_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer'))
    )
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_desa_code'), ['desa_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_status'), ['status'], unique=False)

    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_password_reset_issued_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_password_reset_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_token_hash'))
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_user_id'), ['user_id'], unique=False)

    op.create_table('user_area',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_user_area_region_code_region')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_area_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'region_code', name=op.f('pk_user_area'))
    )
    op.create_table('graduation_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('graduation_type', sa.String(length=20), nullable=False),
    sa.Column('graduated_on', sa.Date(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_graduation_record_approved_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_graduation_record_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_graduation_record_submitted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_graduation_record'))
    )
    with op.batch_alter_table('graduation_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graduation_record_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_graduation_record_status'), ['status'], unique=False)

    op.create_table('household_skill',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_skill_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], name=op.f('fk_household_skill_skill_id_skill'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('household_id', 'skill_id', name=op.f('pk_household_skill'))
    )
    op.create_table('match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('shown_position', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('consent_at', sa.DateTime(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('income_after', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.String(length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_match_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_match_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_match_offer_id_offer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match')),
    sa.UniqueConstraint('household_id', 'offer_id', name=op.f('uq_match_household_id'))
    )
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_status'), ['status'], unique=False)

    op.create_table('offer_skill',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_offer_skill_offer_id_offer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], name=op.f('fk_offer_skill_skill_id_skill'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offer_id', 'skill_id', name=op.f('pk_offer_skill'))
    )
    op.create_table('match_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_match_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_match_event_match_id_match'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_event'))
    )
    with op.batch_alter_table('match_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_event_match_id'), ['match_id'], unique=False)



def downgrade():
    with op.batch_alter_table('match_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_event_match_id'))

    op.drop_table('match_event')
    op.drop_table('offer_skill')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_status'))
        batch_op.drop_index(batch_op.f('ix_match_offer_id'))
        batch_op.drop_index(batch_op.f('ix_match_household_id'))

    op.drop_table('match')
    op.drop_table('household_skill')
    with op.batch_alter_table('graduation_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graduation_record_status'))
        batch_op.drop_index(batch_op.f('ix_graduation_record_household_id'))

    op.drop_table('graduation_record')
    op.drop_table('user_area')
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_user_id'))

    op.drop_table('password_reset')
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_status'))
        batch_op.drop_index(batch_op.f('ix_offer_organization_id'))
        batch_op.drop_index(batch_op.f('ix_offer_kind'))
        batch_op.drop_index(batch_op.f('ix_offer_desa_code'))

    op.drop_table('offer')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_status'))
        batch_op.drop_index(batch_op.f('ix_household_full_name'))
        batch_op.drop_index(batch_op.f('ix_household_facilitator_id'))
        batch_op.drop_index(batch_op.f('ix_household_desa_code'))

    op.drop_table('household')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_target')
        batch_op.drop_index(batch_op.f('ix_audit_event_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_organization_id_organization'), type_='foreignkey')

    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_status'))
        batch_op.drop_index(batch_op.f('ix_organization_kind'))
        batch_op.drop_index(batch_op.f('ix_organization_desa_code'))

    op.drop_table('organization')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_role'))
        batch_op.drop_index(batch_op.f('ix_user_organization_id'))

    op.drop_table('user')
    with op.batch_alter_table('skill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skill_category'))

    op.drop_table('skill')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_parent_code'))
        batch_op.drop_index(batch_op.f('ix_region_level'))

    op.drop_table('region')
