"""Who came: check-in, the check-in list and roster, CSV export, no-show counts and day-before reminders."""

import csv
import io
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.events.conftest import alerts, audit_actions, in_days, notices, program_today, text_of
from tests.support import database_state, fetch
from wellness.audit import AuditEntry
from wellness.errors import NotAllowed, ValidationFailed
from wellness.events import attendance, seats, services
from wellness.events.models import Event, Rsvp
from wellness.events.reminders import remind_going_tomorrow
from wellness.extensions import db as database
from wellness.notifications.models import Notice
from wellness.people.models import Person


def row(db, model, item):
    return db.session.get(model, item.id)


def check_in(db, actor, event, rsvp_id, present=True):
    return seats.check_in(row(db, Person, actor), row(db, Event, event), rsvp_id, present)


def checked_in(app, rsvp_id) -> bool:
    [rsvp] = fetch(app, select(Rsvp).where(Rsvp.id == rsvp_id))
    return rsvp.checked_in_at is not None


# --- check-in through the service ---------------------------------------------------------------


def test_check_in_marks_someone_going_as_arrived_and_audits_it_in_the_same_transaction(
    db, make_person, make_event, answer, coordinator
):
    ada = make_person("resident")
    event = make_event()
    going = answer(event, ada)

    rsvp = check_in(db, coordinator, event, going.rsvp_id)
    assert (rsvp.checked_in_at is not None, rsvp.checked_in_by_id) == (True, coordinator.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rsvp.checked_in"))
    assert (entry.subject_type, entry.subject_id, entry.after) == (
        "event",
        event.id,
        {"person": ada.email, "checked_in": True},
    )

    db.session.rollback()

    assert db.session.get(Rsvp, going.rsvp_id).checked_in_at is None
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "rsvp.checked_in")) == 0


def test_a_check_in_can_be_undone_and_checking_in_twice_changes_nothing(
    app, db, make_person, make_event, answer, coordinator
):
    ada = make_person("resident")
    event = make_event()
    going = answer(event, ada)
    check_in(db, coordinator, event, going.rsvp_id)
    db.session.commit()
    before = database_state(app)

    check_in(db, coordinator, event, going.rsvp_id)
    db.session.commit()
    assert database_state(app) == before

    check_in(db, coordinator, event, going.rsvp_id, present=False)
    db.session.commit()
    assert not checked_in(app, going.rsvp_id)
    assert audit_actions(app, event.id)[-2:] == ["rsvp.checked_in", "rsvp.check_in_undone"]


def test_only_people_going_to_this_event_can_be_checked_in(db, make_person, make_event, answer, coordinator):
    ada, ben = make_person("resident"), make_person("resident")
    event, other = make_event(capacity=1), make_event()
    answer(event, ada)
    waiting = answer(event, ben)
    elsewhere = answer(other, ada)

    with pytest.raises(ValidationFailed, match="not on the list of people going"):
        check_in(db, coordinator, event, waiting.rsvp_id)
    with pytest.raises(ValidationFailed, match="not for this event"):
        check_in(db, coordinator, event, elsewhere.rsvp_id)


def test_organisers_check_people_in_and_other_residents_cannot(db, make_person, make_event, answer):
    faculty, ada, ben = make_person("faculty"), make_person("resident"), make_person("resident")
    event = make_event(organiser_emails=(faculty.email,))
    going = answer(event, ada)

    with pytest.raises(NotAllowed):
        check_in(db, ben, event, going.rsvp_id)
    db.session.rollback()

    assert check_in(db, faculty, event, going.rsvp_id).checked_in_by_id == faculty.id


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("", ["Ng", "Okafor", "Smith"]),
        ("ada", ["Okafor"]),
        ("SMI", ["Smith"]),
        ("ng@", ["Ng"]),
        ("grace hopper", []),
    ],
)
def test_attendees_search_matches_names_and_addresses(db, make_person, make_event, answer, q, expected):
    people = [
        make_person("resident", first_name="Ada", last_name="Okafor"),
        make_person("resident", first_name="Ben", last_name="Smith"),
        make_person("resident", first_name="Cy", last_name="Ng", email="cy.ng@example.org"),
    ]
    event = make_event()
    for person in people:
        answer(event, person)

    found = attendance.attendees(row(db, Event, event), q)

    assert [rsvp.person.last_name for rsvp in found] == expected


