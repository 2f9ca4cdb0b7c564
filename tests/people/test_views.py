"""The people pages: list, person page, create, edit, deactivate, invitations, fields, sign-in log."""

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.support import alerts, database_state, fetch, field_errors, row_counts
from wellness import audit
from wellness.audit import AuditEntry
from wellness.extensions import db
from wellness.people.models import AccessToken, Field, Firm, LoginAttempt, Person
from wellness.people.security import digest
from wellness.people.services import ensure_roles

NEW_PASSWORD = "a fresh passphrase 42"


# --- helpers -----------------------------------------------------------------------------------


def listed_ids(page: str) -> list[int]:
    """The ids of the people in the people table, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [int(n) for n in re.findall(r'href="/people/(\d+)"', body)]


def person(app, person_id: int) -> Person | None:
    found = fetch(app, select(Person).where(Person.id == person_id))
    return found[0] if found else None


def audit_entries(app) -> list[AuditEntry]:
    return fetch(app, select(AuditEntry).order_by(AuditEntry.id))


def resident_form(**overrides) -> dict:
    form = {
        "email": "ada.lovelace@example.org",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "roles": ["resident"],
        "program": "categorical",
        "training_start_year": "2025",
        "firm": "Osler",
        "clinic_site": "Main Street",
        "fields": "Cardiology; Medical education",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def form_of(someone, **overrides) -> dict:
    """An edit form with this person's stored values."""
    form = {
        "email": someone.email,
        "first_name": someone.first_name,
        "last_name": someone.last_name,
        "roles": sorted(someone.role_names),
        "program": someone.program or "",
        "training_start_year": str(someone.training_start_year or ""),
        "coach_capacity": "" if someone.coach_capacity is None else str(someone.coach_capacity),
    }
    form.update(overrides)
    return form


def add_field(app, name: str) -> int:
    with app.app_context():
        field = Field(name=name)
        db.session.add(field)
        db.session.commit()
        field_id = field.id
        db.session.remove()
    return field_id


def issue_invitation(client, login_as, staff, someone) -> str:
    login_as(staff)
    page = client.post(f"/people/{someone.id}/invitation").get_data(as_text=True)
    value = re.search(r'<input[^>]*id="invite-link"[^>]*value="([^"]+)"', page)
    assert value, "the page shows no link"
    return html.unescape(value.group(1))


@pytest.fixture
def coordinator(make_person):
    return make_person("coordinator", first_name="Cora", last_name="Ordinator")


@pytest.fixture
def admin(make_person):
    return make_person("admin", first_name="Ad", last_name="Min")


@pytest.fixture
def resident(make_person):
    return make_person("resident", first_name="Rita", last_name="Resident", program="primary_care")


# --- people list -------------------------------------------------------------------------------


def test_people_list_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/people")
    assert response.status_code == 302 and response.location.startswith("/login?next=")


@pytest.mark.parametrize("role", ["resident", "faculty"])
def test_people_list_is_refused_to_residents_and_faculty(client, login_as, make_person, role):
    login_as(make_person(role))
    assert client.get("/people").status_code == 403


def test_people_list_search_matches_every_word_in_names_or_email(client, login_as, coordinator, make_person):
    ada = make_person("resident", first_name="Ada", last_name="Lovelace")
    make_person("resident", first_name="Ada", last_name="Byron")
    grace = make_person("faculty", first_name="Grace", last_name="Hopper", email="admiral@navy.example")
    login_as(coordinator)

    assert listed_ids(client.get("/people?q=ada+LOVE").get_data(as_text=True)) == [ada.id]
    assert listed_ids(client.get("/people?q=admiral").get_data(as_text=True)) == [grace.id]
    assert listed_ids(client.get("/people?q=nobody-by-that-name").get_data(as_text=True)) == []


