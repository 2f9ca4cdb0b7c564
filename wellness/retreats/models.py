"""Retreat agendas: sessions with rooms, formats, facilitators, seat limits and eligibility, and sign-ups."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UtcDateTime, one_of
from ..dates import utcnow
from ..events.models import Event
from ..extensions import db
from ..people.models import Person

FORMATS = {
    "workshop": "Workshop",
    "skills": "Skills session",
    "round_table": "Round table",
    "reflection": "Reflection",
    "talk": "Talk",
}
SIGNUP_STATUSES = ("going", "waitlisted")
RETREAT_KIND = "retreat"  # the event kind whose events have an agenda
IDEA_KINDS = {
    "curricular_idea": "Curricular idea",
    "clinical_initiative": "Clinical initiative",
    "session_feedback": "Feedback on a session",
    "reflection": "Reflection",
}
MAX_SESSION_CAPACITY = 500


class RetreatSession(db.Model):
    """One slot of a retreat's agenda. A session without a capacity has no seat limit.

    Eligibility narrows like an event audience: programs and PGY levels (on the retreat's first day)
    narrow each other; both empty means everyone going to the retreat.
    """

    __tablename__ = "retreat_sessions"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(one_of("format", FORMATS), name="format_known"),
        CheckConstraint(
            f"capacity IS NULL OR (capacity >= 1 AND capacity <= {MAX_SESSION_CAPACITY})",
            name="capacity_range",
        ),
        CheckConstraint("revision >= 1", name="revision_positive"),
        Index("ix_retreat_sessions_event_starts_at", "event_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    format: Mapped[str] = mapped_column(String(20), default="workshop", server_default="workshop")
    room: Mapped[str] = mapped_column(String(120), default="", server_default="")
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)
    has_waitlist: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    eligible_programs: Mapped[str] = mapped_column(String(200), default="", server_default="")
    eligible_levels: Mapped[str] = mapped_column(String(20), default="", server_default="")
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    facilitators: Mapped[list["Facilitator"]] = relationship(
        back_populates="session", order_by="Facilitator.position", cascade="all, delete-orphan"
    )

    @property
    def program_keys(self) -> list[str]:
        return [key for key in self.eligible_programs.split(",") if key]

    @property
    def levels(self) -> list[int]:
        return [int(level) for level in self.eligible_levels.split(",") if level]

    @property
    def format_label(self) -> str:
        return FORMATS.get(self.format, self.format)


class Facilitator(db.Model):
    """Who leads a session: a faculty member (person) or an invited guest (name, title, affiliation)."""

    __tablename__ = "session_facilitators"
    __table_args__ = (CheckConstraint("person_id IS NOT NULL OR name <> ''", name="person_or_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("retreat_sessions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    affiliation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    session: Mapped[RetreatSession] = relationship(back_populates="facilitators")
    person: Mapped[Person | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        return self.person.name if self.person is not None else self.name


class SessionSignup(db.Model):
    """A person's place in a session, or in its waitlist (in order of requested_at, then id)."""

    __tablename__ = "session_signups"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id", name="uq_session_signups_session_person"),
        CheckConstraint(one_of("status", SIGNUP_STATUSES), name="status_known"),
        Index("ix_session_signups_session_status", "session_id", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("retreat_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    session: Mapped[RetreatSession] = relationship()
    person: Mapped[Person] = relationship()


class RetreatIdea(db.Model):
    """A resident's idea, initiative, reflection or session feedback for a retreat.

    `author_id` is empty for anonymous submissions, which keep only their day in `submitted_at`.
    Feedback on a session that is later removed stays, without its session.
    """

    __tablename__ = "retreat_ideas"
    __table_args__ = (
        CheckConstraint(one_of("kind", IDEA_KINDS), name="kind_known"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        Index("ix_retreat_ideas_event_submitted_at", "event_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("retreat_sessions.id", ondelete="SET NULL"), index=True
    )
    rating: Mapped[int | None] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(String(80), default="", server_default="")
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)

    session: Mapped[RetreatSession | None] = relationship()
    author: Mapped[Person | None] = relationship()

    @property
    def kind_label(self) -> str:
        return IDEA_KINDS.get(self.kind, self.kind)
