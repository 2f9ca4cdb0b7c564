"""No overbooking of retreat sessions under simultaneous sign-ups, and no session place without the retreat.

Each sign-up runs in a thread of its own with an application context of its own, so it has its own
database session and connection, as a request in a threaded server would (there are no retreat
routes yet); answers to the retreat go through the real RSVP route with a signed-in client each.
A barrier releases them together. Writers queue on the retreat's lock (BEGIN IMMEDIATE on SQLite,
SELECT ... FOR UPDATE on PostgreSQL) and then on the session's.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tests.events import test_concurrency as event_concurrency
from tests.events.test_concurrency import release_together, rsvp_post
from tests.retreats.conftest import on_day
from tests.support import readings_while
from wellness.errors import DomainError, ValidationFailed
from wellness.events.models import Rsvp
from wellness.events.waitlist import Waiting, positions
from wellness.extensions import db
from wellness.people.models import Person
from wellness.retreats import signups
from wellness.retreats.models import RetreatSession, SessionSignup

# Fixtures of the events' concurrency tests: a signed-in client per person, and the app's error log.
sign_in = event_concurrency.sign_in
app_errors = event_concurrency.app_errors

SEATS = 5
PEOPLE = 30


def sign_up_request(
    app, session_id: int, person_id: int
) -> Callable[[], tuple[str, int | None] | DomainError]:
    """A sign-up as a request of its own (own context and session, committed) -> (status, position).

    A refusal is returned rather than raised, so one refused sign-up does not stop the others.
    """

    def run():
        with app.app_context():
            try:
                person = db.session.get(Person, person_id)
                outcome = signups.sign_up(person, db.session.get(RetreatSession, session_id), person)
                result = (outcome.signup.status, outcome.position)
                db.session.commit()
                return result
            except DomainError as refused:
                db.session.rollback()
                return refused
            finally:
                db.session.remove()

    return run


@dataclass(frozen=True)
class SessionState:
    """A session's sign-ups as stored, read in one transaction after the requests finished."""

    capacity: int | None
    taken: int  # places_taken() as the service counts it
    going: set[int]  # person ids
    waiting: list[int]  # person ids, first in line first
    positions: list[int]  # the waitlist positions of those people, in the same order


def session_state(app, session_id: int) -> SessionState:
    with app.app_context():
        capacity = db.session.get(RetreatSession, session_id).capacity
        rows = list(db.session.scalars(select(SessionSignup).where(SessionSignup.session_id == session_id)))
        line = signups.session_waitlist(session_id)
        by_id = positions([Waiting(signup.id, 1) for signup in line])
        state = SessionState(
            capacity=capacity,
            taken=signups.places_taken(session_id),
            going={signup.person_id for signup in rows if signup.status == "going"},
            waiting=[signup.person_id for signup in line],
            positions=[by_id.get(signup.id) for signup in line],
        )
        db.session.remove()
    return state


def assert_session_sound(state: SessionState) -> None:
    """The seat limit holds, no free place is left while someone waits, and the waitlist has no gaps."""
    assert state.taken == len(state.going)
    if state.capacity is not None:
        assert state.taken <= state.capacity, f"overbooked: {state.taken} places of {state.capacity}"
        assert state.taken == state.capacity or not state.waiting, "a place is free while people wait"
    else:
        assert not state.waiting
    assert state.positions == list(range(1, len(state.waiting) + 1))
    assert not state.going & set(state.waiting), "someone both has a place and waits"


def places_watched(app, session_id: int):
    """The readings of signups.places_taken(the session) while the block runs (see readings_while)."""
    return readings_while(app, lambda: signups.places_taken(session_id))


def session_places_without_the_retreat(app, retreat_id: int) -> list[tuple[int, int, str]]:
    """(session id, person id, status) of every sign-up whose person is not going to the retreat."""
    with app.app_context():
        going = set(
            db.session.scalars(
                select(Rsvp.person_id).where(Rsvp.event_id == retreat_id, Rsvp.response == "going")
            )
        )
        rows = db.session.execute(
            select(SessionSignup.session_id, SessionSignup.person_id, SessionSignup.status)
            .join(RetreatSession, RetreatSession.id == SessionSignup.session_id)
            .where(RetreatSession.event_id == retreat_id)
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows if row.person_id not in going]