# --- CSV --------------------------------------------------------------------------------------


def test_rsvps_csv_lists_every_answer_with_its_waitlist_position(db, make_person, make_event, answer):
    ada = make_person("resident", first_name="Ada", last_name="Adams", program="primary_care")
    ben = make_person("resident", first_name="Ben", last_name="Brown")
    cy = make_person("faculty", first_name="Cy", last_name="Cole")
    dee = make_person("resident", first_name="Dee", last_name="Diaz")
    event = make_event(capacity=3, allows_guests=True, max_guests=2)
    answer(event, ben, guests=1)
    answer(event, dee, "not_going")
    answer(event, ada, guests=2)  # waitlisted: needs 3 places, 1 is free
    answer(event, cy, "maybe")

    rows = list(csv.DictReader(io.StringIO(attendance.rsvps_csv(row(db, Event, event), "America/New_York"))))

    assert [(r["last_name"], r["response"], r["guests"], r["waitlist_position"]) for r in rows] == [
        ("Brown", "going", "1", ""),
        ("Adams", "waitlisted", "2", "1"),
        ("Cole", "maybe", "0", ""),
        ("Diaz", "not_going", "0", ""),
    ]
    assert (rows[1]["program"], rows[1]["level"], rows[1]["checked_in"]) == ("Primary care", "PGY-2", "no")


