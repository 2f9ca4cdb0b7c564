"""What the holiday pages show: a resident's view of a year, and the coordinators' overview of one."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..people.models import Person
from . import swaps
from .blocks import eligible_residents, excused_ids, ranking_window
from .models import Assignment, Excusal, HolidayBlock, HolidayYear, PriorityFlag, Swap
from .preferences import RankedBlock, first_choices, ranking_of, ranking_statuses, window_message
from .results import Result, result_for


def years_in_view(today: date) -> list[HolidayYear]:
    """Years whose blocks are not all past, oldest first (usually this year's and next year's)."""
    last_day = func.max(HolidayBlock.ends_on)
    years = select(HolidayBlock.academic_year).group_by(HolidayBlock.academic_year).having(last_day >= today)
    return db.session.scalars(
        select(HolidayYear).where(HolidayYear.academic_year.in_(years)).order_by(HolidayYear.academic_year)
    ).all()


def all_years() -> list[HolidayYear]:
    return db.session.scalars(select(HolidayYear).order_by(HolidayYear.academic_year.desc())).all()


@dataclass(frozen=True)
class ResidentYear:
    year: HolidayYear
    taking_part: bool
    window: tuple[date, date] | None
    closed_because: str | None
    ranking: list[RankedBlock]
    first_choices: dict[int, int]
    result: Result | None
    swaps: list[Swap]
    partners: list[Person]

    @property
    def observance(self) -> HolidayBlock | None:
        return next((ranked.block for ranked in self.ranking if ranked.is_observance), None)


def resident_year(person, year: HolidayYear, today: date) -> ResidentYear:
    """A resident's view of one year: their own ranking, result and swaps, and only counts of others'."""
    taking_part = person.id in {p.id for p in eligible_residents(year.academic_year)}
    result = result_for(person, year) if taking_part else None
    partners = []
    if result is not None:
        partners = db.session.scalars(
            select(Person)
            .join(Assignment, Assignment.person_id == Person.id)
            .where(Assignment.academic_year == year.academic_year, Person.id != person.id)
            .order_by(Person.last_name, Person.first_name)
        ).all()
    return ResidentYear(
        year=year,
        taking_part=taking_part,
        window=ranking_window(year),
        closed_because=window_message(year, today),
        ranking=ranking_of(person.id, year),
        first_choices=first_choices(year),
        result=result,
        swaps=swaps.swaps_for(person.id, year) if result else [],
        partners=partners,
    )


@dataclass(frozen=True)
class YearOverview:
    year: HolidayYear
    window: tuple[date, date] | None
    residents: int
    ranked: int
    excused: list[Excusal]
    flags: list[PriorityFlag]
    waiting_swaps: list[Swap]


def year_overview(year: HolidayYear) -> YearOverview:
    statuses = ranking_statuses(year)
    return YearOverview(
        year=year,
        window=ranking_window(year),
        residents=len(statuses),
        ranked=sum(1 for status in statuses if status.ranked_at),
        excused=db.session.scalars(
            select(Excusal).where(Excusal.academic_year == year.academic_year).order_by(Excusal.excused_at)
        ).all(),
        flags=db.session.scalars(
            select(PriorityFlag)
            .where(PriorityFlag.academic_year == year.academic_year)
            .order_by(PriorityFlag.flagged_at)
        ).all(),
        waiting_swaps=swaps.swaps_waiting_for_approval(year),
    )


def resident_choices(year: HolidayYear, *, excused: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the residents taking part, or of the excused ones, for a select."""
    if excused:
        ids = excused_ids(year.academic_year)
        people = [p for p in eligible_residents(year.academic_year, with_excused=True) if p.id in ids]
    else:
        people = eligible_residents(year.academic_year)
    return [(person.id, f"{person.sort_name} ({person.email})") for person in people]
