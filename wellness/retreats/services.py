"""Building a retreat's agenda: sessions with their facilitators, and copying last retreat's agenda."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..audit import record
from ..dates import as_local, local_date, local_to_utc, utcnow
from ..errors import NotAllowed, ValidationFailed
from ..events.display import program_tz
from ..events.models import Event, EventKind, Rsvp
from ..events.seats import lock_event
from ..extensions import db
from ..people.models import Person
from ..people.permissions import can_manage_events
from ..people.programs import PROGRAMS
from .models import FORMATS, MAX_SESSION_CAPACITY, RETREAT_KIND, Facilitator, RetreatSession, SessionSignup
from .signups import lock_session, promote_session_waitlist, waitlist_position


@dataclass(frozen=True)
class Guest:
    """An invited facilitator who has no account: a name, a title and an affiliation."""

    name: str
    title: str = ""
    affiliation: str = ""


@dataclass(frozen=True)
class SessionData:
    """A session's details as a form gives them, with times already in UTC.

    `faculty_emails` name facilitators with accounts; `guests` those without.
    """

    title: str
    format: str
    starts_at: datetime
    ends_at: datetime
    room: str = ""
    description: str = ""
    capacity: int | None = None
    has_waitlist: bool = True
    programs: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    faculty_emails: tuple[str, ...] = ()
    guests: tuple[Guest, ...] = ()


def is_retreat(event: Event) -> bool:
    return event.kind is not None and event.kind.slug == RETREAT_KIND


def _check(event: Event, data: SessionData) -> None:
    if not data.title.strip():
        raise ValidationFailed("Give the session a title.", field="title")
    if len(data.title.strip()) > 200:
        raise ValidationFailed("Keep the title to 200 characters or fewer.", field="title")
    if data.format not in FORMATS:
        raise ValidationFailed("Choose a format from the list.", field="format")
    if data.ends_at <= data.starts_at:
        raise ValidationFailed("The session must end after it starts.", field="end_time")
    if data.starts_at < event.starts_at or data.ends_at > event.ends_at:
        raise ValidationFailed(
            "The session must fall within the retreat's dates and times.", field="start_time"
        )
    if data.capacity is not None and not 1 <= data.capacity <= MAX_SESSION_CAPACITY:
        raise ValidationFailed(
            f"Seats must be between 1 and {MAX_SESSION_CAPACITY}, or empty for no limit.", field="capacity"
        )
    if set(data.programs) - set(PROGRAMS) or any(not 1 <= level <= 4 for level in data.levels):
        raise ValidationFailed("Choose programs and levels from the lists.", field="programs")
    if any(not guest.name.strip() for guest in data.guests):
        raise ValidationFailed("Every invited facilitator needs a name.", field="guests")


def _facilitators(data: SessionData) -> list[Facilitator]:
    wanted = [email.strip().lower() for email in data.faculty_emails if email.strip()]
    people = {p.email: p for p in db.session.scalars(select(Person).where(Person.email.in_(wanted)))}
    missing = [email for email in wanted if email not in people or not people[email].is_active]
    if missing:
        raise ValidationFailed(f"No active account has the address {', '.join(missing)}.", field="faculty")
    leads = [Facilitator(person=people[email]) for email in dict.fromkeys(wanted)]
    leads += [
        Facilitator(name=g.name.strip(), title=g.title.strip(), affiliation=g.affiliation.strip())
        for g in data.guests
    ]
    for position, lead in enumerate(leads):
        lead.position = position
    return leads


def _apply(session: RetreatSession, data: SessionData) -> None:
    session.title, session.format = data.title.strip(), data.format
    session.description, session.room = data.description.strip(), data.room.strip()
    session.starts_at, session.ends_at = data.starts_at, data.ends_at
    session.capacity, session.has_waitlist = data.capacity, data.has_waitlist
    session.eligible_programs = ",".join(sorted(set(data.programs)))
    session.eligible_levels = ",".join(str(level) for level in sorted(set(data.levels)))
    session.facilitators = _facilitators(data)
    session.updated_at = utcnow()


def _snapshot(session: RetreatSession) -> dict:
    return {
        "title": session.title,
        "format": session.format,
        "room": session.room,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "capacity": session.capacity,
        "eligibility": session.eligible_programs + "|" + session.eligible_levels,
        "facilitators": [lead.display_name for lead in session.facilitators],
    }


def _require_builder(actor, event: Event) -> None:
    if not can_manage_events(actor):
        raise NotAllowed("Only coordinators build retreat agendas.")
    if not is_retreat(event):
        raise ValidationFailed("Only retreats have an agenda.")


def add_session(actor, event: Event, data: SessionData) -> RetreatSession:
    """Add a session to a retreat's agenda. Raises NotAllowed and ValidationFailed."""
    _require_builder(actor, event)
    _check(event, data)
    session = RetreatSession(event_id=event.id, revision=1)
    _apply(session, data)
    db.session.add(session)
    db.session.flush()
    record(actor, "session.created", "event", event.id, None, _snapshot(session))
    return session


