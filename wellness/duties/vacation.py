"""Vacation use: approved (and requested) vacation days per academic year (1 July to 30 June) against
four weeks. Going past the allowance is allowed; whatever counts the days says so."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..dates import academic_year_of
from ..extensions import db
from .models import AwayPeriod

VACATION_DAYS = 28  # four weeks a year
OPEN = ("requested", "approved")


def year_label(academic_year: int) -> str:
    return f"{academic_year}–{(academic_year + 1) % 100:02d}"


@dataclass(frozen=True)
class VacationUse:
    academic_year: int
    approved: int  # approved vacation days in the year
    requested: int = 0  # days still waiting for a decision
    allowed: int = VACATION_DAYS

    @property
    def is_over(self) -> bool:
        return self.approved > self.allowed

    @property
    def over_by(self) -> int:
        return max(0, self.approved - self.allowed)

    @property
    def label(self) -> str:
        return year_label(self.academic_year)

    def warning(self, if_approved: bool = False) -> str | None:
        """ "33 approved vacation days in 2026–27: 5 past the 28 allowed." ("If approved: 33 vacation days
        …" for a request still waiting), or None within the allowance."""
        if not self.is_over:
            return None
        days = (
            f"If approved: {self.approved} vacation days"
            if if_approved
            else f"{self.approved} approved vacation days"
        )
        return f"{days} in {self.label}: {self.over_by} past the {self.allowed} allowed."


def _days_in_year(first: date, last: date, academic_year: int) -> int:
    start, end = max(first, date(academic_year, 7, 1)), min(last, date(academic_year + 1, 6, 30))
    return max(0, (end - start).days + 1)


def vacation_use(person_id: int, academic_year: int) -> VacationUse:
    """The person's approved (and requested) vacation days falling in the academic year."""
    first, last = date(academic_year, 7, 1), date(academic_year + 1, 6, 30)
    rows = db.session.execute(
        select(AwayPeriod.starts_on, AwayPeriod.ends_on, AwayPeriod.status).where(
            AwayPeriod.person_id == person_id,
            AwayPeriod.kind == "vacation",
            AwayPeriod.status.in_(OPEN),
            AwayPeriod.ends_on >= first,
            AwayPeriod.starts_on <= last,
        )
    ).all()
    counted = {status: 0 for status in OPEN}
    for starts_on, ends_on, status in rows:
        counted[status] += _days_in_year(starts_on, ends_on, academic_year)
    return VacationUse(academic_year, counted["approved"], counted["requested"])


def years_of(period: AwayPeriod) -> list[int]:
    """The academic years the period touches (one, or two across 30 June)."""
    return sorted({academic_year_of(period.starts_on), academic_year_of(period.ends_on)})


def vacation_after(period: AwayPeriod) -> list[VacationUse]:
    """Vacation use in each year a vacation period touches, as if it were approved (empty for other kinds)."""
    if period.kind != "vacation":
        return []
    uses = []
    for year in years_of(period):
        use = vacation_use(period.person_id, year)
        extra = 0 if period.status == "approved" else _days_in_year(period.starts_on, period.ends_on, year)
        uses.append(
            VacationUse(
                year, use.approved + extra, use.requested - (extra if period.status == "requested" else 0)
            )
        )
    return uses
