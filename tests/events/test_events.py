"""Events through the services: create, update, publish, cancel, duplicate, audiences, finding and history."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.events.conftest import TZ, at, in_days
from tests.support import database_state
from wellness.audit import AuditEntry
from wellness.errors import NotAllowed, ValidationFailed
from wellness.events import seats, services
from wellness.events.models import Event, EventKind, Rsvp
from wellness.notifications.models import Notice
from wellness.people.models import Person


def row(db, model, item):
    return db.session.get(model, item.id)


def details_of(event: Event, **changes) -> services.EventData:
    """The event's own details (as the edit form shows them), with some changed."""
    return replace(services.duplicate_data(event), **({"title": event.title} | changes))


def update(db, actor, event, **changes) -> Event:
    event = row(db, Event, event)
    return services.update_event(row(db, Person, actor), event, details_of(event, **changes))


def kind_id(db, slug: str) -> int:
    return db.session.scalar(select(EventKind.id).where(EventKind.slug == slug))


def notified(db, kind: str) -> list[int]:
    return sorted(db.session.scalars(select(Notice.person_id).where(Notice.kind == kind)))


def responses(db, event) -> dict[int, str]:
    return {
        rsvp.person_id: rsvp.response
        for rsvp in db.session.scalars(select(Rsvp).where(Rsvp.event_id == event.id))
    }


def basic(db, **overrides) -> services.EventData:
    starts = in_days(10)
    values = {"title": "Baseball night", "kind_id": kind_id(db, "social"), "starts_at": starts}
    values["ends_at"] = starts + timedelta(hours=3)
    return services.EventData(**(values | overrides))


# --- creating ---------------------------------------------------------------------------------


def test_create_event_makes_an_audited_draft_organised_by_its_creator(db, coordinator):
    event = services.create_event(row(db, Person, coordinator), basic(db, location="  Fenway Park "))
    db.session.commit()

    assert (event.status, event.revision, event.location) == ("draft", 1, "Fenway Park")
    assert [person.id for person in event.organisers] == [coordinator.id]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.subject_id == event.id))
    assert (entry.action, entry.subject_type, entry.actor_id) == ("event.created", "event", coordinator.id)
    assert entry.after["title"] == "Baseball night"


@pytest.mark.parametrize("role", ["resident", "faculty"])
def test_only_coordinators_create_events(db, make_person, role):
    someone = make_person(role)

    with pytest.raises(NotAllowed):
        services.create_event(row(db, Person, someone), basic(db))


