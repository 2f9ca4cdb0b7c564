"""Coaching meetings on calendars, read through the real feed routes: a confirmed meeting in both people's
personal feeds as "Coaching meeting" with its place and nothing more, never in a public feed, dropped as
cancelled when called off, and the day-before reminder to both."""

import pytest

from tests.coaching.conftest import ROOM, day_at, notices, program_today
from tests.feeds.conftest import read_feed
from tests.feeds.ical_check import unfold
from wellness.coaching import meetings
from wellness.coaching.models import Meeting
from wellness.dates import utcnow
from wellness.events.models import STANDARD_KINDS
from wellness.extensions import db
from wellness.notifications.reminders import write_reminders
from wellness.people.models import Person


@pytest.fixture
def ada(resident):
    return resident("Ada", ("Cardiology",), program="primary_care")


def vevent(body: bytes, meeting_id: int) -> list[str] | None:
    """The content lines of the meeting's VEVENT in a feed, or None when the feed has none."""
    lines = unfold(body)
    starts = [n for n, line in enumerate(lines) if line == "BEGIN:VEVENT"]
    for start in starts:
        end = lines.index("END:VEVENT", start)
        event = lines[start + 1 : end]
        if any(line.startswith(f"UID:coaching-meeting-{meeting_id}@") for line in event):
            return event
    return None


def feed_of(poll, feed_url, person) -> bytes:
    response = poll(feed_url(person))
    assert response.status_code == 200
    return response.data


def cancel(app, meeting_id: int, person) -> None:
    with app.app_context():
        meetings.cancel_meeting(
            db.session.get(Person, person.id), db.session.get(Meeting, meeting_id), utcnow()
        )
        db.session.commit()
        db.session.remove()


def test_a_confirmed_meeting_is_in_both_personal_feeds_with_its_time_and_place_only(
    app, ada, hana, pairing, meet, feed_url, poll
):
    meeting_id = meet(pairing, ada, hana, day_at(5, 14), minutes=45)

    for person in (ada, hana):
        body = feed_of(poll, feed_url, person)
        event = vevent(body, meeting_id)
        assert event is not None, person.email
        assert "SUMMARY:Coaching meeting" in event
        assert "LOCATION:Room 4B\\, Bigelow" in event
        assert "CLASS:CONFIDENTIAL" in event
        assert "STATUS:CONFIRMED" in event
        assert not any(line.startswith("DESCRIPTION") for line in event)
        for secret in ("Ada", "Quill", "Hana", "Okafor", "Cardiology", "Oncology"):
            assert not any(secret in line for line in event), (person.email, secret)
        [entry] = [
            e for uid, e in read_feed(body).items() if uid.startswith(f"coaching-meeting-{meeting_id}@")
        ]
        assert (entry.start, entry.end, entry.location) == (day_at(5, 14), day_at(5, 14, 45), ROOM)
        assert entry.categories == ("Coaching",)


def test_a_proposed_meeting_is_on_nobodys_calendar(app, ada, hana, pairing, propose_meeting, feed_url, poll):
    meeting_id = propose_meeting(pairing, ada, day_at(5))

    assert vevent(feed_of(poll, feed_url, ada), meeting_id) is None
    assert vevent(feed_of(poll, feed_url, hana), meeting_id) is None


def test_a_meeting_is_in_no_public_feed_and_no_third_persons_feed(
    app, ada, hana, pairing, meet, resident, coach, pair, feed_url, poll
):
    meeting_id = meet(pairing, ada, hana, day_at(5))
    ben = resident("Ben")
    pair(ben, coach("Ivan"))
    public = [
        "/calendars/all.ics",
        *(f"/calendars/kind/{slug}.ics" for slug, _name, _colour in STANDARD_KINDS),
        "/calendars/program/primary_care.ics",
        "/calendars/program/categorical.ics",
    ]

    for path in public:
        response = poll(path)
        assert response.status_code == 200, path
        assert b"coaching-meeting-" not in response.data and b"Coaching meeting" not in response.data, path
    assert vevent(feed_of(poll, feed_url, ben), meeting_id) is None
    assert b"Coaching meeting" not in feed_of(poll, feed_url, ben)


