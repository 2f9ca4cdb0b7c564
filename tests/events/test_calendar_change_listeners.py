"""Change listeners: told, before a commit, whose calendars the transaction changed."""

import pytest
from sqlalchemy import select

from wellness.calendar import registry
from wellness.events import seats
from wellness.events.models import Event, Rsvp
from wellness.people.models import Person


@pytest.fixture
def heard(app):
    """The person-id sets a listener was handed, in order; the listener is removed afterwards."""
    calls: list[frozenset[int]] = []

    def listener(session, people):
        calls.append(people)

    registry.on_calendar_change(listener)
    yield calls
    registry.CHANGE_LISTENERS.remove(listener)


def fresh(db, model, row):
    """`row` as the test's session sees it (on SQLite, after ending the session's older snapshot)."""
    db.session.commit()
    return db.session.get(model, row.id)


def test_listener_hears_whose_calendar_an_rsvp_changed(db, heard, make_event, make_person):
    event_id = make_event(capacity=10).id
    person = fresh(db, Person, make_person("resident"))
    heard.clear()

    seats.record_rsvp(person, db.session.get(Event, event_id), person, "going")
    db.session.commit()

    assert heard == [frozenset({person.id})]


def test_listener_is_not_told_of_a_rolled_back_change(db, heard, make_event, make_person):
    event_id = make_event(capacity=10).id
    person = fresh(db, Person, make_person("resident"))
    heard.clear()
    seats.record_rsvp(person, db.session.get(Event, event_id), person, "going")
    db.session.rollback()

    db.session.commit()

    assert heard == []
    assert db.session.scalar(select(Rsvp.id)) is None


def test_what_a_listener_writes_is_committed_and_heard_in_a_second_round(db, heard, make_event, make_person):
    event_id = make_event(capacity=10).id
    second_id = make_person("resident").id
    first = fresh(db, Person, make_person("resident"))
    heard.clear()

    def answer_for_the_second(session, people):
        if first.id in people:  # the first person going brings the second along
            second = session.get(Person, second_id)
            seats.record_rsvp(second, session.get(Event, event_id), second, "going")

    registry.on_calendar_change(answer_for_the_second)
    try:
        seats.record_rsvp(first, db.session.get(Event, event_id), first, "going")
        db.session.commit()
    finally:
        registry.CHANGE_LISTENERS.remove(answer_for_the_second)

    assert heard == [frozenset({first.id}), frozenset({second_id})]
    going = db.session.scalars(select(Rsvp.person_id).where(Rsvp.response == "going")).all()
    assert sorted(going) == sorted([first.id, second_id])


def test_a_commit_that_changes_no_calendar_tells_no_one(db, heard, make_person):
    person = fresh(db, Person, make_person("resident"))
    heard.clear()

    person.first_name = "Renamed"
    db.session.commit()

    assert heard == []
