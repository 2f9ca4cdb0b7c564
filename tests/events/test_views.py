"""The event pages over HTTP: who may use them, what they show, and refusals that change nothing."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from tests.events.conftest import (
    alerts,
    answers,
    at,
    audit_actions,
    event_row,
    field_errors,
    in_days,
    notices,
    program_today,
    text_of,
)
from tests.support import database_state, fetch
from wellness.events.models import Event, EventKind, Group, Rsvp
from wellness.extensions import db


@pytest.fixture
def kinds(app) -> dict[str, int]:
    return {kind.slug: kind.id for kind in fetch(app, select(EventKind))}


def event_form(kind_id: int, **overrides) -> dict:
    """A valid new-event form: 6-9 PM on 14 March 2027, the day clocks go forward in New York."""
    form = {
        "title": "Spring retreat",
        "kind": str(kind_id),
        "description": "",
        "location": "The lodge",
        "start_on": "2027-03-14",
        "start_time": "18:00",
        "end_on": "2027-03-14",
        "end_time": "21:00",
        "capacity": "20",
        "has_waitlist": "y",
        "max_guests": "0",
        "is_for_everyone": "y",
        "organisers": "",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def form_of(event, **overrides) -> dict:
    """The edit form as it shows an event made by make_event (6-9 PM, a week from today, for everyone)."""
    day = (program_today() + timedelta(days=7)).isoformat()
    values = {
        "title": event.title,
        "location": event.location,
        "start_on": day,
        "end_on": day,
        "capacity": "" if event.capacity is None else str(event.capacity),
        "allows_guests": "y" if event.allows_guests else None,
        "max_guests": str(event.max_guests),
        "organisers": ", ".join(person.email for person in event.organisers),
    }
    return event_form(event.kind_id, **(values | overrides))


def events_titled(app, title: str) -> list[Event]:
    return fetch(app, select(Event).where(Event.title == title))


@pytest.fixture
def scene(make_person, make_event, make_group, answer, coordinator):
    """A coordinator, two residents, a full event (one going, one waitlisted), a draft and a group."""
    resident = make_person("resident", first_name="Ada", last_name="Okafor")
    waiting = make_person("resident", first_name="Ben", last_name="Waits")
    event = make_event(title="Team dinner", capacity=1, allows_guests=True, max_guests=2)
    answer(event, resident)
    on_waitlist = answer(event, waiting)
    group = make_group("Resident parents", members=[resident])
    return {
        "coordinator": coordinator,
        "resident": resident,
        "waiting": waiting,
        "event": event,
        "waitlisted_rsvp": on_waitlist.rsvp_id,
        "draft": make_event(title="Draft plans", status="draft"),
        "group": group,
    }


def urls(scene, kinds, paths):
    values = {
        "id": scene["event"].id,
        "group": scene["group"].id,
        "person": scene["resident"].id,
        "rsvp": scene["waitlisted_rsvp"],
        "kind": kinds["social"],
    }
    return [path.format(**values) for path in paths]


SIGNED_IN_PAGES = ["/events", "/events/calendar", "/events/{id}"]
STAFF_PAGES = [
    "/events/new",
    "/events/{id}/edit",
    "/events/{id}/duplicate",
    "/events/{id}/history",
    "/events/{id}/people",
    "/groups",
    "/groups/{group}",
    "/event-kinds",
]
STAFF_POSTS = [
    "/events/new",
    "/events/{id}/edit",
    "/events/{id}/publish",
    "/events/{id}/cancel",
    "/events/{id}/people/answer",
    "/events/{id}/waitlist/{rsvp}/promote",
    "/groups",
    "/groups/{group}/edit",
    "/groups/{group}/members",
    "/groups/{group}/members/{person}/remove",
    "/groups/{group}/delete",
    "/event-kinds",
    "/event-kinds/{kind}",
]


def staff_post_body(scene, kinds, path: str) -> dict:
    """A body that would succeed for a coordinator, so a refusal is about the person, not the form."""
    if path.endswith("/edit") and path.startswith("/events"):
        return form_of(scene["event"], title="Taken over")
    return {
        "/events/new": event_form(kinds["social"]),
        "/events/{id}/people/answer": {"email": scene["waiting"].email, "response": "not_going"},
        "/groups": {"name": "Another group"},
        "/groups/{group}/edit": {"name": "Renamed group"},
        "/groups/{group}/members": {"emails": scene["waiting"].email},
        "/event-kinds": {"name": "Journal club", "colour": "red"},
        "/event-kinds/{kind}": {f"k{kinds['social']}-name": "Parties", f"k{kinds['social']}-colour": "red"},
    }.get(path, {})


# --- who may use the pages --------------------------------------------------------------------


@pytest.mark.parametrize("path", SIGNED_IN_PAGES + STAFF_PAGES)
def test_event_pages_send_anonymous_visitors_to_sign_in(client, scene, kinds, path):
    [url] = urls(scene, kinds, [path])

    response = client.get(url)

    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize("path", ["/events/{id}/rsvp", *STAFF_POSTS])
def test_event_posts_from_anonymous_visitors_go_to_sign_in_and_change_nothing(
    app, client, scene, kinds, path
):
    [url] = urls(scene, kinds, [path])
    before = database_state(app)

    response = client.post(url, data=staff_post_body(scene, kinds, path) or {"response": "going"})

    assert response.location.startswith("/login?next=")
    assert database_state(app) == before


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_coordinator_pages_are_refused_to_residents(client, login_as, scene, kinds, path):
    [url] = urls(scene, kinds, [path])
    login_as(scene["resident"])

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("path", STAFF_POSTS)
def test_coordinator_posts_are_refused_to_residents_and_change_nothing(
    app, client, login_as, scene, kinds, path
):
    [url] = urls(scene, kinds, [path])
    login_as(scene["resident"])
    before = database_state(app)

    response = client.post(url, data=staff_post_body(scene, kinds, path))

    assert response.status_code == 403
    assert database_state(app) == before


# Publishing a published event and promoting into a full one change nothing: tested on their own below.
@pytest.mark.parametrize("path", [p for p in STAFF_POSTS if not p.endswith(("/publish", "/promote"))])
def test_coordinator_posts_succeed_for_coordinators(app, client, login_as, scene, kinds, path):
    [url] = urls(scene, kinds, [path])
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post(url, data=staff_post_body(scene, kinds, path))

    assert response.status_code == 302, text_of(response.get_data(as_text=True))[-600:]
    assert database_state(app) != before


def test_drafts_are_hidden_from_residents(app, client, login_as, scene):
    login_as(scene["resident"])
    before = database_state(app)

    page = client.get(f"/events/{scene['draft'].id}")
    answered = client.post(f"/events/{scene['draft'].id}/rsvp", data={"response": "going"})

    assert (page.status_code, answered.status_code) == (404, 404)
    assert database_state(app) == before


# --- the list, the calendar and the event page ------------------------------------------------


@pytest.fixture
def programme(make_person, make_event, coordinator):
    categorical = make_person("resident", program="categorical", first_name="Cat")
    return {
        "categorical": categorical,
        "coordinator": coordinator,
        "party": make_event(title="Holiday party", kind="celebration"),
        "sgim": make_event(title="SGIM prep", kind="sgim", programs=("primary_care",), levels=(2,)),
        "past": make_event(title="Last month's dinner", starts_at=in_days(-30)),
    }


def listed_titles(page: str) -> list[str]:
    body = page.split('<ul class="list-group event-list">', 1)[-1].split("</ul>", 1)[0]
    return re.findall(r'href="/events/\d+">([^<]+)</a>', body)


def test_event_list_shows_upcoming_events_for_the_viewer_and_hides_the_rest(client, login_as, programme):
    login_as(programme["categorical"])

    upcoming = client.get("/events").get_data(as_text=True)
    past = client.get("/events?past=y").get_data(as_text=True)

    assert listed_titles(upcoming) == ["Holiday party"]
    assert listed_titles(past) == ["Last month&#39;s dinner"]


def test_an_event_outside_the_audience_opened_by_link_shows_why_and_no_rsvp_form(client, login_as, programme):
    login_as(programme["categorical"])
    event_id = programme["sgim"].id

    response = client.get(f"/events/{event_id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This event is for Primary care residents, PGY-2. You are not in its audience" in text_of(page)
    assert f'action="/events/{event_id}/rsvp"' not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Holiday party", "SGIM prep"]),
        ("?kind=sgim", ["SGIM prep"]),
        ("?kind=celebration", ["Holiday party"]),
        ("?program=med_peds", ["Holiday party"]),
        ("?program=primary_care", ["Holiday party", "SGIM prep"]),
        ("?mine=y", ["Holiday party", "SGIM prep"]),  # the coordinator organises both
    ],
)
def test_event_list_filters_by_kind_program_and_mine(client, login_as, programme, query, expected):
    login_as(programme["coordinator"])

    assert listed_titles(client.get("/events" + query).get_data(as_text=True)) == expected


def test_mine_keeps_only_events_the_resident_answered(client, login_as, programme, answer):
    answer(programme["party"], programme["categorical"], "maybe")
    login_as(programme["categorical"])

    assert listed_titles(client.get("/events?mine=y").get_data(as_text=True)) == ["Holiday party"]


def calendar_days(page: str) -> dict[int, list[str]]:
    """Each day of the month shown (other months' days left out) with the titles of its events."""
    days = {}
    for cell_class, number, body in re.findall(
        r'<td class="([^"]*)">\s*<div class="day-number">(\d+).*?</div>(.*?)</td>', page, re.S
    ):
        if "other-month" not in cell_class:
            days[int(number)] = [
                text.split(" ", 1)[-1] if re.match(r"\d", text) else text
                for text in re.findall(r'class="calendar-event[^"]*"[^>]*>([^<]+)</a>', body)
            ]
    return days


def test_month_calendar_shows_a_multi_day_event_on_each_of_its_days(
    client, login_as, make_event, make_person
):
    make_event(
        title="Retreat",
        kind="retreat",
        is_all_day=True,
        starts_at=at(date(2027, 3, 5), 0),
        ends_at=at(date(2027, 3, 8), 0),
    )
    make_event(title="Dinner", starts_at=at(date(2027, 3, 7), 19))
    login_as(make_person("resident"))

    days = calendar_days(client.get("/events/calendar?month=2027-03").get_data(as_text=True))

    assert {day: titles for day, titles in days.items() if titles} == {
        5: ["Retreat"],
        6: ["Retreat"],
        7: ["Retreat", "Dinner"],
    }


def test_month_calendar_falls_back_to_this_month_for_a_bad_month(client, login_as, make_person):
    login_as(make_person("resident"))

    response = client.get("/events/calendar?month=2027-13")

    assert response.status_code == 200
    assert program_today().strftime("%B %Y") in text_of(response.get_data(as_text=True))


def test_markdown_descriptions_show_raw_html_as_text_and_drop_javascript_links(
    client, login_as, make_event, make_person
):
    event = make_event(
        description=(
            "**Bring** a dish.\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
            "[click me](javascript:alert(1)) and [the menu](https://example.org/menu)"
        )
    )
    login_as(make_person("resident"))

    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    description = page.split('<div class="event-description mb-3">', 1)[1].split("</div>", 1)[0]

    assert "<strong>Bring</strong>" in description
    assert "<p>&lt;script&gt;alert('x')&lt;/script&gt;</p>" in description
    assert "<p>&lt;img src=x onerror=alert(1)&gt;</p>" in description
    assert '<p>[click me](javascript:alert(1)) and <a href="https://example.org/menu"' in description
    assert re.findall(r"<(\w+)", description) == ["p", "strong", "p", "p", "p", "a"]


# --- answering --------------------------------------------------------------------------------


def test_rsvp_going_takes_a_place_and_says_so(app, client, login_as, make_event, make_person):
    event = make_event(capacity=5, allows_guests=True, max_guests=2)
    person = make_person("resident")
    login_as(person)

    response = client.post(f"/events/{event.id}/rsvp", data={"response": "going", "guests": "2"})

    assert response.status_code == 302 and response.location == f"/events/{event.id}"
    assert answers(app, event.id) == {person.email: ("going", 2)}
    assert "You are going with 2 guests." in alerts(client.get(response.location).get_data(as_text=True))


def test_rsvp_joins_waitlist_when_event_is_full(app, client, login_as, scene, make_person):
    late = make_person("resident")
    login_as(late)

    response = client.post(
        f"/events/{scene['event'].id}/rsvp", data={"response": "going"}, follow_redirects=True
    )

    page = response.get_data(as_text=True)
    assert "The event is full, so you are on the waitlist at position 2." in alerts(page)
    assert "You are number 2 on the waitlist." in text_of(page)
    assert answers(app, scene["event"].id)[late.email] == ("waitlisted", 0)


def test_rsvp_after_it_closes_is_refused_with_a_message_and_no_change(
    app, client, login_as, make_event, make_person
):
    event = make_event(rsvp_closes_at=in_days(-1))
    person = make_person("resident")
    login_as(person)
    before = database_state(app)

    response = client.post(f"/events/{event.id}/rsvp", data={"response": "going"})

    assert response.status_code == 400
    assert any(message.startswith("RSVPs closed on") for message in alerts(response.get_data(as_text=True)))
    assert database_state(app) == before


def test_rsvp_to_a_cancelled_event_is_refused_with_a_message_and_no_change(
    app, client, login_as, make_event, make_person
):
    event = make_event(status="cancelled")
    login_as(make_person("resident"))
    before = database_state(app)

    response = client.post(f"/events/{event.id}/rsvp", data={"response": "going"})

    assert response.status_code == 400
    assert "This event was cancelled, so it takes no RSVPs." in alerts(response.get_data(as_text=True))
    assert database_state(app) == before


def test_rsvp_outside_the_audience_is_refused_and_changes_nothing(app, client, login_as, programme):
    login_as(programme["categorical"])
    before = database_state(app)

    response = client.post(f"/events/{programme['sgim'].id}/rsvp", data={"response": "going"})

    assert response.status_code == 403
    assert "This event is not open to you, so you cannot RSVP." in alerts(response.get_data(as_text=True))
    assert database_state(app) == before


@pytest.mark.parametrize(
    ("guests", "message"),
    [
        ("-1", "Enter between 0 and 10."),
        ("1000", "Enter between 0 and 10."),
        ("3", "You can bring at most 2 guests."),
        ("two", "Not a valid integer value."),
        ("9" * 30, "Enter a whole number of at most 9 digits."),
    ],
)
def test_bad_guest_counts_are_refused_under_the_field_and_change_nothing(
    app, client, login_as, scene, guests, message
):
    login_as(scene["resident"])
    before = database_state(app)

    response = client.post(f"/events/{scene['event'].id}/rsvp", data={"response": "going", "guests": guests})

    assert response.status_code == 400
    assert message in field_errors(response.get_data(as_text=True), "guests")
    assert database_state(app) == before


def test_a_resident_cannot_answer_for_someone_else(app, client, login_as, scene):
    login_as(scene["resident"])
    before = database_state(app)

    response = client.post(
        f"/events/{scene['event'].id}/people/answer",
        data={"email": scene["waiting"].email, "response": "not_going"},
    )

    assert response.status_code == 403
    assert database_state(app) == before


def test_a_coordinator_answers_for_someone_and_they_are_told(app, client, login_as, scene):
    login_as(scene["coordinator"])
    event_id = scene["event"].id

    response = client.post(
        f"/events/{event_id}/people/answer", data={"email": scene["resident"].email, "response": "not_going"}
    )

    assert response.status_code == 302
    assert answers(app, event_id)[scene["resident"].email] == ("not_going", 0)
    assert answers(app, event_id)[scene["waiting"].email] == ("going", 0)  # promoted into the place
    assert sorted(notices(app)) == sorted(
        [(scene["resident"].id, "rsvp_on_behalf"), (scene["waiting"].id, "promoted")]
    )
    assert sorted(audit_actions(app, event_id)[-2:]) == ["rsvp.on_behalf", "rsvp.promoted"]


def test_answering_for_an_unknown_address_is_refused_and_changes_nothing(app, client, login_as, scene):
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post(
        f"/events/{scene['event'].id}/people/answer",
        data={"email": "nobody@example.org", "response": "going"},
    )

    assert response.status_code == 400
    assert "No account has that address." in field_errors(response.get_data(as_text=True), "email")
    assert database_state(app) == before


def test_people_page_lists_answers_by_kind_with_waitlist_positions(client, login_as, scene):
    login_as(scene["coordinator"])

    page = text_of(client.get(f"/events/{scene['event'].id}/people").get_data(as_text=True))

    assert "Going 1 Name Guests Answered Okafor, Ada" in page
    assert "Waitlist 1 # Name Guests Answered Actions 1 Waits, Ben" in page


def test_promoting_by_hand_when_the_event_is_full_adds_a_place_and_says_so(app, client, login_as, scene):
    login_as(scene["coordinator"])

    response = client.post(
        f"/events/{scene['event'].id}/waitlist/{scene['waitlisted_rsvp']}/promote", follow_redirects=True
    )

    assert "Ben Waits has a place now and has been told. The capacity went up by 1 to 2." in alerts(
        response.get_data(as_text=True)
    )
    assert answers(app, scene["event"].id)[scene["waiting"].email] == ("going", 0)


def test_promoting_by_hand_gives_a_freed_place(app, client, login_as, scene):
    with app.app_context():  # a seat freed without a promotion pass, as when an account is deleted
        db.session.execute(delete(Rsvp).where(Rsvp.person_id == scene["resident"].id))
        db.session.commit()
        db.session.remove()
    login_as(scene["coordinator"])

    response = client.post(f"/events/{scene['event'].id}/waitlist/{scene['waitlisted_rsvp']}/promote")

    assert response.location == f"/events/{scene['event'].id}/people"
    assert answers(app, scene["event"].id) == {scene["waiting"].email: ("going", 0)}
    assert notices(app, "promoted") == [(scene["waiting"].id, "promoted")]


# --- creating and changing events -------------------------------------------------------------


def test_new_event_form_creates_a_draft_in_the_program_time_zone(app, client, login_as, coordinator, kinds):
    login_as(coordinator)

    response = client.post("/events/new", data=event_form(kinds["retreat"], capacity="", organisers=""))

    [event] = events_titled(app, "Spring retreat")
    assert response.location == f"/events/{event.id}"
    assert (event.status, event.capacity, event.kind_id) == ("draft", None, kinds["retreat"])
    # 14 March 2027 is the day New York moves to daylight time (UTC-4).
    assert (event.starts_at, event.ends_at) == (
        datetime(2027, 3, 14, 22, 0, tzinfo=UTC),
        datetime(2027, 3, 15, 1, 0, tzinfo=UTC),
    )


def test_an_all_day_event_ends_at_the_midnight_after_its_last_day(app, client, login_as, coordinator, kinds):
    login_as(coordinator)

    client.post(
        "/events/new",
        data=event_form(kinds["retreat"], is_all_day="y", start_time="", end_time="", end_on="2027-03-16"),
    )

    [event] = events_titled(app, "Spring retreat")
    assert event.is_all_day
    assert (event.starts_at, event.ends_at) == (
        datetime(2027, 3, 14, 5, 0, tzinfo=UTC),  # midnight EST
        datetime(2027, 3, 17, 4, 0, tzinfo=UTC),  # midnight EDT
    )


BAD_EVENT_FORMS = [
    pytest.param({"capacity": "-5"}, "capacity", "Enter between 1 and 5000.", id="negative capacity"),
    pytest.param({"capacity": "0"}, "capacity", "Enter between 1 and 5000.", id="no places"),
    pytest.param({"capacity": "5001"}, "capacity", "Enter between 1 and 5000.", id="too many places"),
    pytest.param(
        {"capacity": str(10**12)}, "capacity", "Enter a whole number of at most 9 digits.", id="10**12 places"
    ),
    pytest.param(
        {"capacity": "99999999999999999999"},
        "capacity",
        "Enter a whole number of at most 9 digits.",
        id="twenty nines",
    ),
    pytest.param({"capacity": "lots"}, "capacity", "Not a valid integer value.", id="words"),
    pytest.param(
        {"end_time": "17:00"}, "end_on", "The event must end after it starts.", id="end before start"
    ),
    pytest.param(
        {"end_on": "2027-03-13"}, "end_on", "The event must end after it starts.", id="ends a day early"
    ),
    pytest.param(
        {"title": "x" * 10_000},
        "title",
        "Field cannot be longer than 200 characters.",
        id="10,000-character title",
    ),
    pytest.param({"title": ""}, "title", "Give the event a title.", id="no title"),
    pytest.param({"start_on": "2027-02-30"}, "start_on", "Not a valid date value.", id="no such day"),
    pytest.param(
        {"end_on": "9999-12-31"}, "end_on", "Enter a date between the years 2000 and 2100.", id="year 9999"
    ),
    pytest.param(
        {"start_time": ""}, "start_time", "Choose the start time, or tick All day.", id="no start time"
    ),
    pytest.param(
        {"allows_guests": "y", "max_guests": "0"},
        "max_guests",
        "Say how many guests each person may bring.",
        id="guests",
    ),
    pytest.param({"max_guests": "11"}, "max_guests", "Enter between 0 and 10.", id="too many guests"),
    pytest.param(
        {"is_for_everyone": None},
        "programs",
        "Choose who the event is for, or tick Everyone.",
        id="no audience",
    ),
    pytest.param(
        {"programs": "dentistry", "is_for_everyone": None},
        "programs",
        "'dentistry' is not a valid choice for this field.",
        id="program",
    ),
    pytest.param({"kind": "99999"}, "kind", "Not a valid choice.", id="unknown kind"),
    pytest.param(
        {"organisers": "someone"}, "organisers", "someone is not an e-mail address.", id="organiser"
    ),
    pytest.param(
        {"organisers": "nobody@example.org"},
        "organisers",
        "No active account has the address nobody@example.org.",
        id="unknown organiser",
    ),
    pytest.param(
        {"start_time": "02:30", "end_time": "03:10"},
        "end_on",
        "The event must end after it starts.",
        id="from the hour clocks skip",  # 2:30 AM does not exist on 14 March 2027: it reads as 3:30 AM
    ),
    pytest.param(
        {"rsvp_closes_at": "2027-03-15T09:00"},
        "rsvp_closes_at",
        "RSVPs must close before the event ends.",
        id="closes after the end",
    ),
]


@pytest.mark.parametrize(("overrides", "field_id", "message"), BAD_EVENT_FORMS)
def test_a_bad_event_form_is_refused_with_a_clear_message_and_no_change(
    app, client, login_as, coordinator, kinds, overrides, field_id, message
):
    login_as(coordinator)
    before = database_state(app)

    response = client.post("/events/new", data=event_form(kinds["social"], **overrides))

    assert response.status_code == 400
    assert message in field_errors(response.get_data(as_text=True), field_id)
    assert database_state(app) == before


def test_editing_a_published_event_bumps_its_revision_and_tells_people_going(app, client, login_as, scene):
    login_as(scene["coordinator"])
    event = scene["event"]

    response = client.post(
        f"/events/{event.id}/edit",
        data=form_of(event, title="Team dinner at eight", start_time="20:00", end_time="22:00"),
    )

    assert response.location == f"/events/{event.id}"
    changed = event_row(app, event.id)
    assert (changed.title, changed.revision) == ("Team dinner at eight", event.revision + 1)
    assert sorted(notices(app, "event_changed")) == sorted(
        [(scene["resident"].id, "event_changed"), (scene["waiting"].id, "event_changed")]
    )


def test_editing_away_the_waitlist_while_people_wait_is_refused_and_changes_nothing(
    app, client, login_as, scene
):
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post(
        f"/events/{scene['event'].id}/edit", data=form_of(scene["event"], has_waitlist=None)
    )

    assert response.status_code == 400
    assert any(
        "on the waitlist" in message
        for message in field_errors(response.get_data(as_text=True), "has_waitlist")
    )
    assert database_state(app) == before


def test_raising_the_capacity_in_the_form_promotes_the_waitlist(app, client, login_as, scene):
    login_as(scene["coordinator"])

    client.post(f"/events/{scene['event'].id}/edit", data=form_of(scene["event"], capacity="2"))

    assert answers(app, scene["event"].id)[scene["waiting"].email] == ("going", 0)
    assert notices(app, "promoted") == [(scene["waiting"].id, "promoted")]


def test_the_edit_form_shows_the_event_in_local_time(client, login_as, scene):
    login_as(scene["coordinator"])

    page = client.get(f"/events/{scene['event'].id}/edit").get_data(as_text=True)

    assert input_value(page, "start_time") == "18:00"
    assert input_value(page, "start_on") == (program_today() + timedelta(days=7)).isoformat()


def input_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<(?:input|textarea)[^>]*\bname="{name}"[^>]*>', page)
    assert tag, f"no control named {name}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def test_duplicate_prefills_a_new_event_form_with_a_copy_of_the_details(
    client, login_as, make_event, coordinator
):
    source = make_event(
        title="Women in medicine dinner", location="Faculty club", capacity=24, programs=("categorical",)
    )
    login_as(coordinator)

    page = client.get(f"/events/{source.id}/duplicate").get_data(as_text=True)

    assert 'action="/events/new"' in page
    assert input_value(page, "title") == "Women in medicine dinner (copy)"
    assert input_value(page, "location") == "Faculty club"
    assert input_value(page, "capacity") == "24"
    assert re.search(
        r'<input[^>]*checked[^>]*value="categorical"|<input[^>]*value="categorical"[^>]*checked', page
    )
    assert not re.search(r'<input[^>]*name="is_for_everyone"[^>]*checked', page)


