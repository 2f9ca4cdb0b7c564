"""Retreat sessions: agendas with formats, rooms, seats and eligibility; facilitators; session sign-ups.

Revision ID: 3af8d4de5da7
Revises: f83da18199a9
Create Date: 2026-11-22 00:57:16.829968

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3af8d4de5da7'
down_revision = 'f83da18199a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retreat_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('format', sa.String(length=20), server_default='workshop', nullable=False),
    sa.Column('room', sa.String(length=120), server_default='', nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('has_waitlist', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('eligible_programs', sa.String(length=200), server_default='', nullable=False),
    sa.Column('eligible_levels', sa.String(length=20), server_default='', nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("format IN ('workshop', 'skills', 'round_table', 'reflection', 'talk')", name=op.f('ck_retreat_sessions_format_known')),
    sa.CheckConstraint('capacity IS NULL OR (capacity >= 1 AND capacity <= 500)', name=op.f('ck_retreat_sessions_capacity_range')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_retreat_sessions_ends_after_start')),
    sa.CheckConstraint('revision >= 1', name=op.f('ck_retreat_sessions_revision_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_retreat_sessions_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retreat_sessions'))
    )
    with op.batch_alter_table('retreat_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_retreat_sessions_event_starts_at', ['event_id', 'starts_at'], unique=False)

    op.create_table('session_facilitators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('title', sa.String(length=200), server_default='', nullable=False),
    sa.Column('affiliation', sa.String(length=200), server_default='', nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint("person_id IS NOT NULL OR name <> ''", name=op.f('ck_session_facilitators_person_or_name')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_session_facilitators_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['retreat_sessions.id'], name=op.f('fk_session_facilitators_session_id_retreat_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_facilitators'))
    )
    with op.batch_alter_table('session_facilitators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_facilitators_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_facilitators_session_id'), ['session_id'], unique=False)

    op.create_table('session_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('going', 'waitlisted')", name=op.f('ck_session_signups_status_known')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_session_signups_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['retreat_sessions.id'], name=op.f('fk_session_signups_session_id_retreat_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_signups')),
    sa.UniqueConstraint('session_id', 'person_id', name='uq_session_signups_session_person')
    )
    with op.batch_alter_table('session_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_signups_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_session_signups_session_status', ['session_id', 'status', 'requested_at'], unique=False)



def downgrade():
    with op.batch_alter_table('session_signups', schema=None) as batch_op:
        batch_op.drop_index('ix_session_signups_session_status')
        batch_op.drop_index(batch_op.f('ix_session_signups_person_id'))

    op.drop_table('session_signups')
    with op.batch_alter_table('session_facilitators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_facilitators_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_facilitators_person_id'))

    op.drop_table('session_facilitators')
    with op.batch_alter_table('retreat_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_retreat_sessions_event_starts_at')

    op.drop_table('retreat_sessions')
