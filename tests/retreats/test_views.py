"""The retreat pages over HTTP: the agenda, sign-ups from it, rosters, and coordinators building the agenda."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.retreats.conftest import TZ, on_day, places, retreat_day, waiting
from tests.support import alerts, database_state, fetch, field_errors, text_of
from wellness.dates import local_date
from wellness.retreats.models import Facilitator, RetreatSession, SessionSignup
from wellness.retreats.services import Guest

GUEST_LINE = "Dr. Ada Lovelace | Professor | Stanford"


def session_form(retreat, lead, **overrides) -> dict:
    """A valid session form for the retreat: a skills session, 10:00 to 11:30 on its first day."""
    form = {
        "title": "IUD placement",
        "format": "skills",
        "day": local_date(retreat.starts_at, TZ).isoformat(),
        "start_time": "10:00",
        "end_time": "11:30",
        "room": "Oak room",
        "capacity": "6",
        "has_waitlist": "y",
        "faculty": lead.email,
        "guests": GUEST_LINE,
        "description": "Bring gloves.",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def agenda_of(app, event_id: int) -> list[RetreatSession]:
    return fetch(
        app,
        select(RetreatSession).where(RetreatSession.event_id == event_id).order_by(RetreatSession.starts_at),
    )


def leads_of(app, session_id: int) -> list[tuple]:
    """(person id, name, title, affiliation) of the session's facilitators, in order."""
    return [
        (lead.person_id, lead.name, lead.title, lead.affiliation)
        for lead in fetch(
            app,
            select(Facilitator).where(Facilitator.session_id == session_id).order_by(Facilitator.position),
        )
    ]


def cards(page: str) -> dict[str, str]:
    """Each session card on an agenda page, by the session's title, as markup."""
    found = {}
    for card in re.findall(r'<article [^>]*data-testid="session"[^>]*>.*?</article>', page, re.S):
        title = re.search(r'<h3 class="h6 mb-1">([^<]+?)\s*<span', card)
        found[text_of(title.group(1))] = card
    return found


def buttons(markup: str) -> dict[str, str]:
    """The POST buttons in some markup: label -> the form's action."""
    return {
        text_of(label): action
        for action, label in re.findall(
            r'<form method="post" action="([^"]+)"[^>]*>.*?<button type="submit"[^>]*>(.*?)</button>',
            markup,
            re.S,
        )
    }


def body(response) -> str:
    return response.get_data(as_text=True)


def heading(page: str) -> str:
    return text_of(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))


@pytest.fixture
def scene(retreat, make_retreat, faculty, goers, make_person, make_session, sign_up, coordinator):
    """The Spring retreat with "Narrative medicine" (one seat, led by Fay Culty) held by a resident,
    and an empty Summer retreat a month later."""
    [holder] = goers(1, first_name="Hana", last_name="Holder")
    workshop = make_session(
        retreat,
        title="Narrative medicine",
        starts_at=on_day(retreat, 10),
        ends_at=on_day(retreat, 11),
        room="Birch room",
        capacity=1,
        faculty_emails=(faculty.email,),
    )
    sign_up(workshop, holder)
    summer = make_retreat(title="Summer retreat", day=retreat_day() + timedelta(days=30))
    return {
        "retreat": retreat,
        "summer": summer,
        "workshop": workshop,
        "holder": holder,
        "faculty": faculty,
        "coordinator": coordinator,
        "resident": make_person("resident"),
    }


def urls(scene, paths: list[str]) -> list[str]:
    values = {"event": scene["retreat"].id, "session": scene["workshop"].id, "summer": scene["summer"].id}
    return [path.format(**values) for path in paths]


SIGNED_IN_PAGES = ["/retreats/{event}", "/retreats/{event}/print", "/retreats/sessions/{session}/roster"]
COORDINATOR_PAGES = [
    "/retreats/{event}/sessions/new",
    "/retreats/sessions/{session}/edit",
    "/retreats/{summer}/copy-agenda",
]
COORDINATOR_POSTS = [
    "/retreats/{event}/sessions/new",
    "/retreats/sessions/{session}/edit",
    "/retreats/sessions/{session}/delete",
    "/retreats/{summer}/copy-agenda",
]