def test_people_list_filters_by_role_program_firm_and_field(app, client, login_as, coordinator, make_person):
    ada = make_person("resident", first_name="Ada", program="categorical", fields=["Cardiology"])
    ben = make_person("resident", first_name="Ben", program="med_peds")
    cy = make_person("faculty", first_name="Cy", fields=["cardiology"])
    with app.app_context():
        firm = Firm(name="Osler")
        db.session.add(firm)
        db.session.get(Person, ben.id).firm = firm
        db.session.commit()
        firm_id = firm.id
        field_id = db.session.scalar(select(Field.id).where(Field.name == "Cardiology"))
        db.session.remove()
    login_as(coordinator)

    def ids(query):
        return set(listed_ids(client.get(f"/people?{query}").get_data(as_text=True)))

    assert ids("role=faculty") == {cy.id}
    assert ids("program=med_peds") == {ben.id}
    assert ids(f"firm={firm_id}") == {ben.id}
    assert ids(f"field={field_id}") == {ada.id, cy.id}
    assert ids(f"role=resident&field={field_id}") == {ada.id}


@pytest.mark.parametrize(
    ("today", "pgy", "listed"),
    [
        # Started July 2025: still an intern on 30 June 2026, PGY-2 from 1 July.
        pytest.param(date(2026, 6, 30), "1", True, id="june-30-pgy1"),
        pytest.param(date(2026, 6, 30), "2", False, id="june-30-pgy2"),
        pytest.param(date(2026, 7, 1), "1", False, id="july-1-pgy1"),
        pytest.param(date(2026, 7, 1), "2", True, id="july-1-pgy2"),
    ],
)
def test_pgy_filter_follows_the_academic_year_starting_in_july(
    client, login_as, coordinator, make_person, monkeypatch, today, pgy, listed
):
    started_2025 = make_person("resident", program="categorical", training_start_year=2025)
    monkeypatch.setattr("wellness.people.views.program_today", lambda tz: today)
    login_as(coordinator)

    page = client.get(f"/people?pgy={pgy}").get_data(as_text=True)

    assert (started_2025.id in listed_ids(page)) is listed


def test_pgy_filter_leaves_out_a_stanbury_resident_past_their_two_years(
    client, login_as, coordinator, make_person, monkeypatch
):
    regular = make_person("resident", program="categorical", training_start_year=2024)
    make_person("resident", program="categorical", training_start_year=2024, is_stanbury=True)
    monkeypatch.setattr("wellness.people.views.program_today", lambda tz: date(2026, 9, 1))
    login_as(coordinator)

    assert listed_ids(client.get("/people?pgy=3").get_data(as_text=True)) == [regular.id]


def test_people_list_shows_fifty_people_a_page(app, client, login_as, coordinator):
    with app.app_context():
        role = ensure_roles()["faculty"]
        db.session.add_all(
            Person(email=f"f{n:02}@example.org", first_name="F", last_name=f"Faculty{n:02}", roles=[role])
            for n in range(55)
        )
        db.session.commit()
        db.session.remove()
    login_as(coordinator)

    first = client.get("/people?role=faculty").get_data(as_text=True)
    second = client.get("/people?role=faculty&page=2").get_data(as_text=True)

    assert len(listed_ids(first)) == 50 and "Page 1 of 2" in first
    assert len(listed_ids(second)) == 5 and "Page 2 of 2" in second
    assert not set(listed_ids(first)) & set(listed_ids(second))
    assert "Faculty54" in second  # ordered by last name


def test_people_list_leaves_out_deactivated_people_unless_asked(client, login_as, coordinator, make_person):
    gone = make_person("resident", is_active=False)
    here = make_person("resident")
    login_as(coordinator)

    default = listed_ids(client.get("/people?role=resident").get_data(as_text=True))
    inactive = listed_ids(client.get("/people?role=resident&status=inactive").get_data(as_text=True))

    assert default == [here.id]
    assert inactive == [gone.id]


# --- person page -------------------------------------------------------------------------------


def test_person_page_sends_anonymous_visitors_to_sign_in(client, resident):
    response = client.get(f"/people/{resident.id}")
    assert response.status_code == 302 and response.location.startswith("/login?next=")


