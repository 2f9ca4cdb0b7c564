"""Community Outreach Program: projects with organisers, shifts, volunteer sign-ups, extra hours, race entries.

Revision ID: 79e02b987cb5
Revises: 6922428f0b83
Create Date: 2026-11-22 01:53:28.472335

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '79e02b987cb5'
down_revision = '6922428f0b83'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outreach_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('partner_name', sa.String(length=200), nullable=False),
    sa.Column('partner_address', sa.String(length=300), server_default='', nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=16), server_default='proposed', nullable=False),
    sa.Column('decline_reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('amount_raised', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("kind IN ('meal_service', 'fundraiser', 'race', 'drive', 'other')", name=op.f('ck_outreach_projects_kind_known')),
    sa.CheckConstraint("status IN ('proposed', 'approved', 'declined')", name=op.f('ck_outreach_projects_status_known')),
    sa.CheckConstraint('amount_raised IS NULL OR amount_raised >= 0', name=op.f('ck_outreach_projects_amount_not_negative')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_outreach_projects_ends_on_or_after_start')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['people.id'], name=op.f('fk_outreach_projects_decided_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['people.id'], name=op.f('fk_outreach_projects_proposed_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_projects'))
    )
    op.create_table('outreach_project_organisers',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_outreach_project_organisers_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['outreach_projects.id'], name=op.f('fk_outreach_project_organisers_project_id_outreach_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'person_id', name=op.f('pk_outreach_project_organisers'))
    )
    with op.batch_alter_table('outreach_project_organisers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_project_organisers_person_id'), ['person_id'], unique=False)

    op.create_table('outreach_race_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('team', sa.String(length=120), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_outreach_race_entries_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['outreach_projects.id'], name=op.f('fk_outreach_race_entries_project_id_outreach_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_race_entries'))
    )
    with op.batch_alter_table('outreach_race_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_race_entries_project_id'), ['project_id'], unique=False)

    op.create_table('outreach_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('slots', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_outreach_shifts_ends_after_start')),
    sa.CheckConstraint('slots >= 1 AND slots <= 200', name=op.f('ck_outreach_shifts_slots_range')),
    sa.ForeignKeyConstraint(['project_id'], ['outreach_projects.id'], name=op.f('fk_outreach_shifts_project_id_outreach_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_shifts'))
    )
    with op.batch_alter_table('outreach_shifts', schema=None) as batch_op:
        batch_op.create_index('ix_outreach_shifts_project_starts_at', ['project_id', 'starts_at'], unique=False)

    op.create_table('outreach_shift_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('signed_up_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['people.id'], name=op.f('fk_outreach_shift_signups_confirmed_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_outreach_shift_signups_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shift_id'], ['outreach_shifts.id'], name=op.f('fk_outreach_shift_signups_shift_id_outreach_shifts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_shift_signups')),
    sa.UniqueConstraint('shift_id', 'person_id', name='uq_outreach_shift_signups_shift_person')
    )
    with op.batch_alter_table('outreach_shift_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_shift_signups_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_shift_signups_shift_id'), ['shift_id'], unique=False)

    op.create_table('outreach_extra_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('note', sa.String(length=300), server_default='', nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'declined')", name=op.f('ck_outreach_extra_hours_status_known')),
    sa.CheckConstraint('hours > 0 AND hours <= 24', name=op.f('ck_outreach_extra_hours_hours_range')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['people.id'], name=op.f('fk_outreach_extra_hours_decided_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['signup_id'], ['outreach_shift_signups.id'], name=op.f('fk_outreach_extra_hours_signup_id_outreach_shift_signups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_extra_hours'))
    )
    with op.batch_alter_table('outreach_extra_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_extra_hours_signup_id'), ['signup_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outreach_extra_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_extra_hours_signup_id'))

    op.drop_table('outreach_extra_hours')
    with op.batch_alter_table('outreach_shift_signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_shift_signups_shift_id'))
        batch_op.drop_index(batch_op.f('ix_outreach_shift_signups_person_id'))

    op.drop_table('outreach_shift_signups')
    with op.batch_alter_table('outreach_shifts', schema=None) as batch_op:
        batch_op.drop_index('ix_outreach_shifts_project_starts_at')

    op.drop_table('outreach_shifts')
    with op.batch_alter_table('outreach_race_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_race_entries_project_id'))

    op.drop_table('outreach_race_entries')
    with op.batch_alter_table('outreach_project_organisers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_project_organisers_person_id'))

    op.drop_table('outreach_project_organisers')
    op.drop_table('outreach_projects')
