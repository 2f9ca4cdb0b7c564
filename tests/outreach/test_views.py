"""The outreach pages over HTTP: proposals and decisions, shifts and slots, who came, hours and the report."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.outreach.conftest import (
    notices,
    on,
    organiser_ids,
    program_today,
    project_row,
    shift_rows,
    signup_rows,
    volunteer_ids,
)
from tests.support import alerts, database_state, fetch, field_errors, text_of
from wellness.charts import Bar, bar_chart
from wellness.dates import academic_year_of, utcnow
from wellness.extensions import db
from wellness.outreach.models import ExtraHours, Project, Shift

TITLE = "Dinner at Pine Street Inn"


# --- reading pages --------------------------------------------------------------------------------


def body(response) -> str:
    return response.get_data(as_text=True)


def heading(page: str) -> str:
    return text_of(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))


def cards(page: str) -> dict[str, str]:
    """Each shift card on a project page, by the shift's role, as markup."""
    found = {}
    for card in re.findall(r'<article [^>]*data-testid="shift"[^>]*>.*?</article>', page, re.S):
        role = re.search(r'<h3 class="h6 mb-1">(.*?)</h3>', card, re.S)
        found[text_of(role.group(1))] = card
    return found


def slots_text(card: str) -> str:
    return text_of(re.search(r'data-testid="slots">(.*?)</div>', card, re.S).group(1))


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


def section(page: str, testid: str) -> str:
    """The visible text of the element with this data-testid ("" when the page has none)."""
    found = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', page, re.S)
    return text_of(found.group(2)) if found else ""


def my_hours(page: str) -> str:
    return section(page, "my-hours").replace(" .", ".")


def chart_of(page: str) -> str:
    """The SVG markup of the hours page's chart."""
    return re.search(r'<div class="mb-4" data-testid="hours-chart">(.*?)</div>', page, re.S).group(1)


def chart_bars(svg: str) -> dict[str, float]:
    """label -> drawn width of each bar: the label text and the rect that follows it."""
    return {
        text_of(label): float(width)
        for label, width in re.findall(
            r'<text [^>]*text-anchor="end">(.*?)</text><rect [^>]*width="([\d.]+)"', svg, re.S
        )
    }


