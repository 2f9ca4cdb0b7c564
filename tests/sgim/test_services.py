"""SGIM services on the database: the meeting as a published sgim event, eligibility and invitations,
going (the trip as time away, which makes the attendee unavailable) and declining, the needs a trip
makes and how they follow duties and dates, and clearance."""

from datetime import timedelta

import pytest

from tests.sgim.conftest import (
    FIRST_DAY,
    LAST_DAY,
    TRIP_FIRST,
    attendance_row,
    attendance_rows,
    day,
    duty_row,
    meeting_details,
    period_row,
)
from tests.support import database_state, notices
from wellness.dates import utcnow
from wellness.duties.availability import clashes_on
from wellness.duties.covers import release_cover
from wellness.duties.models import Duty
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.events.models import Event
from wellness.extensions import db
from wellness.people.models import Person
from wellness.sgim import services
from wellness.sgim.models import Attendance, Meeting


def status_of(attendance_id: int) -> services.TripStatus:
    """The trip's status as it is now (in the test's session)."""
    db.session.commit()  # a fresh snapshot: rows other contexts committed are seen
    return services.trip_status(db.session.get(Attendance, attendance_id))


def need_days(attendance_id: int) -> list[tuple]:
    return [(n.duty.duty_on, n.duty.session, n.is_covered) for n in status_of(attendance_id).needs]


# --- the meeting and its invitations -------------------------------------------------------------------------


def test_creating_a_meeting_publishes_an_sgim_event_and_invites_primary_care_juniors(
    app, db, make_meeting, resident, ada
):
    resident("Uma", pgy=1)
    resident("Ben", program="categorical")

    meeting = db.session.get(Meeting, make_meeting())

    event = db.session.get(Event, meeting.event_id)
    assert (event.kind.slug, event.status, event.is_all_day) == ("sgim", "published", True)
    assert (event.title, event.location) == ("SGIM Annual Meeting", "Denver")
    assert (event.audience_programs, event.audience_levels) == ("primary_care", "2")
    assert [(a.person.email, a.answer, a.is_added) for a in services.attendances(meeting)] == [
        ("ada@example.org", "invited", False)
    ]
    [(person_id, subject, body)] = notices(app, "sgim_invited")
    assert person_id == ada.id and subject == "You are invited to SGIM Annual Meeting"
    assert "covers your clinical duties while you are away" in body


def test_only_coordinators_create_or_change_a_meeting(app, db, make_meeting, ada):
    meeting = db.session.get(Meeting, make_meeting())
    before = database_state(app)

    with pytest.raises(NotAllowed):
        services.create_meeting(db.session.get(Person, ada.id), meeting_details())
    with pytest.raises(NotAllowed):
        services.update_meeting(db.session.get(Person, ada.id), meeting, meeting_details(city="Boston"))
    db.session.rollback()

    assert database_state(app) == before


def test_a_second_meeting_in_the_same_year_is_refused(app, db, coordinator, make_meeting):
    first_id = make_meeting()
    actor = db.session.get(Person, coordinator.id)
    before = database_state(app)

    with pytest.raises(Conflict) as refused:
        services.create_meeting(actor, meeting_details(name="SGIM again", starts_on=FIRST_DAY + timedelta(days=30),
                                                       ends_on=FIRST_DAY + timedelta(days=33)))  # fmt: skip
    db.session.rollback()

    assert refused.value.field == "starts_on"
    assert f"{FIRST_DAY.year} already has an SGIM meeting" in refused.value.message
    assert database_state(app) == before
    # The meeting itself may still be edited within its year.
    services.update_meeting(actor, db.session.get(Meeting, first_id), meeting_details(city="Boston"))
    db.session.commit()
    assert db.session.get(Meeting, first_id).city == "Boston"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "Give the meeting a name."),
        ({"ends_on": FIRST_DAY - timedelta(days=1)}, "ends_on", "The meeting must end on or after the day it starts."),
        ({"travel_days_before": 4}, "travel_days_before", "Travel days are between 0 and 3."),
        ({"abstract_deadline_on": FIRST_DAY + timedelta(days=1)}, "abstract_deadline_on",
         "A deadline falls before the meeting starts."),
    ],
)  # fmt: skip
def test_a_meeting_with_impossible_details_is_refused(app, db, coordinator, changes, field, message):
    before = database_state(app)

    with pytest.raises(ValidationFailed) as refused:
        services.create_meeting(db.session.get(Person, coordinator.id), meeting_details(**changes))
    db.session.rollback()

    assert (refused.value.field, refused.value.message) == (field, message)
    assert database_state(app) == before


