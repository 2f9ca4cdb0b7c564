"""Coaching meetings on the records: proposing, confirming, declining, another time, cancelling, the refusals
(only the pair, only ahead, sensible times, a place, a live pairing, no clash on the actor's own calendar),
the notices to the other person, and the meetings held this academic year that coordinators may count."""

from datetime import date, timedelta

import pytest

from tests.coaching.conftest import (
    ROOM,
    at,
    audit_actions,
    day_at,
    meeting_row,
    meeting_rows,
    notices,
    program_today,
    year_now,
)
from tests.events import conftest as event_fixtures
from tests.outreach import conftest as outreach_fixtures
from tests.support import database_state
from wellness.coaching import meetings
from wellness.coaching.models import Meeting, Pairing
from wellness.dates import utcnow
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.extensions import db
from wellness.people.models import Person

# An event the resident is going to, and an outreach shift they volunteer for, on their own calendar.
make_event = event_fixtures.make_event
answer = event_fixtures.answer
organiser = outreach_fixtures.organiser
propose = outreach_fixtures.propose
decide = outreach_fixtures.decide
approve = outreach_fixtures.approve
make_project = outreach_fixtures.make_project
make_shift = outreach_fixtures.make_shift
volunteer = outreach_fixtures.volunteer


def refused(app, call, error, message: str):
    """Run `call()`, which must raise `error` with exactly `message`, and show it wrote nothing."""
    before = database_state(app)
    with pytest.raises(error) as raised:
        call()
    assert raised.value.message == message
    assert database_state(app) == before
    return raised.value


def change(app, call, meeting_id: int, actor, *args, now=None):
    """Run meetings.`call`(actor, the meeting, *args, now) as a request of its own; commit."""
    with app.app_context():
        try:
            result = call(
                db.session.get(Person, actor.id), db.session.get(Meeting, meeting_id), *args, now or utcnow()
            )
            db.session.commit()
            return result.id
        finally:
            db.session.remove()


def propose_in(app, pairing_id: int, actor, starts_at, ends_at, place: str = ROOM, now=None):
    """propose_meeting with any start and end (the fixture takes a length instead); commit -> its id."""
    with app.app_context():
        try:
            meeting = meetings.propose_meeting(
                db.session.get(Person, actor.id), db.session.get(Pairing, pairing_id), starts_at, ends_at, place,
                now or utcnow(),
            )  # fmt: skip
            db.session.commit()
            return meeting.id
        finally:
            db.session.remove()


def coaching_notices_since(app, count: int):
    return [(person_id, subject) for person_id, subject, _body in notices(app)[count:]]


# --- the happy paths --------------------------------------------------------------------------------------


def test_a_proposed_meeting_waits_for_the_other_person_who_is_told(app, ada, hana, pairing, propose_meeting):
    already = len(notices(app))

    meeting_id = propose_meeting(pairing, ada, day_at(5), minutes=45, place="  Room 4B,   Bigelow ")

    row = meeting_row(app, meeting_id)
    assert (row.status, row.proposed_by_id, row.place, row.revision) == ("proposed", ada.id, ROOM, 1)
    assert (row.starts_at, row.ends_at, row.confirmed_at) == (day_at(5), day_at(5, 14, 45), None)
    [(person_id, subject, body)] = notices(app)[already:]
    assert (person_id, subject) == (hana.id, "Ada Quill proposes a coaching meeting")
    assert body.endswith(f"\nWhere: {ROOM}")
    assert "When: " in body
    assert audit_actions(app)[-1] == "coaching.meeting_proposed"


def test_the_other_person_confirms_and_the_proposer_is_told(
    app, ada, hana, pairing, propose_meeting, answer_meeting
):
    meeting_id = propose_meeting(pairing, hana, day_at(5))
    already = len(notices(app))

    answer_meeting(meeting_id, ada, "confirm")

    row = meeting_row(app, meeting_id)
    assert (row.status, row.revision) == ("confirmed", 2)
    assert row.confirmed_at is not None
    assert coaching_notices_since(app, already) == [(hana.id, "Ada Quill confirmed your coaching meeting")]
    assert audit_actions(app)[-1] == "coaching.meeting_confirmed"


def test_the_other_person_declines_and_the_proposer_is_told(
    app, ada, hana, pairing, propose_meeting, answer_meeting
):
    meeting_id = propose_meeting(pairing, ada, day_at(5))
    already = len(notices(app))

    answer_meeting(meeting_id, hana, "decline")

    assert meeting_row(app, meeting_id).status == "declined"
    assert coaching_notices_since(app, already) == [(ada.id, "Hana Okafor declined your coaching meeting")]


