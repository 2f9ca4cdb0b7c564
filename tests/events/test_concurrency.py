"""No overbooking under simultaneous RSVPs: many people answer at once and the seat rules still hold.

Each person has a test client of their own, signed in, and every request runs in its own context with
its own database session and connection, as in a threaded server. A barrier releases them together.
On SQLite the writers queue on BEGIN IMMEDIATE, on PostgreSQL on SELECT ... FOR UPDATE of the event.

Each rush runs twice, as in the outreach and retreat rushes: with the locks taken out, every round of
the fifty-answer rush fails on both databases, so more rounds only cost time.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tests.support import readings_while
from wellness.events import seats
from wellness.events.models import Event, Rsvp
from wellness.extensions import db

CAPACITY = 10
PEOPLE = 50


# ---- Helpers, also used by test_gunicorn_rsvps.py -------------------------------------------


def release_together(actions: list[Callable[[], object]], timeout: float = 120) -> list[object]:
    """Run each action in a thread of its own, all released at once by a barrier; results in order.

    The first error an action raised is raised again here (a broken barrier only when nothing else
    went wrong).
    """
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout)
            results[index] = action()
        except BaseException as error:  # handed back to the test below
            errors.append(error)
            barrier.abort()

    threads = [
        threading.Thread(target=run, args=(n, action), daemon=True) for n, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    if errors:
        raise next((e for e in errors if not isinstance(e, threading.BrokenBarrierError)), errors[0])
    return results


@dataclass(frozen=True)
class SeatState:
    """An event's RSVPs as stored, read in one transaction after the requests finished."""

    capacity: int
    taken: int  # seats_taken() as the service computes it
    going: dict[int, int]  # person id -> seats held (the person plus guests)
    waiting: list[tuple[int, int]]  # (person id, seats wanted), in (requested_at, id) order
    positions: list[int]  # waitlist_positions() of those RSVPs, in the same order
    not_going: set[int]
    guests: dict[int, int]  # person id -> guests on their RSVP, whatever the answer

    @property
    def free(self) -> int:
        return self.capacity - self.taken


def seat_state(app, event_id: int) -> SeatState:
    with app.app_context():
        capacity = db.session.get(Event, event_id).capacity
        rsvps = list(
            db.session.scalars(
                select(Rsvp).where(Rsvp.event_id == event_id).order_by(Rsvp.requested_at, Rsvp.id)
            )
        )
        by_id = seats.waitlist_positions(event_id)
        waiting = [rsvp for rsvp in rsvps if rsvp.response == "waitlisted"]
        state = SeatState(
            capacity=capacity,
            taken=seats.seats_taken(event_id),
            going={rsvp.person_id: rsvp.seats for rsvp in rsvps if rsvp.response == "going"},
            waiting=[(rsvp.person_id, rsvp.seats) for rsvp in waiting],
            positions=[by_id.get(rsvp.id) for rsvp in waiting],
            not_going={rsvp.person_id for rsvp in rsvps if rsvp.response == "not_going"},
            guests={rsvp.person_id: rsvp.guests for rsvp in rsvps},
        )
        db.session.remove()
    return state


def assert_seats_sound(state: SeatState) -> None:
    """The capacity holds, no seat is lost (nobody waiting would fit), and the waitlist has no gaps."""
    assert state.taken == sum(state.going.values())
    assert state.taken <= state.capacity, f"overbooked: {state.taken} seats taken of {state.capacity}"
    assert state.positions == list(range(1, len(state.waiting) + 1))
    fitting = [person for person, wanted in state.waiting if wanted <= state.free]
    assert not fitting, f"{state.free} seats are free but {len(fitting)} waitlisted requests would fit"


# ---- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def sign_in(app):
    """A test client of its own for `person`, signed in as login_as does it."""

    def make(person):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = person.get_id()
            session["_fresh"] = True
        return client

    return make


@pytest.fixture
def crowd(make_person, sign_in):
    """`count` residents, each with a signed-in client: a list of (person, client)."""

    def make(count: int):
        people = [make_person("resident") for _ in range(count)]
        return [(person, sign_in(person)) for person in people]

    return make


@pytest.fixture
def app_errors(caplog):
    """Log records at ERROR and above, and any mention of a locked database, from every thread."""
    caplog.set_level(logging.WARNING)

    def read() -> list[str]:
        return [
            record.getMessage()
            for record in caplog.records
            if record.levelno >= logging.ERROR or "locked" in record.getMessage().lower()
        ]

    return read