def test_making_another_class_eligible_invites_only_the_newly_eligible(
    app, db, coordinator, make_meeting, answer, attendance_of, resident, ada
):
    ben = resident("Ben", program="categorical")
    resident("Cal", program="categorical", pgy=3)
    meeting_id = make_meeting()
    answer(attendance_of(meeting_id, ada), False)  # an answered invitation stays as it is
    meeting = db.session.get(Meeting, meeting_id)

    invited = services.set_eligibility(
        db.session.get(Person, coordinator.id), meeting, {("primary_care", 2), ("categorical", 2)}
    )
    db.session.commit()

    assert invited == 1
    assert {(a.person_id, a.answer) for a in attendance_rows(app, meeting_id)} == {
        (ada.id, "declined"),
        (ben.id, "invited"),
    }
    event = db.session.get(Event, meeting.event_id)
    assert (event.audience_programs, event.audience_levels) == ("categorical,primary_care", "2")
    assert (
        services.set_eligibility(db.session.get(Person, coordinator.id), meeting, {("categorical", 2)}) == 0
    )


@pytest.mark.parametrize("pairs", [set(), {("primary_care", 4)}, {("nonsense", 1)}])
def test_eligibility_must_name_programs_and_levels_that_exist(app, db, coordinator, make_meeting, pairs):
    meeting = db.session.get(Meeting, make_meeting())
    before = database_state(app)

    with pytest.raises(ValidationFailed):
        services.set_eligibility(db.session.get(Person, coordinator.id), meeting, pairs)
    db.session.rollback()

    assert database_state(app) == before


def test_a_coordinator_invites_one_more_resident_once(app, db, coordinator, make_meeting, faculty, ravi, ada):
    meeting = db.session.get(Meeting, make_meeting())
    cora = db.session.get(Person, coordinator.id)

    attendance = services.invite_resident(cora, meeting, db.session.get(Person, ravi.id))
    db.session.commit()

    assert (attendance.person_id, attendance.is_added, attendance.answer) == (ravi.id, True, "invited")
    with pytest.raises(Conflict, match="Ravi Patel is already invited."):
        services.invite_resident(cora, meeting, db.session.get(Person, ravi.id))
    with pytest.raises(ValidationFailed, match="No active resident has that address."):
        services.invite_resident(cora, meeting, db.session.get(Person, faculty("Tess").id))
    with pytest.raises(ValidationFailed):
        services.invite_resident(cora, meeting, None)


# --- going and declining ---------------------------------------------------------------------------------------


def test_going_books_the_trip_with_its_travel_days_and_makes_the_attendee_unavailable(app, db, going, ada):
    _meeting_id, attendance_id = going(ada)

    attendance = attendance_row(app, attendance_id)
    period = period_row(app, attendance.away_period_id)
    assert attendance.answer == "going"
    assert (period.kind, period.status, period.title) == (
        "conference",
        "approved",
        "SGIM Annual Meeting, Denver",
    )
    assert (period.starts_on, period.ends_on) == (TRIP_FIRST, LAST_DAY)
    now = utcnow()
    for on in (TRIP_FIRST, FIRST_DAY, LAST_DAY):
        assert [item.title for item in clashes_on(ada.id, on, "AM", now)] == ["SGIM Annual Meeting, Denver"]
    assert clashes_on(ada.id, TRIP_FIRST - timedelta(days=1), "PM", now) == []
    assert clashes_on(ada.id, LAST_DAY + timedelta(days=1), "AM", now) == []


def test_organising_the_meetings_event_keeps_nobody_from_covering(
    app, db, make_meeting, going, make_duty, cover, faculty, ada
):
    tess = faculty("Tess")
    meeting_id = make_meeting()
    db.session.get(Meeting, meeting_id).event.organisers = [db.session.get(Person, tess.id)]
    db.session.commit()
    going(ada, meeting_id)
    duty_id = make_duty(ada, FIRST_DAY, "AM")

    assert clashes_on(tess.id, FIRST_DAY, "AM", utcnow()) == []
    cover(duty_id, tess)

    assert duty_row(app, duty_id).covered_by_id == tess.id


