"""Clashes: which of a person's items stand in the way of a new booking."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellness.calendar.conflicts import clashes
from wellness.calendar.items import CalendarItem

pytestmark = pytest.mark.pure

PROGRAM_TZ = "America/New_York"
NY = ZoneInfo(PROGRAM_TZ)
UPDATED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def timed(uid: str, start: datetime, end: datetime, status: str = "confirmed") -> CalendarItem:
    return CalendarItem(uid=uid, title=uid, updated_at=UPDATED, starts_at=start, ends_at=end, status=status)


def whole_days(uid: str, first: date, last: date, status: str = "confirmed") -> CalendarItem:
    return CalendarItem(uid=uid, title=uid, updated_at=UPDATED, first_day=first, last_day=last, status=status)


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=NY)


def uids(items) -> list[str]:
    return [item.uid for item in items]


def test_only_confirmed_items_clash():
    items = [
        timed("going", at(10), at(11)),
        timed("maybe", at(10), at(11), status="tentative"),
        timed("called-off", at(10), at(11), status="cancelled"),
        whole_days("waitlisted-retreat", date(2026, 6, 10), date(2026, 6, 10), status="tentative"),
    ]

    assert uids(clashes(items, at(10, 30), at(12), PROGRAM_TZ)) == ["going"]


def test_clashes_come_back_in_the_order_given():
    items = [timed("c", at(9), at(12)), timed("a", at(10), at(11)), timed("b", at(8), at(10, 30))]

    assert uids(clashes(items, at(10), at(10, 15), PROGRAM_TZ)) == ["c", "a", "b"]


def test_item_being_booked_is_ignored_by_uid():
    items = [
        timed("event-1", at(10), at(11)),
        timed("event-2", at(10), at(11)),
        timed("event-3", at(10), at(11)),
    ]

    assert uids(clashes(items, at(10), at(11), PROGRAM_TZ, ignore=["event-1", "event-3"])) == ["event-2"]
    assert uids(clashes(items, at(10), at(11), PROGRAM_TZ, ignore=iter(["event-2"]))) == [
        "event-1",
        "event-3",
    ]


def test_touching_items_do_not_clash():
    items = [timed("before", at(9), at(10)), timed("after", at(11), at(12))]

    assert clashes(items, at(10), at(11), PROGRAM_TZ) == []


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (at(12), at(13), ["away"]),
        (at(23, 30), at(0, 30, day=11), ["away"]),  # runs past midnight
        (at(23, 0, day=9), at(0, 0), []),  # ends as the day starts
        (at(0, 0, day=11), at(1, 0, day=11), []),  # starts as the day ends
        # 22:00-23:00 in New York is already 11 June in UTC, but the day is the program's.
        (datetime(2026, 6, 11, 2, 0, tzinfo=UTC), datetime(2026, 6, 11, 3, 0, tzinfo=UTC), ["away"]),
        (
            datetime(2026, 6, 10, 2, 0, tzinfo=UTC),
            datetime(2026, 6, 10, 3, 0, tzinfo=UTC),
            [],
        ),  # 9 June, 22:00
    ],
)
def test_whole_day_item_clashes_with_any_slot_that_day_in_the_programs_zone(start, end, expected):
    items = [whole_days("away", date(2026, 6, 10), date(2026, 6, 10))]

    assert uids(clashes(items, start, end, PROGRAM_TZ)) == expected


def test_whole_day_clash_depends_on_the_zone_asked_in():
    items = [whole_days("away", date(2026, 6, 10), date(2026, 6, 10))]
    # 22:00-23:00 on 10 June in New York is 11 June in UTC.
    start, end = at(22), at(23)

    assert uids(clashes(items, start, end, PROGRAM_TZ)) == ["away"]
    assert clashes(items, start, end, "UTC") == []


# --- against brute force ---------------------------------------------------------------------------
# Minutes from midnight UTC on 7 March 2026, across New York's change to daylight saving on the 8th.

BASE = datetime(2026, 3, 7, 0, 0, tzinfo=UTC)
MINUTES = 4 * 24 * 60
UID_POOL = ["a", "b", "c", "d", "e"]


def minute(number: int) -> datetime:
    return BASE + timedelta(minutes=number)


@st.composite
def calendars(draw):
    items = []
    for index in range(draw(st.integers(0, 6))):
        uid = f"{draw(st.sampled_from(UID_POOL))}-{index}"
        status = draw(st.sampled_from(["confirmed", "confirmed", "tentative", "cancelled"]))
        if draw(st.booleans()):
            start = draw(st.integers(0, MINUTES - 1))
            end = draw(st.integers(start + 1, min(start + 600, MINUTES)))
            items.append(timed(uid, minute(start), minute(end), status))
        else:
            first = date(2026, 3, 6) + timedelta(days=draw(st.integers(0, 4)))
            last = first + timedelta(days=draw(st.integers(0, 2)))
            items.append(whole_days(uid, first, last, status))
    return items


def busy_at(item: CalendarItem, number: int) -> bool:
    """Whether the item covers that minute, judged on its own: a whole day by the date in New York."""
    moment = minute(number)
    if item.is_all_day:
        return item.first_day <= moment.astimezone(NY).date() <= item.last_day
    return item.starts_at <= moment < item.ends_at


@settings(max_examples=200, deadline=None)
@given(
    items=calendars(),
    start=st.integers(0, MINUTES - 1),
    length=st.integers(1, 300),
    ignored=st.sets(st.sampled_from(UID_POOL), max_size=2),
)
def test_clashes_agree_with_a_minute_by_minute_check(items, start, length, ignored):
    end = min(start + length, MINUTES)
    ignore = [item.uid for item in items if item.uid.split("-")[0] in ignored]

    found = clashes(items, minute(start), minute(end), PROGRAM_TZ, ignore=ignore)

    expected = [
        item
        for item in items
        if item.status == "confirmed"
        and item.uid not in ignore
        and any(busy_at(item, number) for number in range(start, end))
    ]
    assert found == expected