BAD_DETAILS = [
    pytest.param({"title": "   "}, "Give the event a title", id="blank title"),
    pytest.param({"title": "x" * 201}, "200 characters", id="long title"),
    pytest.param({"description": "x" * 10_001}, "10,000 characters", id="long description"),
    pytest.param({"ends_at": in_days(10)}, "end after it starts", id="ends as it starts"),
    pytest.param({"ends_at": in_days(9)}, "end after it starts", id="ends before it starts"),
    pytest.param({"capacity": 0}, "between 1 and 5000", id="no places"),
    pytest.param({"capacity": -3}, "between 1 and 5000", id="negative capacity"),
    pytest.param({"capacity": 10**12}, "between 1 and 5000", id="absurd capacity"),
    pytest.param({"allows_guests": True, "max_guests": 11}, "between 0 and 10", id="too many guests"),
    pytest.param({"max_guests": -1}, "between 0 and 10", id="negative guests"),
    pytest.param(
        {"rsvp_opens_at": in_days(5), "rsvp_closes_at": in_days(4)}, "close after they open", id="window"
    ),
    # Read when the test runs, as `basic` is: a run that crosses midnight would otherwise compare two days.
    pytest.param(
        lambda: {"rsvp_closes_at": in_days(11)}, "close before the event ends", id="closes after the end"
    ),
    pytest.param(
        {"is_for_everyone": False, "programs": ("dentistry",)}, "from the lists", id="unknown program"
    ),
    pytest.param({"is_for_everyone": False, "levels": (5,)}, "from the lists", id="unknown level"),
    pytest.param({"is_for_everyone": False}, "Choose who the event is for", id="nobody"),
    pytest.param({"organiser_emails": ("nobody@example.org",)}, "No active account", id="unknown organiser"),
    pytest.param({"kind_id": 99_999}, "Choose a kind", id="unknown kind"),
    pytest.param({"group_ids": (99_999,), "is_for_everyone": False}, "no longer exists", id="unknown group"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_DETAILS)
def test_event_details_that_break_a_rule_are_refused(app, db, coordinator, overrides, message):
    overrides = overrides() if callable(overrides) else overrides
    before = database_state(app)

    with pytest.raises(ValidationFailed, match=message):
        services.create_event(row(db, Person, coordinator), basic(db, **overrides))
    db.session.rollback()

    assert database_state(app) == before


def test_publishing_a_draft_bumps_its_revision_and_only_drafts_can_be_published(db, make_event, coordinator):
    draft = make_event(status="draft")

    event = services.publish_event(row(db, Person, coordinator), row(db, Event, draft))
    db.session.commit()

    assert (event.status, event.revision) == ("published", 2)
    assert event.published_at is not None
    with pytest.raises(ValidationFailed, match="not a draft"):
        services.publish_event(row(db, Person, coordinator), event)


# --- updating ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "bumps"),
    [
        pytest.param(lambda e: {"title": "Renamed dinner"}, True, id="title"),
        pytest.param(lambda e: {"location": "Another room"}, True, id="location"),
        pytest.param(
            lambda e: {
                "starts_at": e.starts_at + timedelta(hours=1),
                "ends_at": e.ends_at + timedelta(hours=1),
            },
            True,
            id="time",
        ),
        pytest.param(lambda e: {"ends_at": e.ends_at + timedelta(hours=1)}, True, id="end time"),
        pytest.param(lambda e: {"description": "Bring a **dish** to share."}, False, id="description only"),
        pytest.param(lambda e: {"capacity": 40}, False, id="capacity only"),
    ],
)
def test_revision_increases_on_calendar_changes_but_not_on_description_changes(
    db, make_event, coordinator, change, bumps
):
    event = make_event(location="Main hall")
    revision = event.revision

    updated = update(db, coordinator, event, **change(event))
    db.session.commit()

    assert updated.revision == revision + (1 if bumps else 0)


def test_changing_a_published_events_time_tells_everyone_going_or_waitlisted(
    db, make_event, make_person, answer, coordinator
):
    event = make_event(capacity=1)
    going, waiting, maybe, not_going = (make_person("resident") for _ in range(4))
    answer(event, going)
    answer(event, waiting)
    answer(event, maybe, "maybe")
    answer(event, not_going, "not_going")

    update(db, coordinator, event, starts_at=in_days(8), ends_at=in_days(8) + timedelta(hours=2))
    db.session.commit()

    assert notified(db, "event_changed") == sorted([going.id, waiting.id])
    body = db.session.scalar(select(Notice.body).where(Notice.person_id == going.id))
    assert "When:" in body


def test_changing_only_the_description_tells_nobody(db, make_event, make_person, answer, coordinator):
    event = make_event()
    answer(event, make_person("resident"))

    update(db, coordinator, event, description="Now with a menu.")
    db.session.commit()

    assert notified(db, "event_changed") == []


def test_raising_the_capacity_promotes_from_the_waitlist_in_order(
    db, make_event, make_person, answer, coordinator
):
    event = make_event(capacity=1)
    ada, ben, cy, dee = (make_person("resident") for _ in range(4))
    for person in (ada, ben, cy, dee):
        answer(event, person)

    update(db, coordinator, event, capacity=3)
    db.session.commit()

    assert responses(db, event) == {ada.id: "going", ben.id: "going", cy.id: "going", dee.id: "waitlisted"}
    assert notified(db, "promoted") == sorted([ben.id, cy.id])
    assert seats.waitlist_positions(event.id) == {
        db.session.scalar(select(Rsvp.id).where(Rsvp.person_id == dee.id)): 1
    }


