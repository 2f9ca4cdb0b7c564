"""Duties (one per person, day and session) with their covers, away periods, and the SGIM meeting:
eligibility, attendances and funding.

Revision ID: c13d9daf19d0
Revises: 8c24a02d24c2
Create Date: 2026-12-03 14:49:20.468706

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c13d9daf19d0'
down_revision = '8c24a02d24c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('away_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), server_default='', nullable=False),
    sa.Column('note', sa.String(length=500), server_default='', nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='requested', nullable=False),
    sa.Column('decision_reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('vacation', 'conference', 'parental', 'sick', 'other')", name=op.f('ck_away_periods_kind_known')),
    sa.CheckConstraint("status IN ('requested', 'approved', 'declined', 'cancelled')", name=op.f('ck_away_periods_status_known')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_away_periods_ends_on_or_after_start')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['people.id'], name=op.f('fk_away_periods_decided_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_away_periods_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['people.id'], name=op.f('fk_away_periods_requested_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_away_periods'))
    )
    with op.batch_alter_table('away_periods', schema=None) as batch_op:
        batch_op.create_index('ix_away_periods_person_days', ['person_id', 'starts_on', 'ends_on'], unique=False)

    op.create_table('duties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('duty_on', sa.Date(), nullable=False),
    sa.Column('session', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('site', sa.String(length=120), server_default='', nullable=False),
    sa.Column('source', sa.String(length=16), server_default='import', nullable=False),
    sa.Column('covered_by_id', sa.Integer(), nullable=True),
    sa.Column('cover_assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('covered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('clinic', 'inpatient', 'ambulatory', 'other')", name=op.f('ck_duties_kind_known')),
    sa.CheckConstraint("session IN ('AM', 'PM', 'DAY', 'NIGHT')", name=op.f('ck_duties_session_known')),
    sa.CheckConstraint("source IN ('import', 'clinic', 'manual')", name=op.f('ck_duties_source_known')),
    sa.CheckConstraint('covered_by_id IS NULL OR covered_by_id <> person_id', name=op.f('ck_duties_not_own_cover')),
    sa.ForeignKeyConstraint(['cover_assigned_by_id'], ['people.id'], name=op.f('fk_duties_cover_assigned_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['covered_by_id'], ['people.id'], name=op.f('fk_duties_covered_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_duties_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duties')),
    sa.UniqueConstraint('person_id', 'duty_on', 'session', name='uq_duties_person_day_session')
    )
    with op.batch_alter_table('duties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duties_covered_by_id'), ['covered_by_id'], unique=False)
        batch_op.create_index('ix_duties_day', ['duty_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_duties_person_id'), ['person_id'], unique=False)

    op.create_table('sgim_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('travel_days_before', sa.Integer(), server_default='1', nullable=False),
    sa.Column('travel_days_after', sa.Integer(), server_default='0', nullable=False),
    sa.Column('registration_deadline_on', sa.Date(), nullable=True),
    sa.Column('abstract_deadline_on', sa.Date(), nullable=True),
    sa.Column('budget_per_resident_cents', sa.Integer(), server_default='0', nullable=False),
    sa.Column('total_budget_cents', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('budget_per_resident_cents >= 0 AND total_budget_cents >= 0', name=op.f('ck_sgim_meetings_budgets_not_negative')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_sgim_meetings_ends_on_or_after_start')),
    sa.CheckConstraint('travel_days_after >= 0 AND travel_days_after <= 3', name=op.f('ck_sgim_meetings_travel_after_range')),
    sa.CheckConstraint('travel_days_before >= 0 AND travel_days_before <= 3', name=op.f('ck_sgim_meetings_travel_before_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_sgim_meetings_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_sgim_meetings_event_id_events'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sgim_meetings')),
    sa.UniqueConstraint('event_id', name=op.f('uq_sgim_meetings_event_id'))
    )
    op.create_table('sgim_attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=16), server_default='invited', nullable=False),
    sa.Column('is_added', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('away_period_id', sa.Integer(), nullable=True),
    sa.Column('presentation_title', sa.String(length=300), server_default='', nullable=False),
    sa.Column('presentation_kind', sa.String(length=16), nullable=True),
    sa.Column('funding_approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('funding_approved_by_id', sa.Integer(), nullable=True),
    sa.Column('over_budget_reason', sa.String(length=500), server_default='', nullable=False),
    sa.Column('reimbursement', sa.String(length=16), server_default='none', nullable=False),
    sa.Column('reimbursement_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("answer IN ('invited', 'going', 'declined')", name=op.f('ck_sgim_attendances_answer_known')),
    sa.CheckConstraint("presentation_kind IS NULL OR presentation_kind IN ('poster', 'oral', 'workshop')", name=op.f('ck_sgim_attendances_presentation_kind_known')),
    sa.CheckConstraint("reimbursement IN ('none', 'submitted', 'paid')", name=op.f('ck_sgim_attendances_reimbursement_known')),
    sa.ForeignKeyConstraint(['away_period_id'], ['away_periods.id'], name=op.f('fk_sgim_attendances_away_period_id_away_periods'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['funding_approved_by_id'], ['people.id'], name=op.f('fk_sgim_attendances_funding_approved_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['sgim_meetings.id'], name=op.f('fk_sgim_attendances_meeting_id_sgim_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_sgim_attendances_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sgim_attendances')),
    sa.UniqueConstraint('meeting_id', 'person_id', name='uq_sgim_attendances_meeting_person')
    )
    with op.batch_alter_table('sgim_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sgim_attendances_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sgim_attendances_person_id'), ['person_id'], unique=False)

    op.create_table('sgim_eligibility',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=32), nullable=False),
    sa.Column('pgy', sa.Integer(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['sgim_meetings.id'], name=op.f('fk_sgim_eligibility_meeting_id_sgim_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'program', 'pgy', name=op.f('pk_sgim_eligibility'))
    )
    op.create_table('sgim_funding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attendance_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('requested_cents', sa.Integer(), server_default='0', nullable=False),
    sa.Column('approved_cents', sa.Integer(), nullable=True),
    sa.CheckConstraint("category IN ('registration', 'travel', 'lodging', 'meals')", name=op.f('ck_sgim_funding_category_known')),
    sa.CheckConstraint('approved_cents IS NULL OR approved_cents >= 0', name=op.f('ck_sgim_funding_approved_not_negative')),
    sa.CheckConstraint('requested_cents >= 0 AND requested_cents <= 10000000', name=op.f('ck_sgim_funding_requested_range')),
    sa.ForeignKeyConstraint(['attendance_id'], ['sgim_attendances.id'], name=op.f('fk_sgim_funding_attendance_id_sgim_attendances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sgim_funding')),
    sa.UniqueConstraint('attendance_id', 'category', name='uq_sgim_funding_attendance_category')
    )
    with op.batch_alter_table('sgim_funding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sgim_funding_attendance_id'), ['attendance_id'], unique=False)



def downgrade():
    with op.batch_alter_table('sgim_funding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sgim_funding_attendance_id'))

    op.drop_table('sgim_funding')
    op.drop_table('sgim_eligibility')
    with op.batch_alter_table('sgim_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sgim_attendances_person_id'))
        batch_op.drop_index(batch_op.f('ix_sgim_attendances_meeting_id'))

    op.drop_table('sgim_attendances')
    op.drop_table('sgim_meetings')
    with op.batch_alter_table('duties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duties_person_id'))
        batch_op.drop_index('ix_duties_day')
        batch_op.drop_index(batch_op.f('ix_duties_covered_by_id'))

    op.drop_table('duties')
    with op.batch_alter_table('away_periods', schema=None) as batch_op:
        batch_op.drop_index('ix_away_periods_person_days')

    op.drop_table('away_periods')