def update_session(actor, session: RetreatSession, data: SessionData) -> RetreatSession:
    """Change a session, keeping its sign-ups. More seats promote from its waitlist at once; fewer
    keep everyone who has a place and give no new ones until enough leave (as for events).
    A change of title, time or room raises the session's revision. Raises NotAllowed, ValidationFailed.
    """
    _require_builder(actor, session.event)
    _check(session.event, data)
    lock_event(session.event_id)
    session = lock_session(session.id)
    waiting = sum(1 for signup in session_signups(session.id) if signup.status == "waitlisted")
    if waiting and not data.has_waitlist:
        raise ValidationFailed(
            f"{waiting} {'person is' if waiting == 1 else 'people are'} on the waitlist. "
            "Give them places or raise the seats before turning it off.",
            field="has_waitlist",
        )
    before = _snapshot(session)
    _apply(session, data)
    after = _snapshot(session)
    if any(before[name] != after[name] for name in ("title", "room", "starts_at", "ends_at")):
        session.revision += 1
    promote_session_waitlist(actor, session, utcnow())
    record(actor, "session.updated", "event", session.event_id, before, after)
    return session


def remove_session(actor, session: RetreatSession) -> int:
    """Take a session off the agenda; returns how many sign-ups it had. Raises NotAllowed."""
    _require_builder(actor, session.event)
    lock_event(session.event_id)
    session = lock_session(session.id)
    signups = session_signups(session.id)
    record(actor, "session.deleted", "event", session.event_id, _snapshot(session), None)
    # Deleted one by one (not by the database's cascade) so the calendar watchers see whose
    # feeds lose the session.
    for signup in signups:
        db.session.delete(signup)
    db.session.delete(session)
    db.session.flush()
    return len(signups)


def session_signups(session_id: int) -> list[SessionSignup]:
    """Everyone with a place or a waitlist place in the session, places first, each in arrival order."""
    return list(
        db.session.scalars(
            select(SessionSignup)
            .where(SessionSignup.session_id == session_id)
            .order_by(SessionSignup.status, SessionSignup.requested_at, SessionSignup.id)
        )
    )


def agenda(event: Event) -> list[RetreatSession]:
    """The retreat's sessions in time order (then title), with their facilitators."""
    return list(
        db.session.scalars(
            select(RetreatSession)
            .options(selectinload(RetreatSession.facilitators))
            .where(RetreatSession.event_id == event.id)
            .order_by(RetreatSession.starts_at, RetreatSession.title)
        )
    )


def agenda_by_day(sessions: list[RetreatSession], tz_name: str) -> list[tuple[object, list[RetreatSession]]]:
    """The sessions grouped by their local day, days in order."""
    days: dict = {}
    for session in sessions:
        days.setdefault(local_date(session.starts_at, tz_name), []).append(session)
    return sorted(days.items())


