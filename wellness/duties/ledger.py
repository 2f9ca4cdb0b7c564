"""The coverage ledger: covers given and received per person in an academic year, and fairness per class.

A cover is a duty with a coverer (`Duty.covered_by_id`) whose day falls in the academic year
(1 July to 30 June). A class is a program and training level in that year (PGY on 1 July); every
resident in training then belongs to one, with zero covers counted too, so a spread shows who has
not taken a turn yet.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select

from ..charts import Bar
from ..extensions import db
from ..people.models import Person, Role, person_roles
from ..people.programs import PROGRAMS, pgy_on
from .models import Duty


@dataclass(frozen=True)
class PersonCovers:
    """One person's covers in the year: `given` as coverer, `received` for their own duties."""

    person_id: int
    name: str
    sort_name: str
    program: str | None  # None: not a resident in training that year (faculty, for instance)
    pgy: int | None
    given: int
    received: int
    group: str = ""  # "Primary care PGY-2", "Faculty", "Not in training"


@dataclass(frozen=True)
class ClassFairness:
    """A class's residents, most covers given first (then by name), and how evenly the covers fall."""

    program: str
    pgy: int
    rows: tuple[PersonCovers, ...]

    @property
    def label(self) -> str:
        return f"{PROGRAMS[self.program].label} PGY-{self.pgy}" if self.program in PROGRAMS else self.program

    @property
    def given(self) -> int:
        return sum(row.given for row in self.rows)

    @property
    def mean(self) -> float:
        return self.given / len(self.rows)

    @property
    def lowest(self) -> int:
        return min(row.given for row in self.rows)

    @property
    def highest(self) -> int:
        return max(row.given for row in self.rows)

    @property
    def spread(self) -> int:
        return self.highest - self.lowest

    @property
    def top(self) -> tuple[PersonCovers, ...]:
        """Everyone giving the class's most covers; nobody when no one in it has covered."""
        return tuple(row for row in self.rows if row.given == self.highest) if self.highest else ()


@dataclass(frozen=True)
class Ledger:
    academic_year: int
    people: tuple[PersonCovers, ...]  # everyone who gave or received a cover, most given first
    classes: tuple[ClassFairness, ...]  # in program order, then by PGY

    @property
    def total(self) -> int:
        return sum(row.given for row in self.people)

    @property
    def label(self) -> str:
        return f"{self.academic_year}–{self.academic_year + 1}"


def year_bounds(academic_year: int) -> tuple[date, date]:
    """1 July of `academic_year` and 30 June after it."""
    return date(academic_year, 7, 1), date(academic_year + 1, 6, 30)


def _by_most_given(row: PersonCovers):
    return (-row.given, -row.received, row.sort_name, row.person_id)


def fairness(rows: list[PersonCovers]) -> list[ClassFairness]:
    """Group the rows of residents in training into classes (pure).

    Classes come in the order of PROGRAMS, then by PGY; rows without a program or PGY are left out.
    Within a class, most covers given first, then most received, then by sort name, then id.
    """
    order = {key: n for n, key in enumerate(PROGRAMS)}
    classes: dict[tuple[str, int], list[PersonCovers]] = {}
    for row in rows:
        if row.program and row.pgy:
            classes.setdefault((row.program, row.pgy), []).append(row)
    return [
        ClassFairness(program, pgy, tuple(sorted(members, key=_by_most_given)))
        for (program, pgy), members in sorted(
            classes.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0])
        )
    ]


def _counts(column, first: date, last: date) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(column, func.count())
            .where(Duty.covered_by_id.is_not(None), Duty.duty_on >= first, Duty.duty_on <= last)
            .group_by(column)
        ).all()
    )


def _has_role(name: str):
    return (
        exists()
        .where(person_roles.c.person_id == Person.id, person_roles.c.role_id == Role.id, Role.name == name)
        .label(f"is_{name}")
    )


def _group(program: str | None, pgy: int | None, is_faculty: bool) -> str:
    if pgy:
        return f"{PROGRAMS[program].label} PGY-{pgy}"
    return "Faculty" if is_faculty else "Not in training"


def coverage_ledger(academic_year: int) -> Ledger:
    """Covers given and received in the academic year, per person and per class.

    Three queries whatever the number of people: covers given per coverer, covers received per owner,
    and the people (everyone counted, and every active resident, whose PGY that year decides their class).
    """
    first, last = year_bounds(academic_year)
    given, received = _counts(Duty.covered_by_id, first, last), _counts(Duty.person_id, first, last)
    counted = set(given) | set(received)
    is_resident, is_faculty = _has_role("resident"), _has_role("faculty")
    people = db.session.execute(
        select(Person.id, Person.first_name, Person.last_name, Person.program, Person.training_start_year,
               Person.is_stanbury, Person.is_active, is_resident, is_faculty)
        .where(or_(Person.id.in_(counted), is_resident))
    ).all()  # fmt: skip
    rows = []
    for person_id, first_name, last_name, program, start_year, stanbury, active, resident, faculty in people:
        pgy = pgy_on(program, start_year, first, stanbury) if resident else None
        if person_id not in counted and (pgy is None or not active):
            continue  # neither counted nor in a class this year
        rows.append(
            PersonCovers(
                person_id=person_id,
                name=f"{first_name} {last_name}",
                sort_name=f"{last_name}, {first_name}",
                program=program if pgy else None,
                pgy=pgy,
                given=given.get(person_id, 0),
                received=received.get(person_id, 0),
                group=_group(program, pgy, faculty),
            )
        )
    return Ledger(
        academic_year=academic_year,
        people=tuple(sorted((row for row in rows if row.given or row.received), key=_by_most_given)),
        classes=tuple(fairness(rows)),
    )


def given_bars(ledger: Ledger) -> list[Bar]:
    """Covers given per person who gave any, most first, labelled with their class."""
    return [Bar(f"{row.name} ({row.group})", row.given) for row in ledger.people if row.given]
