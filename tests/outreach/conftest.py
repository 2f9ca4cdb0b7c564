"""Outreach fixtures: projects proposed, decided and organised through the services, shifts and volunteers.

Like tests/events/conftest.py, the factories work in the test's session when the test holds an
application context (the `db` fixture) and return attached objects; otherwise each call is a
request of its own (its own context and session, committed) and returns detached objects with
their columns loaded. A refused call rolls back and raises, so a test can compare the database
before and after. The actor defaults to whoever a request would come from: the volunteer for
their own slot, the project's proposer for organising, the coordinator for deciding.
"""

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.events import conftest as events_fixtures
from tests.events.conftest import TZ, at, person_in, program_today, session_for  # noqa: F401
from tests.retreats import conftest as retreat_fixtures
from tests.support import fetch
from wellness.audit import AuditEntry
from wellness.notifications.models import Notice
from wellness.outreach import services, shifts
from wellness.outreach.models import ExtraHours, Project, Shift, ShiftSignup, project_organisers
from wellness.people.models import Person

# The events' and retreats' fixtures, shared by this package (clashes with events and sessions).
answer = events_fixtures.answer
coordinator = events_fixtures.coordinator
make_event = events_fixtures.make_event
make_group = events_fixtures.make_group
make_retreat = retreat_fixtures.make_retreat
make_session = retreat_fixtures.make_session
sign_up = retreat_fixtures.sign_up  # a place in a retreat session, not a shift: see `volunteer`

PARTNER = "Grace Community Kitchen"
ADDRESS = "12 Elm Street, Springfield"


def first_day() -> date:
    """The default project's first day: a month from today."""
    return program_today() + timedelta(days=30)


def on(project, hour: int, minute: int = 0, *, day: int = 0) -> datetime:
    """The UTC moment of a wall-clock time on the project's first day (or `day` days later)."""
    return at(project.starts_on + timedelta(days=day), hour, minute)


def _detach(session, *objects) -> None:
    for obj in objects:
        session.refresh(obj)
        if isinstance(obj, Project):
            _ = (obj.organisers, obj.shifts, obj.proposed_by)
        if isinstance(obj, Shift):
            _ = obj.project
        if isinstance(obj, ShiftSignup):
            _ = (obj.shift, obj.person)
        if isinstance(obj, ExtraHours):
            _ = obj.signup
    session.expunge_all()


def _project_actor(session, actor, project_id: int) -> Person:
    """`actor` in this session, or the project's proposer (its first organiser) when none is given."""
    if actor is not None:
        return person_in(session, actor)
    return session.get(Project, project_id).proposed_by


@pytest.fixture
def organiser(make_person):
    """The resident who proposes (and so organises) the default projects."""
    return make_person("resident", first_name="Olive", last_name="Organiser", email="olive@example.org")


@pytest.fixture
def residents(make_person):
    """n residents."""

    def make(n: int, **columns):
        return [make_person("resident", **columns) for _ in range(n)]

    return make


def project_data(**details) -> services.ProjectData:
    """The details a proposal form would give, defaults filled in: three days from a month from today."""
    details.setdefault("kind", "meal_service")
    details.setdefault("partner_name", PARTNER)
    details.setdefault("partner_address", ADDRESS)
    details.setdefault("starts_on", first_day())
    details.setdefault("ends_on", details["starts_on"] + timedelta(days=2))
    details.setdefault("description", "Cooking and serving a hot supper.")
    return services.ProjectData(**details)


def data_of(project: Project, **changes) -> services.ProjectData:
    """The project's details as its edit form would give them back, with some changed."""
    data = services.ProjectData(
        title=project.title,
        kind=project.kind,
        partner_name=project.partner_name,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        partner_address=project.partner_address,
        description=project.description,
    )
    return replace(data, **changes)


@pytest.fixture
def propose(app):
    """A resident proposes a project through propose_project; commit.

    propose(person, title="Soup kitchen", kind="meal_service", starts_on=date(...)); any ProjectData field.
    """
    numbers = iter(range(1, 100_000))

    def make(person, **details) -> Project:
        details.setdefault("title", f"Soup kitchen {next(numbers)}")
        with session_for(app) as (session, detach):
            project = services.propose_project(person_in(session, person), project_data(**details))
            session.commit()
            if detach:
                _detach(session, project)
            return project

    return make