@pytest.mark.parametrize("who", ["resident", "coach"])
def test_a_cancelled_confirmed_meeting_stays_on_both_feeds_as_cancelled(
    app, ada, hana, pairing, meet, feed_url, poll, who
):
    meeting_id = meet(pairing, ada, hana, day_at(5))
    confirmed = {person.id: vevent(feed_of(poll, feed_url, person), meeting_id) for person in (ada, hana)}

    cancel(app, meeting_id, ada if who == "resident" else hana)

    for person in (ada, hana):
        event = vevent(feed_of(poll, feed_url, person), meeting_id)
        assert event is not None
        assert "STATUS:CANCELLED" in event and "TRANSP:TRANSPARENT" in event
        sequence = [line for line in event if line.startswith("SEQUENCE:")]
        assert sequence != [line for line in confirmed[person.id] if line.startswith("SEQUENCE:")]


def test_a_moved_meeting_drops_the_old_time_and_shows_the_new_one_once_confirmed(
    app, ada, hana, pairing, meet, answer_meeting, feed_url, poll
):
    first = meet(pairing, ada, hana, day_at(5))
    with app.app_context():
        moved = meetings.propose_other_time(
            db.session.get(Person, hana.id), db.session.get(Meeting, first), day_at(6, 9), day_at(6, 10), "Zoom",
            utcnow(),
        )  # fmt: skip
        db.session.commit()
        second = moved.id
        db.session.remove()

    body = feed_of(poll, feed_url, ada)
    assert "STATUS:CANCELLED" in vevent(body, first)
    assert vevent(body, second) is None

    answer_meeting(second, ada, "confirm")

    event = vevent(feed_of(poll, feed_url, hana), second)
    assert "LOCATION:Zoom" in event and "STATUS:CONFIRMED" in event


@pytest.mark.parametrize("how", ["ended", "re-paired"])
def test_meetings_of_a_pairing_that_ended_leave_both_calendars_and_are_not_reminded_of(
    app, ada, hana, pairing, meet, end, repair, coach, feed_url, poll, how
):
    tomorrow = meet(pairing, ada, hana, day_at(1, 9))
    later = meet(pairing, hana, ada, day_at(6, 9))
    for person in (ada, hana):
        assert vevent(feed_of(poll, feed_url, person), later) is not None

    if how == "ended":
        end(pairing, "Left the program")
    else:
        repair(pairing, coach("Ivan"), "Schedules never matched")

    for person in (ada, hana):
        body = feed_of(poll, feed_url, person)
        for meeting_id in (tomorrow, later):
            event = vevent(body, meeting_id)
            assert event is None or "STATUS:CANCELLED" in event, (person.email, meeting_id, event)
    with app.app_context():
        written = write_reminders(program_today())
        db.session.commit()
        db.session.remove()
    assert (written, notices(app, "reminder")) == (0, [])


# --- the day-before reminder -------------------------------------------------------------------------------------


def test_both_people_are_reminded_the_day_before_once(
    app, ada, hana, pairing, meet, propose_meeting, resident, coach, pair
):
    today = program_today()
    meet(pairing, ada, hana, day_at(1, 8, 30))
    propose_meeting(pairing, ada, day_at(1, 16))  # never confirmed
    meet(pairing, hana, ada, day_at(2, 0, 15))  # the day after tomorrow, just after midnight
    ben, ivan = resident("Ben"), coach("Ivan")
    cancel(app, meet(pair(ben, ivan), ben, ivan, day_at(1, 10)), ivan)

    with app.app_context():
        written = write_reminders(today)
        db.session.commit()
        again = write_reminders(today)
        db.session.commit()
        db.session.remove()

    assert (written, again) == (2, 0)
    reminders = notices(app, "reminder")
    assert sorted(person_id for person_id, _s, _b in reminders) == sorted([ada.id, hana.id])
    by_person = {person_id: (subject, body) for person_id, subject, body in reminders}
    assert by_person[ada.id][0] == by_person[hana.id][0] == "Tomorrow: coaching meeting"
    assert by_person[ada.id][1].startswith("A reminder: your coaching meeting with Hana Okafor is tomorrow, ")
    assert by_person[hana.id][1].startswith("A reminder: your coaching meeting with Ada Quill is tomorrow, ")
    assert all(body.endswith(f"Where: {ROOM}") for _s, body in by_person.values())


def test_the_reminder_is_written_by_flask_notifications_remind(app, ada, hana, pairing, meet):
    meet(pairing, ada, hana, day_at(1, 9))
    day = program_today()

    result = app.test_cli_runner().invoke(args=["notifications", "remind", "--today", day.isoformat()])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote 2 reminders for {day.isoformat()}"
    assert sorted(person_id for person_id, _s, _b in notices(app, "reminder")) == sorted([ada.id, hana.id])