def test_removing_the_limit_promotes_everyone_waiting(db, make_event, make_person, answer, coordinator):
    event = make_event(capacity=1)
    people = [make_person("resident") for _ in range(3)]
    for person in people:
        answer(event, person)

    update(db, coordinator, event, capacity=None)
    db.session.commit()

    assert set(responses(db, event).values()) == {"going"}


def test_lowering_the_capacity_below_those_going_keeps_everyone_and_gives_no_new_places(
    db, make_event, make_person, answer, coordinator
):
    """The stated policy (update_event): everyone going keeps their place; no new places until
    enough people leave to bring the seats taken under the new capacity."""
    event = make_event(capacity=3)
    ada, ben, cy, late = (make_person("resident") for _ in range(4))
    for person in (ada, ben, cy):
        answer(event, person)

    update(db, coordinator, event, capacity=1)
    db.session.commit()

    assert responses(db, event) == {ada.id: "going", ben.id: "going", cy.id: "going"}
    assert answer(event, late).response == "waitlisted"
    answer(event, ada, "not_going")
    answer(event, ben, "not_going")
    assert responses(db, event)[late.id] == "waitlisted"  # cy still fills the single place
    answer(event, cy, "not_going")
    assert responses(db, event)[late.id] == "going"


def test_the_waitlist_cannot_be_turned_off_while_people_are_on_it(
    app, db, make_event, make_person, answer, coordinator
):
    event = make_event(capacity=1)
    answer(event, make_person("resident"))
    answer(event, make_person("resident"))
    before = database_state(app)

    with pytest.raises(ValidationFailed, match="1 person is on the waitlist"):
        update(db, coordinator, event, has_waitlist=False)
    db.session.rollback()

    assert database_state(app) == before


def test_the_waitlist_can_be_turned_off_when_nobody_waits(db, make_event, make_person, answer, coordinator):
    event = make_event(capacity=1)
    answer(event, make_person("resident"))

    assert update(db, coordinator, event, has_waitlist=False).has_waitlist is False


def test_lowering_the_guest_limit_keeps_the_guests_people_already_bring(
    db, make_event, make_person, answer, coordinator
):
    event = make_event(allows_guests=True, max_guests=3)
    ada = make_person("resident")
    answer(event, ada, guests=3)

    update(db, coordinator, event, max_guests=1)
    db.session.commit()

    assert db.session.scalar(select(Rsvp.guests).where(Rsvp.person_id == ada.id)) == 3


def test_an_event_change_is_audited_in_the_same_transaction(db, make_event, coordinator):
    event = make_event(title="Picnic")

    update(db, coordinator, event, title="Picnic in the park")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.updated"))
    assert (entry.subject_type, entry.subject_id, entry.actor_id) == ("event", event.id, coordinator.id)
    assert (entry.before["title"], entry.after["title"]) == ("Picnic", "Picnic in the park")

    db.session.rollback()

    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "event.updated")) == 0
    assert row(db, Event, event).title == "Picnic"


@pytest.mark.parametrize("role", ["resident", "faculty"])
def test_only_coordinators_change_events(db, make_event, make_person, role):
    event = make_event()
    someone = make_person(role)

    with pytest.raises(NotAllowed):
        update(db, someone, event, title="Mine now")
    with pytest.raises(NotAllowed):
        services.cancel_event(row(db, Person, someone), row(db, Event, event))


# --- cancelling -------------------------------------------------------------------------------


def test_cancelling_keeps_the_rsvps_and_tells_everyone_going_or_waitlisted(
    db, make_event, make_person, answer, coordinator
):
    event = make_event(capacity=1)
    going, waiting, maybe = (make_person("resident") for _ in range(3))
    answer(event, going)
    answer(event, waiting)
    answer(event, maybe, "maybe")
    kept, revision = responses(db, event), row(db, Event, event).revision

    told = services.cancel_event(row(db, Person, coordinator), row(db, Event, event))
    db.session.commit()

    cancelled = row(db, Event, event)
    assert told == 2
    assert (cancelled.status, cancelled.revision) == ("cancelled", revision + 1)
    assert responses(db, event) == kept
    assert notified(db, "event_cancelled") == sorted([going.id, waiting.id])
    assert services.event_history(cancelled)[0].action == "event.cancelled"