@pytest.fixture
def decide(app, coordinator):
    """Approve or decline a project through decide_project as the coordinator (or `actor`); commit."""

    def make(project, approve: bool = True, reason: str = "", *, actor=None) -> Project:
        with session_for(app) as (session, detach):
            decided = services.decide_project(
                person_in(session, actor or coordinator), session.get(Project, project.id), approve, reason
            )
            session.commit()
            if detach:
                _detach(session, decided)
            return decided

    return make


@pytest.fixture
def approve(decide):
    """Approve a project as the coordinator."""

    def make(project) -> Project:
        return decide(project, True)

    return make


@pytest.fixture
def make_project(organiser, propose, approve):
    """An approved project proposed by `organiser` (or `by`), three days from a month from today."""

    def make(*, by=None, **details) -> Project:
        return approve(propose(by or organiser, **details))

    return make


@pytest.fixture
def update_project(app):
    """Change some of a project's details through update_project as its proposer (or `actor`); commit."""

    def update(project, *, actor=None, **changes) -> Project:
        with session_for(app) as (session, detach):
            stored = session.get(Project, project.id)
            updated = services.update_project(
                _project_actor(session, actor, project.id), stored, data_of(stored, **changes)
            )
            session.commit()
            if detach:
                _detach(session, updated)
            return updated

    return update


@pytest.fixture
def add_organiser(app):
    """Add a co-organiser by e-mail through add_organiser as the proposer (or `actor`); commit."""

    def add(project, email: str, *, actor=None) -> int:
        with session_for(app) as (session, _detach_unused):
            person = services.add_organiser(
                _project_actor(session, actor, project.id), session.get(Project, project.id), email
            )
            session.commit()
            return person.id

    return add


@pytest.fixture
def record_amount(app):
    """Record what a project raised through record_amount as the proposer (or `actor`); commit."""

    def record(project, amount, *, actor=None) -> Decimal:
        with session_for(app) as (session, _detach_unused):
            stored = services.record_amount(
                _project_actor(session, actor, project.id), session.get(Project, project.id), Decimal(amount)
            )
            session.commit()
            return stored.amount_raised

    return record


@pytest.fixture
def make_shift(app):
    """Add a shift to a project through add_shift as its proposer (or `actor`); commit.

    make_shift(project, role="Prep", starts_at=on(project, 16), ends_at=..., slots=4); the shift
    defaults to "Prep", 16:00 to 17:30 on the project's first day, with 4 slots.
    """

    def make(project, *, actor=None, **details) -> Shift:
        details.setdefault("role", "Prep")
        details.setdefault("starts_at", on(project, 16))
        details.setdefault("ends_at", details["starts_at"] + timedelta(minutes=90))
        details.setdefault("slots", 4)
        with session_for(app) as (session, detach):
            shift = services.add_shift(
                _project_actor(session, actor, project.id),
                session.get(Project, project.id),
                services.ShiftData(**details),
            )
            session.commit()
            if detach:
                _detach(session, shift)
            return shift

    return make


def _as_person(session, actor, person) -> Person:
    return person_in(session, actor or person)


@pytest.fixture
def volunteer(app):
    """Take a slot in a shift for `person` through sign_up_for_shift (as `actor`, by default the person)."""

    def take(shift, person, *, actor=None, now=None) -> ShiftSignup:
        with session_for(app) as (session, detach):
            signup = shifts.sign_up_for_shift(
                _as_person(session, actor, person),
                session.get(Shift, shift.id),
                person_in(session, person),
                now,
            )
            session.commit()
            if detach:
                _detach(session, signup)
            return signup

    return take


@pytest.fixture
def drop(app):
    """Give up `person`'s slot through drop_shift (as `actor`, by default the person); returns its answer."""

    def give_up(shift, person, *, actor=None, now=None) -> bool:
        with session_for(app) as (session, _detach_unused):
            dropped = shifts.drop_shift(
                _as_person(session, actor, person),
                session.get(Shift, shift.id),
                person_in(session, person),
                now,
            )
            session.commit()
            return dropped

    return give_up