def table_rows(page: str) -> list[list[str]]:
    """The cells of each row of the hours table, as text."""
    table = re.search(r'<table [^>]*data-testid="hours-table">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [
        [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


# --- arranging --------------------------------------------------------------------------------------


def this_year() -> int:
    return academic_year_of(program_today())


def move_into_past(app, shift_id: int) -> None:
    """Time passes: the shift, its length kept, now ended an hour ago (written straight to the database)."""
    with app.app_context():
        shift = db.session.get(Shift, shift_id)
        length = shift.ends_at - shift.starts_at
        shift.ends_at = utcnow().replace(microsecond=0) - timedelta(hours=1)
        shift.starts_at = shift.ends_at - length
        db.session.commit()
        db.session.remove()


def project_form(**overrides) -> dict:
    """A valid proposal: a shelter dinner on one day a month from today."""
    day = program_today() + timedelta(days=30)
    form = {
        "title": TITLE,
        "kind": "meal_service",
        "partner_name": "Pine Street Inn",
        "partner_address": "444 Harrison Ave, Boston",
        "starts_on": day.isoformat(),
        "ends_on": day.isoformat(),
        "description": "Serve a hot dinner to the guests.",
    }
    form.update(overrides)
    return form


def shift_form(project, **overrides) -> dict:
    """A valid shift: Serving, 6 to 8 PM on the project's first day, two slots."""
    form = {
        "role": "Serving",
        "day": project.starts_on.isoformat(),
        "start_time": "18:00",
        "end_time": "20:00",
        "slots": "2",
    }
    form.update(overrides)
    return form


@pytest.fixture
def organiser(make_person):
    """Olive, a categorical PGY-3, who proposes (and so organises) the projects."""
    return make_person("resident", first_name="Olive", last_name="Organiser", email="olive@example.org",
                       program="categorical", training_start_year=this_year() - 2)  # fmt: skip


@pytest.fixture
def people(make_person, organiser, coordinator):
    """The organiser, a coordinator, and three residents who volunteer: two of them in their second year
    of primary care, one a categorical intern."""
    second_year, first_year = this_year() - 1, this_year()
    return {
        "organiser": organiser,
        "coordinator": coordinator,
        "vi": make_person("resident", first_name="Vi", last_name="Volunteer", email="vi@example.org",
                          program="primary_care", training_start_year=second_year),
        "wes": make_person("resident", first_name="Wes", last_name="Walker", email="wes@example.org",
                           program="primary_care", training_start_year=second_year),
        "xan": make_person("resident", first_name="Xan", last_name="Extra", email="xan@example.org",
                           program="categorical", training_start_year=first_year),
    }  # fmt: skip


@pytest.fixture
def scene(people, make_project, make_shift):
    """Dinner at Pine Street Inn (approved, three days from a month from today, organised by Olive) with
    a Serving shift from 6 to 8 PM on its first day with two slots, nobody signed up yet."""
    project = make_project(title=TITLE)
    shift = make_shift(project, role="Serving", starts_at=on(project, 18), ends_at=on(project, 20), slots=2)
    return {**people, "project": project, "shift": shift}


@pytest.fixture
def came(scene, volunteer, confirm, app):
    """Vi and Wes took the Serving slots; the shift is over and Olive confirmed both came."""
    shift = scene["shift"]
    volunteer(shift, scene["vi"])
    volunteer(shift, scene["wes"])
    move_into_past(app, shift.id)
    confirm(shift, present=[scene["vi"], scene["wes"]])
    return scene


# --- who may use the pages -------------------------------------------------------------------------

PAGES = [
    "/outreach",
    "/outreach/new",
    "/outreach/{project}",
    "/outreach/{project}/edit",
    "/outreach/{project}/shifts/new",
    "/outreach/shifts/{shift}/attendance",
    "/outreach/hours",
    "/outreach/hours.csv",
]
POSTS = [
    "/outreach/new",
    "/outreach/{project}/decide",
    "/outreach/{project}/edit",
    "/outreach/{project}/organisers",
    "/outreach/{project}/amount",
    "/outreach/{project}/shifts/new",
    "/outreach/shifts/{shift}/sign-up",
    "/outreach/shifts/{shift}/drop",
    "/outreach/shifts/{shift}/offer",
    "/outreach/shifts/{shift}/attendance",
    "/outreach/shifts/{shift}/hours",
]


def url(scene, path: str) -> str:
    return path.format(project=scene["project"].id, shift=scene["shift"].id)


@pytest.mark.parametrize("path", PAGES)
def test_outreach_pages_send_anonymous_visitors_to_sign_in(client, scene, path):
    response = client.get(url(scene, path))

    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize("path", POSTS)
def test_outreach_posts_from_anonymous_visitors_go_to_sign_in_and_change_nothing(app, client, scene, path):
    before = database_state(app)

    response = client.post(url(scene, path), data=project_form())

    assert response.location.startswith("/login?next=")
    assert database_state(app) == before


ORGANISER_PAGES = ["/outreach/{project}/edit", "/outreach/{project}/shifts/new"]


def organiser_post_body(scene, path: str) -> dict:
    """A body that would succeed for the organiser, so that a refusal is about the person."""
    project = scene["project"]
    return {
        "/outreach/{project}/edit": project_form(
            title="Renamed", starts_on=project.starts_on.isoformat(), ends_on=project.ends_on.isoformat()
        ),
        "/outreach/{project}/organisers": {"email": scene["vi"].email},
        "/outreach/{project}/amount": {"amount": "120"},
        "/outreach/{project}/shifts/new": shift_form(project, role="Prep", start_time="16:00"),
    }[path]


@pytest.mark.parametrize("path", ORGANISER_PAGES + ["/outreach/shifts/{shift}/attendance"])
def test_organiser_pages_are_refused_to_a_resident_who_does_not_organise_the_project(
    client, login_as, scene, path
):
    login_as(scene["xan"])

    assert client.get(url(scene, path)).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/outreach/{project}/edit",
        "/outreach/{project}/organisers",
        "/outreach/{project}/amount",
        "/outreach/{project}/shifts/new",
    ],
)
def test_organiser_posts_are_refused_to_a_resident_who_does_not_organise_the_project(
    app, client, login_as, scene, path
):
    login_as(scene["xan"])
    before = database_state(app)

    response = client.post(url(scene, path), data=organiser_post_body(scene, path))

    assert response.status_code == 403
    assert database_state(app) == before


def test_confirming_who_came_is_refused_to_a_volunteer_of_the_shift(app, client, login_as, scene, volunteer):
    volunteer(scene["shift"], scene["vi"])
    move_into_past(app, scene["shift"].id)
    login_as(scene["vi"])
    before = database_state(app)

    page = client.get(f"/outreach/shifts/{scene['shift'].id}/attendance")
    response = client.post(
        f"/outreach/shifts/{scene['shift'].id}/attendance", data={"present": [scene["vi"].id]}
    )

    assert page.status_code == 403
    assert response.status_code == 403
    assert database_state(app) == before
    assert "Confirm who came" not in body(client.get(f"/outreach/{scene['project'].id}"))