def test_another_time_replaces_the_proposal_and_goes_back_for_an_answer(
    app, ada, hana, pairing, propose_meeting, answer_meeting
):
    first = propose_meeting(pairing, ada, day_at(5))
    already = len(notices(app))

    second = change(app, meetings.propose_other_time, first, hana, day_at(6, 9), day_at(6, 10), "Zoom link")

    old, new = meeting_row(app, first), meeting_row(app, second)
    assert (old.status, old.revision) == ("replaced", 2)
    assert (new.status, new.replaces_id, new.proposed_by_id, new.place) == (
        "proposed",
        first,
        hana.id,
        "Zoom link",
    )
    assert coaching_notices_since(app, already) == [
        (ada.id, "Hana Okafor proposes another time for a coaching meeting")
    ]
    answer_meeting(second, ada, "confirm")
    assert [m.id for m in meeting_rows(app, pairing) if m.status == "confirmed"] == [second]


def test_either_person_may_move_a_confirmed_meeting_even_to_an_overlapping_time(
    app, ada, hana, pairing, meet
):
    meeting_id = meet(pairing, ada, hana, day_at(5))

    # The meeting being moved does not clash with its own new time.
    moved = change(
        app, meetings.propose_other_time, meeting_id, ada, day_at(5, 14, 30), day_at(5, 15, 30), ROOM
    )

    assert meeting_row(app, meeting_id).status == "replaced"
    assert meeting_row(app, moved).status == "proposed"


@pytest.mark.parametrize("who", ["proposer", "other"])
def test_either_person_cancels_and_the_other_is_told(app, ada, hana, pairing, meet, who):
    meeting_id = meet(pairing, ada, hana, day_at(5))
    actor, other = (ada, hana) if who == "proposer" else (hana, ada)
    already = len(notices(app))

    change(app, meetings.cancel_meeting, meeting_id, actor)

    row = meeting_row(app, meeting_id)
    assert (row.status, row.revision) == ("cancelled", 3)
    assert row.confirmed_at is not None  # so calendars drop it
    assert coaching_notices_since(app, already) == [(other.id, f"{actor.name} cancelled a coaching meeting")]
    assert audit_actions(app)[-1] == "coaching.meeting_cancelled"


def test_a_meeting_of_exactly_four_hours_is_allowed(app, ada, pairing, propose_meeting):
    meeting_id = propose_meeting(pairing, ada, day_at(5, 9), minutes=240)

    assert meeting_row(app, meeting_id).status == "proposed"


# --- refusals -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["other resident", "coordinator", "another coach"])
def test_only_the_pair_may_propose_answer_or_cancel(
    app, make_person, coordinator, coach, resident, pairing, hana, propose_meeting, role
):
    outsider = {
        "other resident": lambda: resident("Ben"),
        "coordinator": lambda: coordinator,
        "another coach": lambda: coach("Ivan"),
    }[role]()
    meeting_id = propose_meeting(pairing, hana, day_at(5))
    message = "You can only arrange meetings with your own coach or coachees."

    refused(app, lambda: propose_meeting(pairing, outsider, day_at(6)), NotAllowed, message)
    refused(
        app,
        lambda: change(app, meetings.respond_to_meeting, meeting_id, outsider, "confirm"),
        NotAllowed,
        message,
    )
    refused(app, lambda: change(app, meetings.cancel_meeting, meeting_id, outsider), NotAllowed, message)
    refused(
        app,
        lambda: change(
            app, meetings.propose_other_time, meeting_id, outsider, day_at(6), day_at(6, 15), ROOM
        ),
        NotAllowed,
        message,
    )


@pytest.mark.parametrize(
    ("starts", "ends", "place", "message", "field"),
    [
        (lambda: utcnow() - timedelta(minutes=5), lambda: utcnow() + timedelta(minutes=55), ROOM,
         "A meeting must be in the future.", "start_time"),
        (lambda: day_at(5, 14), lambda: day_at(5, 13), ROOM, "A meeting must end after it starts.", "end_time"),
        (lambda: day_at(5, 14), lambda: day_at(5, 14), ROOM, "A meeting must end after it starts.", "end_time"),
        (lambda: day_at(5, 9), lambda: day_at(5, 13, 1), ROOM, "A coaching meeting lasts at most four hours.",
         "end_time"),
        (lambda: day_at(5, 14), lambda: day_at(5, 15), "   ", "Say where you will meet: a room or a video link.",
         "place"),
        (lambda: day_at(5, 14), lambda: day_at(5, 15), "x" * 301, "Keep the place to 300 characters.", "place"),
    ],
    ids=["in the past", "ends before it starts", "no length", "over four hours", "no place", "place too long"],
)  # fmt: skip
def test_a_meeting_with_a_bad_time_or_place_is_refused(
    app, ada, pairing, starts, ends, place, message, field
):
    error = refused(
        app, lambda: propose_in(app, pairing, ada, starts(), ends(), place), ValidationFailed, message
    )

    assert error.field == field


