"""Who came: lists for the door, the printable roster, CSV export and no-show counts."""

from sqlalchemy import case, func, select

from ..dates import utcnow
from ..extensions import db
from ..people.models import Person
from ..spreadsheets import csv_text
from .display import local_text
from .models import Event, Rsvp

RESPONSE_ORDER = {"going": 0, "waitlisted": 1, "maybe": 2, "not_going": 3}


def attendees(event: Event, q: str = "", responses=("going",)) -> list[Rsvp]:
    """RSVPs of the event with the given answers, by last name; q matches names and addresses."""
    query = (
        select(Rsvp)
        .join(Person, Person.id == Rsvp.person_id)
        .where(Rsvp.event_id == event.id, Rsvp.response.in_(responses))
        .order_by(Person.last_name, Person.first_name, Person.id)
    )
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(
            func.lower(Person.first_name + " " + Person.last_name).like(like) | Person.email.like(like)
        )
    rows = list(db.session.scalars(query))
    return sorted(rows, key=lambda r: RESPONSE_ORDER[r.response]) if len(responses) > 1 else rows


def rsvps_csv(event: Event, tz_name: str) -> str:
    """Every RSVP with its answer, guests, waitlist position and check-in, as CSV text."""
    from .seats import waitlist_positions

    positions = waitlist_positions(event.id)
    day = event.starts_at.date()
    return csv_text(
        ["last_name", "first_name", "email", "program", "level", "response", "guests", "waitlist_position",
         "answered_at", "checked_in", "checked_in_at"],
        ([rsvp.person.last_name, rsvp.person.first_name, rsvp.person.email, rsvp.person.program_label,
          rsvp.person.training_status_on(day), rsvp.response, rsvp.guests, positions.get(rsvp.id, ""),
          local_text(rsvp.responded_at, tz_name), "yes" if rsvp.checked_in_at else "no",
          local_text(rsvp.checked_in_at, tz_name) if rsvp.checked_in_at else ""]
         for rsvp in attendees(event, responses=tuple(RESPONSE_ORDER))),
    )  # fmt: skip


def no_show_counts(limit: int = 200) -> list[tuple[Person, int, int]]:
    """(person, no-shows, events attended) for people who missed at least one past event.

    Only past events where check-in was used (at least one person checked in) count, so an
    event nobody took attendance at never marks its guests absent. Most no-shows first.
    """
    checked_events = (
        select(Rsvp.event_id)
        .join(Event, Event.id == Rsvp.event_id)
        .where(Event.ends_at < utcnow(), Event.status == "published", Rsvp.checked_in_at.is_not(None))
        .distinct()
        .subquery()
    )
    missed = func.sum(case((Rsvp.checked_in_at.is_(None), 1), else_=0))
    rows = db.session.execute(
        select(Rsvp.person_id, missed.label("missed"), func.count(Rsvp.checked_in_at).label("came"))
        .join(checked_events, checked_events.c.event_id == Rsvp.event_id)
        .where(Rsvp.response == "going")
        .group_by(Rsvp.person_id)
        .having(missed > 0)
    ).all()
    people = {
        p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_([r.person_id for r in rows])))
    }
    table = [(people[r.person_id], int(r.missed), int(r.came)) for r in rows]
    table.sort(key=lambda row: (-row[1], row[0].last_name, row[0].first_name))
    return table[:limit]