def test_approving_hours_is_refused_to_the_volunteer_who_logged_them(app, client, login_as, came, log_hours):
    extra = log_hours(came["shift"], came["vi"], "1.5")
    login_as(came["vi"])
    before = database_state(app)

    response = client.post(f"/outreach/hours/{extra.id}/approve")

    assert response.status_code == 403
    assert alerts(body(response)) == ["Only the project's organisers approve hours."]
    assert database_state(app) == before


@pytest.mark.parametrize("decision", ["proposed", "declined"])
def test_someone_elses_proposal_is_not_found_for_a_resident(
    app, client, login_as, people, propose, decide, decision
):
    project = propose(people["organiser"], title="Coat drive")
    if decision == "declined":
        decide(project, False, "Pick a partner first.")
    login_as(people["xan"])
    before = database_state(app)

    listed = body(client.get("/outreach"))
    shown = client.get(f"/outreach/{project.id}")
    edit = client.get(f"/outreach/{project.id}/edit")
    shift_page = client.get(f"/outreach/{project.id}/shifts/new")

    assert "Coat drive" not in listed
    assert (shown.status_code, edit.status_code, shift_page.status_code) == (404, 404, 404)
    assert database_state(app) == before


def test_a_proposal_is_shown_to_its_organiser_and_to_coordinators(client, login_as, people, propose):
    project = propose(people["organiser"], title="Coat drive")

    login_as(people["organiser"])
    own = client.get(f"/outreach/{project.id}")
    login_as(people["coordinator"])
    coordinators = client.get(f"/outreach/{project.id}")

    assert own.status_code == coordinators.status_code == 200
    assert section(body(own), "project-status") == "proposed"
    assert "Save the decision" not in body(own)
    assert "Save the decision" in body(coordinators)


def test_only_coordinators_decide_a_proposal(app, client, login_as, people, propose):
    project = propose(people["organiser"], title="Coat drive")
    login_as(people["organiser"])
    before = database_state(app)

    response = client.post(f"/outreach/{project.id}/decide", data={"decision": "approve"})

    assert response.status_code == 403
    assert database_state(app) == before


def test_the_hours_report_and_its_export_are_refused_to_residents(client, login_as, people):
    login_as(people["vi"])

    assert client.get("/outreach/hours").status_code == 403
    assert client.get("/outreach/hours.csv").status_code == 403
    assert "Service hours" not in text_of(body(client.get("/outreach")))


@pytest.mark.parametrize("roles", [("faculty",), ("coordinator",)])
def test_only_residents_propose_projects_through_the_form(app, client, login_as, make_person, roles):
    login_as(make_person(*roles))
    before = database_state(app)

    listed = body(client.get("/outreach"))
    response = client.post("/outreach/new", data=project_form())

    assert "Propose a project" not in listed
    assert response.status_code == 403
    assert alerts(body(response)) == ["Residents propose outreach projects."]
    assert database_state(app) == before


# --- proposing and deciding -----------------------------------------------------------------------


def test_a_resident_proposes_a_project_through_the_form_and_coordinators_are_told(
    app, client, login_as, people
):
    login_as(people["organiser"])

    form_page = client.get("/outreach/new")
    response = client.post("/outreach/new", data=project_form())

    assert form_page.status_code == 200
    assert heading(body(form_page)) == "Propose an outreach project"
    assert response.status_code == 302
    [stored] = fetch(app, select(Project))
    assert response.location == f"/outreach/{stored.id}"
    assert (stored.title, stored.kind, stored.partner_name, stored.status) == (
        TITLE,
        "meal_service",
        "Pine Street Inn",
        "proposed",
    )
    assert stored.starts_on == stored.ends_on == program_today() + timedelta(days=30)
    assert organiser_ids(app, stored.id) == {people["organiser"].id}
    assert notices(app) == [(people["coordinator"].id, "outreach_proposed", f"New outreach project: {TITLE}")]
    page = body(client.get(response.location))
    assert alerts(page) == [
        f"{TITLE} is proposed. Coordinators have been told; you will hear when it is decided."
    ]
    assert heading(page) == TITLE
    assert section(page, "project-status") == "proposed"
    assert "Add a shift" not in page  # not until it is approved
    assert TITLE in section(body(client.get("/outreach")), "mine")


def test_a_coordinator_sees_a_proposal_waiting_and_approves_it_and_the_organiser_is_told(
    app, client, login_as, people, propose
):
    project = propose(people["organiser"], title=TITLE)
    login_as(people["coordinator"])

    listed = body(client.get("/outreach"))
    response = client.post(f"/outreach/{project.id}/decide", data={"decision": "approve"})

    assert "Waiting for a decision" in listed
    assert TITLE in section(listed, "to-decide")
    assert TITLE not in section(listed, "upcoming")
    assert response.status_code == 302
    assert response.location == f"/outreach/{project.id}"
    stored = project_row(app, project.id)
    assert (stored.status, stored.decided_by_id) == ("approved", people["coordinator"].id)
    assert (people["organiser"].id, "outreach_approved", f"{TITLE}: approved") in notices(app)
    page = body(client.get(response.location))
    assert alerts(page) == [f"{TITLE} is approved; the organisers have been told."]
    assert 'data-testid="project-status"' not in page
    assert "Save the decision" not in page
    relisted = body(client.get("/outreach"))
    assert "Waiting for a decision" not in relisted
    assert TITLE in section(relisted, "upcoming")