def test_an_ended_pairing_takes_no_more_meetings(app, ada, hana, pairing, propose_meeting, end):
    meeting_id = propose_meeting(pairing, hana, day_at(5))
    end(pairing, "Moved away")
    message = "This pairing has ended, so it takes no more meetings."

    refused(app, lambda: propose_meeting(pairing, ada, day_at(6)), Conflict, message)
    refused(
        app, lambda: change(app, meetings.respond_to_meeting, meeting_id, ada, "confirm"), Conflict, message
    )


def test_the_proposer_cannot_answer_their_own_proposal(app, hana, pairing, propose_meeting):
    meeting_id = propose_meeting(pairing, hana, day_at(5))

    for reply in ("confirm", "decline"):
        refused(
            app,
            lambda reply=reply: change(app, meetings.respond_to_meeting, meeting_id, hana, reply),
            NotAllowed,
            "The other person answers your proposal; you can cancel it or propose another time.",
        )
    refused(
        app,
        lambda: change(app, meetings.propose_other_time, meeting_id, hana, day_at(6), day_at(6, 15), ROOM),
        NotAllowed,
        "Wait for an answer to your proposal, or cancel it and propose again.",
    )


def test_a_meeting_already_answered_or_under_way_cannot_be_answered_again(
    app, ada, hana, pairing, propose_meeting, meet, answer_meeting
):
    confirmed = meet(pairing, hana, ada, day_at(5))
    declined = propose_meeting(pairing, hana, day_at(6))
    answer_meeting(declined, ada, "decline")
    # Proposed yesterday for an hour from now; answered after it began.
    started = propose_meeting(pairing, hana, utcnow() + timedelta(hours=1), now=utcnow() - timedelta(days=1))

    refused(
        app,
        lambda: change(app, meetings.respond_to_meeting, confirmed, ada, "decline"),
        Conflict,
        "This meeting is confirmed already.",
    )
    refused(
        app,
        lambda: change(app, meetings.cancel_meeting, declined, ada),
        Conflict,
        "This meeting is declined already.",
    )
    refused(
        app,
        lambda: change(
            app, meetings.respond_to_meeting, started, ada, "confirm", now=utcnow() + timedelta(hours=2)
        ),
        Conflict,
        "This meeting's time has passed.",
    )
    refused(
        app,
        lambda: change(app, meetings.respond_to_meeting, started, ada, "maybe"),
        ValidationFailed,
        "Confirm or decline the meeting.",
    )


# --- clashes on the actor's own calendar -----------------------------------------------------------------------


def test_a_time_clashing_with_an_event_the_resident_is_going_to_is_refused_naming_it(
    app, ada, hana, pairing, make_event, answer, propose_meeting
):
    dinner = make_event(title="Intern team dinner", starts_at=day_at(7, 18), ends_at=day_at(7, 21))
    answer(dinner, ada, "going")

    error = refused(
        app,
        lambda: propose_meeting(pairing, ada, day_at(7, 20)),
        Conflict,
        "That time overlaps Intern team dinner, already on your calendar.",
    )
    assert error.field == "start_time"
    # The coach's calendar is not the resident's: the coach may propose the time, and touching ends are free.
    propose_meeting(pairing, hana, day_at(7, 20))
    propose_meeting(pairing, ada, day_at(7, 17))


def test_a_time_clashing_with_the_residents_outreach_shift_is_refused_naming_it(
    app, ada, pairing, make_project, make_shift, volunteer, propose_meeting
):
    project = make_project(title="Soup night")
    shift = make_shift(
        project, role="Prep", starts_at=at(project.starts_on, 16), ends_at=at(project.starts_on, 17, 30)
    )
    volunteer(shift, ada)
    days = (project.starts_on - program_today()).days

    refused(
        app,
        lambda: propose_meeting(pairing, ada, day_at(days, 17)),
        Conflict,
        "That time overlaps Soup night: Prep, already on your calendar.",
    )


