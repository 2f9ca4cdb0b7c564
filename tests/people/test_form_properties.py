"""Whatever text is posted into a form, the answer is a clean accept or a clean refusal.

A refusal (4xx) leaves the database as it was; nothing ever ends in a server error. The text
includes NUL and other control characters, every Unicode plane, and strings of thousands of
characters, over a valid submission so that each odd value also reaches the database.
"""

import itertools

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.support import database_state, fetch, row_counts
from wellness.extensions import db, limiter
from wellness.people.models import Field, Person

ANY_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),  # control characters
    st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=10), st.text(max_size=10)),
    st.builds(lambda part, times: part * times, st.text(min_size=1, max_size=8), st.integers(100, 600)),
)

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PERSON_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "roles",
    "program",
    "is_stanbury",
    "training_start_year",
    "firm",
    "clinic_site",
    "fields",
    "coach_capacity",
)
LOGIN_FIELDS = ("email", "password", "remember")
SEARCH_FIELDS = ("q", "role", "program", "pgy", "firm", "field", "status", "page")
NUMBERS = itertools.count(1)  # fresh emails for accepted people


def overrides_of(names):
    """Some of the form's fields, each replaced by arbitrary text."""
    return st.dictionaries(st.sampled_from(names), ANY_TEXT, min_size=1)


def valid_person(n: int) -> dict:
    return {
        "email": f"person{n}@example.org",
        "first_name": "Pat",
        "last_name": f"Person{n}",
        "roles": ["resident", "faculty"],
        "program": "categorical",
        "training_start_year": "2025",
        "firm": "Osler",
        "clinic_site": "Main Street",
        "fields": "Cardiology; Medical education",
        "coach_capacity": "2",
    }


def check_clean(response, before, after) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.status_code == 302 or 400 <= response.status_code < 500, response.status_code
    if response.status_code >= 400:
        assert after == before, "a refused form changed the database"


@pytest.fixture
def admin_client(client, login_as, make_person):
    admin = make_person("admin")
    return lambda: login_as(admin)  # signs in again: an accepted edit may end the session


# Function-scoped fixtures are made once per property and shared by all its examples.
@pytest.fixture
def target_id(make_person) -> int:
    return make_person("resident").id


@pytest.fixture
def known_email(make_person) -> str:
    return make_person("resident").email


@PROPERTY
@example(overrides={"first_name": "Ada\x00"})
@example(overrides={"firm": "\x00", "clinic_site": "\x00"})
@example(overrides={"fields": "a\x00; b"})
@given(overrides=overrides_of(PERSON_FIELDS))
def test_create_person_form_accepts_or_refuses_any_text_cleanly(app, admin_client, overrides):
    client = admin_client()
    data = {**valid_person(next(NUMBERS)), **overrides}
    before = database_state(app)

    response = client.post("/people/new", data=data)

    after = database_state(app)
    check_clean(response, before, after)
    if response.status_code == 302:
        assert len(after["people"]) == len(before["people"]) + 1


@PROPERTY
@example(overrides={"last_name": "\x00"})
@example(overrides={"fields": "\x00"})
@example(overrides={"training_start_year": "2" * 309})
@example(overrides={"coach_capacity": "9" * 400})
@given(overrides=overrides_of(PERSON_FIELDS))
def test_edit_person_form_accepts_or_refuses_any_text_cleanly(app, admin_client, target_id, overrides):
    client = admin_client()
    data = {**valid_person(target_id), **overrides}
    before = database_state(app)

    response = client.post(f"/people/{target_id}/edit", data=data)

    check_clean(response, before, database_state(app))
    assert row_counts(app, Person) == (len(before["people"]),)


@PROPERTY
@example(overrides={"email": "a\x00@example.org"})
@example(overrides={"password": "pass\x00word-long"})
@given(overrides=overrides_of(LOGIN_FIELDS))
def test_login_form_accepts_or_refuses_any_text_cleanly(app, known_email, overrides):
    with app.app_context():
        limiter.reset()  # the limits would soon answer 429 for every example
    client = app.test_client()
    data = {"email": known_email, "password": PASSWORD, **overrides}
    before = database_state(app)

    response = client.post("/login", data=data)

    after = database_state(app)
    assert response.status_code in (302, 400, 401), response.status_code
    if response.status_code in (302, 401):  # a checked attempt is logged, and only that
        assert len(after["login_attempts"]) == len(before["login_attempts"]) + 1
        after = {**after, "login_attempts": before["login_attempts"], "people": before["people"]}
    check_clean(response, before, after)


@PROPERTY
@example(name="Cardio\x00logy")
@given(name=ANY_TEXT)
def test_add_field_form_accepts_or_refuses_any_text_cleanly(app, admin_client, name):
    client = admin_client()
    before = database_state(app)

    response = client.post("/fields", data={"name": name})

    after = database_state(app)
    check_clean(response, before, after)
    if response.status_code == 302:
        assert len(after["fields"]) == len(before["fields"]) + 1


@PROPERTY
@example(name="Cardio\x00logy")
@given(name=ANY_TEXT)
def test_rename_field_stores_the_tidied_name_or_nothing(app, admin_client, name):
    client = admin_client()
    with app.app_context():
        field = db.session.scalar(select(Field)) or Field(name="Cardiology")
        db.session.add(field)
        db.session.commit()
        field_id, old_name = field.id, field.name
        db.session.remove()

    response = client.post(f"/fields/{field_id}/rename", data={"name": name})

    assert response.status_code == 302, response.status_code
    stored = fetch(app, select(Field.name).where(Field.id == field_id))
    assert stored in ([old_name], [" ".join(name.split())])


@PROPERTY
@example(query={"q": "a\x00b"})
@given(query=st.dictionaries(st.sampled_from(SEARCH_FIELDS), ANY_TEXT, min_size=1))
def test_people_search_answers_any_text_without_error_or_change(app, admin_client, query):
    client = admin_client()
    before = database_state(app)

    response = client.get("/people", query_string=query)

    assert response.status_code == 200, response.status_code
    assert database_state(app) == before


@PROPERTY
@example(email="a\x00@example.org")
@given(email=ANY_TEXT)
def test_reset_request_form_accepts_or_refuses_any_text_cleanly(app, client, email):
    with app.app_context():
        limiter.reset()
    before = database_state(app)

    response = client.post("/reset-password", data={"email": email})

    check_clean(response, before, database_state(app))