@pytest.fixture
def going_crowd(make_person, answer, sign_in):
    """`count` residents going to the retreat, each with a signed-in client: a list of (person, client)."""

    def make(retreat, count: int):
        people = [make_person("resident") for _ in range(count)]
        for person in people:
            answer(retreat, person, "going")
        return [(person, sign_in(person)) for person in people]

    return make


@pytest.mark.parametrize("round_number", range(2))
def test_thirty_simultaneous_sign_ups_take_five_places_and_waitlist_twenty_five_in_order(
    app, make_retreat, make_session, going_crowd, app_errors, round_number
):
    retreat = make_retreat()
    people = going_crowd(retreat, PEOPLE)
    session_id = make_session(retreat, title="Suturing lab", format="skills", capacity=SEATS).id

    with places_watched(app, session_id) as readings:
        results = release_together([sign_up_request(app, session_id, person.id) for person, _ in people])

    refusals = [result for result in results if isinstance(result, DomainError)]
    assert refusals == []
    assert sorted(status for status, _ in results) == ["going"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)
    state = session_state(app, session_id)
    assert len(state.going) == SEATS
    assert state.positions == list(range(1, PEOPLE - SEATS + 1))
    assert state.going | set(state.waiting) == {person.id for person, _ in people}
    # The position each person was told is where they stand: the line is in the order it formed.
    told = {person.id: position for (person, _), (status, position) in zip(people, results, strict=True)}
    assert {person: told[person] for person in state.waiting} == dict(
        zip(state.waiting, state.positions, strict=True)
    )
    assert {told[person] for person in state.going} == {None}
    assert_session_sound(state)
    assert max(readings, default=0) <= SEATS
    assert app_errors() == []


@pytest.mark.parametrize("round_number", range(2))
def test_leaving_the_retreat_during_a_rush_of_sign_ups_leaves_no_session_place_without_the_retreat(
    app, make_retreat, make_session, going_crowd, sign_up, app_errors, round_number
):
    retreat = make_retreat()
    limited = make_session(retreat, title="Suturing lab", capacity=3, starts_at=on_day(retreat, 10))
    open_talk = make_session(retreat, title="Keynote", format="talk", starts_at=on_day(retreat, 11))
    late = make_session(retreat, title="Closing circle", format="round_table", starts_at=on_day(retreat, 15))
    leavers, stayers = going_crowd(retreat, 8), going_crowd(retreat, 12)
    for person, _ in leavers:  # one after another: three places in the lab, five waiting
        sign_up(limited, person)
        sign_up(open_talk, person)
    before = session_state(app, limited.id)
    assert (len(before.going), len(before.waiting)) == (3, 5)

    with places_watched(app, limited.id) as readings:
        results = release_together(
            [rsvp_post(client, retreat.id, "not_going") for _, client in leavers]
            + [sign_up_request(app, late.id, person.id) for person, _ in leavers]
            + [sign_up_request(app, limited.id, person.id) for person, _ in stayers]
            + [sign_up_request(app, open_talk.id, person.id) for person, _ in stayers]
        )

    answered, leavers_signing, stayers_signing = results[:8], results[8:16], results[16:]
    assert all(status == 302 for status, _ in answered), answered
    for result in leavers_signing:  # before their answer took the retreat's lock, or after it
        assert result == ("going", None) or (
            isinstance(result, ValidationFailed) and "Answer going to the retreat first" in result.message
        ), result
    assert not any(isinstance(result, DomainError) for result in stayers_signing), stayers_signing
    assert session_places_without_the_retreat(app, retreat.id) == []

    lab, talk, closing = (session_state(app, s.id) for s in (limited, open_talk, late))
    stayer_ids = {person.id for person, _ in stayers}
    assert lab.going <= stayer_ids and len(lab.going) == 3
    assert lab.going | set(lab.waiting) == stayer_ids
    assert talk.going == stayer_ids
    assert closing.going == set()
    for state in (lab, talk, closing):
        assert_session_sound(state)
    assert max(readings, default=0) <= 3
    assert app_errors() == []