def test_a_coach_cannot_book_two_coachees_at_once_but_confirming_checks_the_confirmers_calendar(
    app, ada, hana, pairing, resident, pair, meet, propose_meeting, answer_meeting
):
    ben = resident("Ben")
    with_ben = pair(ben, hana)
    meet(pairing, ada, hana, day_at(5, 14))

    refused(
        app,
        lambda: propose_meeting(with_ben, hana, day_at(5, 14, 30)),
        Conflict,
        "That time overlaps Coaching meeting, already on your calendar.",
    )
    # Ben does not see Hana's calendar, so he may propose the time; Hana cannot confirm it.
    proposal = propose_meeting(with_ben, ben, day_at(5, 14, 30))
    refused(
        app,
        lambda: answer_meeting(proposal, hana, "confirm"),
        Conflict,
        "That time overlaps Coaching meeting, already on your calendar.",
    )
    answer_meeting(proposal, hana, "decline")
    assert meeting_row(app, proposal).status == "declined"


def test_a_proposed_or_cancelled_meeting_takes_no_time(
    app, ada, hana, pairing, resident, pair, meet, propose_meeting
):
    ben = resident("Ben")
    with_ben = pair(ben, hana)
    propose_meeting(pairing, ada, day_at(5, 14))
    cancelled = meet(pairing, ada, hana, day_at(6, 14))
    change(app, meetings.cancel_meeting, cancelled, ada)

    assert propose_meeting(with_ben, hana, day_at(5, 14))
    assert propose_meeting(with_ben, hana, day_at(6, 14))


# --- what a coordinator may count ---------------------------------------------------------------------------


def test_meetings_held_this_year_count_only_confirmed_meetings_that_have_ended_since_july(
    app, db, ada, hana, pairing, resident, pair, propose_meeting, answer_meeting, meet
):
    year = year_now()
    today = date(year, 11, 1)
    now = at(today, 9)

    def when(month: int, day: int, hour: int = 10, minute: int = 0):
        moment = at(date(year if month >= 7 else year + 1, month, day), hour, minute)
        return moment, moment - timedelta(days=20)

    def confirmed(pairing_id, month, day, hour=10, minute=0, minutes=60):
        starts, then = when(month, day, hour, minute)
        return meet(pairing_id, ada, hana, starts, now=then, minutes=minutes)

    last_june = at(date(year, 6, 20), 10)
    meet(pairing, ada, hana, last_june, now=last_june - timedelta(days=3))  # last academic year
    confirmed(pairing, 7, 1, 8)  # the first morning of the year
    confirmed(pairing, 10, 1)
    cancelled = confirmed(pairing, 10, 8)
    change(app, meetings.cancel_meeting, cancelled, hana, now=when(10, 8)[1])
    starts, then = when(10, 15)
    propose_meeting(pairing, ada, starts, now=then)  # never answered
    starts, then = when(10, 20)
    answer_meeting(propose_meeting(pairing, ada, starts, now=then), hana, "decline", now=then)
    confirmed(pairing, 11, 1, 8, 30)  # still going on at nine
    confirmed(pairing, 12, 1)  # ahead
    ben = resident("Ben")
    with_ben = pair(ben, hana)
    starts, then = when(9, 3)
    meet(with_ben, ben, hana, starts, now=then)

    held = meetings.held_this_year(today, now)

    assert held == {pairing: 2, with_ben: 1}
    assert meetings.held_this_year(date(year, 12, 2), at(date(year, 12, 2), 9)) == {pairing: 4, with_ben: 1}


def test_the_pairings_meetings_and_the_persons_upcoming_ones_leave_out_what_is_over_or_answered_no(
    app, db, ada, hana, pairing, propose_meeting, answer_meeting, meet
):
    soon = meet(pairing, ada, hana, day_at(3))
    later = propose_meeting(pairing, hana, day_at(9))
    no = propose_meeting(pairing, hana, day_at(10))
    answer_meeting(no, ada, "decline")
    held = meet(pairing, ada, hana, utcnow() - timedelta(days=2), now=utcnow() - timedelta(days=5))
    db.session.commit()

    shown = [m.id for m in meetings.meetings_of(db.session.get(Pairing, pairing))]
    coming = [m.id for m in meetings.upcoming_for(ada.id, utcnow())]

    assert shown == [later, soon, held]
    assert coming == [soon, later]
    assert [m.id for m in meetings.upcoming_for(hana.id, utcnow())] == [soon, later]
