"""Duty sessions' hours and who may cover which kind of duty (pure)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from wellness.duties.sessions import cover_refusal, duty_label, session_span, too_close_to_a_night

pytestmark = pytest.mark.pure

TZ = "America/New_York"


@pytest.mark.parametrize(
    ("day", "session", "start", "end"),
    [
        (
            date(2027, 4, 14),
            "AM",
            datetime(2027, 4, 14, 12, tzinfo=UTC),
            datetime(2027, 4, 14, 16, tzinfo=UTC),
        ),
        (
            date(2027, 4, 14),
            "PM",
            datetime(2027, 4, 14, 17, tzinfo=UTC),
            datetime(2027, 4, 14, 21, tzinfo=UTC),
        ),
        (
            date(2027, 4, 14),
            "DAY",
            datetime(2027, 4, 14, 11, tzinfo=UTC),
            datetime(2027, 4, 14, 23, tzinfo=UTC),
        ),
        (
            date(2027, 4, 14),
            "NIGHT",
            datetime(2027, 4, 14, 23, tzinfo=UTC),
            datetime(2027, 4, 15, 11, tzinfo=UTC),
        ),
        # Winter: New York is five hours behind UTC; the night of the autumn change lasts 13 hours.
        (date(2027, 1, 5), "AM", datetime(2027, 1, 5, 13, tzinfo=UTC), datetime(2027, 1, 5, 17, tzinfo=UTC)),
        (
            date(2026, 10, 31),
            "NIGHT",
            datetime(2026, 10, 31, 23, tzinfo=UTC),
            datetime(2026, 11, 1, 12, tzinfo=UTC),
        ),
    ],
)
def test_session_span_in_utc(day, session, start, end):
    assert session_span(day, session, TZ) == (start, end)


def overlaps(a, b, day=date(2027, 4, 14)):
    (s1, e1), (s2, e2) = session_span(day, a, TZ), session_span(day, b, TZ)
    return s1 < e2 and s2 < e1


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("AM", "PM", False),
        ("AM", "DAY", True),
        ("PM", "DAY", True),
        ("DAY", "NIGHT", False),
        ("PM", "NIGHT", False),
    ],
)
def test_which_sessions_overlap_on_one_day(a, b, expected):
    assert overlaps(a, b) is expected


def test_a_night_overlaps_the_next_days_session_only_if_it_runs_past_seven():
    night = session_span(date(2027, 4, 14), "NIGHT", TZ)
    next_day = session_span(date(2027, 4, 15), "DAY", TZ)
    assert night[1] == next_day[0]  # hands over at 7 AM: touching, not overlapping


@pytest.mark.parametrize(
    ("session", "other", "days_later", "expected"),
    [
        ("DAY", "NIGHT", 0, True),  # no time off at all
        ("NIGHT", "DAY", 1, True),  # the 7 AM hand-over
        ("NIGHT", "AM", 1, True),  # one hour
        ("NIGHT", "PM", 1, True),  # six hours
        ("AM", "NIGHT", 0, True),  # seven hours
        ("NIGHT", "AM", 2, False),  # a whole day
        ("NIGHT", "NIGHT", 1, False),  # nights in a row
        ("AM", "PM", 0, False),  # no night
        ("DAY", "DAY", 1, False),
        ("NIGHT", "NIGHT", 0, False),  # the same night overlaps: a clash of its own, not a matter of rest
    ],
)
def test_a_session_too_close_to_a_night(session, other, days_later, expected):
    day = date(2027, 4, 14)
    later = day + timedelta(days=days_later)
    assert too_close_to_a_night(day, session, later, other, TZ) is expected
    assert too_close_to_a_night(later, other, day, session, TZ) is expected


def test_unknown_session_raises():
    with pytest.raises(KeyError):
        session_span(date(2027, 4, 14), "EVENING", TZ)


@pytest.mark.parametrize(
    ("kind", "owner", "coverer", "faculty", "refused"),
    [
        ("clinic", 2, 2, False, False),
        ("clinic", 2, 1, False, True),
        ("clinic", 3, 1, True, False),
        ("ambulatory", 2, 1, False, True),
        ("inpatient", 2, 2, False, False),
        ("inpatient", 2, 3, False, False),
        ("inpatient", 3, 2, False, True),
        ("inpatient", 3, None, True, False),
        ("inpatient", 1, 1, False, False),
        ("other", 3, 1, False, False),
        ("other", 2, None, False, True),
    ],
)
def test_cover_eligibility(kind, owner, coverer, faculty, refused):
    reason = cover_refusal(kind, owner, coverer, faculty, "Ravi Patel")
    assert (reason is not None) is refused
    if refused:
        assert reason.startswith("Ravi Patel ")


def test_refusal_names_the_level_needed():
    assert "PGY-3 or above" in cover_refusal("inpatient", 3, 2, False, "Ravi Patel")
    assert "PGY-2 or above" in cover_refusal("clinic", 2, 1, False, "Ravi Patel")


def test_duty_label():
    assert duty_label("clinic", "AM") == "Continuity clinic (AM)"
    assert duty_label("inpatient", "NIGHT") == "Inpatient (NIGHT)"