def test_resident_can_see_their_own_page(client, login_as, resident):
    login_as(resident)
    response = client.get(f"/people/{resident.id}")
    assert response.status_code == 200
    assert "Rita Resident" in response.get_data(as_text=True)
    assert "Primary care" in response.get_data(as_text=True)


def test_resident_cannot_see_another_residents_page(client, login_as, resident, make_person):
    login_as(make_person("resident"))
    response = client.get(f"/people/{resident.id}")
    assert response.status_code == 404
    assert "Rita" not in response.get_data(as_text=True)


def test_another_persons_page_and_a_missing_page_look_the_same_to_faculty(
    client, login_as, resident, make_person
):
    login_as(make_person("faculty"))
    hidden = client.get(f"/people/{resident.id}")
    missing = client.get(f"/people/{resident.id + 1000}")
    assert hidden.status_code == missing.status_code == 404
    # The sign-out form's CSRF token carries the second it was signed, so it may differ between the two.
    token = re.compile(rb'name="csrf_token" value="[^"]+"')
    assert token.sub(b"", hidden.data) == token.sub(b"", missing.data)
    assert token.search(hidden.data) and token.search(missing.data)


def test_staff_see_a_persons_history_on_their_page(client, login_as, coordinator, make_person):
    someone = make_person("faculty")
    login_as(coordinator)
    client.post(f"/people/{someone.id}/edit", data=form_of(someone, last_name="Changed"))
    page = client.get(f"/people/{someone.id}").get_data(as_text=True)
    assert "History" in page and "update" in page and "Tester → Changed" in html.unescape(page)


# --- create ------------------------------------------------------------------------------------


def test_create_person_sends_anonymous_visitors_to_sign_in(app, client):
    response = client.post("/people/new", data=resident_form())
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    assert row_counts(app, Person) == (0,)


def test_resident_cannot_create_people(app, client, login_as, resident):
    login_as(resident)
    assert client.get("/people/new").status_code == 403
    assert client.post("/people/new", data=resident_form()).status_code == 403
    assert row_counts(app, Person) == (1,)


def test_coordinator_creates_a_resident_with_firm_site_and_fields(app, client, login_as, coordinator):
    login_as(coordinator)
    response = client.post("/people/new", data=resident_form(email="Ada.Lovelace@Example.org"))

    assert response.status_code == 302
    new_id = int(re.fullmatch(r"/people/(\d+)", response.location).group(1))
    ada = person(app, new_id)
    assert ada.email == "ada.lovelace@example.org"
    assert (ada.program, ada.training_start_year, ada.role_names) == ("categorical", 2025, {"resident"})
    assert ada.firm.name == "Osler" and ada.clinic_site.name == "Main Street"
    assert sorted(f.name for f in ada.fields) == ["Cardiology", "Medical education"]
    assert "Ada Lovelace is added" in " ".join(alerts(client.get(response.location).get_data(as_text=True)))


def test_create_person_refuses_an_email_taken_in_another_case(
    app, client, login_as, coordinator, make_person
):
    make_person("resident", email="ada.lovelace@example.org", first_name="Ada", last_name="Lovelace")
    login_as(coordinator)

    response = client.post("/people/new", data=resident_form(email="ADA.Lovelace@example.org"))

    assert response.status_code == 409
    errors = field_errors(response.get_data(as_text=True), "email")
    assert errors == ["ADA.Lovelace@example.org already belongs to Ada Lovelace."]
    assert row_counts(app, Person) == (2,)


def test_create_person_refuses_a_resident_without_a_program(app, client, login_as, coordinator):
    login_as(coordinator)
    response = client.post("/people/new", data=resident_form(program=""))
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "program") == ["Choose the resident's program."]
    assert row_counts(app, Person) == (1,)


def test_coordinator_cannot_create_an_admin(app, client, login_as, coordinator):
    login_as(coordinator)
    data = {"email": "boss@example.org", "first_name": "Bo", "last_name": "Ss", "roles": ["admin"]}
    response = client.post("/people/new", data=data)
    assert response.status_code == 403
    assert field_errors(response.get_data(as_text=True), "roles") == [
        "Only an admin can grant the admin role."
    ]
    assert row_counts(app, Person) == (1,)


