"""Signing up for retreat sessions: places, the session waitlist, eligibility, clashes and leaving."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.events.conftest import audit_actions
from tests.retreats.conftest import TZ, at, on_day, places, program_today, waiting
from tests.support import database_state, fetch
from wellness.dates import academic_year_of, local_date
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.notifications.models import Notice
from wellness.retreats.models import SessionSignup


def notices(app) -> list[tuple[int, str, str]]:
    """(person id, kind, subject) of every notice, in writing order."""
    return [
        (notice.person_id, notice.kind, notice.subject)
        for notice in fetch(app, select(Notice).order_by(Notice.id))
    ]


def sessions_held(app, person) -> list[tuple[int, str]]:
    """(session id, status) of every sign-up the person has, by session."""
    return [
        (signup.session_id, signup.status)
        for signup in fetch(
            app,
            select(SessionSignup)
            .where(SessionSignup.person_id == person.id)
            .order_by(SessionSignup.session_id),
        )
    ]


# --- places and the waitlist ----------------------------------------------------------------------


def test_signing_up_takes_a_place_when_one_is_free(app, retreat, goers, make_session, sign_up):
    session = make_session(retreat, title="Narrative medicine", capacity=2)
    [ada] = goers(1)

    signed = sign_up(session, ada)

    assert (signed.status, signed.position, signed.changed) == ("going", None, True)
    assert places(app, session.id) == {ada.id}
    assert audit_actions(app, retreat.id)[-1] == "session.signed_up"


def test_a_session_without_a_seat_limit_takes_everyone(app, retreat, goers, make_session, sign_up):
    session = make_session(retreat)
    people = goers(4)

    assert {sign_up(session, person).status for person in people} == {"going"}
    assert places(app, session.id) == {person.id for person in people}


def test_signing_up_for_a_full_session_joins_its_waitlist_in_arrival_order(
    app, retreat, goers, make_session, sign_up
):
    session = make_session(retreat, capacity=1)
    ada, ben, cy = goers(3)

    results = [sign_up(session, person) for person in (ada, ben, cy)]

    assert [(r.status, r.position) for r in results] == [
        ("going", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    assert places(app, session.id) == {ada.id}
    assert waiting(app, session.id) == [ben.id, cy.id]
    assert audit_actions(app, retreat.id)[-1] == "session.waitlisted"


def test_a_full_session_without_a_waitlist_refuses_and_changes_nothing(
    app, retreat, goers, make_session, sign_up
):
    session = make_session(retreat, title="Suturing lab", format="skills", capacity=1, has_waitlist=False)
    ada, ben = goers(2)
    sign_up(session, ada)
    before = database_state(app)

    with pytest.raises(Conflict, match="Suturing lab is full and has no waitlist"):
        sign_up(session, ben)

    assert database_state(app) == before


@pytest.mark.parametrize("retreat_answer", [None, "maybe", "not_going", "waitlisted"])
def test_only_people_going_to_the_retreat_can_sign_up(
    app, make_retreat, residents, answer, make_session, sign_up, retreat_answer
):
    retreat = make_retreat(capacity=1)
    first, ada = residents(2)
    answer(retreat, first, "going")  # takes the retreat's only place
    if retreat_answer == "waitlisted":
        assert answer(retreat, ada, "going").response == "waitlisted"
    elif retreat_answer:
        answer(retreat, ada, retreat_answer)
    session = make_session(retreat)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="Answer going to the retreat first"):
        sign_up(session, ada)

    assert database_state(app) == before
    assert sign_up(session, first).status == "going"


# --- eligibility ------------------------------------------------------------------------------------


def test_a_session_for_another_program_refuses_naming_who_it_is_for(
    app, retreat, goers, make_session, sign_up
):
    session = make_session(retreat, programs=("primary_care",))
    [categorical] = goers(1)
    [primary_care] = goers(1, program="primary_care")
    before = database_state(app)

    with pytest.raises(NotAllowed, match="This session is for Primary care only"):
        sign_up(session, categorical)

    assert database_state(app) == before
    assert sign_up(session, primary_care).status == "going"


def test_programs_and_levels_narrow_each_other(app, make_retreat, residents, answer, make_session, sign_up):
    retreat = make_retreat()
    this_year = academic_year_of(local_date(retreat.starts_at, TZ))
    session = make_session(retreat, programs=("primary_care",), levels=(2,))
    right = residents(1, program="primary_care", training_start_year=this_year - 1)[0]
    wrong_level = residents(1, program="primary_care", training_start_year=this_year)[0]
    wrong_program = residents(1, program="categorical", training_start_year=this_year - 1)[0]
    for person in (right, wrong_level, wrong_program):
        answer(retreat, person, "going")

    for person in (wrong_level, wrong_program):
        with pytest.raises(NotAllowed, match="This session is for Primary care, PGY-2 only"):
            sign_up(session, person)
    assert sign_up(session, right).status == "going"


def test_pgy_eligibility_is_counted_on_the_retreats_day_not_today(
    app, make_retreat, residents, answer, make_session, sign_up
):
    # A retreat in July next year: this year's interns are PGY-2 by then, this year's PGY-2s PGY-3.
    next_year = academic_year_of(program_today()) + 1
    retreat = make_retreat(day=date(next_year, 7, 15))
    session = make_session(retreat, title="Leading a team", levels=(2,))
    intern_now = residents(1, training_start_year=next_year - 1)[0]
    pgy2_now = residents(1, training_start_year=next_year - 2)[0]
    for person in (intern_now, pgy2_now):
        answer(retreat, person, "going")
    before = database_state(app)

    with pytest.raises(NotAllowed, match="This session is for PGY-2 only"):
        sign_up(session, pgy2_now)

    assert database_state(app) == before
    assert sign_up(session, intern_now).status == "going"


def test_pgy_eligibility_is_counted_on_the_retreats_first_day_not_the_sessions(
    app, make_retreat, residents, answer, make_session, sign_up
):
    # The retreat runs 30 June to 1 July; its second-day sessions still count the levels of 30 June.
    year = academic_year_of(program_today()) + 1
    retreat = make_retreat(starts_at=at(date(year, 6, 30), 9), ends_at=at(date(year, 7, 1), 17))
    for_interns = make_session(
        retreat, title="Intern debrief", levels=(1,), starts_at=on_day(retreat, 10, day=1)
    )
    for_juniors = make_session(
        retreat, title="Junior debrief", levels=(2,), starts_at=on_day(retreat, 12, day=1)
    )
    intern = residents(1, training_start_year=year - 1)[0]  # PGY-1 on 30 June, PGY-2 on 1 July
    answer(retreat, intern, "going")

    with pytest.raises(NotAllowed, match="This session is for PGY-2 only"):
        sign_up(for_juniors, intern)
    assert sign_up(for_interns, intern).status == "going"


def test_people_who_are_not_residents_are_not_eligible_for_narrowed_sessions(
    app, retreat, make_person, answer, make_session, sign_up
):
    narrowed = make_session(retreat, levels=(1, 2, 3))
    open_to_all = make_session(retreat, starts_at=on_day(retreat, 14))
    chief = make_person("coordinator")
    answer(retreat, chief, "going")

    with pytest.raises(NotAllowed, match="PGY-1, PGY-2, PGY-3 only"):
        sign_up(narrowed, chief)
    assert sign_up(open_to_all, chief).status == "going"


# --- clashes ---------------------------------------------------------------------------------------


def test_an_overlapping_session_is_refused_naming_the_one_already_held(
    app, retreat, goers, make_session, sign_up
):
    first = make_session(retreat, title="Narrative medicine", starts_at=on_day(retreat, 10))
    second = make_session(retreat, title="Yoga on the lawn", starts_at=on_day(retreat, 10, 30))
    [ada] = goers(1)
    sign_up(first, ada)
    before = database_state(app)

    with pytest.raises(Conflict, match="Yoga on the lawn overlaps Narrative medicine"):
        sign_up(second, ada)

    assert database_state(app) == before


def test_an_overlapping_event_the_person_is_going_to_is_refused_naming_it(
    app, retreat, goers, make_event, answer, make_session, sign_up
):
    lunch = make_event(title="Clinic lunch talk", starts_at=on_day(retreat, 12), ends_at=on_day(retreat, 13))
    session = make_session(retreat, title="Mentoring circle", starts_at=on_day(retreat, 12, 30))
    ada, ben = goers(2)
    answer(lunch, ada, "going")
    answer(lunch, ben, "maybe")  # a maybe is not busy
    before = database_state(app)

    with pytest.raises(Conflict, match="Mentoring circle overlaps Clinic lunch talk"):
        sign_up(session, ada)

    assert database_state(app) == before
    assert sign_up(session, ben).status == "going"


def test_sessions_that_only_touch_do_not_clash(app, retreat, goers, make_session, sign_up):
    morning = make_session(retreat, starts_at=on_day(retreat, 10), ends_at=on_day(retreat, 11))
    next_one = make_session(retreat, starts_at=on_day(retreat, 11), ends_at=on_day(retreat, 12))
    [ada] = goers(1)

    assert sign_up(morning, ada).status == "going"
    assert sign_up(next_one, ada).status == "going"
    assert places(app, morning.id) == places(app, next_one.id) == {ada.id}


def test_signing_up_twice_changes_nothing(app, retreat, goers, make_session, sign_up):
    session = make_session(retreat, capacity=1)
    ada, ben = goers(2)
    held, waits = sign_up(session, ada), sign_up(session, ben)
    before = database_state(app)

    again_held, again_waits = sign_up(session, ada), sign_up(session, ben)

    assert database_state(app) == before
    assert (again_held.signup_id, again_held.status, again_held.changed) == (held.signup_id, "going", False)
    assert (again_waits.signup_id, again_waits.status, again_waits.position, again_waits.changed) == (
        waits.signup_id,
        "waitlisted",
        1,
        False,
    )


# --- leaving ---------------------------------------------------------------------------------------


def test_leaving_a_session_promotes_the_first_in_line_and_tells_them(
    app, retreat, goers, make_session, sign_up, leave_session
):
    session = make_session(retreat, title="Narrative medicine", capacity=1)
    ada, ben, cy = goers(3)
    for person in (ada, ben, cy):
        sign_up(session, person)
    told_before = notices(app)

    assert leave_session(session, ada) is True

    assert places(app, session.id) == {ben.id}
    assert waiting(app, session.id) == [cy.id]
    assert notices(app)[len(told_before) :] == [(ben.id, "promoted", "You have a place: Narrative medicine")]
    assert audit_actions(app, retreat.id)[-2:] == ["session.left", "session.promoted"]


def test_leaving_a_waitlist_place_moves_the_others_up_without_promoting(
    app, retreat, goers, make_session, sign_up, leave_session
):
    session = make_session(retreat, capacity=1)
    ada, ben, cy = goers(3)
    for person in (ada, ben, cy):
        sign_up(session, person)
    told_before = notices(app)

    leave_session(session, ben)

    assert places(app, session.id) == {ada.id}
    assert waiting(app, session.id) == [cy.id]
    assert sign_up(session, cy).position == 1
    assert notices(app) == told_before


def test_leaving_a_session_one_does_not_hold_changes_nothing(
    app, retreat, goers, make_session, sign_up, leave_session
):
    session = make_session(retreat)
    ada, ben = goers(2)
    sign_up(session, ada)
    before = database_state(app)

    assert leave_session(session, ben) is False
    assert database_state(app) == before


@pytest.mark.parametrize("response", ["not_going", "maybe"])
def test_leaving_the_retreat_drops_every_session_and_promotes_each_waitlist(
    app, retreat, goers, answer, make_session, sign_up, response
):
    morning = make_session(retreat, title="Morning", capacity=1, starts_at=on_day(retreat, 10))
    midday = make_session(retreat, title="Midday", capacity=1, starts_at=on_day(retreat, 11))
    open_talk = make_session(retreat, title="Open talk", format="talk", starts_at=on_day(retreat, 13))
    waited = make_session(retreat, title="Waited", capacity=1, starts_at=on_day(retreat, 15))
    ada, ben, cy, dan = goers(4)
    for session in (morning, midday, open_talk):
        sign_up(session, ada)
    sign_up(morning, ben)
    sign_up(midday, cy)
    sign_up(waited, dan)
    sign_up(waited, ada)  # waiting behind Dan
    sign_up(waited, cy)
    told_before = notices(app)

    answer(retreat, ada, response)

    assert sessions_held(app, ada) == []
    assert places(app, morning.id) == {ben.id}
    assert places(app, midday.id) == {cy.id}
    assert places(app, open_talk.id) == set()
    assert (places(app, waited.id), waiting(app, waited.id)) == ({dan.id}, [cy.id])
    assert sorted(notices(app)[len(told_before) :]) == sorted(
        [(ben.id, "promoted", "You have a place: Morning"), (cy.id, "promoted", "You have a place: Midday")]
    )


def test_answering_going_again_does_not_drop_sessions(app, retreat, goers, answer, make_session, sign_up):
    session = make_session(retreat)
    [ada] = goers(1)
    sign_up(session, ada)
    before = database_state(app)

    answer(retreat, ada, "going")

    assert database_state(app) == before


# --- refusals that hold whoever asks -----------------------------------------------------------------


def test_a_draft_retreat_refuses_sign_ups(app, make_retreat, residents, make_session, sign_up):
    retreat = make_retreat(status="draft")
    session = make_session(retreat)
    [ada] = residents(1)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="not open for sign-ups"):
        sign_up(session, ada)

    assert database_state(app) == before


def test_a_cancelled_retreat_refuses_sign_ups_even_from_people_who_were_going(
    app, retreat, goers, make_session, sign_up, cancel_retreat
):
    session = make_session(retreat)
    ada, ben = goers(2)
    sign_up(session, ada)
    cancel_retreat(retreat)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="not open for sign-ups"):
        sign_up(session, ben)

    assert database_state(app) == before


def test_a_session_that_has_started_refuses_sign_ups(app, retreat, goers, make_session, sign_up):
    session = make_session(retreat, title="Narrative medicine", starts_at=on_day(retreat, 10))
    ada, ben = goers(2)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="This session started on"):
        sign_up(session, ada, now=session.starts_at)

    assert database_state(app) == before
    assert sign_up(session, ben, now=session.starts_at - timedelta(minutes=1)).status == "going"


@pytest.mark.parametrize("who", ["coordinator", "another resident"])
def test_nobody_signs_someone_else_up_or_takes_them_out(
    app, retreat, goers, coordinator, make_session, sign_up, leave_session, who
):
    session = make_session(retreat)
    ada, ben = goers(2)
    actor = coordinator if who == "coordinator" else ben
    before = database_state(app)

    with pytest.raises(NotAllowed, match="only sign yourself up"):
        sign_up(session, ada, actor=actor)
    assert database_state(app) == before

    sign_up(session, ada)
    before = database_state(app)
    with pytest.raises(NotAllowed, match="only leave your own sessions"):
        leave_session(session, ada, actor=actor)
    assert database_state(app) == before


def test_waiting_for_one_session_refuses_an_overlapping_one_so_a_promotion_cannot_double_book(
    app, retreat, goers, make_session, sign_up, leave_session
):
    full = make_session(retreat, title="IUD placement", capacity=1, starts_at=on_day(retreat, 10))
    other = make_session(retreat, title="Nexplanon placement", starts_at=on_day(retreat, 10, 30))
    ada, ben = goers(2)
    sign_up(full, ada)
    assert sign_up(full, ben).status == "waitlisted"
    before = database_state(app)

    with pytest.raises(
        Conflict, match="Nexplanon placement overlaps IUD placement, whose waitlist you are on"
    ):
        sign_up(other, ben)

    assert database_state(app) == before
    leave_session(full, ben)
    assert sign_up(other, ben).status == "going"


def test_leaving_is_refused_once_the_retreat_is_cancelled_or_the_session_has_started(
    app, retreat, goers, make_session, sign_up, leave_session, cancel_retreat
):
    session = make_session(retreat, title="IUD placement", capacity=1, starts_at=on_day(retreat, 10))
    ada, ben = goers(2)
    sign_up(session, ada)
    sign_up(session, ben)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="This session started"):
        leave_session(session, ada, now=session.starts_at + timedelta(hours=2))
    assert database_state(app) == before

    cancel_retreat(retreat)
    with pytest.raises(ValidationFailed, match="not open for changes"):
        leave_session(session, ada)
    assert places(app, session.id) == {ada.id}
    assert not [n for n in fetch(app, select(Notice).where(Notice.kind == "promoted"))]