def post_body(scene, path: str) -> dict:
    """A body that would succeed for a coordinator, so that a refusal is about the person."""
    return {
        "/retreats/{event}/sessions/new": session_form(scene["retreat"], scene["faculty"]),
        "/retreats/sessions/{session}/edit": session_form(
            scene["retreat"], scene["faculty"], title="Renamed"
        ),
        "/retreats/{summer}/copy-agenda": {"source": str(scene["retreat"].id)},
    }.get(path, {})


# --- who may use the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("path", SIGNED_IN_PAGES + COORDINATOR_PAGES)
def test_retreat_pages_send_anonymous_visitors_to_sign_in(client, scene, path):
    [url] = urls(scene, [path])

    response = client.get(url)

    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize(
    "path", ["/retreats/sessions/{session}/sign-up", "/retreats/sessions/{session}/leave", *COORDINATOR_POSTS]
)
def test_retreat_posts_from_anonymous_visitors_go_to_sign_in_and_change_nothing(app, client, scene, path):
    [url] = urls(scene, [path])
    before = database_state(app)

    response = client.post(url, data=post_body(scene, path))

    assert response.location.startswith("/login?next=")
    assert database_state(app) == before


@pytest.mark.parametrize("path", COORDINATOR_PAGES)
def test_coordinator_pages_are_refused_to_residents(client, login_as, scene, path):
    [url] = urls(scene, [path])
    login_as(scene["holder"])

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("path", COORDINATOR_POSTS)
def test_coordinator_posts_are_refused_to_residents_and_change_nothing(app, client, login_as, scene, path):
    [url] = urls(scene, [path])
    login_as(scene["holder"])
    before = database_state(app)

    response = client.post(url, data=post_body(scene, path))

    assert response.status_code == 403
    assert database_state(app) == before


@pytest.mark.parametrize("path", COORDINATOR_POSTS)
def test_coordinator_posts_succeed_for_coordinators(app, client, login_as, scene, path):
    [url] = urls(scene, [path])
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post(url, data=post_body(scene, path))

    assert response.status_code == 302, text_of(body(response))[-600:]
    assert database_state(app) != before


def test_residents_see_no_building_links_on_the_agenda(client, login_as, scene):
    login_as(scene["holder"])

    page = body(client.get(f"/retreats/{scene['retreat'].id}"))

    assert "Add a session" not in page and "Copy an earlier agenda" not in page
    assert f"/retreats/sessions/{scene['workshop'].id}/edit" not in page
    assert f"/retreats/sessions/{scene['workshop'].id}/roster" not in page


def test_only_retreats_have_agenda_pages(client, login_as, make_event, coordinator):
    dinner = make_event(title="Team dinner", kind="social")
    login_as(coordinator)

    for path in ("", "/print", "/sessions/new", "/copy-agenda"):
        assert client.get(f"/retreats/{dinner.id}{path}").status_code == 404, path


def test_event_page_of_a_retreat_links_to_its_agenda(client, login_as, retreat, make_event, make_person):
    dinner = make_event(title="Team dinner", kind="social")
    login_as(make_person("resident"))

    retreat_page = body(client.get(f"/events/{retreat.id}"))
    dinner_page = body(client.get(f"/events/{dinner.id}"))

    link = re.search(
        r'<a [^>]*href="([^"]+)"[^>]*data-testid="agenda-link"[^>]*>(.*?)</a>', retreat_page, re.S
    )
    assert link and (link.group(1), text_of(link.group(2))) == (
        f"/retreats/{retreat.id}",
        "Agenda and sessions",
    )
    assert "Agenda and sessions" not in dinner_page
    assert client.get(link.group(1)).status_code == 200


# --- coordinators building the agenda ------------------------------------------------------------


