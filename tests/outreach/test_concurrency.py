"""No shift takes more volunteers than it has slots, and an offered slot goes to one taker, under simultaneous requests.

Each call runs in a thread of its own with an application context of its own, so it has its own
database session and connection, as a request in a threaded server would (the service is called
directly, as in tests/retreats/test_concurrency.py). A barrier releases them together. Writers
queue on the shift's lock: BEGIN IMMEDIATE on SQLite, SELECT ... FOR UPDATE on PostgreSQL.
"""

from collections.abc import Callable

import pytest
from sqlalchemy import select

from tests.events import test_concurrency as event_concurrency
from tests.events.test_concurrency import release_together
from tests.outreach.conftest import notices, volunteer_ids
from tests.support import readings_while
from wellness.errors import Conflict, DomainError, ValidationFailed
from wellness.extensions import db
from wellness.outreach import shifts
from wellness.outreach.models import Shift, ShiftSignup
from wellness.people.models import Person

# The events' concurrency fixture: log records at ERROR and any "database is locked", from every thread.
app_errors = event_concurrency.app_errors

SLOTS = 4
PEOPLE = 20


def as_request(app, call: Callable[[Person, Shift], ShiftSignup], shift_id: int, person_id: int):
    """`call(person, shift)` as a request of its own, committed -> the sign-up's id, or the refusal.

    A refusal is returned rather than raised, so one refused call does not stop the others.
    """

    def run():
        with app.app_context():
            try:
                person = db.session.get(Person, person_id)
                signup_id = call(person, db.session.get(Shift, shift_id)).id
                db.session.commit()
                return signup_id
            except DomainError as refused:
                db.session.rollback()
                return refused
            finally:
                db.session.remove()

    return run


def sign_up_request(app, shift_id: int, person_id: int):
    return as_request(
        app, lambda person, shift: shifts.sign_up_for_shift(person, shift, person), shift_id, person_id
    )


def take_request(app, shift_id: int, person_id: int, offer_id: int):
    return as_request(
        app,
        lambda person, shift: shifts.take_offered_shift(person, shift, person, offer_id),
        shift_id,
        person_id,
    )


def slots_watched(app, shift_id: int):
    """The readings of shifts.slots_taken(the shift) while the block runs (see readings_while)."""
    return readings_while(app, lambda: shifts.slots_taken(shift_id))


def signup_ids(app, shift_id: int) -> dict[int, int]:
    """person id -> sign-up id of every slot in the shift."""
    with app.app_context():
        rows = db.session.execute(
            select(ShiftSignup.person_id, ShiftSignup.id).where(ShiftSignup.shift_id == shift_id)
        ).all()
        db.session.remove()
    return dict(rows)


@pytest.mark.parametrize("round_number", range(2))
def test_twenty_simultaneous_sign_ups_take_four_slots_and_refuse_sixteen(
    app, make_project, make_shift, residents, app_errors, round_number
):
    shift = make_shift(make_project(), role="Prep", slots=SLOTS)
    people = residents(PEOPLE)

    with slots_watched(app, shift.id) as readings:
        results = release_together([sign_up_request(app, shift.id, person.id) for person in people])

    taken = {
        person.id: result for person, result in zip(people, results, strict=True) if isinstance(result, int)
    }
    refused = [result for result in results if not isinstance(result, int)]
    assert len(taken) == SLOTS
    assert len(refused) == PEOPLE - SLOTS
    assert all(isinstance(result, Conflict) for result in refused), refused
    assert {result.message for result in refused} == {"Every slot of the Prep shift is taken."}
    # Whoever was told they had a slot has it, under the id they were given, and nobody else does.
    assert signup_ids(app, shift.id) == taken
    assert max(readings, default=0) <= SLOTS
    assert app_errors() == []


@pytest.mark.parametrize("takers", [2, 8])
def test_an_offered_slot_taken_by_several_people_at_once_goes_to_exactly_one(
    app, make_project, make_shift, residents, volunteer, offer, app_errors, takers
):
    shift = make_shift(make_project(title="Soup night"), role="Serve", slots=2)
    giver, keeper, *wanting = residents(2 + takers)
    volunteer(shift, giver)
    volunteer(shift, keeper)
    offered = offer(shift, giver)

    results = release_together([take_request(app, shift.id, person.id, offered.id) for person in wanting])

    winners = [person for person, result in zip(wanting, results, strict=True) if isinstance(result, int)]
    refused = [result for result in results if not isinstance(result, int)]
    assert len(winners) == 1
    [winner] = winners
    assert all(isinstance(result, ValidationFailed) for result in refused), refused
    assert {result.message for result in refused} == {"That slot is no longer on offer."}
    assert volunteer_ids(app, shift.id) == {keeper.id, winner.id}
    assert sorted(person_id for person_id, kind, _ in notices(app, "shift_swapped")) == sorted(
        [giver.id, winner.id]
    )
    assert app_errors() == []