def test_an_event_cannot_be_cancelled_twice(db, make_event, coordinator):
    event = make_event(status="cancelled")

    with pytest.raises(ValidationFailed, match="already cancelled"):
        services.cancel_event(row(db, Person, coordinator), row(db, Event, event))


# --- duplicating ------------------------------------------------------------------------------


def test_duplicate_data_copies_the_details_and_marks_the_title(db, make_event, make_group, make_person):
    faculty = make_person("faculty")
    parents = make_group("Resident parents")
    event = make_event(
        title="Family barbecue",
        location="Riverside",
        capacity=30,
        allows_guests=True,
        max_guests=4,
        programs=("primary_care",),
        levels=(2, 3),
        group_ids=[parents.id],
        organiser_emails=(faculty.email,),
    )

    copy = services.duplicate_data(row(db, Event, event))

    assert copy.title == "Family barbecue (copy)"
    assert (copy.location, copy.capacity, copy.allows_guests, copy.max_guests) == ("Riverside", 30, True, 4)
    assert (copy.is_for_everyone, copy.programs, copy.levels) == (False, ("primary_care",), (2, 3))
    assert (copy.group_ids, copy.organiser_emails) == ((parents.id,), (faculty.email,))


def test_a_copy_of_a_long_title_still_fits(db, make_event):
    event = make_event(title="t" * 200)

    assert len(services.duplicate_data(row(db, Event, event)).title) == 200


# --- audiences and finding events -------------------------------------------------------------


@pytest.fixture
def programme(make_event, make_group, make_person):
    """Four upcoming events for different audiences, a draft and a cancelled event."""
    parent = make_person("resident", program="categorical")
    parents = make_group("Resident parents", members=[parent])
    return {
        "parent": parent,
        "everyone": make_event(title="Holiday party", kind="celebration"),
        "pc_juniors": make_event(title="SGIM prep", kind="sgim", programs=("primary_care",), levels=(2,)),
        "parents": make_event(title="Parents picnic", group_ids=[parents.id]),
        "draft": make_event(title="Secret draft", status="draft"),
        "cancelled": make_event(title="Rained out", status="cancelled"),
    }


def titles(events) -> list[str]:
    return [event.title for event in events]


def test_find_events_shows_each_person_the_events_meant_for_them(db, programme, make_person, coordinator):
    categorical = make_person("resident", program="categorical")
    pc_junior = make_person("resident", program="primary_care", training_start_year=2025)
    everything = services.EventFilter(include_drafts=True)

    seen = {
        "categorical": titles(services.find_events(row(db, Person, categorical), everything)),
        "pc_junior": titles(services.find_events(row(db, Person, pc_junior), everything)),
        "parent": titles(services.find_events(row(db, Person, programme["parent"]), everything)),
        "coordinator": titles(services.find_events(row(db, Person, coordinator), everything)),
    }

    assert seen == {
        "categorical": ["Holiday party", "Rained out"],
        "pc_junior": ["Holiday party", "SGIM prep", "Rained out"],
        "parent": ["Holiday party", "Parents picnic", "Rained out"],
        "coordinator": ["Holiday party", "SGIM prep", "Parents picnic", "Secret draft", "Rained out"],
    }


