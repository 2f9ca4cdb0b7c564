"""Who may use which route: every (endpoint, method) of app.url_map against every persona.

MATRIX holds one row per (endpoint, method) and the outcome each persona must get:

- "ok": 2xx, or a redirect anywhere except the sign-in page's "please sign in" redirect;
- "login": redirected to /login with ?next= (Flask-Login's login_required);
- "forbidden": 403, the person may see the thing but not do this;
- "hidden": 404, existence is private, or the link secret is not valid;
- "bad": 400.

Person routes act on the "resident" persona: the resident checks their own page, and
"other_resident" checks another resident's. A new route needs a row here (a test fails until it
has one) and, when its POST needs a form to succeed, an entry in BODIES.
"""

import io
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import PASSWORD, PERSONAS
from tests.support import database_state
from wellness.extensions import db
from wellness.people.models import Field

IGNORED_ENDPOINTS = {"static", "bootstrap.static"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def outcomes(**overrides) -> dict[str, str]:
    """Anonymous goes to sign-in and everyone else is refused, unless overridden per persona."""
    table = {"anonymous": "login", **dict.fromkeys(PERSONAS[1:], "forbidden")}
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"not personas: {unknown}"
    table.update(overrides)
    return table


PUBLIC = dict.fromkeys(PERSONAS, "ok")
DEAD_LINK = dict.fromkeys(PERSONAS, "hidden")  # the secret matches no link, whoever asks
SIGNED_IN = outcomes(**dict.fromkeys(PERSONAS[1:], "ok"))
STAFF = outcomes(coordinator="ok", admin="ok")
ADMIN = outcomes(admin="ok")
# The resident's own page: staff and the resident see it; for anyone else it does not exist.
OWN_PAGE = outcomes(resident="ok", other_resident="hidden", faculty="hidden", coordinator="ok", admin="ok")
# Changing the resident's record: the resident sees their page but may not change it.
CHANGE_PERSON = outcomes(
    resident="forbidden", other_resident="hidden", faculty="hidden", coordinator="ok", admin="ok"
)

MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("home.health", "GET"): PUBLIC,
    ("home.index", "GET"): SIGNED_IN,
    ("people.login", "GET"): PUBLIC,
    ("people.login", "POST"): PUBLIC,
    ("people.logout", "POST"): PUBLIC,
    ("people.account", "GET"): SIGNED_IN,
    ("people.change_password", "POST"): SIGNED_IN,
    ("people.sign_out_everywhere", "POST"): SIGNED_IN,
    ("people.request_reset", "GET"): PUBLIC,
    ("people.request_reset", "POST"): PUBLIC,
    ("people.reset_password", "GET"): DEAD_LINK,
    ("people.reset_password", "POST"): DEAD_LINK,
    ("people.accept_invitation", "GET"): DEAD_LINK,
    ("people.accept_invitation", "POST"): DEAD_LINK,
    ("people.sign_in_log", "GET"): ADMIN,
    ("people.list_people", "GET"): STAFF,
    ("people.create_person", "GET"): STAFF,
    ("people.create_person", "POST"): STAFF,
    ("people.show_person", "GET"): OWN_PAGE,
    ("people.edit_person", "GET"): CHANGE_PERSON,
    ("people.edit_person", "POST"): CHANGE_PERSON,
    ("people.deactivate_person", "POST"): CHANGE_PERSON,
    ("people.reactivate_person", "POST"): CHANGE_PERSON,
    ("people.invite_person", "POST"): CHANGE_PERSON,
    ("people.invite_not_signed_up", "POST"): STAFF,
    ("people.import_roster_upload", "GET"): STAFF,
    ("people.import_roster_upload", "POST"): STAFF,
    ("people.import_roster_confirm", "POST"): STAFF,
    ("people.list_fields", "GET"): STAFF,
    ("people.list_fields", "POST"): STAFF,
    ("people.rename_field", "POST"): STAFF,
    ("people.delete_field", "POST"): STAFF,
}


@dataclass(frozen=True)
class World:
    """The records the requests refer to."""

    people: dict
    field_id: int

    @property
    def resident(self):
        return self.people["resident"]


NEW_PASSWORD = "a fresh passphrase 42"
ROSTER = "email,first_name,last_name,roles\nnew.faculty@example.org,Nora,Faculty,faculty\n"

