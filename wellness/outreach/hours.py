"""Service hours for coordinators: by resident, class and program, as a table, a chart and CSV."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..charts import Bar
from ..extensions import db
from ..people.models import Person, Role
from ..people.programs import PROGRAMS
from ..spreadsheets import csv_text
from .shifts import service_hours


@dataclass(frozen=True)
class HoursRow:
    person: Person
    program: str
    level: int | None
    shifts: int
    hours: Decimal


def hours_rows(academic_year: int, on: date, program: str = "", level: int | None = None) -> list[HoursRow]:
    """Every active resident (optionally of one program and PGY on `on`) with their confirmed hours,
    most hours first, then by name."""
    residents = list(
        db.session.scalars(
            select(Person).join(Person.roles).where(Role.name == "resident", Person.is_active.is_(True))
        )
    )
    rows = []
    totals = service_hours(academic_year, [person.id for person in residents])
    for person in residents:
        pgy = person.pgy_on(on)
        if (program and person.program != program) or (level and pgy != level):
            continue
        found = totals.get(person.id)
        rows.append(HoursRow(person, person.program or "", pgy, found.shifts if found else 0,
                             found.hours if found else Decimal("0")))  # fmt: skip
    return sorted(rows, key=lambda row: (-row.hours, row.person.last_name, row.person.first_name))


def program_and_class_bars(rows: list[HoursRow]) -> list[Bar]:
    """Total hours for each program and PGY that has residents, in program order then level.

    Residents with no PGY today (incoming, graduated, or no program) make a "no PGY" bar of their program.
    """
    totals: dict[tuple[str, int | None], Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[(row.program, row.level)] += row.hours
    order = list(PROGRAMS)
    keys = sorted(totals, key=lambda key: (order.index(key[0]) if key[0] in order else 99, key[1] or 0))
    return [
        Bar(f"{PROGRAMS[p].label if p in PROGRAMS else 'Other'}, {f'PGY-{level}' if level else 'no PGY'}",
            float(totals[(p, level)]))
        for p, level in keys
    ]  # fmt: skip


def hours_csv(rows: list[HoursRow]) -> str:
    return csv_text(
        ["last_name", "first_name", "email", "program", "level", "shifts", "hours"],
        ([row.person.last_name, row.person.first_name, row.person.email, row.program, row.level or "",
          row.shifts, f"{row.hours:.2f}"] for row in rows),
    )  # fmt: skip