def test_declining_without_a_reason_shows_the_error_and_changes_nothing(
    app, client, login_as, people, propose
):
    project = propose(people["organiser"], title=TITLE)
    login_as(people["coordinator"])
    before = database_state(app)

    response = client.post(f"/outreach/{project.id}/decide", data={"decision": "decline", "reason": "  "})

    page = body(response)
    assert response.status_code == 400
    assert field_errors(page, "reason") == ["Say why it is declined, so the organisers can rework it."]
    assert heading(page) == TITLE
    assert database_state(app) == before


def test_a_declined_project_shows_its_organiser_the_reason(app, client, login_as, people, propose):
    project = propose(people["organiser"], title=TITLE)
    login_as(people["coordinator"])

    response = client.post(
        f"/outreach/{project.id}/decide", data={"decision": "decline", "reason": "No partner contact yet."}
    )
    login_as(people["organiser"])
    page = body(client.get(f"/outreach/{project.id}"))

    assert response.status_code == 302
    assert project_row(app, project.id).status == "declined"
    assert (people["organiser"].id, "outreach_declined", f"{TITLE}: declined") in notices(app)
    assert "Declined: No partner contact yet." in text_of(page)
    assert section(page, "project-status") == "declined"


@pytest.mark.parametrize("path", ["/outreach/new", "/outreach/{project}/edit"])
def test_a_project_whose_last_day_is_before_its_first_is_refused_with_the_field_error(
    app, client, login_as, scene, path
):
    login_as(scene["organiser"])
    day = program_today() + timedelta(days=40)
    before = database_state(app)

    response = client.post(
        url(scene, path),
        data=project_form(
            title="Backwards", starts_on=day.isoformat(), ends_on=(day - timedelta(days=1)).isoformat()
        ),
    )

    page = body(response)
    assert response.status_code == 400
    assert field_errors(page, "ends_on") == ["The last day must be on or after the first."]
    assert 'value="Backwards"' in page  # what was typed is kept
    assert database_state(app) == before


def test_a_proposal_longer_than_a_year_shows_the_error_on_the_form_and_changes_nothing(
    app, client, login_as, people
):
    login_as(people["organiser"])
    day = program_today() + timedelta(days=30)
    before = database_state(app)

    response = client.post(
        "/outreach/new",
        data=project_form(starts_on=day.isoformat(), ends_on=(day + timedelta(days=400)).isoformat()),
    )

    page = body(response)
    assert response.status_code == 400
    assert field_errors(page, "ends_on") == ["Keep a project to a year or less; propose the next one later."]
    assert f'value="{TITLE}"' in page
    assert database_state(app) == before


# --- organising ---------------------------------------------------------------------------------------


def test_the_organiser_adds_a_shift_through_the_form_and_it_opens_for_volunteers(
    app, client, login_as, people, make_project
):
    project = make_project(title=TITLE)
    login_as(people["organiser"])

    shown = body(client.get(f"/outreach/{project.id}"))
    form_page = body(client.get(f"/outreach/{project.id}/shifts/new"))
    response = client.post(f"/outreach/{project.id}/shifts/new", data=shift_form(project))

    assert f'href="/outreach/{project.id}/shifts/new"' in shown
    assert heading(form_page) == f"New shift for {TITLE}"
    assert re.search(rf'id="day"[^>]*value="{project.starts_on.isoformat()}"', form_page)
    assert re.search(r'id="slots"[^>]*value="4"', form_page)
    assert response.status_code == 302
    assert response.location == f"/outreach/{project.id}"
    [stored] = shift_rows(app, project.id)
    assert (stored.role, stored.slots) == ("Serving", 2)
    assert (stored.starts_at, stored.ends_at) == (on(project, 18), on(project, 20))
    page = body(client.get(response.location))
    assert alerts(page) == [f"The Serving shift on {project.starts_on:%b %-d} is open for volunteers."]
    card = cards(page)["Serving"]
    assert "6:00 PM – 8:00 PM" in text_of(card)
    assert slots_text(card) == "2 of 2 slots free"
    assert buttons(card) == {"Sign up": f"/outreach/shifts/{stored.id}/sign-up"}


