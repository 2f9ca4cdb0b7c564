"""Conflict checks: is a person free between two moments, and if not, what is in the way."""

from collections.abc import Iterable
from datetime import datetime

from .items import CalendarItem, Window, overlaps
from .registry import items_for


def clashes(
    items: Iterable[CalendarItem], start: datetime, end: datetime, tz_name: str, ignore: Iterable[str] = ()
) -> list[CalendarItem]:
    """The busy (confirmed) items overlapping [start, end), in the order given.

    Tentative and cancelled items never clash; items whose uid is in `ignore` are skipped (the
    thing being booked itself). Whole-day items cover midnight to midnight in `tz_name`.
    """
    skip = set(ignore)
    return [
        item
        for item in items
        if item.is_busy and item.uid not in skip and overlaps(item, start, end, tz_name)
    ]


def find_clashes(
    person_id: int, start: datetime, end: datetime, tz_name: str, now: datetime, ignore: Iterable[str] = ()
) -> list[CalendarItem]:
    """Every provider's busy items for the person overlapping [start, end); see `clashes`."""
    window = Window(start, end, as_of=now)
    return clashes(items_for(person_id, window), start, end, tz_name, ignore)