def test_publishing_a_draft_from_its_page(app, client, login_as, scene):
    login_as(scene["coordinator"])

    response = client.post(f"/events/{scene['draft'].id}/publish", follow_redirects=True)

    assert "Draft plans is published." in alerts(response.get_data(as_text=True))
    assert event_row(app, scene["draft"].id).status == "published"


def test_publishing_twice_says_why_and_changes_nothing(app, client, login_as, scene):
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post(f"/events/{scene['event'].id}/publish", follow_redirects=True)

    assert "This event is published, not a draft." in alerts(response.get_data(as_text=True))
    assert database_state(app) == before


def test_cancelling_an_event_keeps_its_rsvps_and_reports_who_was_told(app, client, login_as, scene):
    login_as(scene["coordinator"])
    kept = answers(app, scene["event"].id)

    response = client.post(f"/events/{scene['event'].id}/cancel", follow_redirects=True)

    assert "Team dinner is cancelled. 2 people were told." in alerts(response.get_data(as_text=True))
    assert event_row(app, scene["event"].id).status == "cancelled"
    assert answers(app, scene["event"].id) == kept
    assert len(notices(app, "event_cancelled")) == 2


def test_history_page_lists_the_changes_to_an_event(client, login_as, scene):
    login_as(scene["coordinator"])

    page = text_of(client.get(f"/events/{scene['event'].id}/history").get_data(as_text=True))

    for action in ("event.created", "event.published", "rsvp.changed"):
        assert action in page
    assert page.index("rsvp.changed") < page.index("event.published") < page.index("event.created")
    assert "response: waitlisted" in page


