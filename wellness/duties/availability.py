"""Is a person free on a day and session? Answered in one place, through the calendar spine.

Everything that makes a person unavailable is a busy item on their calendar: duties and the duties
they cover, approved away periods (SGIM trips among them), published holiday blocks, retreats and
other events they go to, outreach shifts, coaching meetings.
"""

from collections.abc import Iterable
from datetime import date, datetime

from ..calendar import CalendarItem, find_clashes
from ..events.display import program_tz
from .sessions import session_span


def clashes_on(
    person_id: int, day: date, session: str, now: datetime, ignore: Iterable[str] = ()
) -> list[CalendarItem]:
    """The busy items keeping the person from a session on `day` (empty: they are free)."""
    tz = program_tz()
    start, end = session_span(day, session, tz)
    return find_clashes(person_id, start, end, tz, now, ignore)


def describe_clash(name: str, item: CalendarItem) -> str:
    """ "Ravi Patel is away then: Holiday block: Christmas." or "... already has Inpatient (DAY) then." """
    if item.is_all_day:
        return f"{name} is away then: {item.title}."
    return f"{name} is busy then: {item.title}."
