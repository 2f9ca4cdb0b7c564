"""Properties: seats stay sound through any sequence of answers, and the event form never fails.

The seat property drives the services with random answers (going, maybe, not going, with random
guests), capacity changes up and down, and promotions by hand, on a fresh event per example. After
every step:
- the seats taken stay within the capacity, except when the capacity was lowered below the seats
  already taken, and then a step never adds seats;
- waitlist positions are 1..n with no gaps;
- no waitlisted request fits in the free seats (the waitlist rule of wellness/events/waitlist.py).
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.events.conftest import TZ
from wellness.errors import DomainError
from wellness.events import seats, services
from wellness.events.forms import EventForm
from wellness.events.manage_views import _event_data
from wellness.events.models import Event, EventKind, Rsvp
from wellness.events.waitlist import fits
from wellness.people.models import Person

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CROWD = 5


@dataclass(frozen=True)
class Answer:
    person: int
    response: str
    guests: int


@dataclass(frozen=True)
class SetCapacity:
    capacity: int | None


@dataclass(frozen=True)
class PromoteByHand:
    place_in_line: int


steps = st.one_of(
    st.builds(
        Answer,
        person=st.integers(0, CROWD - 1),
        response=st.sampled_from(["going", "going", "maybe", "not_going"]),
        guests=st.integers(0, 3),  # 3 is over the event's limit of 2: refused
    ),
    st.builds(SetCapacity, capacity=st.one_of(st.none(), st.integers(1, 8))),
    st.builds(PromoteByHand, place_in_line=st.integers(0, CROWD - 1)),
)


@pytest.fixture
def crowd(make_person) -> list[int]:
    return [make_person("resident").id for _ in range(CROWD)]


def take_step(db, step, event_id: int, people: list[int], coordinator_id: int) -> None:
    coordinator = db.session.get(Person, coordinator_id)
    event = db.session.get(Event, event_id)
    if isinstance(step, Answer):
        person = db.session.get(Person, people[step.person])
        seats.record_rsvp(person, event, person, step.response, step.guests)
    elif isinstance(step, SetCapacity):
        data = replace(services.duplicate_data(event), title=event.title, capacity=step.capacity)
        services.update_event(coordinator, event, data)
    else:
        line = seats.waitlist(event_id)
        if step.place_in_line < len(line):
            seats.promote_by_hand(coordinator, event, line[step.place_in_line].id)


def check_seats(db, event_id: int, taken_before: int) -> None:
    capacity = db.session.get(Event, event_id).capacity
    taken = seats.seats_taken(event_id)
    if capacity is not None and taken > capacity:
        assert taken <= taken_before, f"{taken} seats taken of {capacity}, up from {taken_before}"
    waiting = seats.waitlist(event_id)
    positions = seats.waitlist_positions(event_id)
    assert sorted(positions.values()) == list(range(1, len(waiting) + 1))
    assert [positions[rsvp.id] for rsvp in waiting] == list(range(1, len(waiting) + 1))
    for rsvp in waiting:
        assert not fits(capacity, taken, rsvp.seats), f"{rsvp.seats} seats would fit: {capacity=} {taken=}"


@PROPERTY
@example(
    capacity=2,
    plan=[
        Answer(0, "going", 1),
        Answer(1, "going", 0),
        Answer(2, "going", 0),
        SetCapacity(1),
        Answer(0, "going", 0),
        Answer(3, "going", 0),
        Answer(1, "not_going", 0),
        SetCapacity(None),
    ],
)
@example(  # a party of two waits at the front; a single behind it fits the seat that frees up
    capacity=2,
    plan=[
        Answer(0, "going", 0),
        Answer(1, "going", 0),
        Answer(2, "going", 1),
        Answer(3, "going", 0),
        Answer(0, "not_going", 0),
        PromoteByHand(0),
    ],
)
@given(capacity=st.integers(1, 4), plan=st.lists(steps, min_size=1, max_size=14))
def test_seats_stay_sound_through_any_sequence_of_answers_and_capacity_changes(
    db, make_event, crowd, coordinator, capacity, plan
):
    event_id = make_event(capacity=capacity, allows_guests=True, max_guests=2).id
    for step in plan:
        taken_before = seats.seats_taken(event_id)
        try:
            take_step(db, step, event_id, crowd, coordinator.id)
            db.session.commit()
        except DomainError:
            db.session.rollback()
        check_seats(db, event_id, taken_before)
        db.session.commit()  # end the read so the next step's lock sees the latest state


@PROPERTY
@given(plan=st.lists(st.builds(Answer, st.integers(0, CROWD - 1), st.just("going"), st.just(0)), max_size=10))
def test_without_a_waitlist_nobody_ever_waits_and_the_capacity_holds(db, make_event, crowd, plan):
    event_id = make_event(capacity=3, has_waitlist=False).id
    for step in plan:
        try:
            take_step(db, step, event_id, crowd, crowd[0])
            db.session.commit()
        except DomainError:
            db.session.rollback()
    assert seats.seats_taken(event_id) <= 3
    assert db.session.scalars(select(Rsvp).where(Rsvp.response == "waitlisted")).all() == []


# --- the event form ---------------------------------------------------------------------------

FORM_FIELDS = (
    "title",
    "kind",
    "description",
    "location",
    "is_all_day",
    "start_on",
    "start_time",
    "end_on",
    "end_time",
    "capacity",
    "has_waitlist",
    "rsvp_opens_at",
    "rsvp_closes_at",
    "allows_guests",
    "max_guests",
    "is_for_everyone",
    "programs",
    "levels",
    "groups",
    "organisers",
)
ANY_INPUT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=5),
    st.integers(-(10**25), 10**25).map(str),
    st.dates().map(date.isoformat),
    st.times().map(lambda moment: moment.strftime("%H:%M")),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(["", "y", "0", "1", "primary_care", "5", "-1"]),
    st.builds(lambda part, times: part * times, st.text(min_size=1, max_size=5), st.integers(50, 3000)),
)


def valid_form() -> dict:
    return {
        "title": "Retreat",
        "kind": "1",
        "start_on": "2027-04-10",
        "start_time": "09:00",
        "end_on": "2027-04-10",
        "end_time": "17:00",
        "capacity": "30",
        "has_waitlist": "y",
        "max_guests": "0",
        "is_for_everyone": "y",
    }


def wall_clock(day: date, at: time | None) -> datetime:
    return datetime.combine(day, at or time(0))


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@example(overrides={"end_on": "9999-12-31", "end_time": "23:00"})
@example(overrides={"is_all_day": "y", "end_on": "9999-12-31"})
@example(overrides={"start_on": "0001-01-01", "start_time": "00:00"})
@example(overrides={"start_time": "", "end_time": ""})
@example(
    overrides={"start_time": "02:30", "end_time": "03:10", "start_on": "2027-03-14", "end_on": "2027-03-14"}
)
@given(overrides=st.dictionaries(st.sampled_from(FORM_FIELDS), ANY_INPUT, max_size=6))
def test_the_event_form_never_raises_and_a_valid_form_ends_after_it_starts(app, overrides):
    with app.app_context():
        kind_ids = [kind.id for kind in app.extensions["sqlalchemy"].session.scalars(select(EventKind))]
    data = valid_form() | overrides
    with app.test_request_context("/events/new", method="POST", data=data):
        form = EventForm(meta={"csrf": False})
        form.kind.choices = [(kind_id, str(kind_id)) for kind_id in kind_ids]
        form.groups.choices = []

        if not form.validate():
            assert form.errors
            return
        (start_on, start_time), (end_on, end_time) = form.times()
        if form.is_all_day.data:
            assert end_on >= start_on
        else:
            assert wall_clock(end_on, end_time) > wall_clock(start_on, start_time)
        details = _event_data(form)  # the view's conversion to UTC must not fail either

    # A wall-clock time that does not exist (the hour skipped when clocks go forward) may still put
    # the end before the start in UTC; the service refuses that with a message (see test_views).
    if details.ends_at <= details.starts_at:
        assert details.starts_at - details.ends_at < timedelta(hours=1)
        assert on_a_clock_change_day(details.starts_at)


def on_a_clock_change_day(moment: datetime) -> bool:
    """Whether New York moves its clocks on the local day of this moment."""
    zone = ZoneInfo(TZ)
    midnight = datetime.combine(moment.astimezone(zone).date(), time(0), tzinfo=zone)
    return midnight.utcoffset() != (midnight + timedelta(days=1)).utcoffset()