def test_coordinator_adds_a_session_with_faculty_and_guest_facilitators_and_it_shows_on_the_agenda(
    app, client, login_as, retreat, faculty, coordinator
):
    login_as(coordinator)
    empty = body(client.get(f"/retreats/{retreat.id}"))
    new_page = client.get(f"/retreats/{retreat.id}/sessions/new")

    response = client.post(
        f"/retreats/{retreat.id}/sessions/new",
        data=session_form(retreat, faculty, faculty=faculty.email.upper()),
    )

    assert 'data-testid="empty-agenda"' in empty
    assert new_page.status_code == 200
    # The form starts on the retreat's first day.
    assert f'value="{local_date(retreat.starts_at, TZ).isoformat()}"' in body(new_page)
    assert response.status_code == 302
    assert response.location == f"/retreats/{retreat.id}"
    [stored] = agenda_of(app, retreat.id)
    assert (stored.title, stored.format, stored.room, stored.capacity, stored.has_waitlist) == (
        "IUD placement",
        "skills",
        "Oak room",
        6,
        True,
    )
    assert (stored.starts_at, stored.ends_at) == (on_day(retreat, 10), on_day(retreat, 11, 30))
    assert leads_of(app, stored.id) == [
        (faculty.id, "", "", ""),
        (None, "Dr. Ada Lovelace", "Professor", "Stanford"),
    ]
    page = body(client.get(response.location))
    assert alerts(page) == ["IUD placement is on the agenda."]
    card = text_of(cards(page)["IUD placement"])
    assert "10:00 AM – 11:30 AM · Oak room" in card
    assert "Skills session" in card
    assert "Led by Fay Culty; Dr. Ada Lovelace (Professor, Stanford)" in card
    assert "6 of 6 seats free" in card
    assert "Bring gloves." in card


def test_coordinator_edits_a_session_and_its_sign_ups_stay(app, client, login_as, scene):
    retreat, workshop, faculty = scene["retreat"], scene["workshop"], scene["faculty"]
    login_as(scene["coordinator"])

    form_page = body(client.get(f"/retreats/sessions/{workshop.id}/edit"))
    response = client.post(
        f"/retreats/sessions/{workshop.id}/edit",
        data=session_form(
            retreat,
            faculty,
            title="Narrative medicine II",
            start_time="13:00",
            end_time="14:00",
            capacity="3",
        ),
    )

    assert heading(form_page) == "Edit Narrative medicine"
    assert 'value="Narrative medicine"' in form_page and 'value="10:00"' in form_page
    assert re.search(rf'<textarea [^>]*id="faculty"[^>]*>\s*{re.escape(faculty.email)}</textarea>', form_page)
    assert response.status_code == 302
    [stored] = agenda_of(app, retreat.id)
    assert (stored.id, stored.title, stored.capacity, stored.revision) == (
        workshop.id,
        "Narrative medicine II",
        3,
        2,
    )
    assert (stored.starts_at, stored.ends_at) == (on_day(retreat, 13), on_day(retreat, 14))
    assert leads_of(app, workshop.id) == [
        (faculty.id, "", "", ""),
        (None, "Dr. Ada Lovelace", "Professor", "Stanford"),
    ]
    assert places(app, workshop.id) == {scene["holder"].id}
    page = body(client.get(response.location))
    assert alerts(page) == ["Narrative medicine II is saved."]
    assert "1:00 PM – 2:00 PM" in text_of(cards(page)["Narrative medicine II"])


