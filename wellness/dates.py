"""Academic-year arithmetic and the program time zone."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

ACADEMIC_YEAR_START_MONTH = 7  # the academic year runs 1 July to 30 June


def utcnow() -> datetime:
    return datetime.now(UTC)


def academic_year_of(day: date) -> int:
    """The calendar year in which the academic year containing `day` began."""
    return day.year if day.month >= ACADEMIC_YEAR_START_MONTH else day.year - 1


def training_year_on(training_start_year: int, day: date) -> int:
    """1 for the first academic year of training, 2 for the second, and so on (0 or less: not started)."""
    return academic_year_of(day) - training_start_year + 1


def program_today(tz_name: str) -> date:
    return datetime.now(ZoneInfo(tz_name)).date()


def as_local(moment: datetime | None, tz_name: str) -> datetime | None:
    """Show a stored UTC moment in the program time zone (naive values are taken as UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz_name))


def local_to_utc(day: date, at: time, tz_name: str) -> datetime:
    """The UTC moment of a wall-clock time in the program time zone (fold=0 in the autumn overlap)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def local_date(moment: datetime, tz_name: str) -> date:
    """The program-calendar date of a stored moment."""
    return as_local(moment, tz_name).date()
