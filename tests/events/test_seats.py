"""Answering events through the services: places, the waitlist, promotions, audiences and guests."""

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select

from tests.events.conftest import at, in_days
from tests.support import database_state
from wellness.audit import AuditEntry
from wellness.errors import Conflict, NotAllowed, ValidationFailed
from wellness.events import seats
from wellness.events.models import Event, Rsvp
from wellness.notifications.models import Notice
from wellness.people.models import Person


def row(db, model, item):
    return db.session.get(model, item.id)


def rsvp_of(db, event, person) -> Rsvp | None:
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.person_id == person.id))


def audit_in_session(db, event) -> list[str]:
    """Audited actions on the event visible to the test's own (possibly uncommitted) transaction."""
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == "event", AuditEntry.subject_id == event.id)
            .order_by(AuditEntry.id)
        )
    )


def notices_in_session(db, kind: str) -> list[int]:
    return list(db.session.scalars(select(Notice.person_id).where(Notice.kind == kind).order_by(Notice.id)))


def respond(db, person, event, response="going", guests=0, *, actor=None, now=None):
    """record_rsvp as the person (or actor) with rows from the test's session, without committing."""
    return seats.record_rsvp(
        row(db, Person, actor or person),
        row(db, Event, event),
        row(db, Person, person),
        response,
        guests,
        now=now,
    )


@pytest.fixture
def people(make_person):
    """n residents (categorical PGY-2 unless told otherwise)."""

    def make(n: int, *roles, **columns):
        return [make_person(*(roles or ("resident",)), **columns) for _ in range(n)]

    return make


def test_going_takes_a_place_when_seats_are_free(db, make_event, people):
    event = make_event(capacity=2)
    [ada] = people(1)

    outcome = respond(db, ada, event)
    db.session.commit()

    assert (outcome.rsvp.response, outcome.position) == ("going", None)
    assert seats.seats_taken(event.id) == 1


def test_rsvp_joins_waitlist_when_event_is_full(db, make_event, people, answer):
    event = make_event(capacity=1)
    ada, ben, cy = people(3)
    answer(event, ada)

    second = respond(db, ben, event)
    db.session.commit()
    third = respond(db, cy, event)
    db.session.commit()

    assert (second.rsvp.response, second.position) == ("waitlisted", 1)
    assert (third.rsvp.response, third.position) == ("waitlisted", 2)
    assert seats.seats_taken(event.id) == 1


def test_rsvp_is_refused_when_event_is_full_and_has_no_waitlist(app, db, make_event, people, answer):
    event = make_event(capacity=1, has_waitlist=False)
    ada, ben = people(2)
    answer(event, ada)
    before = database_state(app)

    with pytest.raises(Conflict, match="full and has no waitlist"):
        respond(db, ben, event)
    db.session.rollback()

    assert database_state(app) == before


def test_a_party_larger_than_the_whole_event_is_refused_even_with_a_waitlist(app, db, make_event, people):
    event = make_event(capacity=2, allows_guests=True, max_guests=3)
    [ada] = people(1)
    before = database_state(app)

    with pytest.raises(Conflict, match="party of 3 cannot fit"):
        respond(db, ada, event, guests=2)
    db.session.rollback()

    assert database_state(app) == before


@pytest.mark.parametrize(
    ("details", "now_after_start", "message"),
    [
        pytest.param({"rsvp_closes_at": in_days(-1)}, False, "RSVPs closed", id="after the close"),
        pytest.param({}, True, "RSVPs closed", id="after the start when no close is set"),
        pytest.param({"rsvp_opens_at": in_days(3)}, False, "RSVPs open on", id="before the opening"),
        pytest.param({"status": "draft"}, False, "not published yet", id="a draft"),
        pytest.param({"status": "cancelled"}, False, "was cancelled", id="a cancelled event"),
    ],
)
def test_rsvp_is_refused_outside_its_window_or_when_not_published(
    app, db, make_event, people, details, now_after_start, message
):
    event = make_event(**details)
    [ada] = people(1)
    now = event.starts_at + timedelta(minutes=1) if now_after_start else None
    before = database_state(app)

    with pytest.raises(ValidationFailed, match=message):
        respond(db, ada, event, now=now)
    db.session.rollback()

    assert database_state(app) == before


PRIMARY_CARE_JUNIORS = {"programs": ("primary_care",), "levels": (2,)}