def test_edit_form_shows_invited_facilitators_one_per_line(
    client, login_as, retreat, faculty, make_session, coordinator
):
    added = make_session(
        retreat,
        guests=(Guest("Dr. Ada Lovelace", "Professor", "Stanford"), Guest("Sam Lee")),
        faculty_emails=(faculty.email,),
    )
    login_as(coordinator)

    page = body(client.get(f"/retreats/sessions/{added.id}/edit"))

    guests = re.search(r'<textarea [^>]*id="guests"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert guests.strip().splitlines() == [GUEST_LINE, "Sam Lee"]


def test_coordinator_removes_a_session_and_its_sign_ups_go_with_it(app, client, login_as, scene):
    workshop = scene["workshop"]
    login_as(scene["coordinator"])

    form_page = body(client.get(f"/retreats/sessions/{workshop.id}/edit"))
    action = buttons(form_page)["Remove from the agenda"]
    response = client.post(action)

    assert action == f"/retreats/sessions/{workshop.id}/delete"
    assert response.status_code == 302
    assert agenda_of(app, scene["retreat"].id) == []
    assert fetch(app, select(SessionSignup.id)) == []
    page = body(client.get(response.location))
    assert alerts(page) == ["Narrative medicine is off the agenda; 1 sign-up(s) went with it."]
    assert cards(page) == {}


def test_coordinator_copies_an_earlier_agenda_into_an_empty_retreat(app, client, login_as, scene):
    summer, spring = scene["summer"], scene["retreat"]
    login_as(scene["coordinator"])

    form_page = body(client.get(f"/retreats/{summer.id}/copy-agenda"))
    response = client.post(f"/retreats/{summer.id}/copy-agenda", data={"source": str(spring.id)})

    assert re.search(rf'<option value="{spring.id}">Spring retreat \(\w+ \d{{4}}\)</option>', form_page)
    assert response.status_code == 302
    assert response.location == f"/retreats/{summer.id}"
    [copy] = agenda_of(app, summer.id)
    assert (copy.title, copy.room, copy.capacity) == ("Narrative medicine", "Birch room", 1)
    assert (copy.starts_at, copy.ends_at) == (on_day(summer, 10), on_day(summer, 11))
    assert leads_of(app, copy.id) == [(scene["faculty"].id, "", "", "")]
    assert places(app, copy.id) == set()
    page = body(client.get(response.location))
    assert alerts(page) == ["Copied 1 session(s) from Spring retreat. Check rooms and facilitators."]
    card = text_of(cards(page)["Narrative medicine"])
    assert "10:00 AM – 11:00 AM · Birch room" in card
    assert "Led by Fay Culty" in card and "1 of 1 seats free" in card


def test_copying_into_a_retreat_with_sessions_is_refused_and_changes_nothing(
    app, client, login_as, scene, make_session
):
    make_session(scene["summer"], title="Already here")
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post(
        f"/retreats/{scene['summer'].id}/copy-agenda", data={"source": str(scene["retreat"].id)}
    )

    assert response.status_code == 400
    assert alerts(body(response)) == ["This retreat already has sessions; copy into an empty agenda."]
    assert database_state(app) == before


RULE_VIOLATIONS = [
    pytest.param(
        {"start_time": "11:00", "end_time": "10:00"},
        "end_time",
        "The session must end after it starts.",
        id="end-before-start",
    ),
    pytest.param(
        {"start_time": "08:00", "end_time": "09:30"},
        "start_time",
        "The session must fall within the retreat's dates and times.",
        id="before-the-retreat",
    ),
    pytest.param(
        {"start_time": "16:30", "end_time": "17:30"},
        "start_time",
        "The session must fall within the retreat's dates and times.",
        id="after-the-retreat",
    ),
    pytest.param(
        {"faculty": "fay.culty@example.org, nobody@example.org"},
        "faculty",
        "No active account has the address nobody@example.org.",
        id="unknown-faculty",
    ),
    pytest.param({"capacity": "0"}, "capacity", "Enter between 1 and 500.", id="no-seats"),
]


@pytest.mark.parametrize(("changes", "field", "message"), RULE_VIOLATIONS)
def test_adding_a_session_that_breaks_a_rule_shows_the_error_and_changes_nothing(
    app, client, login_as, scene, changes, field, message
):
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post(
        f"/retreats/{scene['retreat'].id}/sessions/new",
        data=session_form(scene["retreat"], scene["faculty"], **changes),
    )

    page = body(response)
    assert response.status_code == 400
    assert field_errors(page, field) == [message]
    assert heading(page) == "New session"
    assert 'value="IUD placement"' in page  # what was typed is kept
    assert database_state(app) == before


@pytest.mark.parametrize(("changes", "field", "message"), RULE_VIOLATIONS)
def test_editing_a_session_that_breaks_a_rule_shows_the_error_and_changes_nothing(
    app, client, login_as, scene, changes, field, message
):
    login_as(scene["coordinator"])
    before = database_state(app)

    response = client.post(
        f"/retreats/sessions/{scene['workshop'].id}/edit",
        data=session_form(scene["retreat"], scene["faculty"], **changes),
    )

    page = body(response)
    assert response.status_code == 400
    assert field_errors(page, field) == [message]
    assert database_state(app) == before


# --- signing up from the agenda ------------------------------------------------------------------


def test_a_resident_going_signs_up_from_the_agenda_and_sees_their_place(
    app, client, login_as, retreat, goers, make_session
):
    workshop = make_session(retreat, title="Narrative medicine", capacity=2)
    [resident] = goers(1)
    login_as(resident)

    agenda = body(client.get(f"/retreats/{retreat.id}"))
    offered = buttons(cards(agenda)["Narrative medicine"])
    response = client.post(offered["Sign up"])

    assert offered == {"Sign up": f"/retreats/sessions/{workshop.id}/sign-up"}
    assert 'data-testid="answer-first"' not in agenda
    assert response.status_code == 302
    assert response.location == f"/retreats/{retreat.id}#session-{workshop.id}"
    assert places(app, workshop.id) == {resident.id}
    page = body(client.get(response.location))
    assert alerts(page) == ["You have a place in Narrative medicine."]
    card = cards(page)["Narrative medicine"]
    assert "You have a place" in text_of(card)
    assert "1 of 2 seats free" in text_of(card)
    assert list(buttons(card)) == ["Leave"]


def test_a_full_session_offers_its_waitlist_and_tells_the_position(app, client, login_as, scene, goers):
    workshop = scene["workshop"]
    [second] = goers(1)
    login_as(second)

    agenda = body(client.get(f"/retreats/{scene['retreat'].id}"))
    offered = buttons(cards(agenda)["Narrative medicine"])
    response = client.post(offered["Join the waitlist"])

    assert "Full (1 seat)" in text_of(cards(agenda)["Narrative medicine"])
    assert offered == {"Join the waitlist": f"/retreats/sessions/{workshop.id}/sign-up"}
    assert response.status_code == 302
    assert waiting(app, workshop.id) == [second.id]
    assert places(app, workshop.id) == {scene["holder"].id}
    page = body(client.get(response.location))
    assert alerts(page) == ["Narrative medicine is full, so you are on its waitlist at position 1."]
    card = cards(page)["Narrative medicine"]
    assert "Waitlist #1" in text_of(card)
    assert "Full (1 seat) · 1 waiting" in text_of(card)
    assert list(buttons(card)) == ["Leave the waitlist"]


def test_an_overlapping_sign_up_is_refused_with_409_naming_the_other_session(
    app, client, login_as, scene, make_session
):
    retreat = scene["retreat"]
    later = make_session(
        retreat, title="Mindful walking", starts_at=on_day(retreat, 10, 30), ends_at=on_day(retreat, 11, 30)
    )
    login_as(scene["holder"])
    before = database_state(app)

    response = client.post(f"/retreats/sessions/{later.id}/sign-up")

    page = body(response)
    assert response.status_code == 409
    assert heading(page) == "Agenda: Spring retreat"
    assert alerts(page) == ["Mindful walking overlaps Narrative medicine, which you are already going to."]
    assert "You have a place" in text_of(cards(page)["Narrative medicine"])
    assert database_state(app) == before


def test_a_resident_not_going_is_asked_to_answer_first_and_cannot_sign_up(app, client, login_as, scene):
    login_as(scene["resident"])
    before = database_state(app)

    agenda = body(client.get(f"/retreats/{scene['retreat'].id}"))
    refused = client.post(f"/retreats/sessions/{scene['workshop'].id}/sign-up")

    note = re.search(r'<div [^>]*data-testid="answer-first"[^>]*>(.*?)</div>', agenda, re.S)
    assert note and "To choose sessions, first answer going to the retreat" in text_of(note.group(1))
    assert f'href="/events/{scene["retreat"].id}#rsvp"' in note.group(1)
    assert "Narrative medicine" in cards(agenda)
    assert buttons(cards(agenda)["Narrative medicine"]) == {}
    assert "/sign-up" not in agenda
    assert refused.status_code == 400
    assert alerts(body(refused)) == ["Answer going to the retreat first; then choose its sessions."]
    assert database_state(app) == before


def test_an_ineligible_session_shows_no_button_and_a_direct_sign_up_is_refused(
    app, client, login_as, retreat, goers, make_session
):
    narrowed = make_session(retreat, title="Primary care clinic skills", programs=("primary_care",))
    open_to_all = make_session(
        retreat, title="Yoga", starts_at=on_day(retreat, 15), ends_at=on_day(retreat, 16)
    )
    [categorical] = goers(1, program="categorical")
    login_as(categorical)
    before = database_state(app)

    agenda = body(client.get(f"/retreats/{retreat.id}"))
    refused = client.post(f"/retreats/sessions/{narrowed.id}/sign-up")

    assert "For Primary care" in text_of(cards(agenda)["Primary care clinic skills"])
    assert buttons(cards(agenda)["Primary care clinic skills"]) == {}
    assert buttons(cards(agenda)["Yoga"]) == {"Sign up": f"/retreats/sessions/{open_to_all.id}/sign-up"}
    assert refused.status_code == 403
    assert alerts(body(refused)) == ["This session is for Primary care only."]
    assert database_state(app) == before


def test_leaving_a_session_frees_the_place_for_the_first_in_line(
    app, client, login_as, scene, goers, sign_up
):
    workshop = scene["workshop"]
    [second] = goers(1)
    sign_up(workshop, second)
    login_as(scene["holder"])

    agenda = body(client.get(f"/retreats/{scene['retreat'].id}"))
    response = client.post(buttons(cards(agenda)["Narrative medicine"])["Leave"])

    assert response.status_code == 302
    assert places(app, workshop.id) == {second.id}
    assert waiting(app, workshop.id) == []
    page = body(client.get(response.location))
    assert alerts(page) == ["You left Narrative medicine."]
    card = cards(page)["Narrative medicine"]
    assert "You have a place" not in text_of(card)
    assert buttons(card) == {"Join the waitlist": f"/retreats/sessions/{workshop.id}/sign-up"}


def test_leaving_a_session_one_holds_no_place_in_changes_nothing(app, client, login_as, scene, goers):
    [other] = goers(1)
    login_as(other)
    before = database_state(app)

    response = client.post(f"/retreats/sessions/{scene['workshop'].id}/leave")

    assert response.status_code == 302
    assert alerts(body(client.get(response.location))) == ["You had no place in Narrative medicine."]
    assert database_state(app) == before


# --- the printed agenda and rosters ---------------------------------------------------------------


def test_the_printable_agenda_lists_every_session_and_marks_ones_own(client, login_as, scene, make_session):
    retreat = scene["retreat"]
    make_session(
        retreat,
        title="Closing circle",
        format="round_table",
        starts_at=on_day(retreat, 16),
        ends_at=on_day(retreat, 17),
    )
    login_as(scene["holder"])

    response = client.get(f"/retreats/{retreat.id}/print")

    page = body(response)
    assert response.status_code == 200
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)]
    assert rows == [
        "10:00–11:00 AM Narrative medicine · Workshop · Birch room Fay Culty ✓ yours",
        "4:00–5:00 PM Closing circle · Round table",
    ]
    day = local_date(retreat.starts_at, TZ)
    assert f"<h2>{day.strftime('%A, %B')} {day.day}</h2>" in page