def test_a_shift_for_a_proposal_is_refused_until_it_is_approved(app, client, login_as, people, propose):
    project = propose(people["organiser"], title=TITLE)
    login_as(people["organiser"])
    before = database_state(app)

    response = client.post(f"/outreach/{project.id}/shifts/new", data=shift_form(project))

    assert response.status_code == 400
    assert alerts(body(response)) == ["Shifts can be added once the project is approved."]
    assert database_state(app) == before


SHIFT_RULES = [
    pytest.param({"slots": "0"}, "slots", "Enter between 1 and 200.", id="no-slots"),
    pytest.param(
        {"start_time": "20:00", "end_time": "18:00"},
        "end_time",
        "The shift must end after it starts.",
        id="end-before-start",
    ),
    pytest.param({"role": " "}, "role", "Name the role, e.g. Prep or Serving.", id="no-role"),
]


@pytest.mark.parametrize(("changes", "field", "message"), SHIFT_RULES)
def test_a_shift_that_breaks_a_form_rule_shows_the_field_error_and_changes_nothing(
    app, client, login_as, scene, changes, field, message
):
    login_as(scene["organiser"])
    before = database_state(app)

    response = client.post(
        f"/outreach/{scene['project'].id}/shifts/new", data=shift_form(scene["project"], **changes)
    )

    page = body(response)
    assert response.status_code == 400
    assert field_errors(page, field) == [message]
    assert heading(page) == f"New shift for {TITLE}"
    assert database_state(app) == before


@pytest.mark.parametrize("days", [-1, 3], ids=["day-before", "day-after"])
def test_a_shift_outside_the_projects_dates_is_refused_with_the_field_error(
    app, client, login_as, scene, days
):
    project = scene["project"]
    login_as(scene["organiser"])
    before = database_state(app)

    response = client.post(
        f"/outreach/{project.id}/shifts/new",
        data=shift_form(project, day=(project.starts_on + timedelta(days=days)).isoformat()),
    )

    page = body(response)
    assert response.status_code == 400
    assert field_errors(page, "day") == [
        "The shift must fall within the project's dates "
        f"({project.starts_on:%b %-d} – {project.ends_on:%b %-d})."
    ]
    assert 'value="Serving"' in page
    assert database_state(app) == before


def test_the_organiser_edits_the_project_through_the_form(app, client, login_as, scene):
    project = scene["project"]
    login_as(scene["organiser"])

    form_page = body(client.get(f"/outreach/{project.id}/edit"))
    response = client.post(
        f"/outreach/{project.id}/edit",
        data=project_form(
            title="Dinner at Pine Street Inn, spring",
            starts_on=project.starts_on.isoformat(),
            ends_on=project.ends_on.isoformat(),
        ),
    )

    assert heading(form_page) == f"Edit {TITLE}"
    assert f'value="{TITLE}"' in form_page
    assert response.status_code == 302
    stored = project_row(app, project.id)
    assert (stored.title, stored.revision) == ("Dinner at Pine Street Inn, spring", 2)
    assert alerts(body(client.get(response.location))) == ["The project is saved."]


def test_moving_a_project_away_from_its_shifts_is_refused_and_changes_nothing(app, client, login_as, scene):
    project = scene["project"]
    login_as(scene["organiser"])
    before = database_state(app)
    later = project.starts_on + timedelta(days=1)

    response = client.post(
        f"/outreach/{project.id}/edit",
        data=project_form(starts_on=later.isoformat(), ends_on=project.ends_on.isoformat()),
    )

    assert response.status_code == 400
    assert field_errors(body(response), "starts_on") == [
        "The Serving shift would fall outside the new dates."
    ]
    assert database_state(app) == before


def test_a_coordinator_steps_in_to_edit_a_project_and_add_a_shift(app, client, login_as, scene):
    project = scene["project"]
    login_as(scene["coordinator"])

    shown = body(client.get(f"/outreach/{project.id}"))
    edited = client.post(
        f"/outreach/{project.id}/edit",
        data=project_form(
            partner_name="Pine Street Inn (women's shelter)",
            starts_on=project.starts_on.isoformat(),
            ends_on=project.ends_on.isoformat(),
        ),
    )
    added = client.post(
        f"/outreach/{project.id}/shifts/new", data=shift_form(project, role="Prep", start_time="16:00")
    )

    assert f'href="/outreach/{project.id}/edit"' in shown
    assert edited.status_code == added.status_code == 302
    stored = project_row(app, project.id)
    assert (stored.partner_name, stored.revision) == ("Pine Street Inn (women's shelter)", 2)
    assert organiser_ids(app, project.id) == {scene["organiser"].id}  # stepping in is not joining
    assert [shift.role for shift in shift_rows(app, project.id)] == ["Prep", "Serving"]


# --- slots ----------------------------------------------------------------------------------------------