@pytest.mark.parametrize(
    ("program", "training_start_year", "allowed"),
    [
        pytest.param("primary_care", 2025, True, id="primary-care junior"),
        pytest.param("categorical", 2025, False, id="categorical junior"),
        pytest.param("primary_care", 2024, False, id="primary-care senior"),
        pytest.param("primary_care", 2026, False, id="primary-care intern"),
    ],
)
def test_only_residents_in_the_audience_may_rsvp(
    app, db, make_event, make_person, program, training_start_year, allowed
):
    event = make_event(**PRIMARY_CARE_JUNIORS)
    resident = make_person("resident", program=program, training_start_year=training_start_year)
    before = database_state(app)

    if allowed:
        assert respond(db, resident, event).rsvp.response == "going"
        return
    with pytest.raises(NotAllowed, match="not open to you"):
        respond(db, resident, event)
    db.session.rollback()
    assert database_state(app) == before


def test_the_audience_level_is_the_one_the_resident_will_have_on_the_event_start_date(
    db, make_event, make_person
):
    """Next academic year (from 1 July 2027) today's interns are juniors and today's juniors seniors."""
    event = make_event(starts_at=at(date(2027, 7, 15), 18), **PRIMARY_CARE_JUNIORS)
    intern_today = make_person("resident", program="primary_care", training_start_year=2026)
    junior_today = make_person("resident", program="primary_care", training_start_year=2025)

    assert respond(db, intern_today, event).rsvp.response == "going"
    with pytest.raises(NotAllowed):
        respond(db, junior_today, event)


def test_group_members_outside_the_programs_are_in_the_audience(db, make_event, make_group, make_person):
    coach = make_person("faculty")
    categorical_parent = make_person("resident", program="categorical")
    categorical_other = make_person("resident", program="categorical")
    parents = make_group("Resident parents", members=[coach, categorical_parent])
    event = make_event(group_ids=[parents.id], **PRIMARY_CARE_JUNIORS)

    assert respond(db, coach, event).rsvp.response == "going"
    db.session.commit()
    assert respond(db, categorical_parent, event).rsvp.response == "going"
    db.session.commit()
    with pytest.raises(NotAllowed):
        respond(db, categorical_other, event)


@pytest.mark.parametrize(
    ("details", "guests", "message"),
    [
        pytest.param({}, 1, "does not take guests", id="guests when the event takes none"),
        pytest.param({"allows_guests": True, "max_guests": 2}, 3, "at most 2 guests", id="over the maximum"),
        pytest.param({"allows_guests": True, "max_guests": 2}, -1, "between 0 and 10", id="negative"),
        pytest.param({"allows_guests": True, "max_guests": 10}, 1000, "between 0 and 10", id="absurd"),
    ],
)
def test_guests_are_refused_when_not_allowed_or_out_of_range(
    app, db, make_event, people, details, guests, message
):
    event = make_event(**details)
    [ada] = people(1)
    before = database_state(app)

    with pytest.raises(ValidationFailed, match=message):
        respond(db, ada, event, guests=guests)
    db.session.rollback()

    assert database_state(app) == before


def test_a_resident_cannot_change_someone_elses_rsvp(app, db, make_event, people, answer):
    event = make_event()
    ada, ben = people(2)
    answer(event, ben, "going")
    before = database_state(app)

    with pytest.raises(NotAllowed, match="only change your own"):
        respond(db, ben, event, "not_going", actor=ada)
    db.session.rollback()

    assert database_state(app) == before