@pytest.fixture
def offer(app):
    """Offer `person`'s slot to anyone through offer_shift; returns the sign-up (its id is the offer's)."""

    def make(shift, person, *, actor=None, now=None) -> ShiftSignup:
        with session_for(app) as (session, detach):
            signup = shifts.offer_shift(
                _as_person(session, actor, person),
                session.get(Shift, shift.id),
                person_in(session, person),
                now,
            )
            session.commit()
            if detach:
                _detach(session, signup)
            return signup

    return make


@pytest.fixture
def take(app):
    """`person` takes the slot offered in sign-up `offer_id` through take_offered_shift; commit."""

    def make(shift, person, offer_id: int, *, actor=None, now=None) -> ShiftSignup:
        with session_for(app) as (session, detach):
            taken = shifts.take_offered_shift(
                _as_person(session, actor, person),
                session.get(Shift, shift.id),
                person_in(session, person),
                offer_id,
                now,
            )
            session.commit()
            if detach:
                _detach(session, taken)
            return taken

    return make


@pytest.fixture
def confirm(app):
    """Confirm who came through confirm_attendance as the proposer (or `actor`); by default an hour after the end."""

    def make(shift, present=(), *, actor=None, now=None) -> int:
        with session_for(app) as (session, _detach_unused):
            stored = session.get(Shift, shift.id)
            came = shifts.confirm_attendance(
                _project_actor(session, actor, stored.project_id),
                stored,
                {person.id for person in present},
                now or stored.ends_at + timedelta(hours=1),
            )
            session.commit()
            return came

    return make


@pytest.fixture
def log_hours(app):
    """`person` logs extra hours for a shift through log_extra_hours; returns the ExtraHours row."""

    def log(shift, person, hours, note: str = "") -> ExtraHours:
        with session_for(app) as (session, detach):
            extra = shifts.log_extra_hours(
                person_in(session, person), session.get(Shift, shift.id), Decimal(hours), note
            )
            session.commit()
            if detach:
                _detach(session, extra)
            return extra

    return log


@pytest.fixture
def decide_hours(app):
    """Approve or decline logged hours through decide_extra_hours as the proposer (or `actor`); commit."""

    def decide(extra, approve: bool = True, *, actor=None) -> str:
        with session_for(app) as (session, _detach_unused):
            stored = session.get(ExtraHours, extra.id)
            decided = shifts.decide_extra_hours(
                _project_actor(session, actor, stored.signup.shift.project_id), stored, approve
            )
            session.commit()
            return decided.status

    return decide


# --- reading back what happened ---------------------------------------------------------------


def project_row(app, project_id: int) -> Project:
    [project] = fetch(app, select(Project).where(Project.id == project_id))
    return project


def organiser_ids(app, project_id: int) -> set[int]:
    return set(
        fetch(
            app, select(project_organisers.c.person_id).where(project_organisers.c.project_id == project_id)
        )
    )


def shift_rows(app, project_id: int) -> list[Shift]:
    return fetch(app, select(Shift).where(Shift.project_id == project_id).order_by(Shift.starts_at))


def volunteer_ids(app, shift_id: int) -> set[int]:
    """The ids of the people with a slot in the shift."""
    return set(fetch(app, select(ShiftSignup.person_id).where(ShiftSignup.shift_id == shift_id)))


def signup_rows(app, shift_id: int) -> dict[int, ShiftSignup]:
    """The shift's sign-ups by person id."""
    return {
        signup.person_id: signup
        for signup in fetch(app, select(ShiftSignup).where(ShiftSignup.shift_id == shift_id))
    }


def notices(app, kind: str | None = None) -> list[tuple[int, str, str]]:
    """(person id, kind, subject) of every notice, optionally of one kind, in writing order."""
    query = select(Notice).order_by(Notice.id)
    if kind:
        query = query.where(Notice.kind == kind)
    return [(notice.person_id, notice.kind, notice.subject) for notice in fetch(app, query)]


def notice_bodies(app, person_id: int, kind: str) -> list[str]:
    query = select(Notice.body).where(Notice.person_id == person_id, Notice.kind == kind).order_by(Notice.id)
    return fetch(app, query)


def audit_actions(app, project_id: int) -> list[str]:
    """The audited actions on the project, oldest first."""
    query = (
        select(AuditEntry.action)
        .where(AuditEntry.subject_type == "outreach_project", AuditEntry.subject_id == project_id)
        .order_by(AuditEntry.id)
    )
    return fetch(app, query)
