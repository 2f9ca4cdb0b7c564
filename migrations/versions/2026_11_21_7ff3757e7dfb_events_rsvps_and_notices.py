"""Events with kinds, groups and audiences, RSVPs and the waitlist, and notices with their mail outbox.

Revision ID: 7ff3757e7dfb
Revises: fd5b7a4eebe7
Create Date: 2026-11-21 22:43:01.357970

"""
from alembic import op
import sqlalchemy as sa

# The kinds every installation starts with (slug, name, colour), as wellness.events.models had them
# when this migration was written; later domains find theirs by slug.
STANDARD_KINDS = (
    ("retreat", "Retreat", "teal"),
    ("sgim", "SGIM meeting", "indigo"),
    ("outreach", "Community outreach", "green"),
    ("wellness", "Wellness", "cyan"),
    ("social", "Social", "orange"),
    ("celebration", "Celebration", "pink"),
    ("education", "Education", "blue"),
    ("other", "Other", "grey"),
)


# revision identifiers, used by Alembic.
revision = '7ff3757e7dfb'
down_revision = 'fd5b7a4eebe7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_kinds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('colour', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint("colour IN ('teal', 'indigo', 'green', 'cyan', 'orange', 'pink', 'blue', 'grey', 'red', 'brown')", name=op.f('ck_event_kinds_colour_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_kinds')),
    sa.UniqueConstraint('slug', name=op.f('uq_event_kinds_slug'))
    )
    op.create_index("uq_event_kinds_name_lower", "event_kinds", [sa.text("lower(name)")], unique=True)
    kinds = sa.table(
        "event_kinds",
        sa.column("slug", sa.String),
        sa.column("name", sa.String),
        sa.column("colour", sa.String),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(
        kinds,
        [
            {"slug": slug, "name": name, "colour": colour, "position": position}
            for position, (slug, name, colour) in enumerate(STANDARD_KINDS)
        ],
    )
    op.create_table('groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=300), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups'))
    )
    op.create_index("uq_groups_name_lower", "groups", [sa.text("lower(name)")], unique=True)
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('location', sa.String(length=200), server_default='', nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_all_day', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='draft', nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('has_waitlist', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('rsvp_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rsvp_closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('allows_guests', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('max_guests', sa.Integer(), server_default='0', nullable=False),
    sa.Column('is_for_everyone', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('audience_programs', sa.String(length=200), server_default='', nullable=False),
    sa.Column('audience_levels', sa.String(length=20), server_default='', nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name=op.f('ck_events_status_known')),
    sa.CheckConstraint('capacity IS NULL OR (capacity >= 1 AND capacity <= 5000)', name=op.f('ck_events_capacity_range')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_events_ends_after_start')),
    sa.CheckConstraint('max_guests >= 0 AND max_guests <= 10', name=op.f('ck_events_max_guests_range')),
    sa.CheckConstraint('revision >= 1', name=op.f('ck_events_revision_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_events_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['kind_id'], ['event_kinds.id'], name=op.f('fk_events_kind_id_event_kinds'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_kind_id'), ['kind_id'], unique=False)
        batch_op.create_index('ix_events_status_starts_at', ['status', 'starts_at'], unique=False)

    op.create_table('group_members',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_members_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_group_members_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'person_id', name=op.f('pk_group_members'))
    )
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_members_person_id'), ['person_id'], unique=False)

    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('dedupe_key', sa.String(length=160), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('mail_status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('mail_attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('mail_next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mail_claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mail_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mail_last_error', sa.String(length=300), nullable=True),
    sa.CheckConstraint("mail_status IN ('pending', 'sending', 'sent', 'failed', 'skipped')", name=op.f('ck_notices_mail_status_known')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_notices_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notices_dedupe_key')),
    sa.UniqueConstraint('message_id', name=op.f('uq_notices_message_id'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_mail_due', ['mail_status', 'mail_next_attempt_at'], unique=False)
        batch_op.create_index('ix_notices_person_unread', ['person_id', 'read_at'], unique=False)

    op.create_table('event_audience_groups',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_audience_groups_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_event_audience_groups_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'group_id', name=op.f('pk_event_audience_groups'))
    )
    op.create_table('event_organisers',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_organisers_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_event_organisers_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'person_id', name=op.f('pk_event_organisers'))
    )
    with op.batch_alter_table('event_organisers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_organisers_person_id'), ['person_id'], unique=False)

    op.create_table('rsvps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.String(length=16), nullable=False),
    sa.Column('guests', sa.Integer(), server_default='0', nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("response IN ('going', 'waitlisted', 'maybe', 'not_going')", name=op.f('ck_rsvps_response_known')),
    sa.CheckConstraint('guests >= 0 AND guests <= 10', name=op.f('ck_rsvps_guests_range')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['people.id'], name=op.f('fk_rsvps_answered_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['people.id'], name=op.f('fk_rsvps_checked_in_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_rsvps_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_rsvps_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rsvps')),
    sa.UniqueConstraint('event_id', 'person_id', name='uq_rsvps_event_person')
    )
    with op.batch_alter_table('rsvps', schema=None) as batch_op:
        batch_op.create_index('ix_rsvps_event_response', ['event_id', 'response', 'requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rsvps_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('rsvps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rsvps_person_id'))
        batch_op.drop_index('ix_rsvps_event_response')

    op.drop_table('rsvps')
    with op.batch_alter_table('event_organisers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_organisers_person_id'))

    op.drop_table('event_organisers')
    op.drop_table('event_audience_groups')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_person_unread')
        batch_op.drop_index('ix_notices_mail_due')

    op.drop_table('notices')
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_members_person_id'))

    op.drop_table('group_members')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_status_starts_at')
        batch_op.drop_index(batch_op.f('ix_events_kind_id'))

    op.drop_table('events')
    op.drop_index("uq_groups_name_lower", table_name="groups")
    op.drop_table('groups')
    op.drop_index("uq_event_kinds_name_lower", table_name="event_kinds")
    op.drop_table('event_kinds')