def test_declining_cancels_the_trip_and_releases_the_covers_arranged_for_it(
    app, db, going, answer, make_duty, cover, ada, ravi
):
    _meeting_id, attendance_id = going(ada)
    clinic = make_duty(ada, day(1), "AM")
    cover(clinic, ravi)

    answer(attendance_id, False)

    attendance = attendance_row(app, attendance_id)
    assert attendance.answer == "declined"
    assert period_row(app, attendance.away_period_id).status == "cancelled"
    assert duty_row(app, clinic).covered_by_id is None
    assert clashes_on(ada.id, day(1), "PM", utcnow()) == []
    released = [(who, subject) for who, subject, _ in notices(app, "cover_released")]
    assert released == [(ravi.id, "No longer covering: Continuity clinic (AM)")]
    assert need_days(attendance_id) == []


def test_declining_keeps_the_covers_of_days_the_attendee_is_away_all_the_same(
    app, db, going, answer, away, make_duty, cover, ada, ravi
):
    _meeting_id, attendance_id = going(ada)
    away(ada, day(3), day(10), title="Vacation")  # her vacation starts on the meeting's last day
    meeting_day, vacation_day = make_duty(ada, day(1), "AM"), make_duty(ada, day(3), "AM")
    cover(meeting_day, ravi)
    cover(vacation_day, ravi)

    answer(attendance_id, False)

    assert duty_row(app, meeting_day).covered_by_id is None
    assert duty_row(app, vacation_day).covered_by_id == ravi.id


def test_a_meeting_moved_far_releases_every_cover_of_the_old_trip(
    app, db, coordinator, going, make_duty, cover, ada, ravi
):
    meeting_id, _attendance_id = going(ada)
    clinic = make_duty(ada, day(2), "AM")
    cover(clinic, ravi)

    later = FIRST_DAY + timedelta(days=60)
    services.update_meeting(
        db.session.get(Person, coordinator.id),
        db.session.get(Meeting, meeting_id),
        meeting_details(starts_on=later, ends_on=later + timedelta(days=3)),
    )
    db.session.commit()

    assert duty_row(app, clinic).covered_by_id is None


def test_going_again_after_declining_reuses_the_trip(app, db, going, answer, ada):
    _meeting_id, attendance_id = going(ada)
    period_id = attendance_row(app, attendance_id).away_period_id
    answer(attendance_id, False)

    answer(attendance_id, True)

    assert attendance_row(app, attendance_id).away_period_id == period_id
    assert period_row(app, period_id).status == "approved"


def test_only_the_attendee_or_a_coordinator_answers_and_not_once_the_meeting_is_over(
    app, db, make_meeting, attendance_of, ada, ravi
):
    attendance = db.session.get(Attendance, attendance_of(make_meeting(), ada))
    before = database_state(app)

    with pytest.raises(NotAllowed):
        services.answer_invitation(db.session.get(Person, ravi.id), attendance, True)
    later = utcnow() + timedelta(days=60)
    with pytest.raises(ValidationFailed, match="The meeting is over"):
        services.answer_invitation(attendance.person, attendance, True, later)
    db.session.rollback()

    assert database_state(app) == before


# --- needs and clearance ------------------------------------------------------------------------------------------


def test_needs_are_the_attendees_duties_inside_the_trip(app, db, going, make_duty, ada, ravi):
    _meeting_id, attendance_id = going(ada)
    make_duty(ada, TRIP_FIRST - timedelta(days=1), "PM")  # before the travel day
    make_duty(ada, day(0), "PM")  # the travel day
    make_duty(ada, day(2), "AM", kind="ambulatory", site="Main campus")
    make_duty(ada, day(2), "NIGHT", kind="inpatient", site="")
    make_duty(ada, LAST_DAY + timedelta(days=1), "AM")  # after the trip
    make_duty(ravi, day(1), "AM")  # someone else's

    assert need_days(attendance_id) == [
        (day(0), "PM", False),
        (day(2), "AM", False),
        (day(2), "NIGHT", False),
    ]


