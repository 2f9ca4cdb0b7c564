"""Retreat fixtures: retreats and their sessions made through the services as a coordinator, and sign-ups.

Like tests/events/conftest.py, the factories work in the test's session when the test holds an
application context (the `db` fixture) and return attached objects; otherwise each call is a
request of its own (its own context and session, committed) and returns detached objects with
their columns loaded. A refused call rolls back and raises, so a test can compare the database
before and after.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.events import conftest as events_fixtures
from tests.events.conftest import TZ, at, in_days, person_in, program_today, session_for  # noqa: F401
from tests.support import fetch
from wellness.dates import local_date
from wellness.events import services as event_services
from wellness.events.models import Event
from wellness.retreats import services, signups
from wellness.retreats.models import RetreatSession, SessionSignup

# The events package's fixtures, shared by this one.
answer = events_fixtures.answer
coordinator = events_fixtures.coordinator
make_event = events_fixtures.make_event


def retreat_day() -> date:
    """The default retreat's day: a month from today."""
    return program_today() + timedelta(days=30)


def on_day(retreat, hour: int, minute: int = 0, *, day: int = 0) -> datetime:
    """The UTC moment of a wall-clock time on the retreat's first day (or `day` days later)."""
    return at(local_date(retreat.starts_at, TZ) + timedelta(days=day), hour, minute)


@pytest.fixture
def residents(make_person):
    """n residents (categorical, PGY-2 this academic year unless told otherwise)."""

    def make(n: int, **columns):
        return [make_person("resident", **columns) for _ in range(n)]

    return make


@pytest.fixture
def faculty(make_person):
    return make_person("faculty", first_name="Fay", last_name="Culty", email="fay.culty@example.org")


@pytest.fixture
def make_retreat(make_event):
    """A retreat (an event of kind "retreat"), by default 9:00 to 17:00 a month from today, for everyone.

    make_retreat(day=date(...), status="draft", capacity=20); any make_event detail may be given.
    """
    numbers = iter(range(1, 100_000))

    def make(*, day: date | None = None, **details) -> Event:
        day = day or retreat_day()
        details.setdefault("title", f"Spring retreat {next(numbers)}")
        details.setdefault("starts_at", at(day, 9))
        details.setdefault("ends_at", at(day, 17))
        details.setdefault("location", "Lakeside Lodge")
        return make_event(kind="retreat", **details)

    return make


@pytest.fixture
def retreat(make_retreat):
    """The retreat most tests use: "Spring retreat" at Lakeside Lodge, 9:00 to 17:00 a month from today."""
    return make_retreat(title="Spring retreat")


@pytest.fixture
def goers(retreat, residents, answer):
    """n residents who have answered going to `retreat`."""

    def make(n: int, **columns):
        people = residents(n, **columns)
        for person in people:
            answer(retreat, person, "going")
        return people

    return make


def _load(session: RetreatSession) -> None:
    _ = (session.event, [(lead.person, lead.display_name) for lead in session.facilitators])


@pytest.fixture
def make_session(app, coordinator):
    """Add a session to a retreat's agenda through add_session as the coordinator (or `actor`).

    make_session(retreat, title="Narrative medicine", starts_at=on_day(retreat, 10), capacity=5)
    Any SessionData field may be given; the session defaults to a one-hour workshop starting an
    hour after the retreat does.
    """
    numbers = iter(range(1, 100_000))

    def make(retreat, *, actor=None, **details) -> RetreatSession:
        details.setdefault("title", f"Workshop {next(numbers)}")
        details.setdefault("format", "workshop")
        details.setdefault("starts_at", retreat.starts_at + timedelta(hours=1))
        details.setdefault("ends_at", details["starts_at"] + timedelta(hours=1))
        for name in ("programs", "levels", "faculty_emails", "guests"):
            details[name] = tuple(details.get(name, ()))
        with session_for(app) as (session, detach):
            added = services.add_session(
                person_in(session, actor or coordinator),
                session.get(Event, retreat.id),
                services.SessionData(**details),
            )
            session.commit()
            if detach:
                session.refresh(added)
                _load(added)
                session.expunge_all()
            return added

    return make