@pytest.mark.parametrize("formula", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tTAB"])
def test_rsvps_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(
    db, make_person, make_event, answer, formula
):
    someone = make_person("resident", first_name=formula, last_name=formula)
    event = make_event()
    answer(event, someone)

    [line] = list(
        csv.DictReader(io.StringIO(attendance.rsvps_csv(row(db, Event, event), "America/New_York")))
    )

    assert line["first_name"] == line["last_name"] == "'" + formula


# --- no-shows ---------------------------------------------------------------------------------


def test_no_shows_count_only_past_events_where_check_in_was_used(
    db, make_person, make_event, answer, coordinator
):
    came, missed, maybe, later = (
        make_person("resident", last_name=name) for name in ("Came", "Missed", "Maybe", "Later")
    )
    checked = make_event(starts_at=in_days(-3))
    unchecked = make_event(starts_at=in_days(-2))
    upcoming = make_event(starts_at=in_days(2))
    before_start = in_days(-4)
    came_rsvp = answer(checked, came, now=before_start)
    answer(checked, missed, now=before_start)
    answer(checked, maybe, "maybe", now=before_start)
    answer(unchecked, missed, now=before_start)
    answer(unchecked, came, now=before_start)
    answer(upcoming, later)
    check_in(db, coordinator, checked, came_rsvp.rsvp_id)
    check_in(db, coordinator, upcoming, answer(upcoming, came).rsvp_id)
    db.session.commit()

    table = [
        (person.last_name, missed_count, came_count)
        for person, missed_count, came_count in attendance.no_show_counts()
    ]

    assert table == [("Missed", 1, 0)]


def test_cancelled_events_never_count_as_no_shows(db, make_person, make_event, answer, coordinator):
    came, missed = make_person("resident"), make_person("resident")
    event = make_event(starts_at=in_days(-3))
    came_rsvp = answer(event, came, now=in_days(-4))
    answer(event, missed, now=in_days(-4))
    check_in(db, coordinator, event, came_rsvp.rsvp_id)
    db.session.commit()  # one change per transaction, as requests make them
    services.cancel_event(row(db, Person, coordinator), row(db, Event, event))
    db.session.commit()

    assert attendance.no_show_counts() == []


# --- reminders --------------------------------------------------------------------------------


def test_reminders_go_once_to_each_person_going_to_an_event_starting_tomorrow(
    db, make_person, make_event, answer
):
    ada, ben, cy, dee, eve = (make_person("resident") for _ in range(5))
    tomorrow = make_event(
        title="Tomorrow dinner", capacity=2, starts_at=in_days(1, hour=9), location="Room 5"
    )
    later = make_event(starts_at=in_days(2, hour=9))
    called_off = make_event(starts_at=in_days(1, hour=12))
    answer(tomorrow, ada)
    answer(tomorrow, ben)
    answer(tomorrow, cy)  # waitlisted
    answer(tomorrow, dee, "maybe")
    answer(later, eve)
    answer(called_off, eve)
    services.cancel_event(db.session.get(Person, tomorrow.organisers[0].id), row(db, Event, called_off))
    db.session.commit()
    today = program_today()

    first = remind_going_tomorrow(today)
    db.session.commit()
    second = remind_going_tomorrow(today)
    db.session.commit()

    reminded = db.session.scalars(select(Notice).where(Notice.kind == "reminder").order_by(Notice.person_id))
    reminded = list(reminded)
    assert (first, second) == (2, 0)
    assert [notice.person_id for notice in reminded] == sorted([ada.id, ben.id])
    assert reminded[0].subject == "Tomorrow: Tomorrow dinner"
    assert "Where: Room 5" in reminded[0].body


def test_an_event_moved_to_another_day_is_reminded_again(
    app, db, make_person, make_event, answer, coordinator
):
    ada = make_person("resident")
    event = make_event(starts_at=in_days(1, hour=9))
    answer(event, ada)
    today = program_today()
    assert remind_going_tomorrow(today) == 1
    db.session.commit()
    moved = row(db, Event, event)
    data = replace(
        services.duplicate_data(moved), title=moved.title, starts_at=in_days(2, 9), ends_at=in_days(2, 11)
    )
    services.update_event(row(db, Person, coordinator), moved, data)
    db.session.commit()

    assert remind_going_tomorrow(today + timedelta(days=1)) == 1
    db.session.commit()

    assert [person_id for person_id, _kind in notices(app, "reminder")] == [ada.id, ada.id]


# --- the door pages ---------------------------------------------------------------------------


@pytest.fixture
def door(make_person, make_event, answer, coordinator):
    """An event with two people going, one waitlisted, and a faculty organiser."""
    organiser = make_person("faculty", first_name="Olu", last_name="Organiser")
    ada = make_person("resident", first_name="Ada", last_name="Okafor")
    ben = make_person("resident", first_name="Ben", last_name="Smith")
    cy = make_person("resident", first_name="Cy", last_name="Waiting")
    event = make_event(capacity=2, organiser_emails=(organiser.email, coordinator.email))
    rsvps = {person.last_name: answer(event, person) for person in (ada, ben, cy)}
    return {"event": event, "organiser": organiser, "ada": ada, "rsvps": rsvps}


@pytest.mark.parametrize(
    "path", ["/events/{id}/check-in", "/events/{id}/roster", "/events/{id}/rsvps.csv", "/events/no-shows"]
)
def test_door_pages_send_anonymous_visitors_to_sign_in(client, door, path):
    response = client.get(path.format(id=door["event"].id))

    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize(
    "path", ["/events/{id}/check-in", "/events/{id}/roster", "/events/{id}/rsvps.csv", "/events/no-shows"]
)
def test_door_pages_are_refused_to_residents(client, login_as, door, path):
    login_as(door["ada"])

    assert client.get(path.format(id=door["event"].id)).status_code == 403


def test_check_in_list_shows_the_people_going_and_searches_them(client, login_as, door):
    login_as(door["organiser"])
    url = f"/events/{door['event'].id}/check-in"

    everyone = text_of(client.get(url).get_data(as_text=True))
    searched = text_of(client.get(url, query_string={"q": "smi"}).get_data(as_text=True))
    nobody = text_of(client.get(url, query_string={"q": "zzz"}).get_data(as_text=True))

    assert "Okafor, Ada" in everyone and "Smith, Ben" in everyone
    assert "Waiting, Cy" not in everyone
    assert "Smith, Ben" in searched and "Okafor, Ada" not in searched
    assert 'No one going matches "zzz".' in nobody


def test_checking_in_at_the_door_marks_the_person_and_returns_to_the_list(app, client, login_as, door):
    login_as(door["organiser"])
    rsvp_id = door["rsvps"]["Okafor"].rsvp_id

    response = client.post(
        f"/events/{door['event'].id}/check-in?q=ok", data={"rsvp_id": rsvp_id, "present": "1"}
    )

    assert response.status_code == 302
    assert response.location == f"/events/{door['event'].id}/check-in?q=ok#rsvp-{rsvp_id}"
    assert checked_in(app, rsvp_id)
    page = client.get(response.location).get_data(as_text=True)
    assert "Ada Okafor is checked in." in alerts(page)


def test_checking_in_someone_on_the_waitlist_is_refused_with_a_message_and_no_change(
    app, client, login_as, door
):
    login_as(door["organiser"])
    before = database_state(app)

    response = client.post(
        f"/events/{door['event'].id}/check-in",
        data={"rsvp_id": door["rsvps"]["Waiting"].rsvp_id},
        follow_redirects=True,
    )

    assert "Cy Waiting is not on the list of people going." in alerts(response.get_data(as_text=True))
    assert database_state(app) == before


@pytest.mark.parametrize("rsvp_id", ["", "abc", "-1"])
def test_a_malformed_check_in_is_a_bad_request(app, client, login_as, door, rsvp_id):
    login_as(door["organiser"])
    before = database_state(app)

    response = client.post(f"/events/{door['event'].id}/check-in", data={"rsvp_id": rsvp_id})

    assert response.status_code == 400
    assert database_state(app) == before


def test_roster_lists_people_going_and_the_waitlist_with_positions(client, login_as, door):
    login_as(door["organiser"])

    page = text_of(client.get(f"/events/{door['event'].id}/roster").get_data(as_text=True))

    assert "Okafor, Ada Categorical Going" in page
    assert "Smith, Ben Categorical Going" in page
    assert "Waiting, Cy Categorical Waitlist #1" in page


def test_csv_export_downloads_every_answer_for_organisers(client, login_as, door):
    login_as(door["organiser"])

    response = client.get(f"/events/{door['event'].id}/rsvps.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="event-{door["event"].id}-rsvps.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["last_name"], r["response"]) for r in rows] == [
        ("Okafor", "going"),
        ("Smith", "going"),
        ("Waiting", "waitlisted"),
    ]


