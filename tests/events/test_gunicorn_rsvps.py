"""No overbooking through a real multi-worker gunicorn: fifty people signed in over HTTP answer at once.

The server is `gunicorn -w 4 app:app` on a database of its own (a SQLite file, or a fresh PostgreSQL
database when TEST_DATABASE_URL is set), configured from the environment as in production. The test
process writes the people and events through the services and reads back what the server wrote.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.events.test_concurrency import assert_seats_sound, release_together, seat_state
from tests.serving import CSRF, Gunicorn, start_gunicorn
from tests.support import fresh_postgres_database
from wellness import create_app
from wellness.config import TestConfig
from wellness.dates import utcnow
from wellness.events.groups import ensure_kinds
from wellness.events.models import EventKind
from wellness.events.services import EventData, create_event, publish_event
from wellness.extensions import db
from wellness.feeds.tokens import issue_feed_token
from wellness.people.models import Person
from wellness.people.security import hash_password
from wellness.people.services import ensure_roles

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
WORKERS = 4
PEOPLE = 50
CAPACITY = 10


@dataclass
class Server:
    gunicorn: Gunicorn
    app: object  # an application on the server's database, for setting up and reading back
    access_log: Path
    coordinator_id: int
    emails: list[str]

    @property
    def base_url(self) -> str:
        return self.gunicorn.base_url

    def logs(self) -> str:
        return self.gunicorn.logs()


def _populate(database_url: str):
    """Create the schema, the roles and kinds, 50 residents and a coordinator; returns (app, ids...)."""

    class SetupConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(SetupConfig)
    with app.app_context():
        db.create_all()
        roles = ensure_roles()
        ensure_kinds()
        password_hash = hash_password(PASSWORD)  # cheap parameters (TestConfig); verifying reads them
        residents = [
            Person(
                email=f"resident{n}@example.org",
                first_name=f"Resident{n}",
                last_name="Tester",
                roles=[roles["resident"]],
                program="categorical",
                training_start_year=2025,
                password_hash=password_hash,
            )
            for n in range(PEOPLE)
        ]
        coordinator = Person(
            email="coordinator@example.org",
            first_name="Casey",
            last_name="Tester",
            roles=[roles["coordinator"]],
            password_hash=password_hash,
        )
        db.session.add_all([*residents, coordinator])
        db.session.commit()
        ids = coordinator.id, [person.email for person in residents]
        db.session.remove()
    return app, *ids


def new_published_event(app, coordinator_id: int) -> int:
    """Create and publish, through the services, a 10-seat event next week for everyone; returns its id."""
    with app.app_context():
        actor = db.session.get(Person, coordinator_id)
        kind = db.session.scalar(select(EventKind).where(EventKind.slug == "social"))
        starts_at = utcnow().replace(microsecond=0) + timedelta(days=7)
        data = EventData(
            title="Residency-wide baseball game",
            kind_id=kind.id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            capacity=CAPACITY,
            has_waitlist=True,
        )
        event = create_event(actor, data)
        db.session.commit()  # publishing locks the event, which must come before any write
        publish_event(actor, event)
        db.session.commit()
        event_id = event.id
        db.session.remove()
    return event_id


def _dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with four workers on a database of its own, holding 50 residents and a coordinator."""
    workdir = tmp_path_factory.mktemp("gunicorn")
    with ExitStack() as cleanup:
        if POSTGRES_URL:
            database_url = cleanup.enter_context(fresh_postgres_database(POSTGRES_URL, "wellness_gunicorn"))
        else:
            database_url = f"sqlite:///{workdir / 'wellness.sqlite3'}"
        app, coordinator_id, emails = _populate(database_url)
        cleanup.callback(_dispose, app)
        access_log = workdir / "access.log"
        log_args = ("--access-logfile", str(access_log), "--access-logformat", '%(p)s "%(r)s" %(s)s')
        try:
            gunicorn = start_gunicorn(database_url, WORKERS, workdir, log_args)
        except RuntimeError as error:
            pytest.fail(str(error))
        cleanup.callback(gunicorn.stop)
        yield Server(gunicorn, app, access_log, coordinator_id, emails)


def _sign_in_form(server: Server, browser: requests.Session, email: str):
    """The sign-in post for `browser`, with the CSRF token from the sign-in page; -> (status, Location)."""
    page = browser.get(f"{server.base_url}/login", timeout=30)
    data = {"email": email, "password": PASSWORD, "csrf_token": CSRF.search(page.text).group(1)}

    def post() -> tuple[int, str]:
        response = browser.post(f"{server.base_url}/login", data=data, allow_redirects=False, timeout=120)
        return response.status_code, response.headers.get("Location", "")

    return post


@pytest.fixture(scope="module")
def sessions(server):
    """Fifty browsers, each signed in over HTTP as one of the residents (before any barrier)."""
    browsers = [requests.Session() for _ in server.emails]

    def sign_in(browser: requests.Session, email: str) -> None:
        status, _ = _sign_in_form(server, browser, email)()
        assert status == 302, (status, server.logs()[-2000:])

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(sign_in, browsers, server.emails))
    yield browsers
    for browser in browsers:
        browser.close()


