"""Coaching: pairings of residents with faculty coaches, exclusions, meetings and a resident's goals.

Everything here is confidential: only the two people in a pairing read its meetings, only the resident
and (for shared ones) their coach read goals, and coordinators see pairings and meeting counts only.
"""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UtcDateTime, one_of
from ..dates import utcnow
from ..extensions import db
from ..people.models import Person

MEETING_STATUSES = ("proposed", "confirmed", "declined", "cancelled", "replaced")
GOAL_KINDS = {"goal": "Goal", "reflection": "Reflection", "accomplishment": "Accomplishment"}


class Pairing(db.Model):
    """A resident paired with a coach from `starts_on`; `ends_on` and `end_reason` once it ended.

    `override_reason` is set when a coordinator paired them although the coach shares a field with the
    resident. At most one pairing per resident is active (no `ends_on`): a partial unique index.
    """

    __tablename__ = "coaching_pairings"
    __table_args__ = (
        CheckConstraint("resident_id <> coach_id", name="not_self"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        Index(
            "uq_coaching_pairings_one_active",
            "resident_id",
            unique=True,
            sqlite_where=text("ends_on IS NULL"),
            postgresql_where=text("ends_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(500))
    override_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    resident: Mapped[Person] = relationship(foreign_keys=[resident_id])
    coach: Mapped[Person] = relationship(foreign_keys=[coach_id])

    @property
    def is_active(self) -> bool:
        return self.ends_on is None


class Exclusion(db.Model):
    """A resident and a coach who must never be paired (a research mentor, a relative), with the reason."""

    __tablename__ = "coaching_exclusions"
    __table_args__ = (
        UniqueConstraint("resident_id", "coach_id", name="uq_coaching_exclusions_pair"),
        CheckConstraint("resident_id <> coach_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    resident: Mapped[Person] = relationship(foreign_keys=[resident_id])
    coach: Mapped[Person] = relationship(foreign_keys=[coach_id])


class Meeting(db.Model):
    """A meeting one of the pair proposed; the other confirms, declines or proposes another time.

    `confirmed_at` stays set if a confirmed meeting is later cancelled or moved, so calendars drop it.
    A counter-proposal marks the first `replaced` and points back to it through `replaces_id`.
    `revision` rises with every change a calendar must notice.
    """

    __tablename__ = "coaching_meetings"
    __table_args__ = (
        CheckConstraint(one_of("status", MEETING_STATUSES), name="status_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_pairings.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    place: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="proposed", server_default="proposed")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_meetings.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    pairing: Mapped[Pairing] = relationship()


class Goal(db.Model):
    """A resident's goal, reflection or accomplishment; shared with their coach or private to them."""

    __tablename__ = "coaching_goals"
    __table_args__ = (CheckConstraint(one_of("kind", tuple(GOAL_KINDS)), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="goal")
    text: Mapped[str] = mapped_column(Text)
    is_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    achieved_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