def test_a_coordinator_answering_for_someone_is_audited_and_the_person_is_told(
    db, make_event, people, coordinator
):
    event = make_event(allows_guests=True, max_guests=2)
    [ada] = people(1)

    outcome = respond(db, ada, event, "going", 1, actor=coordinator)
    db.session.commit()

    assert (outcome.rsvp.response, outcome.rsvp.guests, outcome.rsvp.answered_by_id) == (
        "going",
        1,
        coordinator.id,
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rsvp.on_behalf"))
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (coordinator.id, "event", event.id)
    assert entry.after == {"person": ada.email, "response": "going", "guests": 1}
    [notice] = db.session.scalars(select(Notice).where(Notice.kind == "rsvp_on_behalf"))
    assert notice.person_id == ada.id
    assert "Cora Ordinator answered for you: going with 1 guest" in notice.body


def test_a_coordinator_may_answer_for_someone_after_rsvps_close(db, make_event, people, coordinator):
    event = make_event(rsvp_closes_at=in_days(-1))
    [ada] = people(1)

    assert respond(db, ada, event, actor=coordinator).rsvp.response == "going"


def test_declining_promotes_the_first_in_line_in_the_same_transaction(db, make_event, people, answer):
    event = make_event(capacity=1)
    ada, ben, cy = people(3)
    answer(event, ada)
    waiting_ben = answer(event, ben)
    answer(event, cy)

    outcome = respond(db, ada, event, "not_going")

    assert [rsvp.id for rsvp in outcome.promoted] == [waiting_ben.rsvp_id]
    assert db.session.get(Rsvp, waiting_ben.rsvp_id).response == "going"
    assert notices_in_session(db, "promoted") == [ben.id]
    assert audit_in_session(db, event)[-2:] == ["rsvp.changed", "rsvp.promoted"]  # the cause comes first

    db.session.rollback()

    assert db.session.get(Rsvp, waiting_ben.rsvp_id).response == "waitlisted"
    assert notices_in_session(db, "promoted") == []
    assert "rsvp.promoted" not in audit_in_session(db, event)


def test_after_a_promotion_the_waitlist_closes_ranks(db, make_event, people, answer):
    event = make_event(capacity=1)
    ada, ben, cy, dee = people(4)
    for person in (ada, ben, cy, dee):
        answer(event, person)

    respond(db, ada, event, "not_going")
    db.session.commit()

    assert rsvp_of(db, event, ben).response == "going"
    assert seats.waitlist_positions(event.id) == {rsvp_of(db, event, cy).id: 1, rsvp_of(db, event, dee).id: 2}


def test_a_large_party_on_the_waitlist_does_not_block_a_smaller_one_behind_it(db, make_event, people, answer):
    event = make_event(capacity=3, allows_guests=True, max_guests=2)
    ada, ben, family, single = people(4)
    answer(event, ada)
    answer(event, ben, guests=1)
    answer(event, family, guests=2)  # needs 3 seats
    answer(event, single)

    respond(db, ada, event, "not_going")  # frees one seat
    db.session.commit()

    assert rsvp_of(db, event, single).response == "going"
    assert rsvp_of(db, event, family).response == "waitlisted"
    assert seats.waitlist_positions(event.id) == {rsvp_of(db, event, family).id: 1}


def test_bringing_fewer_guests_promotes_from_the_waitlist(db, make_event, people, answer):
    event = make_event(capacity=3, allows_guests=True, max_guests=2)
    ada, ben = people(2)
    answer(event, ada, guests=2)
    assert answer(event, ben).response == "waitlisted"

    outcome = respond(db, ada, event, "going", 1)
    db.session.commit()

    assert [rsvp.person_id for rsvp in outcome.promoted] == [ben.id]
    assert seats.seats_taken(event.id) == 3


def test_a_waitlisted_person_changing_guests_keeps_their_place(db, make_event, people, answer):
    event = make_event(capacity=2, allows_guests=True, max_guests=1)
    ada, ben, cy = people(3)
    answer(event, ada, guests=1)
    answer(event, ben)
    answer(event, cy)
    requested_at = rsvp_of(db, event, ben).requested_at

    outcome = respond(db, ben, event, "going", 1)
    db.session.commit()

    assert (outcome.rsvp.response, outcome.rsvp.guests, outcome.position) == ("waitlisted", 1, 1)
    assert rsvp_of(db, event, ben).requested_at == requested_at


def test_a_going_person_asking_for_more_guests_than_are_free_keeps_their_place_and_guests(
    app, db, make_event, people, answer
):
    event = make_event(capacity=3, allows_guests=True, max_guests=3)
    ada, ben = people(2)
    answer(event, ada)
    answer(event, ben)
    before = database_state(app)

    with pytest.raises(Conflict, match="Only 1 more guest place is free. You keep your place with 0 guests"):
        respond(db, ada, event, "going", 2)
    db.session.rollback()

    assert database_state(app) == before
    assert respond(db, ada, event, "going", 1).rsvp.guests == 1


def test_answering_maybe_leaves_the_waitlist_and_holds_no_place(db, make_event, people, answer):
    event = make_event(capacity=1)
    ada, ben, cy, dee = people(4)
    for person in (ada, ben, cy, dee):
        answer(event, person)

    outcome = respond(db, cy, event, "maybe")
    db.session.commit()

    assert (outcome.rsvp.response, outcome.position) == ("maybe", None)
    assert seats.waitlist_positions(event.id) == {
        rsvp_of(db, event, ben).id: 1,
        rsvp_of(db, event, dee).id: 2,
    }
    assert seats.counts(event.id).maybe == 1


def test_the_same_answer_again_changes_nothing(app, db, make_event, people, answer):
    event = make_event()
    [ada] = people(1)
    answer(event, ada)
    before = database_state(app)

    outcome = respond(db, ada, event, "going")
    db.session.commit()

    assert outcome.changed is False
    assert database_state(app) == before


def test_every_rsvp_change_writes_an_audit_entry_in_its_own_transaction(db, make_event, people):
    event = make_event()
    [ada] = people(1)

    respond(db, ada, event, "maybe")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "rsvp.changed")).all()
    assert [(e.actor_id, e.subject_type, e.subject_id, e.before, e.after) for e in entries] == [
        (ada.id, "event", event.id, None, {"person": ada.email, "response": "maybe", "guests": 0})
    ]

    db.session.rollback()

    assert audit_in_session(db, event) == ["event.created", "event.published"]
    assert rsvp_of(db, event, ada) is None


