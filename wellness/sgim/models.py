"""The SGIM national meeting: its details and eligibility, each invited resident's attendance and funding.

Coverage lives with the duties: an attendee's needs are their duties inside the trip's away period,
and a need is covered when its duty has a coverer.
"""

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UtcDateTime, one_of
from ..dates import utcnow
from ..duties.models import AwayPeriod
from ..events.models import Event
from ..extensions import db
from ..people.models import Person

ANSWERS = ("invited", "going", "declined")
PRESENTATION_KINDS = {"poster": "Poster", "oral": "Oral presentation", "workshop": "Workshop"}
FUNDING_CATEGORIES = {
    "registration": "Registration",
    "travel": "Travel",
    "lodging": "Lodging",
    "meals": "Meals",
}
REIMBURSEMENT = {"none": "Not submitted", "submitted": "Submitted", "paid": "Paid"}
MAX_TRAVEL_DAYS = 3
MAX_AMOUNT_CENTS = 10_000_000  # $100,000: far above any trip, to catch a mistyped figure


class Meeting(db.Model):
    """One year's SGIM meeting, published as an event of kind sgim (whole days, `starts_on`..`ends_on`).

    Amounts are whole cents. Going to the meeting makes the attendee away from `travel_days_before`
    days before it to `travel_days_after` days after it.
    """

    __tablename__ = "sgim_meetings"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_on_or_after_start"),
        CheckConstraint(
            f"travel_days_before >= 0 AND travel_days_before <= {MAX_TRAVEL_DAYS}", name="travel_before_range"
        ),
        CheckConstraint(
            f"travel_days_after >= 0 AND travel_days_after <= {MAX_TRAVEL_DAYS}", name="travel_after_range"
        ),
        CheckConstraint(
            "budget_per_resident_cents >= 0 AND total_budget_cents >= 0", name="budgets_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    travel_days_before: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    travel_days_after: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    registration_deadline_on: Mapped[date | None] = mapped_column(Date)
    abstract_deadline_on: Mapped[date | None] = mapped_column(Date)
    budget_per_resident_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total_budget_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    eligibility: Mapped[list["Eligibility"]] = relationship(
        cascade="all, delete-orphan", order_by="(Eligibility.program, Eligibility.pgy)"
    )

    @property
    def year(self) -> int:
        return self.starts_on.year


class Eligibility(db.Model):
    """A program and training level invited to the meeting (primary care PGY-2 by default)."""

    __tablename__ = "sgim_eligibility"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("sgim_meetings.id", ondelete="CASCADE"), primary_key=True
    )
    program: Mapped[str] = mapped_column(String(32), primary_key=True)
    pgy: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class Attendance(db.Model):
    """A resident's invitation to the meeting, their answer, presentation, funding and reimbursement.

    `away_period_id` is the trip (the meeting plus travel days) while they are going. Funding is
    approved when `funding_approved_at` is set; `over_budget_reason` records why a coordinator
    approved past the budget.
    """

    __tablename__ = "sgim_attendances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id", name="uq_sgim_attendances_meeting_person"),
        CheckConstraint(one_of("answer", ANSWERS), name="answer_known"),
        CheckConstraint(
            "presentation_kind IS NULL OR " + one_of("presentation_kind", PRESENTATION_KINDS),
            name="presentation_kind_known",
        ),
        CheckConstraint(one_of("reimbursement", REIMBURSEMENT), name="reimbursement_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("sgim_meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(16), default="invited", server_default="invited")
    is_added: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )  # invited beyond eligibility
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    away_period_id: Mapped[int | None] = mapped_column(ForeignKey("away_periods.id", ondelete="SET NULL"))
    presentation_title: Mapped[str] = mapped_column(String(300), default="", server_default="")
    presentation_kind: Mapped[str | None] = mapped_column(String(16))
    funding_approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    funding_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    over_budget_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    reimbursement: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    reimbursement_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    away_period: Mapped[AwayPeriod | None] = relationship()
    funding: Mapped[list["FundingLine"]] = relationship(
        cascade="all, delete-orphan", order_by="FundingLine.category", back_populates="attendance"
    )

    @property
    def is_going(self) -> bool:
        return self.answer == "going"

    @property
    def requested_cents(self) -> int:
        return sum(line.requested_cents for line in self.funding)

    @property
    def approved_cents(self) -> int:
        return sum(line.approved_cents or 0 for line in self.funding) if self.funding_approved_at else 0


class FundingLine(db.Model):
    """One category of an attendee's funding: the amount requested and, once decided, approved."""

    __tablename__ = "sgim_funding"
    __table_args__ = (
        UniqueConstraint("attendance_id", "category", name="uq_sgim_funding_attendance_category"),
        CheckConstraint(one_of("category", FUNDING_CATEGORIES), name="category_known"),
        CheckConstraint(
            f"requested_cents >= 0 AND requested_cents <= {MAX_AMOUNT_CENTS}", name="requested_range"
        ),
        CheckConstraint("approved_cents IS NULL OR approved_cents >= 0", name="approved_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(
        ForeignKey("sgim_attendances.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(16))
    requested_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    approved_cents: Mapped[int | None] = mapped_column(Integer)

    attendance: Mapped[Attendance] = relationship(back_populates="funding")