def test_text_with_a_control_character_is_refused_with_a_message_on_the_field(
    app, client, login_as, coordinator
):
    login_as(coordinator)
    response = client.post("/people/new", data=resident_form(first_name="Ada\x00", firm="Osler\x1b"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    message = ["Remove the invisible control characters (often pasted in by accident)."]
    assert field_errors(page, "first_name") == message and field_errors(page, "firm") == message
    assert field_errors(page, "last_name") == []
    assert row_counts(app, Person) == (1,)


# --- edit --------------------------------------------------------------------------------------


def test_edit_person_sends_anonymous_visitors_to_sign_in(app, client, resident):
    before = database_state(app)
    response = client.post(f"/people/{resident.id}/edit", data=form_of(resident, last_name="X"))
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    assert database_state(app) == before


def test_resident_cannot_edit_their_own_record(app, client, login_as, resident):
    login_as(resident)
    assert client.get(f"/people/{resident.id}/edit").status_code == 403
    response = client.post(f"/people/{resident.id}/edit", data=form_of(resident, program="categorical"))
    assert response.status_code == 403
    assert person(app, resident.id).program == "primary_care"


def test_coordinator_edits_a_resident(app, client, login_as, coordinator, resident):
    login_as(coordinator)
    page = client.get(f"/people/{resident.id}/edit").get_data(as_text=True)
    assert 'value="Rita"' in page  # the form opens with the stored values

    response = client.post(
        f"/people/{resident.id}/edit",
        data=form_of(resident, last_name="Renamed", roles=["resident", "faculty"], coach_capacity="2"),
    )

    assert response.status_code == 302 and response.location == f"/people/{resident.id}"
    saved = person(app, resident.id)
    assert saved.last_name == "Renamed" and saved.role_names == {"resident", "faculty"}
    assert saved.coach_capacity == 2


def test_coordinator_cannot_grant_the_coordinator_role(app, client, login_as, coordinator, resident):
    login_as(coordinator)
    response = client.post(
        f"/people/{resident.id}/edit", data=form_of(resident, roles=["resident", "coordinator"])
    )
    assert response.status_code == 403
    assert field_errors(response.get_data(as_text=True), "roles") == [
        "Only an admin can grant the coordinator role."
    ]
    assert person(app, resident.id).role_names == {"resident"}


def test_admin_can_grant_admin_and_coordinator_roles(app, client, login_as, admin, make_person):
    someone = make_person("faculty")
    login_as(admin)
    response = client.post(
        f"/people/{someone.id}/edit", data=form_of(someone, roles=["faculty", "coordinator", "admin"])
    )
    assert response.status_code == 302
    assert person(app, someone.id).role_names == {"faculty", "coordinator", "admin"}


def test_coordinator_cannot_edit_an_admin(app, client, login_as, coordinator, admin):
    login_as(coordinator)
    assert client.get(f"/people/{admin.id}/edit").status_code == 403
    response = client.post(f"/people/{admin.id}/edit", data=form_of(admin, last_name="Locked-out"))
    assert response.status_code == 403
    assert person(app, admin.id).last_name == "Min"


def test_admin_cannot_remove_their_own_admin_role(app, client, login_as, admin):
    login_as(admin)
    response = client.post(f"/people/{admin.id}/edit", data=form_of(admin, roles=["coordinator"]))
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "roles") == [
        "You cannot remove your own admin role."
    ]
    assert person(app, admin.id).role_names == {"admin"}


def test_edit_refuses_an_email_that_belongs_to_someone_else(app, client, login_as, coordinator, resident):
    login_as(coordinator)
    response = client.post(
        f"/people/{resident.id}/edit", data=form_of(resident, email=coordinator.email.upper())
    )
    assert response.status_code == 409
    assert "already belongs to Cora Ordinator" in field_errors(response.get_data(as_text=True), "email")[0]
    assert person(app, resident.id).email == resident.email


# --- deactivate and reactivate -----------------------------------------------------------------


def test_deactivate_sends_anonymous_visitors_to_sign_in(app, client, resident):
    response = client.post(f"/people/{resident.id}/deactivate")
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    assert person(app, resident.id).is_active


def test_faculty_cannot_deactivate_a_resident(app, client, login_as, make_person, resident):
    login_as(make_person("faculty"))
    assert client.post(f"/people/{resident.id}/deactivate").status_code == 404
    assert person(app, resident.id).is_active


def test_deactivation_keeps_the_person_and_their_history(app, client, login_as, coordinator, resident):
    login_as(coordinator)
    client.post(f"/people/{resident.id}/edit", data=form_of(resident, last_name="Before"))

    response = client.post(f"/people/{resident.id}/deactivate")

    assert response.status_code == 302
    gone = person(app, resident.id)
    assert gone is not None and not gone.is_active and gone.deactivated_at is not None
    page = client.get(f"/people/{resident.id}").get_data(as_text=True)
    assert "deactivated" in page and "Reactivate" in page
    actions = [e.action for e in audit_entries(app) if e.subject_id == resident.id]
    assert actions == ["person.update", "person.deactivate"]


def test_reactivation_restores_a_deactivated_person(app, client, login_as, coordinator, make_person):
    someone = make_person("resident", is_active=False)
    login_as(coordinator)
    response = client.post(f"/people/{someone.id}/reactivate")
    assert response.status_code == 302
    back = person(app, someone.id)
    assert back.is_active and back.deactivated_at is None
    assert client.post("/login", data={"email": someone.email, "password": PASSWORD}).status_code == 302


def test_nobody_can_deactivate_themselves(app, client, login_as, coordinator):
    login_as(coordinator)
    response = client.post(f"/people/{coordinator.id}/deactivate", follow_redirects=True)
    assert "You may not deactivate this person." in alerts(response.get_data(as_text=True))
    assert person(app, coordinator.id).is_active
    assert audit_entries(app) == []


# --- invitation links --------------------------------------------------------------------------


def test_invitation_link_sends_anonymous_visitors_to_sign_in(app, client, resident):
    response = client.post(f"/people/{resident.id}/invitation")
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    assert row_counts(app, AccessToken) == (0,)


def test_resident_cannot_create_their_own_invitation_link(app, client, login_as, resident):
    login_as(resident)
    assert client.post(f"/people/{resident.id}/invitation").status_code == 403
    assert row_counts(app, AccessToken) == (0,)


def test_invitation_page_shows_a_working_link_whose_secret_is_not_stored(
    app, client, login_as, coordinator, make_person
):
    newcomer = make_person("resident", password=False)
    url = issue_invitation(client, login_as, coordinator, newcomer)

    secret = re.fullmatch(r"http://localhost/invitation/([\w-]+)", url).group(1)
    tokens = fetch(app, select(AccessToken))
    assert [(t.person_id, t.purpose) for t in tokens] == [(newcomer.id, "invitation")]
    assert tokens[0].token_hash != secret and tokens[0].token_hash == digest(secret)
    assert secret not in repr(database_state(app))
    client.post("/logout")
    assert client.get(f"/invitation/{secret}").status_code == 200


def test_invitation_page_is_not_cached(client, login_as, coordinator, make_person):
    newcomer = make_person("resident", password=False)
    login_as(coordinator)
    response = client.post(f"/people/{newcomer.id}/invitation")
    assert response.headers["Cache-Control"] == "no-store"


def test_someone_who_signed_up_gets_a_reset_link_instead(app, client, login_as, coordinator, resident):
    url = issue_invitation(client, login_as, coordinator, resident)
    assert "/reset-password/" in url
    assert [t.purpose for t in fetch(app, select(AccessToken))] == ["reset"]


def test_no_invitation_link_for_a_deactivated_person(app, client, login_as, coordinator, make_person):
    gone = make_person("resident", password=False, is_active=False)
    login_as(coordinator)
    response = client.post(f"/people/{gone.id}/invitation", follow_redirects=True)
    assert any("is deactivated; reactivate them first" in a for a in alerts(response.get_data(as_text=True)))
    assert row_counts(app, AccessToken) == (0,)


# --- fields ------------------------------------------------------------------------------------


def test_fields_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/fields")
    assert response.status_code == 302 and response.location.startswith("/login?next=")


@pytest.mark.parametrize("role", ["resident", "faculty"])
def test_fields_cannot_be_managed_by_residents_or_faculty(app, client, login_as, make_person, role):
    field_id = add_field(app, "Cardiology")
    login_as(make_person(role))
    assert client.get("/fields").status_code == 403
    assert client.post("/fields", data={"name": "Oncology"}).status_code == 403
    assert client.post(f"/fields/{field_id}/rename", data={"name": "Heart"}).status_code == 403
    assert client.post(f"/fields/{field_id}/delete").status_code == 403
    assert [f.name for f in fetch(app, select(Field))] == ["Cardiology"]


def test_coordinator_adds_a_field(app, client, login_as, coordinator):
    login_as(coordinator)
    response = client.post("/fields", data={"name": "  Global   health "})
    assert response.status_code == 302
    assert [f.name for f in fetch(app, select(Field))] == ["Global health"]
    assert "Global health" in client.get("/fields").get_data(as_text=True)


def test_a_field_name_taken_in_another_case_is_refused(app, client, login_as, coordinator):
    add_field(app, "Cardiology")
    login_as(coordinator)
    response = client.post("/fields", data={"name": "CARDIOLOGY"})
    assert response.status_code == 409
    assert field_errors(response.get_data(as_text=True), "name") == [
        "There is already a field called Cardiology."
    ]
    assert row_counts(app, Field) == (1,)


def test_coordinator_renames_a_field(app, client, login_as, coordinator):
    field_id = add_field(app, "Cardiology")
    login_as(coordinator)
    response = client.post(f"/fields/{field_id}/rename", data={"name": "Cardiovascular medicine"})
    assert response.status_code == 302
    assert [f.name for f in fetch(app, select(Field))] == ["Cardiovascular medicine"]


def test_renaming_a_field_to_a_taken_name_is_refused(app, client, login_as, coordinator):
    add_field(app, "Cardiology")
    oncology = add_field(app, "Oncology")
    login_as(coordinator)
    response = client.post(f"/fields/{oncology}/rename", data={"name": "cardiology"}, follow_redirects=True)
    assert "There is already a field called Cardiology." in alerts(response.get_data(as_text=True))
    assert sorted(f.name for f in fetch(app, select(Field))) == ["Cardiology", "Oncology"]


def test_an_unused_field_can_be_deleted(app, client, login_as, coordinator):
    field_id = add_field(app, "Cardiology")
    login_as(coordinator)
    assert client.post(f"/fields/{field_id}/delete").status_code == 302
    assert row_counts(app, Field) == (0,)


def test_a_field_someone_holds_cannot_be_deleted(app, client, login_as, coordinator, make_person):
    make_person("resident", fields=["Cardiology"])
    field_id = fetch(app, select(Field.id))[0]
    login_as(coordinator)
    response = client.post(f"/fields/{field_id}/delete", follow_redirects=True)
    assert "Cardiology is held by 1 person; rename it instead." in alerts(response.get_data(as_text=True))
    assert row_counts(app, Field) == (1,)


# --- sign-in log and health --------------------------------------------------------------------


def test_sign_in_log_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/admin/sign-ins")
    assert response.status_code == 302 and response.location.startswith("/login?next=")


def test_coordinators_cannot_see_the_sign_in_log(client, login_as, coordinator):
    login_as(coordinator)
    assert client.get("/admin/sign-ins").status_code == 403


def test_admin_sees_failed_sign_ins_in_the_log(app, client, login_as, admin):
    client.post("/login", data={"email": "intruder@example.org", "password": "guess-guess-guess"})
    assert row_counts(app, LoginAttempt) == (1,)
    login_as(admin)
    page = client.get("/admin/sign-ins").get_data(as_text=True)
    assert "intruder@example.org" in page and "unknown email" in page
    assert "guess-guess-guess" not in page


def test_health_check_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


# --- audit: every change is recorded with it, a refused request writes nothing ------------------


class Scene:
    """People and fields to act on, and a client to act with."""

    def __init__(self, app, client, login_as, make_person):
        self.app, self.client, self.login_as = app, client, login_as
        self.coordinator = make_person("coordinator")
        self.admin = make_person("admin")
        self.resident = make_person("resident")
        self.newcomer = make_person("resident", password=False)
        self.former = make_person("faculty", is_active=False)
        self.holder = make_person("faculty", fields=["Cardiology"])
        self.field_id = add_field(app, "Oncology")
        self.held_field_id = fetch(app, select(Field.id).where(Field.name == "Cardiology"))[0]
        self.secret = None

    def as_(self, someone):
        self.login_as(someone)
        return self.client

    def issue_link(self, someone) -> None:
        """Set `secret` to a fresh invitation or reset link for `someone`, then sign out."""
        url = issue_invitation(self.client, self.login_as, self.coordinator, someone)
        self.client.post("/logout")
        self.secret = url.rsplit("/", 1)[1]


@pytest.fixture
def scene(app, client, login_as, make_person):
    return Scene(app, client, login_as, make_person)


def _nothing(scene):
    pass


class Change:
    """A request that changes one record, and the audit entry it must leave."""

    def __init__(self, send, action, actor="coordinator", subject=None, prepare=_nothing):
        self.send, self.action, self.actor, self.subject, self.prepare = send, action, actor, subject, prepare


NEW_PASSWORDS = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}

