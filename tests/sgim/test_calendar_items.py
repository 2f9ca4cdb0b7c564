"""SGIM on calendars: the attendee's trip as an all-day item over several days in their personal feed, the
coverer's "Covering" item in theirs, and the public feeds carrying the meeting's event and nothing private."""

from datetime import timedelta

import pytest

from tests.feeds.conftest import read_feed
from tests.sgim.conftest import FIRST_DAY, LAST_DAY, TRIP_FIRST, attendance_row, meeting_row


@pytest.fixture
def covered_trip(going, make_duty, cover, ada, ravi):
    """Ada going, her clinic on the meeting's first day covered by Ravi -> (meeting id, attendance id, duty id)."""
    meeting_id, attendance_id = going(ada)
    duty_id = make_duty(ada, FIRST_DAY, "AM")
    cover(duty_id, ravi)
    return meeting_id, attendance_id, duty_id


def feed_body(poll, path: str) -> bytes:
    response = poll(path)
    assert response.status_code == 200, path
    return response.data


def by_uid_prefix(entries: dict, prefix: str):
    found = [entry for uid, entry in entries.items() if uid.startswith(prefix)]
    assert len(found) <= 1, found
    return found[0] if found else None


def test_the_attendees_feed_has_the_trip_over_its_days_and_the_covered_clinic_as_free_time(
    app, poll, feed_url, covered_trip, ada
):
    _meeting_id, attendance_id, duty_id = covered_trip
    period_id = attendance_row(app, attendance_id).away_period_id

    body = feed_body(poll, feed_url(ada))

    trip = by_uid_prefix(read_feed(body), f"away-{period_id}@")
    assert (trip.summary, trip.start, trip.end) == (
        "SGIM Annual Meeting, Denver",
        TRIP_FIRST,
        LAST_DAY + timedelta(days=1),
    )
    assert f"DTSTART;VALUE=DATE:{TRIP_FIRST:%Y%m%d}\r\n".encode() in body
    assert f"DTEND;VALUE=DATE:{LAST_DAY + timedelta(days=1):%Y%m%d}\r\n".encode() in body
    clinic = by_uid_prefix(read_feed(body), f"duty-{duty_id}@")
    assert clinic.summary == "Covered: Continuity clinic (AM) by Ravi Patel"
    assert b"TRANSP:TRANSPARENT" in body


def test_the_coverers_feed_has_the_duty_they_cover(app, poll, feed_url, covered_trip, ravi):
    _meeting_id, _attendance_id, duty_id = covered_trip

    entries = read_feed(feed_body(poll, feed_url(ravi)))

    covering = by_uid_prefix(entries, f"duty-cover-{duty_id}@")
    assert covering.summary == "Covering: Continuity clinic (AM) for Ada Quill"
    assert covering.location == "Brookside"
    assert by_uid_prefix(entries, "away-") is None


def test_declining_takes_the_trip_and_the_cover_off_both_feeds(
    app, poll, feed_url, covered_trip, answer, ada, ravi
):
    _meeting_id, attendance_id, duty_id = covered_trip

    answer(attendance_id, False)

    ada_entries = read_feed(feed_body(poll, feed_url(ada)))
    assert by_uid_prefix(ada_entries, "away-") is None
    assert by_uid_prefix(ada_entries, f"duty-{duty_id}@").summary == "Continuity clinic (AM)"
    assert by_uid_prefix(read_feed(feed_body(poll, feed_url(ravi))), "duty-cover-") is None


@pytest.mark.parametrize(
    "path", ["/calendars/all.ics", "/calendars/kind/sgim.ics", "/calendars/program/primary_care.ics"]
)
def test_the_public_feeds_carry_only_the_meetings_event(app, poll, covered_trip, path):
    meeting_id, _attendance_id, _duty_id = covered_trip
    event_id = meeting_row(app, meeting_id).event_id

    body = feed_body(poll, path)

    entries = read_feed(body)
    assert [entry.summary for entry in entries.values()] == ["SGIM Annual Meeting"]
    [event] = entries.values()
    assert event.uid.startswith(f"event-{event_id}@")
    assert (event.start, event.end, event.location) == (FIRST_DAY, LAST_DAY + timedelta(days=1), "Denver")
    for private in (b"Ada", b"Ravi", b"Covering", b"Brookside", b"away-", b"duty-"):
        assert private not in body, private