def data_of(session: RetreatSession, **changes) -> services.SessionData:
    """The session's details as its edit form would give them back, with some changed."""
    leads = session.facilitators
    data = services.SessionData(
        title=session.title,
        format=session.format,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=session.room,
        description=session.description,
        capacity=session.capacity,
        has_waitlist=session.has_waitlist,
        programs=tuple(session.program_keys),
        levels=tuple(session.levels),
        faculty_emails=tuple(lead.person.email for lead in leads if lead.person),
        guests=tuple(
            services.Guest(lead.name, lead.title, lead.affiliation) for lead in leads if not lead.person
        ),
    )
    return replace(data, **changes)


@pytest.fixture
def update_session(app, coordinator):
    """Change some of a session's details through update_session as the coordinator (or `actor`); commit."""

    def update(retreat_session, *, actor=None, **changes) -> None:
        with session_for(app) as (session, _detach):
            stored = session.get(RetreatSession, retreat_session.id)
            services.update_session(
                person_in(session, actor or coordinator), stored, data_of(stored, **changes)
            )
            session.commit()

    return update


@pytest.fixture
def remove_session(app, coordinator):
    """Take a session off its agenda through remove_session as the coordinator (or `actor`); commit."""

    def remove(retreat_session, *, actor=None) -> int:
        with session_for(app) as (session, _detach):
            count = services.remove_session(
                person_in(session, actor or coordinator), session.get(RetreatSession, retreat_session.id)
            )
            session.commit()
            return count

    return remove


@pytest.fixture
def cancel_retreat(app, coordinator):
    """Cancel a retreat through cancel_event as the coordinator, keeping its sessions and sign-ups."""

    def cancel(retreat) -> None:
        with session_for(app) as (session, _detach):
            event_services.cancel_event(person_in(session, coordinator), session.get(Event, retreat.id))
            session.commit()

    return cancel


@dataclass(frozen=True)
class Signed:
    """What a sign-up came to: the sign-up's id and status, its waitlist position, whether it changed."""

    signup_id: int
    status: str
    position: int | None
    changed: bool


@pytest.fixture
def sign_up(app):
    """Sign `person` up for a session through signups.sign_up (as `actor`, by default the person); commit.

    sign_up(session, person) -> Signed(signup_id, status, position, changed)
    """

    def sign(retreat_session, person, *, actor=None, now=None) -> Signed:
        with session_for(app) as (session, _detach):
            outcome = signups.sign_up(
                person_in(session, actor or person),
                session.get(RetreatSession, retreat_session.id),
                person_in(session, person),
                now=now,
            )
            session.commit()
            return Signed(outcome.signup.id, outcome.signup.status, outcome.position, outcome.changed)

    return sign


@pytest.fixture
def leave_session(app):
    """Give up a place (or waitlist place) through signups.leave_session and commit; returns its answer."""

    def leave(retreat_session, person, *, actor=None, now=None) -> bool:
        with session_for(app) as (session, _detach):
            left = signups.leave_session(
                person_in(session, actor or person),
                session.get(RetreatSession, retreat_session.id),
                person_in(session, person),
                now=now,
            )
            session.commit()
            return left

    return leave


# --- reading back what happened ---------------------------------------------------------------


def places(app, session_id: int) -> set[int]:
    """The ids of the people with a place in the session."""
    return set(
        fetch(
            app,
            select(SessionSignup.person_id).where(
                SessionSignup.session_id == session_id, SessionSignup.status == "going"
            ),
        )
    )


def waiting(app, session_id: int) -> list[int]:
    """The ids of the people on the session's waitlist, first in line first."""
    return fetch(
        app,
        select(SessionSignup.person_id)
        .where(SessionSignup.session_id == session_id, SessionSignup.status == "waitlisted")
        .order_by(SessionSignup.requested_at, SessionSignup.id),
    )


def session_row(app, session_id: int) -> RetreatSession | None:
    found = fetch(app, select(RetreatSession).where(RetreatSession.id == session_id))
    return found[0] if found else None