def test_volunteers_fill_the_shift_and_a_third_is_refused_with_409(app, client, login_as, scene):
    shift = scene["shift"]
    page_url = f"/outreach/{scene['project'].id}"

    login_as(scene["xan"])
    stale = body(client.get(page_url))  # Xan opened the page while slots were free
    for resident in (scene["vi"], scene["wes"]):
        login_as(resident)
        offered = buttons(cards(body(client.get(page_url)))["Serving"])
        taken = client.post(offered["Sign up"])
        assert taken.status_code == 302
        assert taken.location == f"{page_url}#shift-{shift.id}"
    assert volunteer_ids(app, shift.id) == {scene["vi"].id, scene["wes"].id}

    login_as(scene["wes"])
    wes_page = body(client.get(page_url))
    login_as(scene["xan"])
    fresh = body(client.get(page_url))
    before = database_state(app)
    refused = client.post(buttons(cards(stale)["Serving"])["Sign up"])

    assert alerts(wes_page) == ["You have a slot in the Serving shift."]
    assert section(cards(wes_page)["Serving"], "my-shift") == "You have a slot"
    assert slots_text(cards(fresh)["Serving"]) == "Full (2 slots)"
    assert "Volunteers: Vi Volunteer, Wes Walker" in text_of(cards(fresh)["Serving"])
    assert buttons(cards(fresh)["Serving"]) == {}
    assert refused.status_code == 409
    assert alerts(body(refused)) == ["Every slot of the Serving shift is taken."]
    assert database_state(app) == before


def test_offering_a_slot_lets_another_resident_take_it_and_both_are_told(
    app, client, login_as, scene, volunteer
):
    shift = scene["shift"]
    page_url = f"/outreach/{scene['project'].id}"
    vi_slot = volunteer(shift, scene["vi"])
    volunteer(shift, scene["wes"])

    login_as(scene["vi"])
    offered = client.post(buttons(cards(body(client.get(page_url)))["Serving"])["Offer my slot"])
    vi_page = body(client.get(page_url))
    login_as(scene["xan"])
    xan_page = body(client.get(page_url))
    taken = client.post(buttons(cards(xan_page)["Serving"])["Take Vi's slot"])
    after = body(client.get(page_url))

    assert offered.status_code == 302
    assert alerts(vi_page) == ["Your Serving slot is on offer. It stays yours until someone takes it."]
    assert section(cards(vi_page)["Serving"], "my-shift") == "You have a slot (on offer)"
    assert "Vi Volunteer (offering)" in text_of(cards(xan_page)["Serving"])
    assert buttons(cards(xan_page)["Serving"]) == {
        "Take Vi's slot": f"/outreach/shifts/{shift.id}/take/{vi_slot.id}"
    }
    assert taken.status_code == 302
    assert volunteer_ids(app, shift.id) == {scene["wes"].id, scene["xan"].id}
    assert sorted(notices(app, "shift_swapped")) == sorted(
        [
            (scene["vi"].id, "shift_swapped", "Xan Extra took your shift"),
            (scene["xan"].id, "shift_swapped", f"You took a shift: {TITLE}"),
        ]
    )
    assert alerts(after) == ["The Serving slot is yours; you were both told."]
    assert section(cards(after)["Serving"], "my-shift") == "You have a slot"
    assert "Volunteers: Wes Walker, Xan Extra" in text_of(cards(after)["Serving"])
    login_as(scene["vi"])
    assert 'data-testid="my-shift"' not in cards(body(client.get(page_url)))["Serving"]


def test_giving_up_a_slot_frees_it(app, client, login_as, scene, volunteer):
    shift = scene["shift"]
    volunteer(shift, scene["vi"])
    volunteer(shift, scene["wes"])
    login_as(scene["vi"])

    page = body(client.get(f"/outreach/{scene['project'].id}"))
    response = client.post(buttons(cards(page)["Serving"])["Give up my slot"])

    assert response.status_code == 302
    assert volunteer_ids(app, shift.id) == {scene["wes"].id}
    after = body(client.get(f"/outreach/{scene['project'].id}"))
    assert alerts(after) == ["You left the Serving shift."]
    assert slots_text(cards(after)["Serving"]) == "1 of 2 slots free"


# --- after the shift -----------------------------------------------------------------------------------


def test_who_came_cannot_be_confirmed_before_the_shift_ends(app, client, login_as, scene, volunteer):
    volunteer(scene["shift"], scene["vi"])
    login_as(scene["organiser"])
    before = database_state(app)

    page = body(client.get(f"/outreach/{scene['project'].id}"))
    response = client.post(
        f"/outreach/shifts/{scene['shift'].id}/attendance", data={"present": [str(scene["vi"].id)]}
    )

    assert "Confirm who came" not in page
    assert response.status_code == 400
    assert alerts(body(response)) == ["Confirm who came once the shift is over."]
    assert database_state(app) == before