def _prepared_rsvp(server: Server, browser: requests.Session, event_id: int):
    """The going post for `browser`, with the CSRF token from the event page as a person would get it."""
    page = browser.get(f"{server.base_url}/events/{event_id}", timeout=30)
    assert page.status_code == 200
    data = {"response": "going", "guests": "0", "csrf_token": CSRF.search(page.text).group(1)}

    def post() -> tuple[int, str]:
        response = browser.post(
            f"{server.base_url}/events/{event_id}/rsvp", data=data, allow_redirects=False, timeout=120
        )
        return response.status_code, response.headers.get("Location", "")

    return post


def _workers_that_answered(server: Server, path: str) -> set[str]:
    lines = server.access_log.read_text().splitlines()
    return {line.split(" ", 1)[0] for line in lines if f"POST {path} " in line}


def test_fifty_people_signing_in_at_once_through_gunicorn_are_all_signed_in(server):
    # Each sign-in writes to the sign-in log; on SQLite a write after a read once failed with
    # "database is locked" when another worker wrote in between.
    log_start = len(server.logs())
    browsers = [requests.Session() for _ in server.emails]
    with ThreadPoolExecutor(WORKERS) as pool:
        posts = list(pool.map(partial(_sign_in_form, server), browsers, server.emails))

    results = release_together(posts)

    assert sorted(status for status, _ in results) == [302] * PEOPLE, server.logs()[log_start:][-4000:]
    pages = [
        browser.get(f"{server.base_url}/events", allow_redirects=False, timeout=30).status_code
        for browser in browsers
    ]
    assert pages == [200] * PEOPLE  # signed in: the event list is not a redirect to the sign-in page
    logs = server.logs()[log_start:]
    assert "database is locked" not in logs
    assert "Traceback" not in logs
    for browser in browsers:
        browser.close()


@pytest.mark.parametrize("round_number", range(2))
def test_fifty_people_answering_at_once_through_gunicorn_get_ten_seats_and_forty_waitlist_places(
    server, sessions, round_number
):
    event_id = new_published_event(server.app, server.coordinator_id)
    log_start = len(server.logs())
    with ThreadPoolExecutor(WORKERS) as pool:
        posts = list(pool.map(lambda browser: _prepared_rsvp(server, browser, event_id), sessions))

    results = release_together(posts)

    statuses = sorted(status for status, _ in results)
    assert statuses == [302] * PEOPLE, server.logs()[log_start:][-4000:]
    assert all(location.endswith(f"/events/{event_id}") for _, location in results)
    state = seat_state(server.app, event_id)
    assert len(state.going) == CAPACITY
    assert len(state.waiting) == PEOPLE - CAPACITY
    assert state.positions == list(range(1, PEOPLE - CAPACITY + 1))
    assert_seats_sound(state)
    logs = server.logs()[log_start:]
    assert "database is locked" not in logs
    assert "Traceback" not in logs
    assert len(_workers_that_answered(server, f"/events/{event_id}/rsvp")) >= 2, "one worker took every post"


def _feed_tokens(server: Server) -> dict[str, str]:
    """A calendar feed address for every resident, by email."""
    with server.app.app_context():
        people = db.session.scalars(select(Person).where(Person.email.in_(server.emails)))
        tokens = {person.email: issue_feed_token(person, person) for person in people}
        db.session.commit()
        db.session.remove()
    return tokens


def test_calendar_polls_during_a_rush_of_answers_all_succeed_and_then_show_each_answer(server, sessions):
    # A poll that rebuilds a feed writes the cache from a GET; on SQLite that write once could meet
    # another worker's commit and fail. Polls race fifty answers here, then each feed must be current.
    event_id = new_published_event(server.app, server.coordinator_id)
    tokens = _feed_tokens(server)
    feed_of = {email: f"{server.base_url}/calendar/{token}.ics" for email, token in tokens.items()}
    for url in feed_of.values():  # cache every feed before the rush, so the rush invalidates them
        assert requests.get(url, timeout=30).status_code == 200
    log_start = len(server.logs())
    with ThreadPoolExecutor(WORKERS) as pool:
        posts = list(pool.map(lambda browser: _prepared_rsvp(server, browser, event_id), sessions))
    polls = [
        partial(lambda url: (requests.get(url, timeout=120).status_code, ""), url) for url in feed_of.values()
    ]

    results = release_together(posts + polls)

    assert sorted(status for status, _ in results[:PEOPLE]) == [302] * PEOPLE
    assert [status for status, _ in results[PEOPLE:]] == [200] * PEOPLE, server.logs()[log_start:][-4000:]
    logs = server.logs()[log_start:]
    assert "Traceback" not in logs
    state = seat_state(server.app, event_id)
    with server.app.app_context():
        email_of = {
            person_id: email for person_id, email in db.session.execute(select(Person.id, Person.email))
        }
        db.session.remove()
    expected = {email_of[person_id]: "Residency-wide baseball game" for person_id in state.going}
    for (person_id, _), position in zip(state.waiting, state.positions, strict=True):
        expected[email_of[person_id]] = f"Waitlist #{position}: Residency-wide baseball game"
    for email, title in expected.items():
        body = requests.get(feed_of[email], timeout=30).text
        summaries = [line for line in body.replace("\r\n ", "").splitlines() if line.startswith("SUMMARY:")]
        assert f"SUMMARY:{title}" in summaries, (email, summaries)