# --- groups and kinds -------------------------------------------------------------------------


def test_creating_a_group_opens_its_page(app, client, login_as, coordinator):
    login_as(coordinator)

    response = client.post(
        "/groups", data={"name": "Women in medicine", "description": "Dinners and workshops"}
    )

    [group] = fetch(app, select(Group).where(Group.name == "Women in medicine"))
    assert response.location == f"/groups/{group.id}"


def test_a_group_name_in_use_is_refused_whatever_its_case(app, client, login_as, scene):
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post("/groups", data={"name": "RESIDENT PARENTS"})

    assert response.status_code == 409
    assert "There is already a group called RESIDENT PARENTS." in field_errors(
        response.get_data(as_text=True), "name"
    )
    assert database_state(app) == before


def test_adding_members_needs_every_address_to_exist(app, client, login_as, scene):
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post(
        f"/groups/{scene['group'].id}/members",
        data={"emails": f"{scene['waiting'].email}, ghost@example.org"},
    )

    assert response.status_code == 400
    assert "No account has the address ghost@example.org." in field_errors(
        response.get_data(as_text=True), "emails"
    )
    assert database_state(app) == before


def test_adding_and_removing_members(app, client, login_as, scene):
    login_as(scene["coordinator"])
    group_id = scene["group"].id

    client.post(f"/groups/{group_id}/members", data={"emails": scene["waiting"].email})
    client.post(f"/groups/{group_id}/members/{scene['resident'].id}/remove")

    with app.app_context():
        members = [person.email for person in db.session.get(Group, group_id).members]
        db.session.remove()
    assert members == [scene["waiting"].email]