CHANGES = {
    "create person": Change(
        lambda s: s.as_(s.coordinator).post("/people/new", data=resident_form()), "person.create"
    ),
    "edit person": Change(
        lambda s: s.as_(s.coordinator).post(
            f"/people/{s.resident.id}/edit", data=form_of(s.resident, last_name="New")
        ),
        "person.update",
        subject="resident",
    ),
    "deactivate": Change(
        lambda s: s.as_(s.coordinator).post(f"/people/{s.resident.id}/deactivate"),
        "person.deactivate",
        subject="resident",
    ),
    "reactivate": Change(
        lambda s: s.as_(s.coordinator).post(f"/people/{s.former.id}/reactivate"),
        "person.reactivate",
        subject="former",
    ),
    "invitation link": Change(
        lambda s: s.as_(s.coordinator).post(f"/people/{s.newcomer.id}/invitation"),
        "person.invitation_link",
        subject="newcomer",
    ),
    "reset link": Change(
        lambda s: s.as_(s.coordinator).post(f"/people/{s.resident.id}/invitation"),
        "person.reset_link",
        subject="resident",
    ),
    "accept invitation": Change(
        lambda s: s.client.post(f"/invitation/{s.secret}", data=NEW_PASSWORDS),
        "person.invitation_redeemed",
        actor="newcomer",
        subject="newcomer",
        prepare=lambda s: s.issue_link(s.newcomer),
    ),
    "reset password": Change(
        lambda s: s.client.post(f"/reset-password/{s.secret}", data=NEW_PASSWORDS),
        "person.reset_redeemed",
        actor="resident",
        subject="resident",
        prepare=lambda s: s.issue_link(s.resident),
    ),
    "change password": Change(
        lambda s: s.as_(s.resident).post(
            "/account/password", data={"current_password": PASSWORD, **NEW_PASSWORDS}
        ),
        "person.password_change",
        actor="resident",
        subject="resident",
    ),
    "sign out everywhere": Change(
        lambda s: s.as_(s.resident).post("/account/sign-out-everywhere"),
        "person.sign_out_everywhere",
        actor="resident",
        subject="resident",
    ),
    "add field": Change(
        lambda s: s.as_(s.coordinator).post("/fields", data={"name": "Nephrology"}), "field.create"
    ),
    "rename field": Change(
        lambda s: s.as_(s.coordinator).post(f"/fields/{s.field_id}/rename", data={"name": "Hem-onc"}),
        "field.rename",
        subject="field",
    ),
    "delete field": Change(
        lambda s: s.as_(s.coordinator).post(f"/fields/{s.field_id}/delete"), "field.delete", subject="field"
    ),
    "import roster": Change(
        lambda s: s.as_(s.coordinator).post(
            "/people/import/confirm",
            data={"csv_text": "email,first_name,last_name,roles\nnew@example.org,Nu,Person,faculty\n"},
        ),
        "person.import_create",
    ),
}

