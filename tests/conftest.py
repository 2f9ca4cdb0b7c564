"""Shared fixtures: the app on SQLite or PostgreSQL, clients with CSRF tokens, and factories."""

import contextvars
import functools
import hashlib
import os

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from tests.support import empty_tables, fresh_postgres_database
from wellness import create_app
from wellness.config import TestConfig
from wellness.events.groups import ensure_kinds
from wellness.extensions import db as _db
from wellness.extensions import limiter
from wellness.people.models import Person
from wellness.people.security import hash_password
from wellness.people.services import ensure_roles, resolve_fields

pytest_plugins = ["tests.smtp"]  # the `inbox` fixture: a real local SMTP server

PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed once per session: every test person has it, and argon2 salts make any hash verify."""
    return hash_password(PASSWORD)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    with fresh_postgres_database(POSTGRES_URL, "wellness_test") as url:
        yield url


class CsrfClient(FlaskClient):
    """A test client that adds a valid CSRF token to form posts unless told not to (csrf=False).

    Each request runs in a context of its own, as in a real server: it never shares the test's app
    context, so it gets its own database session and its own signed-in user.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            if "csrf_token" not in session:
                session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
            raw = session["csrf_token"]
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def _app(database_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        # A browser context fetches the styles, scripts and fonts once rather than on every page.
        SEND_FILE_MAX_AGE_DEFAULT = 3600

    app = create_app(Config)
    app.test_client_class = CsrfClient
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


def _empty_tables():
    empty_tables(_db.session)
    _db.session.commit()


@pytest.fixture
def app(_app):
    """The application with an empty database (roles present) and fresh rate-limit counters."""
    with _app.app_context():
        _empty_tables()
        ensure_roles()
        ensure_kinds()
        _db.session.commit()
        limiter.reset()
    yield _app
    with _app.app_context():
        _db.session.remove()


@pytest.fixture
def db(app):
    """The database handle inside an app context, for checking what requests wrote."""
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


def person_factory(app):
    """make_person's factory, also for fixtures of a wider scope that build on the session's app."""
    counter = iter(range(1, 10_000))

    def make(*roles, email=None, first_name=None, last_name="Tester", fields=(), password=True, **extra):
        roles = roles or ("resident",)
        n = next(counter)
        if "resident" in roles:
            extra.setdefault("program", "categorical")
            extra.setdefault("training_start_year", 2025)
        with app.app_context():
            role_rows = ensure_roles()
            person = Person(
                email=email or f"{roles[0]}{n}@example.org",
                first_name=first_name or f"{roles[0].capitalize()}{n}",
                last_name=last_name,
                roles=[role_rows[r] for r in roles],
                password_hash=password_hash() if password else None,
                fields=resolve_fields(fields),
                **extra,
            )
            _db.session.add(person)
            _db.session.commit()
            _db.session.refresh(person)
            _ = (person.roles, person.fields)  # load before detaching
            _db.session.expunge(person)
            return person

    return make


@pytest.fixture
def make_person(app):
    """Create a person and return it detached with its columns loaded.

    make_person("coordinator"), make_person("resident", program="primary_care", training_start_year=2025)
    """
    return person_factory(app)


@pytest.fixture
def login_as(client):
    """Sign the test client in as `person` the way Flask-Login does after a password check."""

    def login(person):
        with client.session_transaction() as session:
            session["_user_id"] = person.get_id()
            session["_fresh"] = True
        return client

    return login


PERSONAS = ("anonymous", "resident", "other_resident", "faculty", "coordinator", "admin")


@pytest.fixture
def personas(make_person):
    """One person for each persona of the authorization matrix (anonymous is None)."""
    return make_personas(make_person)


def make_personas(make_person) -> dict:
    """The personas of the authorization matrix, made with a make_person factory."""
    return {
        "anonymous": None,
        "resident": make_person("resident", program="primary_care"),
        "other_resident": make_person("resident"),
        "faculty": make_person("faculty", coach_capacity=3),
        "coordinator": make_person("coordinator"),
        "admin": make_person("admin"),
    }


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL pass, leave out the tests of pure modules (marked `pure`): the SQLite pass runs them."""
    if POSTGRES_URL:
        pure = [item for item in items if item.get_closest_marker("pure")]
        config.hook.pytest_deselected(items=pure)
        items[:] = [item for item in items if not item.get_closest_marker("pure")]
