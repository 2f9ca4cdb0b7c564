"""Calendar items: what makes one valid, where whole days begin and end, and when two stretches overlap."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wellness.calendar.items import CalendarItem, Window, overlaps

pytestmark = pytest.mark.pure

PROGRAM_TZ = "America/New_York"
NY = ZoneInfo(PROGRAM_TZ)
UPDATED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
TEN = datetime(2026, 6, 10, 10, 0, tzinfo=NY)
ELEVEN = datetime(2026, 6, 10, 11, 0, tzinfo=NY)


def item(**fields) -> CalendarItem:
    fields.setdefault("uid", "event-1")
    fields.setdefault("title", "Yoga")
    fields.setdefault("updated_at", UPDATED)
    return CalendarItem(**fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"starts_at": TEN.replace(tzinfo=None), "ends_at": ELEVEN}, "time zone"),
        ({"starts_at": TEN, "ends_at": ELEVEN.replace(tzinfo=None)}, "time zone"),
        ({"starts_at": ELEVEN, "ends_at": TEN}, "end after it starts"),
        ({"starts_at": TEN, "ends_at": TEN}, "end after it starts"),
        # The same moment written in two zones is still no time at all.
        ({"starts_at": TEN, "ends_at": TEN.astimezone(UTC)}, "end after it starts"),
        ({"starts_at": TEN}, "a start and an end"),
        ({"ends_at": ELEVEN}, "a start and an end"),
        ({}, "either start and end times or first and last days"),
        (
            {
                "starts_at": TEN,
                "ends_at": ELEVEN,
                "first_day": date(2026, 6, 10),
                "last_day": date(2026, 6, 10),
            },
            "either start and end times or first and last days",
        ),
        ({"starts_at": TEN, "ends_at": ELEVEN, "first_day": date(2026, 6, 10)}, "either"),
        ({"first_day": date(2026, 6, 10)}, "a first and a last day"),
        ({"last_day": date(2026, 6, 10)}, "a first and a last day"),
        ({"first_day": date(2026, 6, 11), "last_day": date(2026, 6, 10)}, "last day is before the first"),
        ({"starts_at": TEN, "ends_at": ELEVEN, "status": "busy"}, "unknown status"),
        ({"starts_at": TEN, "ends_at": ELEVEN, "status": "Confirmed"}, "unknown status"),
        ({"starts_at": TEN, "ends_at": ELEVEN, "privacy": "secret"}, "unknown privacy"),
        ({"starts_at": TEN, "ends_at": ELEVEN, "updated_at": datetime(2026, 5, 1, 12, 0)}, "updated_at"),
    ],
)
def test_inconsistent_item_is_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        item(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"starts_at": TEN, "ends_at": ELEVEN},
        {"starts_at": TEN, "ends_at": TEN + timedelta(seconds=1)},
        {"starts_at": TEN, "ends_at": datetime(2026, 6, 10, 16, 0, tzinfo=UTC)},  # 12:00 in New York
        {"first_day": date(2026, 6, 10), "last_day": date(2026, 6, 10)},
        {
            "first_day": date(2026, 6, 10),
            "last_day": date(2026, 6, 14),
            "status": "cancelled",
            "privacy": "public",
        },
        {"starts_at": TEN, "ends_at": ELEVEN, "status": "tentative", "privacy": "confidential"},
    ],
)
def test_consistent_item_is_accepted(fields):
    made = item(**fields)

    assert made.is_all_day == ("first_day" in fields)


@pytest.mark.parametrize(
    ("first_day", "last_day", "start", "end", "length"),
    [
        # The day the clocks go forward has 23 hours, the day they go back 25.
        (date(2026, 3, 8), date(2026, 3, 8), "2026-03-08T05:00", "2026-03-09T04:00", timedelta(hours=23)),
        (date(2026, 11, 1), date(2026, 11, 1), "2026-11-01T04:00", "2026-11-02T05:00", timedelta(hours=25)),
        (date(2026, 6, 10), date(2026, 6, 10), "2026-06-10T04:00", "2026-06-11T04:00", timedelta(hours=24)),
        # Thursday to Sunday is four whole days.
        (date(2026, 7, 2), date(2026, 7, 5), "2026-07-02T04:00", "2026-07-06T04:00", timedelta(days=4)),
        (
            date(2026, 3, 6),
            date(2026, 3, 9),
            "2026-03-06T05:00",
            "2026-03-10T04:00",
            timedelta(days=4, hours=-1),
        ),
    ],
)
def test_whole_days_run_midnight_to_midnight_in_the_programs_zone(first_day, last_day, start, end, length):
    span = item(first_day=first_day, last_day=last_day).span(PROGRAM_TZ)

    assert span == (
        datetime.fromisoformat(start).replace(tzinfo=UTC),
        datetime.fromisoformat(end).replace(tzinfo=UTC),
    )
    assert span[1] - span[0] == length
    assert all(moment.utcoffset() == timedelta(0) for moment in span)


def test_whole_days_follow_the_zone_they_are_asked_in():
    day = item(first_day=date(2026, 6, 10), last_day=date(2026, 6, 10))

    assert day.span("Asia/Kolkata") == (
        datetime(2026, 6, 9, 18, 30, tzinfo=UTC),
        datetime(2026, 6, 10, 18, 30, tzinfo=UTC),
    )


def test_timed_span_is_the_same_moments_in_utc():
    start, end = item(starts_at=TEN, ends_at=ELEVEN).span(PROGRAM_TZ)

    assert (start, end) == (
        datetime(2026, 6, 10, 14, 0, tzinfo=UTC),
        datetime(2026, 6, 10, 15, 0, tzinfo=UTC),
    )
    assert start.utcoffset() == end.utcoffset() == timedelta(0)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, 10, hour, minute, tzinfo=NY)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (at(11), at(12), False),  # starts as the item ends
        (at(9), at(10), False),  # ends as the item starts
        (at(10, 59), at(11, 30), True),
        (at(9), at(10, 1), True),
        (at(9), at(12), True),  # around it
        (at(10, 15), at(10, 45), True),  # inside it
        (at(10), at(11), True),  # the same hour
        (at(12), at(13), False),
        (datetime(2026, 6, 10, 14, 30, tzinfo=UTC), datetime(2026, 6, 10, 14, 31, tzinfo=UTC), True),  # 10:30
    ],
)
def test_overlaps_shares_a_moment_but_touching_ends_do_not_count(start, end, expected):
    assert overlaps(item(starts_at=TEN, ends_at=ELEVEN), start, end, PROGRAM_TZ) is expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # 8 March 2026 in New York runs from 05:00 UTC to 04:00 UTC the next day.
        ("2026-03-09T03:59", "2026-03-09T04:30", True),
        ("2026-03-09T04:00", "2026-03-09T05:00", False),
        ("2026-03-08T04:30", "2026-03-08T05:01", True),
        ("2026-03-08T04:00", "2026-03-08T05:00", False),
    ],
)
def test_overlaps_of_a_whole_day_uses_the_days_true_length(start, end, expected):
    day = item(first_day=date(2026, 3, 8), last_day=date(2026, 3, 8))
    start, end = (datetime.fromisoformat(value).replace(tzinfo=UTC) for value in (start, end))

    assert overlaps(day, start, end, PROGRAM_TZ) is expected


@pytest.mark.parametrize(
    ("start", "end", "as_of"),
    [
        (TEN.replace(tzinfo=None), ELEVEN, TEN),
        (TEN, ELEVEN.replace(tzinfo=None), TEN),
        (TEN, ELEVEN, TEN.replace(tzinfo=None)),
        (ELEVEN, TEN, TEN),
        (TEN, TEN, TEN),
    ],
)
def test_window_must_be_aware_and_forward(start, end, as_of):
    with pytest.raises(ValueError):
        Window(start, end, as_of)