def test_needs_follow_duties_added_changed_and_deleted(app, db, going, make_duty, cover, ada, ravi):
    _meeting_id, attendance_id = going(ada)
    clinic = make_duty(ada, day(1), "AM")
    cover(clinic, ravi)
    assert need_days(attendance_id) == [(day(1), "AM", True)]

    added = make_duty(ada, day(2), "PM")
    assert need_days(attendance_id) == [(day(1), "AM", True), (day(2), "PM", False)]

    # The clinic moves to the afternoon: its cover is released with it, so the need is open again.
    duty = db.session.get(Duty, clinic)
    duty.session, duty.revision = "PM", duty.revision + 1
    release_cover(None, duty, "The clinic moved to the afternoon.", utcnow(), tell_staff=True)
    db.session.commit()
    assert need_days(attendance_id) == [(day(1), "PM", False), (day(2), "PM", False)]

    # Moved out of the trip, or deleted: no longer a need.
    db.session.get(Duty, clinic).duty_on = LAST_DAY + timedelta(days=2)
    db.session.delete(db.session.get(Duty, added))
    db.session.commit()
    assert need_days(attendance_id) == []


def test_needs_follow_a_meeting_whose_dates_move(app, db, coordinator, going, make_duty, cover, ada, ravi):
    meeting_id, attendance_id = going(ada)
    early = make_duty(ada, day(0), "AM")  # the travel day: outside the trip once the meeting moves on
    late = make_duty(ada, LAST_DAY + timedelta(days=1), "AM")  # inside once it does
    cover(early, ravi)
    assert need_days(attendance_id) == [(day(0), "AM", True)]

    meeting = db.session.get(Meeting, meeting_id)
    services.update_meeting(
        db.session.get(Person, coordinator.id),
        meeting,
        meeting_details(starts_on=FIRST_DAY + timedelta(days=2), ends_on=LAST_DAY + timedelta(days=2),
                        travel_days_before=0),
    )  # fmt: skip
    db.session.commit()

    period = period_row(app, attendance_row(app, attendance_id).away_period_id)
    assert (period.starts_on, period.ends_on) == (FIRST_DAY + timedelta(days=2), LAST_DAY + timedelta(days=2))
    assert duty_row(app, early).covered_by_id is None
    assert [(who, subject) for who, subject, _ in notices(app, "cover_released")] == [
        (ravi.id, "No longer covering: Continuity clinic (AM)")
    ]
    assert need_days(attendance_id) == [(LAST_DAY + timedelta(days=1), "AM", False)]
    assert duty_row(app, late).covered_by_id is None


def test_a_trip_is_cleared_only_with_funding_approved_and_every_need_covered(
    app, db, going, make_duty, cover, request_funding, approve_funding, ada, ravi, faculty
):
    _meeting_id, attendance_id = going(ada)
    morning, afternoon = make_duty(ada, day(1), "AM"), make_duty(ada, day(1), "PM")
    request_funding(attendance_id, registration=60_000, travel=40_000)
    assert status_of(attendance_id).label == "Not cleared: 2 uncovered, funding pending"

    cover(morning, ravi)
    cover(afternoon, faculty("Tess"))
    trip = status_of(attendance_id)
    assert (trip.is_cleared, trip.label) == (False, "Not cleared: funding pending")

    approve_funding(attendance_id, registration=60_000, travel=40_000)
    trip = status_of(attendance_id)
    assert (trip.is_cleared, trip.label) == (True, "Cleared")

    late = make_duty(ada, day(3), "AM")
    trip = status_of(attendance_id)
    assert (trip.is_cleared, trip.label) == (False, "Not cleared: 1 uncovered")
    assert [n.duty.id for n in trip.uncovered] == [late]


def test_not_answered_and_declined_trips_are_never_cleared(app, db, make_meeting, attendance_of, answer, ada):
    attendance_id = attendance_of(make_meeting(), ada)
    assert (status_of(attendance_id).is_cleared, status_of(attendance_id).label) == (False, "Not answered")
    answer(attendance_id, False)
    assert (status_of(attendance_id).is_cleared, status_of(attendance_id).label) == (False, "Declined")


def test_coverage_rows_list_each_need_with_its_coverer(app, db, going, make_duty, cover, ada, ravi):
    _meeting_id, _attendance_id = going(ada)
    covered, _open = make_duty(ada, day(1), "AM"), make_duty(ada, day(2), "PM", kind="ambulatory", site="")
    cover(covered, ravi)
    db.session.commit()

    assert services.coverage_rows(FIRST_DAY.year) == [
        {"attendee": "Ada Quill", "date": day(1).isoformat(), "session": "AM", "kind": "clinic",
         "site": "Brookside", "coverer": "Ravi Patel", "status": "covered"},
        {"attendee": "Ada Quill", "date": day(2).isoformat(), "session": "PM", "kind": "ambulatory",
         "site": "", "coverer": "", "status": "uncovered"},
    ]  # fmt: skip
