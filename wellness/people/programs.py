"""The residency programs, their lengths, and a resident's training level on a date."""

from dataclasses import dataclass
from datetime import date

from ..dates import academic_year_of, training_year_on

ROLE_NAMES = ("resident", "faculty", "coordinator", "admin")


@dataclass(frozen=True)
class Program:
    key: str
    label: str
    years: int


PROGRAMS = {
    p.key: p
    for p in (
        Program("categorical", "Categorical", 3),
        Program("primary_care", "Primary care", 3),
        Program("global_medicine", "Global medicine", 4),  # three residency years, then a fellowship year
        Program("preliminary", "Preliminary", 1),
        Program("med_peds", "Medicine-pediatrics", 4),
    )
}
PROGRAM_CHOICES = [(p.key, p.label) for p in PROGRAMS.values()]
STANBURY_YEARS = 2
LEVEL_NAMES = {1: "intern", 2: "junior", 3: "senior", 4: "senior"}


def program_years(program: str, is_stanbury: bool = False) -> int:
    if program == "categorical" and is_stanbury:
        return STANBURY_YEARS
    return PROGRAMS[program].years


def pgy_on(
    program: str | None, training_start_year: int | None, day: date, is_stanbury: bool = False
) -> int | None:
    """The resident's PGY on `day`, or None before training starts or after it ends.

    A global-medicine resident's fourth year is the fellowship year and is reported as PGY-4.
    """
    if not program or training_start_year is None or program not in PROGRAMS:
        return None
    year = training_year_on(training_start_year, day)
    if year < 1 or year > program_years(program, is_stanbury):
        return None
    return year


def training_status_on(
    program: str | None, training_start_year: int | None, day: date, is_stanbury: bool = False
) -> str:
    """A short label: "PGY-2", "Incoming" or "Graduated"."""
    if not program or training_start_year is None:
        return ""
    pgy = pgy_on(program, training_start_year, day, is_stanbury)
    if pgy is not None:
        if program == "global_medicine" and pgy == 4:
            return "PGY-4 (fellow)"
        return f"PGY-{pgy}"
    return "Incoming" if training_year_on(training_start_year, day) < 1 else "Graduated"


def start_year_for_pgy(pgy: int, day: date) -> int:
    """The training start year of someone who is PGY-`pgy` on `day` (inverse of pgy_on)."""
    return academic_year_of(day) - pgy + 1