def test_a_deactivated_account_cannot_be_answered_for(db, make_event, make_person, coordinator):
    event = make_event()
    gone = make_person("resident", is_active=False)

    with pytest.raises(ValidationFailed, match="deactivated"):
        respond(db, gone, event, actor=coordinator)


# --- promoting by hand ------------------------------------------------------------------------


def free_a_seat_without_promotion(db, event, person) -> None:
    """Remove a going RSVP the way deleting an account does (ON DELETE CASCADE): no promotion pass runs."""
    db.session.execute(delete(Rsvp).where(Rsvp.event_id == event.id, Rsvp.person_id == person.id))
    db.session.commit()


def test_promote_by_hand_gives_a_free_place_out_of_turn_and_tells_the_person(
    db, make_event, people, answer, coordinator
):
    event = make_event(capacity=2)
    ada, ben, cy, dee = people(4)
    for person in (ada, ben, cy, dee):
        answer(event, person)
    free_a_seat_without_promotion(db, event, ada)
    dee_rsvp = rsvp_of(db, event, dee)

    seats.promote_by_hand(row(db, Person, coordinator), row(db, Event, event), dee_rsvp.id)
    db.session.commit()

    assert rsvp_of(db, event, dee).response == "going"
    assert seats.waitlist_positions(event.id) == {rsvp_of(db, event, cy).id: 1}
    assert notices_in_session(db, "promoted") == [dee.id]
    assert audit_in_session(db, event)[-1] == "rsvp.promoted_by_hand"


def test_promote_by_hand_into_a_full_event_raises_the_capacity_by_what_the_party_needs(
    db, make_event, people, answer, coordinator
):
    event = make_event(capacity=2, allows_guests=True, max_guests=1)
    ada, ben, family = people(3)
    answer(event, ada)
    answer(event, ben)
    answer(event, family, guests=1)
    free_a_seat_without_promotion(db, event, ada)

    rsvp, added = seats.promote_by_hand(
        row(db, Person, coordinator), row(db, Event, event), rsvp_of(db, event, family).id
    )
    db.session.commit()

    assert (rsvp.response, added) == ("going", 1)
    assert db.session.get(Event, event.id).capacity == 3
    assert seats.seats_taken(event.id) == 3
    assert audit_in_session(db, event)[-2:] == ["event.capacity_raised", "rsvp.promoted_by_hand"]


def test_only_coordinators_promote_by_hand_and_only_people_still_waiting(
    db, make_event, people, answer, coordinator
):
    event = make_event(capacity=1)
    ada, ben = people(2)
    answer(event, ada)
    answer(event, ben)

    with pytest.raises(NotAllowed):
        seats.promote_by_hand(row(db, Person, ben), row(db, Event, event), rsvp_of(db, event, ben).id)
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="no longer on the waitlist"):
        seats.promote_by_hand(row(db, Person, coordinator), row(db, Event, event), rsvp_of(db, event, ada).id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Rsvp).where(Rsvp.response == "going")) == 1
