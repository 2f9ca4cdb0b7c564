"""Clinical duties (clinic half-days, ward days and nights, ambulatory sessions), their covers, and away periods."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UtcDateTime, one_of
from ..dates import utcnow
from ..extensions import db
from ..people.models import Person
from .sessions import DUTY_KINDS, SESSIONS

AWAY_KINDS = {
    "vacation": "Vacation",
    "conference": "Conference",
    "parental": "Parental leave",
    "sick": "Sick leave",
    "other": "Other time away",
}
AWAY_STATUSES = ("requested", "approved", "declined", "cancelled")
DUTY_SOURCES = ("import", "clinic", "manual")


class Duty(db.Model):
    """One clinical duty of a person: a day, a session (AM, PM, DAY or NIGHT), a kind and a site.

    A person has at most one duty per day and session. `covered_by_id` is the person covering it
    (while its owner is away); `revision` rises with every change a calendar must notice, and a
    change of day, session, kind or site releases the cover.
    """

    __tablename__ = "duties"
    __table_args__ = (
        UniqueConstraint("person_id", "duty_on", "session", name="uq_duties_person_day_session"),
        CheckConstraint(one_of("session", SESSIONS), name="session_known"),
        CheckConstraint(one_of("kind", DUTY_KINDS), name="kind_known"),
        CheckConstraint(one_of("source", DUTY_SOURCES), name="source_known"),
        CheckConstraint("covered_by_id IS NULL OR covered_by_id <> person_id", name="not_own_cover"),
        Index("ix_duties_day", "duty_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    duty_on: Mapped[date] = mapped_column(Date)
    session: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    site: Mapped[str] = mapped_column(String(120), default="", server_default="")
    source: Mapped[str] = mapped_column(String(16), default="import", server_default="import")
    covered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    cover_assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    covered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    covered_by: Mapped[Person | None] = relationship(foreign_keys=[covered_by_id])


class AwayPeriod(db.Model):
    """Whole days (both inclusive) a person is away: vacation, a conference, parental leave, sickness.

    A resident requests one and a coordinator approves or declines it; a coordinator's own entry is
    approved at once. Only approved periods make a person unavailable. `title` names it on calendars
    ("SGIM Annual Meeting, Denver"); periods an SGIM trip created carry its attendance.
    """

    __tablename__ = "away_periods"
    __table_args__ = (
        CheckConstraint(one_of("kind", AWAY_KINDS), name="kind_known"),
        CheckConstraint(one_of("status", AWAY_STATUSES), name="status_known"),
        CheckConstraint("ends_on >= starts_on", name="ends_on_or_after_start"),
        Index("ix_away_periods_person_days", "person_id", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="requested", server_default="requested")
    decision_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def label(self) -> str:
        return self.title or AWAY_KINDS[self.kind]