def test_csv_export_neutralises_names_a_spreadsheet_would_run(
    client, login_as, make_person, make_event, answer
):
    sneaky = make_person("resident", first_name="=cmd|' /C calc'!A0", last_name="@SUM(A1)")
    event = make_event()
    answer(event, sneaky)
    login_as(make_person("coordinator"))

    [line] = list(
        csv.DictReader(io.StringIO(client.get(f"/events/{event.id}/rsvps.csv").get_data(as_text=True)))
    )

    assert (line["first_name"], line["last_name"]) == ("'=cmd|' /C calc'!A0", "'@SUM(A1)")


def test_no_shows_page_counts_people_who_missed_a_checked_in_event(
    app, client, login_as, make_person, make_event, answer, coordinator
):
    came = make_person("resident", first_name="Ada", last_name="Came")
    missed = make_person("resident", first_name="Ben", last_name="Missed")
    event = make_event(starts_at=in_days(-3))
    came_rsvp = answer(event, came, now=in_days(-4))
    answer(event, missed, now=in_days(-4))
    unchecked = make_event(starts_at=in_days(-2))  # nobody was checked in: it counts for no one
    answer(unchecked, came, now=in_days(-4))
    answer(unchecked, missed, now=in_days(-4))
    with app.app_context():
        check_in(database, coordinator, event, came_rsvp.rsvp_id)
        database.session.commit()
        database.session.remove()
    login_as(coordinator)

    page = text_of(client.get("/events/no-shows").get_data(as_text=True))

    assert "Missed, Ben Categorical 1 0" in page
    assert "Came, Ada" not in page
