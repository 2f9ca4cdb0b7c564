"""Community Outreach Program: resident-run projects, their shifts and volunteers, hours and totals."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UtcDateTime, one_of
from ..dates import utcnow
from ..extensions import db
from ..people.models import Person

PROJECT_KINDS = {
    "meal_service": "Meal service",
    "fundraiser": "Fundraiser",
    "race": "Race",
    "drive": "Drive",
    "other": "Other",
}
PROJECT_STATUSES = ("proposed", "approved", "declined")
MAX_SLOTS = 200

project_organisers = Table(
    "outreach_project_organisers",
    db.metadata,
    Column("project_id", ForeignKey("outreach_projects.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Project(db.Model):
    """A volunteer project a resident proposes; coordinators or outreach leads approve or decline it."""

    __tablename__ = "outreach_projects"
    __table_args__ = (
        CheckConstraint(one_of("kind", PROJECT_KINDS), name="kind_known"),
        CheckConstraint(one_of("status", PROJECT_STATUSES), name="status_known"),
        CheckConstraint("ends_on >= starts_on", name="ends_on_or_after_start"),
        CheckConstraint("amount_raised IS NULL OR amount_raised >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    partner_name: Mapped[str] = mapped_column(String(200))
    partner_address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(16), default="proposed", server_default="proposed")
    decline_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    amount_raised: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    organisers: Mapped[list[Person]] = relationship(
        secondary=project_organisers, order_by=(Person.last_name, Person.first_name)
    )
    proposed_by: Mapped[Person | None] = relationship(foreign_keys=[proposed_by_id])
    shifts: Mapped[list["Shift"]] = relationship(
        back_populates="project", order_by="Shift.starts_at", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return PROJECT_KINDS.get(self.kind, self.kind)

    @property
    def is_approved(self) -> bool:
        return self.status == "approved"


class Shift(db.Model):
    """A stretch of volunteering in a project, e.g. "Prep 16:00–17:30, 4 slots"."""

    __tablename__ = "outreach_shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"slots >= 1 AND slots <= {MAX_SLOTS}", name="slots_range"),
        Index("ix_outreach_shifts_project_starts_at", "project_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("outreach_projects.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    slots: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="shifts")

    @property
    def hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


class ShiftSignup(db.Model):
    """A volunteer's slot in a shift. `offered_at` is set while they offer it to someone else;
    `attended` is the organiser's confirmation afterwards (None until confirmed)."""

    __tablename__ = "outreach_shift_signups"
    __table_args__ = (
        UniqueConstraint("shift_id", "person_id", name="uq_outreach_shift_signups_shift_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("outreach_shifts.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    signed_up_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attended: Mapped[bool | None] = mapped_column()
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    shift: Mapped[Shift] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


HOURS_STATUSES = ("pending", "approved", "declined")


class ExtraHours(db.Model):
    """Hours a volunteer logs beyond their shift (setting up late, driving donations); an organiser approves."""

    __tablename__ = "outreach_extra_hours"
    __table_args__ = (
        CheckConstraint("hours > 0 AND hours <= 24", name="hours_range"),
        CheckConstraint(one_of("status", HOURS_STATUSES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_shift_signups.id", ondelete="CASCADE"), index=True
    )
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    signup: Mapped[ShiftSignup] = relationship()


class RaceEntry(db.Model):
    """A runner in a charity race: a resident or a named guest, and their team."""

    __tablename__ = "outreach_race_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_projects.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    team: Mapped[str] = mapped_column(String(120), default="", server_default="")

    person: Mapped[Person | None] = relationship()
