"""Events, their kinds, audiences and organisers, people's groups, and RSVPs."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UtcDateTime, one_of
from ..dates import utcnow
from ..extensions import db
from ..people.models import Person

# The kinds every installation starts with; later domains (retreats, SGIM, outreach) find theirs by slug.
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
# Colours are picked from a palette rather than typed, so every badge stays readable on white.
KIND_COLOURS = {
    "teal": "#20796f",
    "indigo": "#4b3f9f",
    "green": "#2e7d32",
    "cyan": "#0b6e8a",
    "orange": "#b4530f",
    "pink": "#a3306f",
    "blue": "#1f5fbf",
    "grey": "#5c636a",
    "red": "#b02a37",
    "brown": "#7a5230",
}
STATUSES = ("draft", "published", "cancelled")
RESPONSES = ("going", "waitlisted", "maybe", "not_going")
MAX_CAPACITY = 5000
MAX_GUESTS = 10


class EventKind(db.Model):
    __tablename__ = "event_kinds"
    __table_args__ = (CheckConstraint(one_of("colour", KIND_COLOURS), name="colour_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    colour: Mapped[str] = mapped_column(String(16), default="grey")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


Index("uq_event_kinds_name_lower", func.lower(EventKind.name), unique=True)

group_members = Table(
    "group_members",
    db.metadata,
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Group(db.Model):
    """A list coordinators keep, e.g. resident parents or women in medicine, used in audiences."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    members: Mapped[list[Person]] = relationship(
        secondary=group_members, order_by=(Person.last_name, Person.first_name)
    )


Index("uq_groups_name_lower", func.lower(Group.name), unique=True)

event_organisers = Table(
    "event_organisers",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
)
event_groups = Table(
    "event_audience_groups",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)


class Event(db.Model):
    """Something people RSVP to. Times are stored in UTC; all-day events end at the next midnight."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            f"capacity IS NULL OR (capacity >= 1 AND capacity <= {MAX_CAPACITY})", name="capacity_range"
        ),
        CheckConstraint(f"max_guests >= 0 AND max_guests <= {MAX_GUESTS}", name="max_guests_range"),
        CheckConstraint("revision >= 1", name="revision_positive"),
        Index("ix_events_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("event_kinds.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    location: Mapped[str] = mapped_column(String(200), default="", server_default="")
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    is_all_day: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(16), default="draft", server_default="draft")

    capacity: Mapped[int | None] = mapped_column(Integer)
    has_waitlist: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    rsvp_opens_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rsvp_closes_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    allows_guests: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    max_guests: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # The audience: everyone, or residents matching the programs and levels, plus members of the groups.
    is_for_everyone: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    audience_programs: Mapped[str] = mapped_column(String(200), default="", server_default="")
    audience_levels: Mapped[str] = mapped_column(String(20), default="", server_default="")

    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    kind: Mapped[EventKind] = relationship(lazy="joined")
    organisers: Mapped[list[Person]] = relationship(
        secondary=event_organisers, order_by=(Person.last_name, Person.first_name)
    )
    groups: Mapped[list[Group]] = relationship(secondary=event_groups, order_by=Group.name)

    @property
    def program_keys(self) -> list[str]:
        return [key for key in self.audience_programs.split(",") if key]

    @property
    def levels(self) -> list[int]:
        return [int(level) for level in self.audience_levels.split(",") if level]

    @property
    def kind_name(self) -> str:
        return self.kind.name

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class Rsvp(db.Model):
    """One person's answer to one event.

    `going` holds 1 + guests seats; `waitlisted` waits for them in order of `requested_at`, then id.
    """

    __tablename__ = "rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id", name="uq_rsvps_event_person"),
        CheckConstraint(one_of("response", RESPONSES), name="response_known"),
        CheckConstraint(f"guests >= 0 AND guests <= {MAX_GUESTS}", name="guests_range"),
        Index("ix_rsvps_event_response", "event_id", "response", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    response: Mapped[str] = mapped_column(String(16))
    guests: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    responded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")

    @property
    def seats(self) -> int:
        return 1 + self.guests