def test_a_group_in_an_events_audience_cannot_be_deleted(app, client, login_as, scene, make_event):
    make_event(group_ids=[scene["group"].id])
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post(f"/groups/{scene['group'].id}/delete", follow_redirects=True)

    assert "Resident parents is in the audience of 1 event, so it stays." in alerts(
        response.get_data(as_text=True)
    )
    assert database_state(app) == before


def test_adding_an_event_kind_and_refusing_a_duplicate_name(app, client, login_as, coordinator):
    login_as(coordinator)

    added = client.post("/event-kinds", data={"name": "Journal club", "colour": "brown"})
    before = database_state(app)
    duplicate = client.post("/event-kinds", data={"name": "journal CLUB", "colour": "red"})

    assert added.status_code == 302
    [kind] = fetch(app, select(EventKind).where(EventKind.name == "Journal club"))
    assert (kind.slug, kind.colour) == ("journal-club", "brown")
    assert duplicate.status_code == 409
    assert database_state(app) == before


def test_an_event_kind_cannot_take_a_colour_outside_the_palette(app, client, login_as, coordinator, kinds):
    login_as(coordinator)
    before = database_state(app)
    prefix = f"k{kinds['social']}"

    response = client.post(
        f"/event-kinds/{kinds['social']}",
        data={f"{prefix}-name": "Social", f"{prefix}-colour": "#ff00ff"},
        follow_redirects=True,
    )

    assert "Not a valid choice." in alerts(response.get_data(as_text=True))
    assert database_state(app) == before


# --- home -------------------------------------------------------------------------------------


def test_home_shows_a_residents_upcoming_events_and_waitlist_position(
    client, login_as, make_event, make_person, answer
):
    resident = make_person("resident")
    going = make_event(title="Baseball night", starts_at=in_days(3))
    full = make_event(title="Cooking class", capacity=1, starts_at=in_days(5))
    answer(going, resident)
    answer(full, make_person("resident"))
    answer(full, make_person("resident"))
    answer(full, resident)  # second on the waitlist
    make_event(title="Not answered")
    login_as(resident)

    page = text_of(client.get("/").get_data(as_text=True))

    section = page.split("Your upcoming events", 1)[1]
    assert "Baseball night" in section and "Going" in section
    assert "Cooking class" in section and "Waitlist #2" in section
    assert "Not answered" not in section
    assert section.index("Baseball night") < section.index("Cooking class")