def test_the_organiser_confirms_who_came_after_the_shift(app, client, login_as, scene, volunteer):
    shift = scene["shift"]
    volunteer(shift, scene["vi"])
    volunteer(shift, scene["wes"])
    move_into_past(app, shift.id)
    login_as(scene["organiser"])

    project_page = body(client.get(f"/outreach/{scene['project'].id}"))
    form_page = body(client.get(f"/outreach/shifts/{shift.id}/attendance"))
    response = client.post(f"/outreach/shifts/{shift.id}/attendance", data={"present": [str(scene["vi"].id)]})

    assert f'href="/outreach/shifts/{shift.id}/attendance"' in project_page
    assert heading(form_page) == "Who came to the Serving shift?"
    # Everyone is ticked to begin with: the organiser unticks who did not come.
    assert re.findall(r'name="present" value="(\d+)"[^>]*checked', form_page) == [
        str(scene["vi"].id),
        str(scene["wes"].id),
    ]
    assert response.status_code == 302
    rows = signup_rows(app, shift.id)
    assert (rows[scene["vi"].id].attended, rows[scene["wes"].id].attended) == (True, False)
    assert rows[scene["vi"].id].confirmed_by_id == scene["organiser"].id
    page = body(client.get(response.location))
    assert alerts(page) == ["Saved: 1 of 2 came to the Serving shift."]
    assert "Volunteers: Vi Volunteer ✓, Wes Walker" in text_of(cards(page)["Serving"])
    for resident, expected in ((scene["vi"], "2 from 1 shift"), (scene["wes"], "0")):
        login_as(resident)
        assert my_hours(body(client.get("/outreach"))) == (
            f"Your service hours this academic year: {expected}."
        )


def test_a_volunteer_logs_extra_hours_and_the_organiser_approves_them(app, client, login_as, came):
    shift = came["shift"]
    page_url = f"/outreach/{came['project'].id}"
    login_as(came["vi"])

    vi_page = body(client.get(page_url))
    logged = client.post(f"/outreach/shifts/{shift.id}/hours", data={"hours": "1.5", "note": "Dishes"})
    login_as(came["organiser"])
    organiser_page = body(client.get(page_url))
    pending = re.search(r'<ul [^>]*data-testid="pending-hours">(.*?)</ul>', organiser_page, re.S).group(1)
    approved = client.post(buttons(pending)["Approve"])

    assert f'action="/outreach/shifts/{shift.id}/hours"' in vi_page
    assert logged.status_code == 302
    [extra] = fetch(app, select(ExtraHours))
    assert text_of(pending).startswith("Vi Volunteer: 1.5 h on Serving (Dishes)")
    assert approved.status_code == 302
    assert fetch(app, select(ExtraHours.status)) == ["approved"]
    after = body(client.get(page_url))
    assert alerts(after) == ["Hours approved."]
    assert 'data-testid="pending-hours"' not in after
    for resident, expected in ((came["vi"], "3.5 from 1 shift"), (came["wes"], "2 from 1 shift")):
        login_as(resident)
        assert my_hours(body(client.get("/outreach"))) == (
            f"Your service hours this academic year: {expected}."
        )
    assert extra.signup_id == signup_rows(app, shift.id)[came["vi"].id].id


def test_extra_hours_out_of_range_show_the_error_and_change_nothing(app, client, login_as, came):
    login_as(came["vi"])
    before = database_state(app)

    response = client.post(f"/outreach/shifts/{came['shift'].id}/hours", data={"hours": "0", "note": ""})

    page = body(response)
    assert response.status_code == 400
    card = cards(page)["Serving"]
    assert re.findall(r'class="invalid-feedback d-block">(.*?)</div>', card) == [
        "Enter between 0.25 and 24 hours."
    ]
    assert database_state(app) == before


# --- the coordinators' hours report ------------------------------------------------------------------


@pytest.fixture
def report(came, make_person, log_hours, decide_hours):
    """Vi (3.5 h with approved extra hours) and Wes (2 h), both PGY-2 primary care; Xan and Olive none."""
    decide_hours(log_hours(came["shift"], came["vi"], "1.5", "Dishes"))
    return came