def is_going(person, event: Event) -> bool:
    return (
        db.session.scalar(select(Rsvp.response).where(Rsvp.event_id == event.id, Rsvp.person_id == person.id))
        == "going"
    )


def my_signups(person, event: Event) -> dict[int, tuple[str, int | None]]:
    """The person's sign-ups to the retreat's sessions: session id -> (status, waitlist position)."""
    rows = db.session.scalars(
        select(SessionSignup)
        .join(RetreatSession, RetreatSession.id == SessionSignup.session_id)
        .where(RetreatSession.event_id == event.id, SessionSignup.person_id == person.id)
    )
    return {signup.session_id: (signup.status, waitlist_position(signup)) for signup in rows}


def places_by_session(event: Event) -> dict[int, tuple[int, int]]:
    """For each session of the retreat: (places taken, people waiting)."""
    rows = db.session.execute(
        select(SessionSignup.session_id, SessionSignup.status, func.count())
        .join(RetreatSession, RetreatSession.id == SessionSignup.session_id)
        .where(RetreatSession.event_id == event.id)
        .group_by(SessionSignup.session_id, SessionSignup.status)
    )
    counts: dict[int, list[int]] = {}
    for session_id, status, number in rows:
        counts.setdefault(session_id, [0, 0])[0 if status == "going" else 1] = number
    return {session_id: (taken, waiting) for session_id, (taken, waiting) in counts.items()}


def retreats_before(event: Event) -> list[Event]:
    """Other retreats that started before this one and have an agenda, latest first (to copy from)."""
    return list(
        db.session.scalars(
            select(Event)
            .join(EventKind, EventKind.id == Event.kind_id)
            .where(
                EventKind.slug == RETREAT_KIND,
                Event.id != event.id,
                Event.starts_at < event.starts_at,
                select(RetreatSession.id).where(RetreatSession.event_id == Event.id).exists(),
            )
            .order_by(Event.starts_at.desc())
        )
    )


def previous_retreat(event: Event) -> Event | None:
    """The latest other retreat that started before this one and has an agenda."""
    earlier = retreats_before(event)
    return earlier[0] if earlier else None


def copy_agenda(actor, source: Event, target: Event) -> list[RetreatSession]:
    """Copy every session of `source` into `target`, on the same days counted from each retreat's
    first day and at the same local times, with the same rooms, seats, eligibility and facilitators.

    Sign-ups are not copied. Raises NotAllowed, and ValidationFailed when the target already has an
    agenda or a copied session would fall outside the target's dates.
    """
    _require_builder(actor, target)
    if agenda(target):
        raise ValidationFailed("This retreat already has sessions; copy into an empty agenda.")
    tz_name = program_tz()
    shift = timedelta(
        days=(local_date(target.starts_at, tz_name) - local_date(source.starts_at, tz_name)).days
    )
    copies = []
    for original in agenda(source):
        data = SessionData(
            title=original.title,
            format=original.format,
            starts_at=_same_local_time(original.starts_at, shift, tz_name),
            ends_at=_same_local_time(original.ends_at, shift, tz_name),
            room=original.room,
            description=original.description,
            capacity=original.capacity,
            has_waitlist=original.has_waitlist,
            programs=tuple(original.program_keys),
            levels=tuple(original.levels),
            faculty_emails=tuple(lead.person.email for lead in original.facilitators if lead.person),
            guests=tuple(
                Guest(lead.name, lead.title, lead.affiliation)
                for lead in original.facilitators
                if not lead.person
            ),
        )
        copies.append(add_session(actor, target, data))
    return copies


def _same_local_time(moment: datetime, shift: timedelta, tz_name: str) -> datetime:
    """`moment` moved by whole days, keeping its wall-clock time in the program time zone."""
    local = as_local(moment, tz_name)
    return local_to_utc(local.date() + shift, local.time(), tz_name)