# Forms that let an allowed persona's POST succeed; a POST without an entry sends only the CSRF token.
BODIES = {
    ("people.login", "POST"): lambda w: {"email": w.resident.email, "password": PASSWORD},
    ("people.change_password", "POST"): lambda w: {
        "current_password": PASSWORD,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    },
    ("people.request_reset", "POST"): lambda w: {"email": w.resident.email},
    ("people.reset_password", "POST"): lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ("people.accept_invitation", "POST"): lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ("people.create_person", "POST"): lambda w: {
        "email": "new.person@example.org",
        "first_name": "Nell",
        "last_name": "Person",
        "roles": "faculty",
    },
    ("people.edit_person", "POST"): lambda w: {
        "email": w.resident.email,
        "first_name": w.resident.first_name,
        "last_name": "Renamed",
        "roles": "resident",
        "program": w.resident.program,
        "training_start_year": str(w.resident.training_start_year),
    },
    ("people.import_roster_upload", "POST"): lambda w: {
        "file": (io.BytesIO(ROSTER.encode()), "roster.csv"),
    },
    ("people.import_roster_confirm", "POST"): lambda w: {"csv_text": ROSTER},
    ("people.list_fields", "POST"): lambda w: {"name": "Nephrology"},
    ("people.rename_field", "POST"): lambda w: {"name": "Renamed field"},
}


def routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in IGNORED_ENDPOINTS
        for method in rule.methods - IGNORED_METHODS
    }


def url_for_route(app, endpoint: str, method: str, world: World) -> str:
    rule = next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods)
    known = {
        "person_id": world.resident.id,
        "field_id": world.field_id,
        "secret": "not-a-real-link-secret",
    }
    missing = rule.arguments - set(known)
    assert not missing, f"{endpoint} needs values for {missing}: add them to url_for_route"
    return app.url_map.bind("localhost").build(
        endpoint, {name: known[name] for name in rule.arguments}, method=method
    )


def outcome_of(response) -> str:
    status = response.status_code
    if 300 <= status < 400:
        location = urlsplit(response.location)
        asks_to_sign_in = location.path == "/login" and "next" in parse_qs(location.query)
        return "login" if asks_to_sign_in else "ok"
    if 200 <= status < 300:
        return "ok"
    return {400: "bad", 403: "forbidden", 404: "hidden"}.get(status, f"status {status}")


@pytest.fixture
def world(app, personas):
    with app.app_context():
        field = Field(name="Cardiology")
        db.session.add(field)
        db.session.commit()
        field_id = field.id
        db.session.remove()
    return World(people=personas, field_id=field_id)


def send(client, method: str, url: str, body: dict | None, *, csrf: bool = True):
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, data=body or {}, csrf=csrf)
    raise AssertionError(f"add a way to send {method} requests")


CELLS = [
    pytest.param(endpoint, method, persona, row[persona], id=f"{endpoint}-{method}-{persona}")
    for (endpoint, method), row in sorted(MATRIX.items())
    for persona in PERSONAS
]
POST_ROUTES = sorted(key for key in MATRIX if key[1] == "POST")


def test_every_route_has_a_row_in_the_matrix(app):
    missing = sorted(routes(app) - set(MATRIX))
    assert not missing, f"routes without a row in MATRIX: {missing}"


def test_every_matrix_row_names_an_existing_route(app):
    stale = sorted(set(MATRIX) - routes(app))
    assert not stale, f"MATRIX rows for routes that no longer exist: {stale}"
    assert set(BODIES) <= set(MATRIX), f"BODIES for unknown routes: {sorted(set(BODIES) - set(MATRIX))}"


def test_every_matrix_row_names_each_persona_once():
    for key, expected in MATRIX.items():
        assert set(expected) == set(PERSONAS), key
        assert set(expected.values()) <= {"ok", "login", "forbidden", "hidden", "bad"}, key


@pytest.mark.parametrize(("endpoint", "method", "persona", "expected"), CELLS)
def test_route_gives_persona_the_declared_outcome(
    app, client, login_as, world, endpoint, method, persona, expected
):
    if persona != "anonymous":
        login_as(world.people[persona])
    url = url_for_route(app, endpoint, method, world)
    body = BODIES.get((endpoint, method), lambda w: None)(world)
    before = database_state(app) if method == "GET" else None

    response = send(client, method, url, body)

    assert outcome_of(response) == expected, (
        f"{persona} {method} {url}: {response.status_code} {response.location or ''}"
    )
    if method == "GET":
        assert database_state(app) == before, f"GET {url} changed the database"


@pytest.mark.parametrize(("endpoint", "method"), POST_ROUTES, ids=[f"{e}-{m}" for e, m in POST_ROUTES])
def test_post_without_csrf_token_is_refused_and_changes_nothing(
    app, client, login_as, world, endpoint, method
):
    login_as(world.people["coordinator"])
    url = url_for_route(app, endpoint, method, world)
    body = BODIES.get((endpoint, method), lambda w: None)(world)
    before = database_state(app)

    response = send(client, method, url, body, csrf=False)

    assert response.status_code == 400, f"POST {url} without a CSRF token gave {response.status_code}"
    assert database_state(app) == before
