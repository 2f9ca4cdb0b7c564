"""Holiday blocks: a year's blocks and places, residents' rankings, the allocation, and swaps."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UtcDateTime, one_of
from ..dates import utcnow
from ..extensions import db
from ..people.models import Person

YEAR_STATUSES = ("collecting", "previewed", "published")
SWAP_STATUSES = ("proposed", "accepted", "done", "declined", "withdrawn", "refused", "lapsed")
MIN_DAYS, MAX_DAYS = 4, 5


class HolidayYear(db.Model):
    """One academic year's allocation round (`academic_year` is the July it starts in).

    `status` moves collecting → previewed (an allocation is stored, still changeable) → published
    (frozen until a coordinator un-publishes). `seed` is the tie-break seed of the stored allocation.
    """

    __tablename__ = "holiday_years"
    __table_args__ = (CheckConstraint(one_of("status", YEAR_STATUSES), name="status_known"),)

    academic_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16), default="collecting", server_default="collecting")
    swaps_need_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    seed: Mapped[int | None] = mapped_column(Integer)
    total_cost: Mapped[int | None] = mapped_column(Integer)
    allocated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    allocated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    blocks: Mapped[list["HolidayBlock"]] = relationship(
        back_populates="year", order_by="HolidayBlock.starts_on", cascade="all, delete-orphan"
    )

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def label(self) -> str:
        return f"{self.academic_year}–{(self.academic_year + 1) % 100:02d}"


class HolidayBlock(db.Model):
    """A block of four or five days off (inclusive dates), its places, and its preference window."""

    __tablename__ = "holiday_blocks"
    __table_args__ = (
        UniqueConstraint("academic_year", "key", name="uq_holiday_blocks_year_key"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("ends_on >= starts_on", name="ends_on_or_after_start"),
        CheckConstraint("closes_on >= opens_on", name="window_closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year: Mapped[int] = mapped_column(
        ForeignKey("holiday_years.academic_year", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    year: Mapped[HolidayYear] = relationship(back_populates="blocks")
    program_caps: Mapped[list["ProgramCap"]] = relationship(
        order_by="ProgramCap.program", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def caps(self) -> dict[str, int]:
        return {cap.program: cap.cap for cap in self.program_caps}


class ProgramCap(db.Model):
    """At most `cap` residents of `program` may be off in the block."""

    __tablename__ = "holiday_program_caps"
    __table_args__ = (CheckConstraint("cap >= 0", name="cap_not_negative"),)

    block_id: Mapped[int] = mapped_column(
        ForeignKey("holiday_blocks.id", ondelete="CASCADE"), primary_key=True
    )
    program: Mapped[str] = mapped_column(String(32), primary_key=True)
    cap: Mapped[int] = mapped_column(Integer)


class Ranking(db.Model):
    """A resident's rank for one block (1 = most wanted); one row per block ranked."""

    __tablename__ = "holiday_rankings"
    __table_args__ = (CheckConstraint("rank >= 1", name="rank_positive"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    block_id: Mapped[int] = mapped_column(
        ForeignKey("holiday_blocks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    rank: Mapped[int] = mapped_column(Integer)
    is_observance: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ranked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Excusal(db.Model):
    """A resident a coordinator has excused from this year's blocks (leave, off-cycle), with the reason."""

    __tablename__ = "holiday_excusals"

    academic_year: Mapped[int] = mapped_column(
        ForeignKey("holiday_years.academic_year", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(300))
    excused_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    excused_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class PriorityFlag(db.Model):
    """A coordinator's priority for a resident this year (their cost counts double), with the reason."""

    __tablename__ = "holiday_priority_flags"

    academic_year: Mapped[int] = mapped_column(
        ForeignKey("holiday_years.academic_year", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(300))
    flagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    flagged_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class Assignment(db.Model):
    """A resident's block in a year's allocation.

    `rank` is the rank they gave the block they hold now (None: they did not rank); `published_rank` is
    the rank at publication, which next year's priority reads, so a swap made by choice never earns it.
    `is_pinned` keeps the block when the allocation is re-run.
    """

    __tablename__ = "holiday_assignments"
    __table_args__ = (
        UniqueConstraint("academic_year", "person_id", name="uq_holiday_assignments_year_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year: Mapped[int] = mapped_column(
        ForeignKey("holiday_years.academic_year", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("holiday_blocks.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int | None] = mapped_column(Integer)
    published_rank: Mapped[int | None] = mapped_column(Integer)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    has_priority: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    person: Mapped[Person] = relationship()
    block: Mapped[HolidayBlock] = relationship()


class Swap(db.Model):
    """Resident A (proposer) offers their block for resident B's (partner's).

    proposed → accepted (waiting for a coordinator, when the year needs approval) → done; or declined by
    B, withdrawn by A, refused by a coordinator, or lapsed when either block changed meanwhile.
    """

    __tablename__ = "holiday_swaps"
    __table_args__ = (
        CheckConstraint(one_of("status", SWAP_STATUSES), name="status_known"),
        CheckConstraint("proposer_id <> partner_id", name="two_people"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year: Mapped[int] = mapped_column(
        ForeignKey("holiday_years.academic_year", ondelete="CASCADE"), index=True
    )
    proposer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    proposer_block_id: Mapped[int] = mapped_column(ForeignKey("holiday_blocks.id", ondelete="CASCADE"))
    partner_block_id: Mapped[int] = mapped_column(ForeignKey("holiday_blocks.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="proposed", server_default="proposed")
    note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    proposer: Mapped[Person] = relationship(foreign_keys=[proposer_id])
    partner: Mapped[Person] = relationship(foreign_keys=[partner_id])
    proposer_block: Mapped[HolidayBlock] = relationship(foreign_keys=[proposer_block_id])
    partner_block: Mapped[HolidayBlock] = relationship(foreign_keys=[partner_block_id])

    @property
    def is_open(self) -> bool:
        return self.status in ("proposed", "accepted")
