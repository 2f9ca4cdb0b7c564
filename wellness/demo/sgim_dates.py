"""When and where the demo's SGIM meeting is: for the events planned around it and the step that makes it.

Pure: no Flask, no database and no import of the demo's steps, so any step may use it whatever the order
they are imported in.
"""

import random
from datetime import date, timedelta

WEDNESDAY = 2
CITIES = ("Boston, MA", "National Harbor, MD", "Orlando, FL", "Denver, CO")


def sgim_meeting_days(academic_year: int, seed: int) -> tuple[date, date]:
    """The first and last day of the academic year's SGIM meeting, Wednesday to Saturday in its spring:
    the last week of April or the second of May, one pick per seed and year."""
    spring = academic_year + 1
    end_of_april = date(spring, 4, 30)
    april = end_of_april - timedelta(days=(end_of_april.weekday() - WEDNESDAY) % 7)
    start_of_may = date(spring, 5, 1)
    may = start_of_may + timedelta(days=(WEDNESDAY - start_of_may.weekday()) % 7, weeks=1)
    starts = random.Random(f"{seed}:sgim-meeting:{academic_year}").choice((april, may))
    return starts, starts + timedelta(days=3)


def sgim_city(academic_year: int) -> str:
    """The city of the academic year's meeting: the society's meetings move around the country."""
    return CITIES[(academic_year + 1) % len(CITIES)]
