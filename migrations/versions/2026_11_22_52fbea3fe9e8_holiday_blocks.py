"""Holiday blocks: years, blocks with places and program caps, rankings, excusals, priority, assignments, swaps.

Revision ID: 52fbea3fe9e8
Revises: 79e02b987cb5
Create Date: 2026-11-22 04:09:27.086820

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '52fbea3fe9e8'
down_revision = '79e02b987cb5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('holiday_years',
    sa.Column('academic_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), server_default='collecting', nullable=False),
    sa.Column('swaps_need_approval', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('total_cost', sa.Integer(), nullable=True),
    sa.Column('allocated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('allocated_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("status IN ('collecting', 'previewed', 'published')", name=op.f('ck_holiday_years_status_known')),
    sa.ForeignKeyConstraint(['allocated_by_id'], ['people.id'], name=op.f('fk_holiday_years_allocated_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['people.id'], name=op.f('fk_holiday_years_published_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('academic_year', name=op.f('pk_holiday_years'))
    )
    op.create_table('holiday_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_holiday_blocks_capacity_not_negative')),
    sa.CheckConstraint('closes_on >= opens_on', name=op.f('ck_holiday_blocks_window_closes_after_opening')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_holiday_blocks_ends_on_or_after_start')),
    sa.ForeignKeyConstraint(['academic_year'], ['holiday_years.academic_year'], name=op.f('fk_holiday_blocks_academic_year_holiday_years'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_blocks')),
    sa.UniqueConstraint('academic_year', 'key', name='uq_holiday_blocks_year_key')
    )
    with op.batch_alter_table('holiday_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holiday_blocks_academic_year'), ['academic_year'], unique=False)

    op.create_table('holiday_excusals',
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('excused_by_id', sa.Integer(), nullable=True),
    sa.Column('excused_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['academic_year'], ['holiday_years.academic_year'], name=op.f('fk_holiday_excusals_academic_year_holiday_years'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['excused_by_id'], ['people.id'], name=op.f('fk_holiday_excusals_excused_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_holiday_excusals_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('academic_year', 'person_id', name=op.f('pk_holiday_excusals'))
    )
    op.create_table('holiday_priority_flags',
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('flagged_by_id', sa.Integer(), nullable=True),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['academic_year'], ['holiday_years.academic_year'], name=op.f('fk_holiday_priority_flags_academic_year_holiday_years'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['flagged_by_id'], ['people.id'], name=op.f('fk_holiday_priority_flags_flagged_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_holiday_priority_flags_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('academic_year', 'person_id', name=op.f('pk_holiday_priority_flags'))
    )
    op.create_table('holiday_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('published_rank', sa.Integer(), nullable=True),
    sa.Column('is_pinned', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('has_priority', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['academic_year'], ['holiday_years.academic_year'], name=op.f('fk_holiday_assignments_academic_year_holiday_years'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['block_id'], ['holiday_blocks.id'], name=op.f('fk_holiday_assignments_block_id_holiday_blocks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_holiday_assignments_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_assignments')),
    sa.UniqueConstraint('academic_year', 'person_id', name='uq_holiday_assignments_year_person')
    )
    with op.batch_alter_table('holiday_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holiday_assignments_academic_year'), ['academic_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_holiday_assignments_block_id'), ['block_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_holiday_assignments_person_id'), ['person_id'], unique=False)

    op.create_table('holiday_program_caps',
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=32), nullable=False),
    sa.Column('cap', sa.Integer(), nullable=False),
    sa.CheckConstraint('cap >= 0', name=op.f('ck_holiday_program_caps_cap_not_negative')),
    sa.ForeignKeyConstraint(['block_id'], ['holiday_blocks.id'], name=op.f('fk_holiday_program_caps_block_id_holiday_blocks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('block_id', 'program', name=op.f('pk_holiday_program_caps'))
    )
    op.create_table('holiday_rankings',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('block_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('is_observance', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('ranked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rank >= 1', name=op.f('ck_holiday_rankings_rank_positive')),
    sa.ForeignKeyConstraint(['block_id'], ['holiday_blocks.id'], name=op.f('fk_holiday_rankings_block_id_holiday_blocks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_holiday_rankings_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'block_id', name=op.f('pk_holiday_rankings'))
    )
    with op.batch_alter_table('holiday_rankings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holiday_rankings_block_id'), ['block_id'], unique=False)

    op.create_table('holiday_swaps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('proposer_block_id', sa.Integer(), nullable=False),
    sa.Column('partner_block_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='proposed', nullable=False),
    sa.Column('note', sa.String(length=300), server_default='', nullable=False),
    sa.Column('reason', sa.String(length=300), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('proposed', 'accepted', 'done', 'declined', 'withdrawn', 'refused', 'lapsed')", name=op.f('ck_holiday_swaps_status_known')),
    sa.CheckConstraint('proposer_id <> partner_id', name=op.f('ck_holiday_swaps_two_people')),
    sa.ForeignKeyConstraint(['academic_year'], ['holiday_years.academic_year'], name=op.f('fk_holiday_swaps_academic_year_holiday_years'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['people.id'], name=op.f('fk_holiday_swaps_decided_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_block_id'], ['holiday_blocks.id'], name=op.f('fk_holiday_swaps_partner_block_id_holiday_blocks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['people.id'], name=op.f('fk_holiday_swaps_partner_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposer_block_id'], ['holiday_blocks.id'], name=op.f('fk_holiday_swaps_proposer_block_id_holiday_blocks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposer_id'], ['people.id'], name=op.f('fk_holiday_swaps_proposer_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_swaps'))
    )
    with op.batch_alter_table('holiday_swaps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holiday_swaps_academic_year'), ['academic_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_holiday_swaps_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_holiday_swaps_proposer_id'), ['proposer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('holiday_swaps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holiday_swaps_proposer_id'))
        batch_op.drop_index(batch_op.f('ix_holiday_swaps_partner_id'))
        batch_op.drop_index(batch_op.f('ix_holiday_swaps_academic_year'))

    op.drop_table('holiday_swaps')
    with op.batch_alter_table('holiday_rankings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holiday_rankings_block_id'))

    op.drop_table('holiday_rankings')
    op.drop_table('holiday_program_caps')
    with op.batch_alter_table('holiday_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holiday_assignments_person_id'))
        batch_op.drop_index(batch_op.f('ix_holiday_assignments_block_id'))
        batch_op.drop_index(batch_op.f('ix_holiday_assignments_academic_year'))

    op.drop_table('holiday_assignments')
    op.drop_table('holiday_priority_flags')
    op.drop_table('holiday_excusals')
    with op.batch_alter_table('holiday_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holiday_blocks_academic_year'))

    op.drop_table('holiday_blocks')
    op.drop_table('holiday_years')