def test_find_events_leaves_out_drafts_unless_asked_and_cancelled_events_when_asked(
    db, programme, coordinator
):
    staff = row(db, Person, coordinator)

    default = titles(services.find_events(staff, services.EventFilter()))
    live = titles(services.find_events(staff, services.EventFilter(include_cancelled=False)))

    assert "Secret draft" not in default and "Rained out" in default
    assert live == ["Holiday party", "SGIM prep", "Parents picnic"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({"kind": "sgim"}, ["SGIM prep"], id="kind"),
        pytest.param({"program": "primary_care"}, ["Holiday party", "SGIM prep", "Rained out"], id="program"),
        pytest.param({"program": "med_peds"}, ["Holiday party", "Rained out"], id="other program"),
    ],
)
def test_find_events_narrows_by_kind_and_program(db, programme, coordinator, filters, expected):
    found = services.find_events(row(db, Person, coordinator), services.EventFilter(**filters))

    assert titles(found) == expected


def test_mine_keeps_events_the_person_organises_or_is_going_waitlisted_or_maybe_for(
    db, make_event, make_person, answer
):
    faculty = make_person("faculty")
    resident = make_person("resident")
    make_event(title="Organised", organiser_emails=(faculty.email,))
    going = make_event(title="Going", capacity=1)
    maybe = make_event(title="Maybe")
    declined = make_event(title="Declined")
    make_event(title="Unanswered")
    answer(going, faculty)
    answer(going, resident)  # waitlisted
    answer(maybe, faculty, "maybe")
    answer(declined, faculty, "not_going")
    mine = services.EventFilter(mine=True)

    assert titles(services.find_events(row(db, Person, faculty), mine)) == ["Organised", "Going", "Maybe"]
    assert titles(services.find_events(row(db, Person, resident), mine)) == ["Going"]


def test_find_events_keeps_only_events_overlapping_the_window(db, make_event, coordinator):
    make_event(title="Last week", starts_at=in_days(-7))
    make_event(title="Tomorrow", starts_at=in_days(1))
    make_event(title="Next month", starts_at=in_days(40))

    found = services.find_events(
        row(db, Person, coordinator), services.EventFilter(start=in_days(0), end=in_days(30))
    )

    assert titles(found) == ["Tomorrow"]


def test_organisers_always_see_their_events_even_outside_the_audience_and_as_drafts(
    db, make_event, make_person
):
    faculty = make_person("faculty")
    draft = make_event(status="draft", programs=("primary_care",), organiser_emails=(faculty.email,))
    other_draft = make_event(status="draft")
    someone = row(db, Person, faculty)

    assert services.can_see(someone, row(db, Event, draft))
    assert services.is_for(someone, row(db, Event, draft))
    assert not services.can_see(someone, row(db, Event, other_draft))


def test_event_history_lists_every_change_newest_first(db, make_event, make_person, answer, coordinator):
    event = make_event()
    ada = make_person("resident")
    answer(event, ada)
    update(db, coordinator, event, title="Renamed")
    db.session.commit()

    history = services.event_history(row(db, Event, event))

    assert [entry.action for entry in history] == [
        "event.updated",
        "rsvp.changed",
        "event.published",
        "event.created",
    ]


# --- the month calendar -----------------------------------------------------------------------


def test_events_by_day_shows_a_multi_day_event_on_each_day_it_spans(db, make_event):
    retreat = make_event(
        title="Retreat",
        kind="retreat",
        is_all_day=True,
        starts_at=at(date(2027, 3, 5), 0),
        ends_at=at(date(2027, 3, 8), 0),  # an all-day event ends at the midnight after its last day
    )
    dinner = make_event(title="Dinner", starts_at=at(date(2027, 3, 7), 19))
    event_rows = [row(db, Event, retreat), row(db, Event, dinner)]

    days = services.events_by_day(event_rows, date(2027, 3, 1), date(2027, 3, 31), TZ)

    assert {day.day: titles(events) for day, events in days.items()} == {
        5: ["Retreat"],
        6: ["Retreat"],
        7: ["Retreat", "Dinner"],
    }


def test_events_by_day_clips_to_the_window(db, make_event):
    long = make_event(is_all_day=True, starts_at=at(date(2027, 2, 26), 0), ends_at=at(date(2027, 3, 3), 0))

    days = services.events_by_day([row(db, Event, long)], date(2027, 3, 1), date(2027, 3, 31), TZ)

    assert sorted(day.day for day in days) == [1, 2]