def rsvp_post(client, event_id: int, response: str, guests: int = 0) -> Callable[[], tuple[int, str]]:
    """A prepared RSVP post (the CSRF token is made now, not at the barrier) -> (status, Location)."""
    data = {"response": response, "guests": str(guests), "csrf_token": client.csrf_token()}

    def post() -> tuple[int, str]:
        response_ = client.post(f"/events/{event_id}/rsvp", data=data)
        return response_.status_code, response_.headers.get("Location", "")

    return post


def seats_watched(app, event_id: int):
    """The readings of seats.seats_taken(the event) while the block runs (see readings_while)."""
    return readings_while(app, lambda: seats.seats_taken(event_id))


def redirected_to_event(results, event_id: int) -> bool:
    return all(status == 302 and location.endswith(f"/events/{event_id}") for status, location in results)


# ---- Tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("round_number", range(2))
def test_fifty_simultaneous_rsvps_take_ten_seats_and_waitlist_forty_in_order(
    app, crowd, make_event, app_errors, round_number
):
    people = crowd(PEOPLE)
    event_id = make_event(capacity=CAPACITY).id

    with seats_watched(app, event_id) as readings:
        results = release_together([rsvp_post(client, event_id, "going") for _, client in people])

    assert redirected_to_event(results, event_id), sorted({status for status, _ in results})
    state = seat_state(app, event_id)
    assert len(state.going) == CAPACITY
    assert len(state.waiting) == PEOPLE - CAPACITY
    assert state.positions == list(range(1, PEOPLE - CAPACITY + 1))
    assert set(state.going) | {person for person, _ in state.waiting} == {person.id for person, _ in people}
    assert_seats_sound(state)
    assert max(readings, default=0) <= CAPACITY
    assert app_errors() == []


@pytest.mark.parametrize("round_number", range(2))
def test_simultaneous_parties_with_guests_never_exceed_capacity_nor_leave_a_fitting_request_waiting(
    app, crowd, make_event, app_errors, round_number
):
    people = crowd(PEOPLE)
    event_id = make_event(capacity=20, allows_guests=True, max_guests=2).id
    wanted = {person.id: n % 3 for n, (person, _) in enumerate(people)}  # parties of 1, 2 and 3

    with seats_watched(app, event_id) as readings:
        results = release_together(
            [rsvp_post(client, event_id, "going", wanted[person.id]) for person, client in people]
        )

    assert redirected_to_event(results, event_id), sorted({status for status, _ in results})
    state = seat_state(app, event_id)
    assert len(state.going) + len(state.waiting) == PEOPLE
    assert state.guests == wanted  # everyone keeps the party they asked for, going or waiting
    assert state.going and state.waiting
    assert_seats_sound(state)
    assert max(readings, default=0) <= 20
    assert app_errors() == []


@pytest.mark.parametrize("round_number", range(2))
def test_declines_during_a_rush_promote_the_front_of_the_waitlist_and_lose_no_seat(
    app, crowd, make_event, app_errors, round_number
):
    first, newcomers = crowd(30), crowd(20)
    event_id = make_event(capacity=CAPACITY).id
    for _, client in first:  # one after another: ten going, then twenty waiting in this order
        assert rsvp_post(client, event_id, "going")()[0] == 302
    before = seat_state(app, event_id)
    assert (len(before.going), len(before.waiting)) == (CAPACITY, 20)
    leaving = list(before.going)[:5]
    clients = {person.id: client for person, client in first}

    with seats_watched(app, event_id) as readings:
        results = release_together(
            [rsvp_post(clients[person_id], event_id, "not_going") for person_id in leaving]
            + [rsvp_post(client, event_id, "going") for _, client in newcomers]
        )

    assert redirected_to_event(results, event_id), sorted({status for status, _ in results})
    state = seat_state(app, event_id)
    assert state.taken == CAPACITY
    assert state.not_going == set(leaving)
    waited_before = [person for person, _ in before.waiting]
    assert set(state.going) == (set(before.going) - set(leaving)) | set(waited_before[:5])
    assert [person for person, _ in state.waiting][:15] == waited_before[5:]
    assert {person for person, _ in state.waiting[15:]} == {person.id for person, _ in newcomers}
    assert_seats_sound(state)
    assert max(readings, default=0) <= CAPACITY
    assert app_errors() == []
