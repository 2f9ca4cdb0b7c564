"""Event fixtures: events made through the services as a coordinator, groups, and answers.

The factories work in the test's session when the test holds an application context (the `db`
fixture), and return attached objects; otherwise they open a context of their own and return
detached objects with their columns loaded, as make_person does, so view tests can make requests.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import has_app_context
from sqlalchemy import select

from tests.support import alerts, fetch, field_errors, text_of  # noqa: F401 - shared by this package
from wellness.audit import AuditEntry
from wellness.events import seats, services
from wellness.events.models import Event, EventKind, Group, Rsvp
from wellness.extensions import db
from wellness.notifications.models import Notice
from wellness.people.models import Person

TZ = "America/New_York"


def program_today() -> date:
    return datetime.now(ZoneInfo(TZ)).date()


def at(day: date, hour: int = 18, minute: int = 0) -> datetime:
    """The UTC moment of a wall-clock time in the program time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(TZ)).astimezone(UTC)


def in_days(days: int, hour: int = 18) -> datetime:
    return at(program_today() + timedelta(days=days), hour)


@contextmanager
def session_for(app):
    """(session, detach): the test's own session when it holds a context, else a fresh one."""
    if has_app_context():
        # On SQLite a transaction reads from one snapshot: end the test's, so that rows other
        # contexts committed since (make_person) are visible.
        db.session.commit()
        yield db.session, False
        return
    with app.app_context():
        try:
            yield db.session, True
        finally:
            db.session.remove()


def _detach(session, *objects):
    for obj in objects:
        session.refresh(obj)
        if isinstance(obj, Event):
            _ = (obj.kind, obj.organisers, obj.groups)
        if isinstance(obj, Group):
            _ = obj.members
        if isinstance(obj, Rsvp):
            _ = obj.person
    for obj in objects:
        session.expunge(obj)


def person_in(session, person) -> Person:
    return session.get(Person, person.id)


@pytest.fixture
def coordinator(make_person):
    return make_person("coordinator", first_name="Cora", last_name="Ordinator")


@pytest.fixture
def make_event(app, coordinator):
    """Create an event through create_event (and publish_event / cancel_event) as a coordinator.

    make_event(capacity=2, allows_guests=True, max_guests=2, status="draft", kind="retreat")
    Any EventData field may be given; ends_at defaults to three hours after starts_at, which
    defaults to 6 PM a week from today. `group_ids` may name groups made with make_group.
    """
    numbers = iter(range(1, 100_000))

    def make(*, status: str = "published", kind: str = "social", actor=None, **details) -> Event:
        n = next(numbers)
        details.setdefault("title", f"Team dinner {n}")
        details.setdefault("starts_at", in_days(7))
        details.setdefault("ends_at", details["starts_at"] + timedelta(hours=3))
        details["programs"] = tuple(details.get("programs", ()))
        details["levels"] = tuple(details.get("levels", ()))
        details["group_ids"] = tuple(details.get("group_ids", ()))
        if details["programs"] or details["levels"] or details["group_ids"]:
            details.setdefault("is_for_everyone", False)
        with session_for(app) as (session, detach):
            who = person_in(session, actor or coordinator)
            kind_id = session.scalar(select(EventKind.id).where(EventKind.slug == kind))
            event = services.create_event(who, services.EventData(kind_id=kind_id, **details))
            session.commit()  # each step is a request of its own: the seat lock must come first
            if status in ("published", "cancelled"):
                event = services.publish_event(who, event)
                session.commit()
            if status == "cancelled":
                services.cancel_event(who, event)
                session.commit()
            if detach:
                _detach(session, event)
            return event

    return make


@pytest.fixture
def make_group(app, coordinator):
    """Create a group with these members (people from make_person); returns it."""
    numbers = iter(range(1, 100_000))

    def make(name: str | None = None, members=()) -> Group:
        from wellness.events import groups

        with session_for(app) as (session, detach):
            who = person_in(session, coordinator)
            group = groups.save_group(who, None, name or f"Group {next(numbers)}", "")
            if members:
                groups.add_members(who, group, " ".join(person.email for person in members))
            session.commit()
            if detach:
                _detach(session, group)
            return group

    return make


@dataclass(frozen=True)
class Answered:
    rsvp_id: int
    response: str
    guests: int
    position: int | None


@pytest.fixture
def answer(app):
    """Answer an event for `person` through record_rsvp (as `actor`, by default the person) and commit.

    answer(event, person, "going", guests=1) -> Answered(rsvp_id, response, guests, position)
    """

    def answer(event, person, response: str = "going", guests: int = 0, *, actor=None, now=None) -> Answered:
        with session_for(app) as (session, _detach_unused):
            outcome = seats.record_rsvp(
                person_in(session, actor or person),
                session.get(Event, event.id),
                person_in(session, person),
                response,
                guests,
                now=now,
            )
            session.commit()
            rsvp = outcome.rsvp
            return Answered(rsvp.id, rsvp.response, rsvp.guests, outcome.position)

    return answer


# --- reading back what happened ---------------------------------------------------------------


def answers(app, event_id: int) -> dict[str, tuple[str, int]]:
    """Each person's answer to the event by e-mail: (response, guests)."""
    return {
        rsvp.person.email: (rsvp.response, rsvp.guests)
        for rsvp in fetch(app, select(Rsvp).where(Rsvp.event_id == event_id))
    }


def event_row(app, event_id: int) -> Event:
    [event] = fetch(app, select(Event).where(Event.id == event_id))
    return event


def notices(app, kind: str | None = None) -> list[tuple[int, str]]:
    """(person id, kind) of every notice, optionally of one kind, in writing order."""
    query = select(Notice).order_by(Notice.id)
    if kind:
        query = query.where(Notice.kind == kind)
    return [(notice.person_id, notice.kind) for notice in fetch(app, query)]


def audit_actions(app, event_id: int) -> list[str]:
    """The audited actions on the event, oldest first."""
    query = (
        select(AuditEntry.action)
        .where(AuditEntry.subject_type == "event", AuditEntry.subject_id == event_id)
        .order_by(AuditEntry.id)
    )
    return fetch(app, query)