def test_the_coordinator_sees_hours_by_resident_in_the_table_and_by_program_and_class_in_the_chart(
    client, login_as, report
):
    login_as(report["coordinator"])

    listed = body(client.get("/outreach"))
    response = client.get("/outreach/hours")

    page = body(response)
    assert 'href="/outreach/hours"' in listed
    assert response.status_code == 200
    assert heading(page) == f"Service hours, {this_year()}–{this_year() + 1}"
    assert table_rows(page) == [
        ["Vi Volunteer", "Primary care", "PGY-2", "1", "3.5"],
        ["Wes Walker", "Primary care", "PGY-2", "1", "2"],
        ["Xan Extra", "Categorical", "PGY-1", "0", "0"],
        ["Olive Organiser", "Categorical", "PGY-3", "0", "0"],
    ]
    svg = chart_of(page)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    bars = chart_bars(svg)
    assert list(bars) == ["Categorical, PGY-1", "Categorical, PGY-3", "Primary care, PGY-2"]
    assert bars["Primary care, PGY-2"] > 0
    assert bars["Categorical, PGY-1"] == bars["Categorical, PGY-3"] == 0
    assert "5.5 h" in text_of(svg)


def test_the_hours_report_names_programs_as_the_filter_does_and_residents_outside_a_pgy_year(
    client, login_as, coordinator, make_person
):
    make_person("resident", first_name="Meg", program="med_peds", training_start_year=this_year())
    make_person("resident", first_name="Ian", program="categorical", training_start_year=this_year() + 1)
    login_as(coordinator)

    page = body(client.get("/outreach/hours"))

    assert sorted(row[:3] for row in table_rows(page)) == [
        ["Ian Tester", "Categorical", ""],
        ["Meg Tester", "Medicine-pediatrics", "PGY-1"],
    ]
    assert list(chart_bars(chart_of(page))) == ["Categorical, no PGY", "Medicine-pediatrics, PGY-1"]


def test_the_hours_report_filters_by_program_and_class(client, login_as, report):
    login_as(report["coordinator"])

    primary = body(client.get("/outreach/hours?program=primary_care"))
    interns = body(client.get("/outreach/hours?level=1"))

    assert [row[0] for row in table_rows(primary)] == ["Vi Volunteer", "Wes Walker"]
    assert list(chart_bars(chart_of(primary))) == ["Primary care, PGY-2"]
    assert re.search(r'<option value="primary_care" selected>', primary)
    assert [row[0] for row in table_rows(interns)] == ["Xan Extra"]
    assert chart_bars(chart_of(interns)) == {"Categorical, PGY-1": 0}
    assert 'href="/outreach/hours.csv?level=1"' in interns


def test_the_hours_export_has_a_row_for_each_resident(client, login_as, report):
    login_as(report["coordinator"])

    response = client.get("/outreach/hours.csv")
    filtered = client.get("/outreach/hours.csv?program=primary_care&level=2")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="service-hours-{this_year()}.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [(row["email"], row["program"], row["level"], row["shifts"], row["hours"]) for row in rows] == [
        ("vi@example.org", "primary_care", "2", "1", "3.50"),
        ("wes@example.org", "primary_care", "2", "1", "2.00"),
        ("xan@example.org", "categorical", "1", "0", "0.00"),
        ("olive@example.org", "categorical", "3", "0", "0.00"),
    ]
    assert [row["email"] for row in csv.DictReader(io.StringIO(body(filtered)))] == [
        "vi@example.org",
        "wes@example.org",
    ]


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_the_hours_export_keeps_a_name_from_running_as_a_formula(
    client, login_as, coordinator, make_person, formula
):
    make_person("resident", first_name=formula, last_name=formula, email="f@example.org")
    login_as(coordinator)

    [row] = csv.DictReader(io.StringIO(body(client.get("/outreach/hours.csv"))))

    assert row["first_name"] == row["last_name"] == "'" + formula


def test_names_with_markup_are_escaped_on_the_pages_and_never_reach_the_chart(
    app, client, login_as, coordinator, make_person, make_project, make_shift, volunteer, confirm
):
    script = "<script>alert(1)</script>"
    resident = make_person("resident", first_name=script, last_name="Tester", program="primary_care",
                           training_start_year=this_year() - 1)  # fmt: skip
    project = make_project(title=f"Dinner {script}", by=resident)
    shift = make_shift(project, role=f"Serving {script}", starts_at=on(project, 18), ends_at=on(project, 20))
    volunteer(shift, resident)
    move_into_past(app, shift.id)
    confirm(shift, present=[resident])
    login_as(coordinator)

    pages = [body(client.get(path)) for path in ("/outreach", f"/outreach/{project.id}", "/outreach/hours")]

    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for page in pages:
        assert script not in page
        assert escaped in page
    svg = chart_of(pages[2])
    assert "<script" not in svg and "alert(1)" not in svg
    assert chart_bars(svg)["Primary care, PGY-2"] > 0
    assert table_rows(pages[2])[0][:2] == [f"{script} Tester", "Primary care"]


def test_the_chart_escapes_its_labels_and_title():
    svg = bar_chart([Bar('<script>alert(1)</script> & "x"', 2.0)], title="<b>hours</b>")

    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in svg
    assert 'aria-label="&lt;b&gt;hours&lt;/b&gt;"' in svg
