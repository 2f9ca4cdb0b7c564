"""Calendar feeds: per-scope calendar versions, personal feed addresses (hashed) and the feed cache.

Revision ID: f83da18199a9
Revises: 7ff3757e7dfb
Create Date: 2026-11-22 00:08:24.761707

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f83da18199a9"
down_revision = "7ff3757e7dfb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_versions",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_calendar_versions")),
    )
    op.create_table(
        "feed_cache",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("build_key", sa.String(length=120), nullable=False),
        sa.Column("etag", sa.String(length=80), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_feed_cache")),
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_calendar_feeds_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )


def downgrade():
    op.drop_table("calendar_feeds")
    op.drop_table("feed_cache")
    op.drop_table("calendar_versions")