# Requests that break a rule; each must leave the database exactly as it was.
REFUSED = {
    "email taken": Change(
        lambda s: s.as_(s.coordinator).post("/people/new", data=resident_form(email=s.resident.email)), None
    ),
    "resident without program": Change(
        lambda s: s.as_(s.coordinator).post("/people/new", data=resident_form(program="")), None
    ),
    "coordinator grants admin": Change(
        lambda s: s.as_(s.coordinator).post(
            f"/people/{s.resident.id}/edit", data=form_of(s.resident, roles=["resident", "admin"])
        ),
        None,
    ),
    "coordinator edits admin": Change(
        lambda s: s.as_(s.coordinator).post(
            f"/people/{s.admin.id}/edit", data=form_of(s.admin, last_name="X")
        ),
        None,
    ),
    "deactivate yourself": Change(
        lambda s: s.as_(s.coordinator).post(f"/people/{s.coordinator.id}/deactivate"), None
    ),
    "link for deactivated": Change(
        lambda s: s.as_(s.coordinator).post(f"/people/{s.former.id}/invitation"), None
    ),
    "wrong current password": Change(
        lambda s: s.as_(s.resident).post(
            "/account/password", data={"current_password": "not the password", **NEW_PASSWORDS}
        ),
        None,
    ),
    "weak password on a link": Change(
        lambda s: s.client.post(f"/invitation/{s.secret}", data={"password": "a" * 12, "confirm": "a" * 12}),
        None,
        prepare=lambda s: s.issue_link(s.newcomer),
    ),
    "field name taken": Change(
        lambda s: s.as_(s.coordinator).post("/fields", data={"name": "oncology"}), None
    ),
    "rename to taken name": Change(
        lambda s: s.as_(s.coordinator).post(f"/fields/{s.field_id}/rename", data={"name": "CARDIOLOGY"}),
        None,
    ),
    "delete held field": Change(
        lambda s: s.as_(s.coordinator).post(f"/fields/{s.held_field_id}/delete"), None
    ),
    "roster updates an admin": Change(
        lambda s: s.as_(s.coordinator).post(
            "/people/import/confirm",
            data={
                "csv_text": "email,first_name,last_name,roles\n"
                f"new@example.org,Nu,Person,faculty\n{s.admin.email},Changed,Name,admin\n"
            },
        ),
        None,
    ),
}


def _subject_id(scene, change):
    if change.subject is None:
        return None
    return scene.field_id if change.subject == "field" else getattr(scene, change.subject).id


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_each_change_writes_an_audit_entry_naming_actor_and_subject(scene, change):
    change.prepare(scene)
    before = {e.id for e in audit_entries(scene.app)}

    response = change.send(scene)

    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    new = [e for e in audit_entries(scene.app) if e.id not in before]
    assert [e.action for e in new] == [change.action]
    assert new[0].actor_id == getattr(scene, change.actor).id
    if change.subject is not None:
        assert new[0].subject_id == _subject_id(scene, change)


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_is_not_saved_when_its_audit_entry_cannot_be(scene, monkeypatch, change):
    """The audit entry is written in the change's own transaction: if it fails, the change is undone."""
    change.prepare(scene)
    before = database_state(scene.app)

    def unavailable(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(audit, "record", unavailable)
    response = change.send(scene)

    assert response.status_code == 500
    assert database_state(scene.app) == before


@pytest.mark.parametrize("change", REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_request_writes_nothing(scene, change):
    change.prepare(scene)
    before = database_state(scene.app)

    response = change.send(scene)

    assert response.status_code in (302, 400, 403, 409), response.status_code
    assert database_state(scene.app) == before
