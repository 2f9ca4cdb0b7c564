"""Retreat ideas: residents' curricular ideas, clinical initiatives, reflections and session feedback.

Revision ID: 6922428f0b83
Revises: 3af8d4de5da7
Create Date: 2026-11-22 01:40:26.173482

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6922428f0b83'
down_revision = '3af8d4de5da7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retreat_ideas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('theme', sa.String(length=80), server_default='', nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('curricular_idea', 'clinical_initiative', 'session_feedback', 'reflection')", name=op.f('ck_retreat_ideas_kind_known')),
    sa.CheckConstraint('rating IS NULL OR (rating >= 1 AND rating <= 5)', name=op.f('ck_retreat_ideas_rating_range')),
    sa.ForeignKeyConstraint(['author_id'], ['people.id'], name=op.f('fk_retreat_ideas_author_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_retreat_ideas_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['retreat_sessions.id'], name=op.f('fk_retreat_ideas_session_id_retreat_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retreat_ideas'))
    )
    with op.batch_alter_table('retreat_ideas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retreat_ideas_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_retreat_ideas_event_submitted_at', ['event_id', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_retreat_ideas_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('retreat_ideas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retreat_ideas_session_id'))
        batch_op.drop_index('ix_retreat_ideas_event_submitted_at')
        batch_op.drop_index(batch_op.f('ix_retreat_ideas_author_id'))

    op.drop_table('retreat_ideas')