def test_the_roster_lists_places_and_waitlist_for_the_faculty_leading_the_session(
    client, login_as, scene, goers, sign_up, make_person
):
    workshop = scene["workshop"]
    [second] = goers(1, first_name="Wren", last_name="Waiting")
    sign_up(workshop, second)

    login_as(scene["faculty"])
    shown = client.get(f"/retreats/sessions/{workshop.id}/roster")
    login_as(make_person("faculty"))
    other_faculty = client.get(f"/retreats/sessions/{workshop.id}/roster")
    login_as(scene["holder"])
    resident = client.get(f"/retreats/sessions/{workshop.id}/roster")

    page = body(shown)
    assert shown.status_code == 200
    in_list = {
        name: text_of(re.search(rf'<ol data-testid="{name}">(.*?)</ol>', page, re.S).group(1))
        for name in ("roster-places", "roster-waiting")
    }
    assert in_list == {
        "roster-places": f"Hana Holder {scene['holder'].email}",
        "roster-waiting": f"Wren Waiting {second.email}",
    }
    assert "With a place (1)" in text_of(page) and "Waitlist (1)" in text_of(page)
    assert (other_faculty.status_code, resident.status_code) == (403, 403)


def test_the_faculty_leading_a_session_see_its_roster_link_on_the_agenda(client, login_as, scene):
    login_as(scene["faculty"])

    page = body(client.get(f"/retreats/{scene['retreat'].id}"))

    card = cards(page)["Narrative medicine"]
    assert f'href="/retreats/sessions/{scene["workshop"].id}/roster"' in card
    assert f'href="/retreats/sessions/{scene["workshop"].id}/edit"' not in card
