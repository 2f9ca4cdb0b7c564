"""Coaching: pairings (one active per resident), exclusions, meetings and goals.

Revision ID: 8c24a02d24c2
Revises: 52fbea3fe9e8
Create Date: 2026-11-22 06:39:27.173652

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c24a02d24c2'
down_revision = '52fbea3fe9e8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('coaching_exclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('resident_id <> coach_id', name=op.f('ck_coaching_exclusions_not_self')),
    sa.ForeignKeyConstraint(['coach_id'], ['people.id'], name=op.f('fk_coaching_exclusions_coach_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_coaching_exclusions_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resident_id'], ['people.id'], name=op.f('fk_coaching_exclusions_resident_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_exclusions')),
    sa.UniqueConstraint('resident_id', 'coach_id', name='uq_coaching_exclusions_pair')
    )
    with op.batch_alter_table('coaching_exclusions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_exclusions_coach_id'), ['coach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_exclusions_resident_id'), ['resident_id'], unique=False)

    op.create_table('coaching_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('is_shared', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('achieved_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('goal', 'reflection', 'accomplishment')", name=op.f('ck_coaching_goals_kind_known')),
    sa.ForeignKeyConstraint(['resident_id'], ['people.id'], name=op.f('fk_coaching_goals_resident_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_goals'))
    )
    with op.batch_alter_table('coaching_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_goals_resident_id'), ['resident_id'], unique=False)

    op.create_table('coaching_pairings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=500), nullable=True),
    sa.Column('override_reason', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_coaching_pairings_ends_after_start')),
    sa.CheckConstraint('resident_id <> coach_id', name=op.f('ck_coaching_pairings_not_self')),
    sa.ForeignKeyConstraint(['coach_id'], ['people.id'], name=op.f('fk_coaching_pairings_coach_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_coaching_pairings_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ended_by_id'], ['people.id'], name=op.f('fk_coaching_pairings_ended_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resident_id'], ['people.id'], name=op.f('fk_coaching_pairings_resident_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_pairings'))
    )
    with op.batch_alter_table('coaching_pairings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_pairings_coach_id'), ['coach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_pairings_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index('uq_coaching_pairings_one_active', ['resident_id'], unique=True, sqlite_where=sa.text('ends_on IS NULL'), postgresql_where=sa.text('ends_on IS NULL'))

    op.create_table('coaching_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='proposed', nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('proposed', 'confirmed', 'declined', 'cancelled', 'replaced')", name=op.f('ck_coaching_meetings_status_known')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_coaching_meetings_ends_after_start')),
    sa.ForeignKeyConstraint(['pairing_id'], ['coaching_pairings.id'], name=op.f('fk_coaching_meetings_pairing_id_coaching_pairings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['people.id'], name=op.f('fk_coaching_meetings_proposed_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['replaces_id'], ['coaching_meetings.id'], name=op.f('fk_coaching_meetings_replaces_id_coaching_meetings'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_meetings'))
    )
    with op.batch_alter_table('coaching_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_meetings_pairing_id'), ['pairing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_meetings_starts_at'), ['starts_at'], unique=False)



def downgrade():
    with op.batch_alter_table('coaching_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coaching_meetings_starts_at'))
        batch_op.drop_index(batch_op.f('ix_coaching_meetings_pairing_id'))

    op.drop_table('coaching_meetings')
    with op.batch_alter_table('coaching_pairings', schema=None) as batch_op:
        batch_op.drop_index('uq_coaching_pairings_one_active', sqlite_where=sa.text('ends_on IS NULL'), postgresql_where=sa.text('ends_on IS NULL'))
        batch_op.drop_index(batch_op.f('ix_coaching_pairings_resident_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_pairings_coach_id'))

    op.drop_table('coaching_pairings')
    with op.batch_alter_table('coaching_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coaching_goals_resident_id'))

    op.drop_table('coaching_goals')
    with op.batch_alter_table('coaching_exclusions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coaching_exclusions_resident_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_exclusions_coach_id'))

    op.drop_table('coaching_exclusions')
