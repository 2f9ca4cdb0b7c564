"""Creating, changing, publishing and cancelling events, and finding the ones a person may see."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..audit import AuditEntry, record
from ..calendar import CalendarItem, find_clashes
from ..dates import local_date, utcnow
from ..errors import NotAllowed, ValidationFailed
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Person
from ..people.permissions import can_edit_event, can_manage_events, is_organiser
from ..people.programs import PROGRAMS
from ..wording import people_count
from .audience import in_audience
from .display import local_text, program_tz, when
from .models import MAX_CAPACITY, MAX_GUESTS, Event, EventKind, Group, Rsvp, group_members
from .seats import lock_event, promote_waitlisted

# A change to any of these is one a subscribed calendar must see: it bumps the revision.
CALENDAR_FIELDS = ("title", "location", "starts_at", "ends_at", "is_all_day", "status")


@dataclass(frozen=True)
class EventData:
    """An event's details as a form gives them, with times already in UTC."""

    title: str
    kind_id: int
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    location: str = ""
    is_all_day: bool = False
    capacity: int | None = None
    has_waitlist: bool = True
    rsvp_opens_at: datetime | None = None
    rsvp_closes_at: datetime | None = None
    allows_guests: bool = False
    max_guests: int = 0
    is_for_everyone: bool = True
    programs: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    group_ids: tuple[int, ...] = ()
    organiser_emails: tuple[str, ...] = field(default=())


def snapshot(event: Event) -> dict:
    """The audited view of an event."""
    return {
        "title": event.title,
        "kind": event.kind.slug if event.kind else None,
        "status": event.status,
        "starts_at": event.starts_at.isoformat() if event.starts_at else None,
        "ends_at": event.ends_at.isoformat() if event.ends_at else None,
        "is_all_day": event.is_all_day,
        "location": event.location,
        "capacity": event.capacity,
        "has_waitlist": event.has_waitlist,
        "allows_guests": event.allows_guests,
        "max_guests": event.max_guests,
        "audience": "everyone"
        if event.is_for_everyone
        else event.audience_programs + "|" + event.audience_levels,
        "groups": [group.name for group in event.groups],
        "organisers": [person.email for person in event.organisers],
    }


def _check(data: EventData) -> None:
    """Rules the form also checks, enforced again for callers that are not forms (CLI, demo, tests)."""
    title = data.title.strip()
    if not title:
        raise ValidationFailed("Give the event a title.", field="title")
    if len(title) > 200:
        raise ValidationFailed("Keep the title to 200 characters or fewer.", field="title")
    if len(data.description) > 10_000:
        raise ValidationFailed("Keep the description to 10,000 characters or fewer.", field="description")
    if data.ends_at <= data.starts_at:
        raise ValidationFailed("The event must end after it starts.", field="end_on")
    if data.capacity is not None and not 1 <= data.capacity <= MAX_CAPACITY:
        raise ValidationFailed(
            f"Capacity must be between 1 and {MAX_CAPACITY}, or empty for no limit.", field="capacity"
        )
    if not 0 <= data.max_guests <= MAX_GUESTS:
        raise ValidationFailed(f"Guests per RSVP must be between 0 and {MAX_GUESTS}.", field="max_guests")
    if data.rsvp_opens_at and data.rsvp_closes_at and data.rsvp_closes_at <= data.rsvp_opens_at:
        raise ValidationFailed("RSVPs must close after they open.", field="rsvp_closes_at")
    if data.rsvp_closes_at and data.rsvp_closes_at > data.ends_at:
        raise ValidationFailed("RSVPs must close before the event ends.", field="rsvp_closes_at")
    unknown = set(data.programs) - set(PROGRAMS)
    if unknown or any(not 1 <= level <= 4 for level in data.levels):
        raise ValidationFailed("Choose programs and levels from the lists.", field="programs")
    if not data.is_for_everyone and not (data.programs or data.levels or data.group_ids):
        raise ValidationFailed("Choose who the event is for, or tick Everyone.", field="programs")


def _resolve_organisers(emails: tuple[str, ...], actor) -> list[Person]:
    wanted = {email.strip().lower() for email in emails if email.strip()}
    if not wanted:
        return [db.session.get(Person, actor.id)]
    people = list(
        db.session.scalars(select(Person).where(Person.email.in_(wanted), Person.is_active.is_(True)))
    )
    missing = sorted(wanted - {person.email for person in people})
    if missing:
        raise ValidationFailed(f"No active account has the address {', '.join(missing)}.", field="organisers")
    return people


def _apply(event: Event, data: EventData, actor) -> None:
    kind = db.session.get(EventKind, data.kind_id)
    if kind is None:
        raise ValidationFailed("Choose a kind from the list.", field="kind")
    groups = (
        list(db.session.scalars(select(Group).where(Group.id.in_(data.group_ids)))) if data.group_ids else []
    )
    if len(groups) != len(set(data.group_ids)):
        raise ValidationFailed("One of the chosen groups no longer exists.", field="groups")
    event.kind = kind
    event.title = data.title.strip()
    event.description = data.description.strip()
    event.location = data.location.strip()
    event.starts_at, event.ends_at, event.is_all_day = data.starts_at, data.ends_at, data.is_all_day
    event.capacity, event.has_waitlist = data.capacity, data.has_waitlist
    event.rsvp_opens_at, event.rsvp_closes_at = data.rsvp_opens_at, data.rsvp_closes_at
    event.allows_guests = data.allows_guests
    event.max_guests = data.max_guests if data.allows_guests else 0
    event.is_for_everyone = data.is_for_everyone
    event.audience_programs = "" if data.is_for_everyone else ",".join(sorted(set(data.programs)))
    event.audience_levels = (
        "" if data.is_for_everyone else ",".join(str(level) for level in sorted(set(data.levels)))
    )
    event.groups = [] if data.is_for_everyone else groups
    event.organisers = _resolve_organisers(data.organiser_emails, actor)


def create_event(actor, data: EventData) -> Event:
    """Create a draft event. Raises NotAllowed for non-staff and ValidationFailed for bad details."""
    if not can_manage_events(actor):
        raise NotAllowed("Only coordinators create events.")
    _check(data)
    event = Event(status="draft", created_by_id=actor.id, revision=1)
    _apply(event, data, actor)
    db.session.add(event)
    db.session.flush()
    record(actor, "event.created", "event", event.id, None, snapshot(event))
    return event


def _going_and_waiting(event: Event) -> list[Rsvp]:
    return list(
        db.session.scalars(
            select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.response.in_(("going", "waitlisted")))
        )
    )


def _tell_everyone_affected(event: Event, kind: str, subject: str, body: str) -> int:
    """Notify everyone going or waitlisted; returns how many were told."""
    affected = _going_and_waiting(event)
    for rsvp in affected:
        notify(rsvp.person, kind, subject, body, f"/events/{event.id}")
    return len(affected)


def _bump_if_calendar_changed(event: Event, before: dict) -> bool:
    after = snapshot(event)
    changed = any(before[name] != after[name] for name in CALENDAR_FIELDS)
    if changed:
        event.revision += 1
    event.updated_at = utcnow()
    return changed


def change_summary(event: Event, before: dict) -> str:
    """A line for each detail a calendar cares about that changed, in the program time zone."""
    lines = []
    if before["title"] != event.title:
        lines.append(f"Title: {event.title} (was {before['title']})")
    times = (before["starts_at"], before["ends_at"], before["is_all_day"])
    if times != (event.starts_at.isoformat(), event.ends_at.isoformat(), event.is_all_day):
        lines.append(f"When: {when(event, program_tz())}")
    if before["location"] != event.location:
        lines.append(f"Where: {event.location or 'to be announced'} (was {before['location'] or 'not set'})")
    return "\n".join(lines)


def update_event(actor, event: Event, data: EventData) -> Event:
    """Change an event's details, keeping every RSVP.

    Capacity policy: lowering it below the seats already taken keeps everyone who is going and
    gives no new places until enough people leave. Raising it (or removing the limit) promotes
    from the waitlist in the same transaction. Lowering the guest limit keeps the guests people
    already said they bring. The waitlist cannot be switched off while people
    are on it. A change to time, place, title or status bumps the revision and, on a published
    event, tells everyone going or waitlisted.
    Raises NotAllowed, ValidationFailed.
    """
    if not can_edit_event(actor, event):
        raise NotAllowed("Only coordinators edit events.")
    _check(data)
    event = lock_event(event.id)
    before = snapshot(event)
    waiting = sum(1 for rsvp in _going_and_waiting(event) if rsvp.response == "waitlisted")
    if waiting and not data.has_waitlist:
        raise ValidationFailed(
            f"{people_count(waiting)} {'is' if waiting == 1 else 'are'} on the waitlist. "
            "Move them or raise the capacity before turning it off.",
            field="has_waitlist",
        )
    _apply(event, data, actor)
    changed = _bump_if_calendar_changed(event, before)
    promote_waitlisted(actor, event)
    record(actor, "event.updated", "event", event.id, before, snapshot(event))
    if changed and event.is_published:
        summary = change_summary(event, before)
        _tell_everyone_affected(
            event, "event_changed", f"Changed: {event.title}", f"{event.title} has changed.\n\n{summary}"
        )
    return event


def publish_event(actor, event: Event) -> Event:
    """Publish a draft so its audience sees it and can RSVP. Raises NotAllowed, ValidationFailed."""
    if not can_edit_event(actor, event):
        raise NotAllowed("Only coordinators publish events.")
    event = lock_event(event.id)
    if event.status != "draft":
        raise ValidationFailed(f"This event is {event.status}, not a draft.")
    before = snapshot(event)
    event.status = "published"
    event.published_at = utcnow()
    _bump_if_calendar_changed(event, before)
    record(actor, "event.published", "event", event.id, before, snapshot(event))
    return event


def cancel_event(actor, event: Event) -> int:
    """Cancel an event, keeping it and its RSVPs, and notify everyone going or waitlisted.

    Returns how many people were told. Raises NotAllowed, ValidationFailed.
    """
    if not can_edit_event(actor, event):
        raise NotAllowed("Only coordinators cancel events.")
    event = lock_event(event.id)
    if event.is_cancelled:
        raise ValidationFailed("This event is already cancelled.")
    before = snapshot(event)
    was_published = event.is_published
    event.status = "cancelled"
    event.cancelled_at = utcnow()
    _bump_if_calendar_changed(event, before)
    record(actor, "event.cancelled", "event", event.id, before, snapshot(event))
    if not was_published:
        return 0
    return _tell_everyone_affected(
        event,
        "event_cancelled",
        f"Cancelled: {event.title}",
        f"{event.title} ({when(event, program_tz())}) has been cancelled.",
    )


def event_data(event: Event) -> EventData:
    """The event's details as they stand, in the shape a form gives them."""
    return EventData(
        title=event.title,
        kind_id=event.kind_id,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        description=event.description,
        location=event.location,
        is_all_day=event.is_all_day,
        capacity=event.capacity,
        has_waitlist=event.has_waitlist,
        rsvp_opens_at=event.rsvp_opens_at,
        rsvp_closes_at=event.rsvp_closes_at,
        allows_guests=event.allows_guests,
        max_guests=event.max_guests,
        is_for_everyone=event.is_for_everyone,
        programs=tuple(event.program_keys),
        levels=tuple(event.levels),
        group_ids=tuple(group.id for group in event.groups),
        organiser_emails=tuple(person.email for person in event.organisers),
    )


def duplicate_data(event: Event) -> EventData:
    """The details of a copy of `event`: same times and audience, a title marked as a copy."""
    return replace(event_data(event), title=f"{event.title} (copy)"[:200])


# ---- Seeing events ---------------------------------------------------------------------------


def group_ids_of(person) -> set[int]:
    if person is None or not getattr(person, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(select(group_members.c.group_id).where(group_members.c.person_id == person.id))
    )


def can_see(person, event: Event) -> bool:
    """Drafts are seen only by those who may edit them and by organisers; other events by anyone signed in."""
    if event.status == "draft":
        return can_edit_event(person, event) or is_organiser(person, event)
    return True


def is_for(person, event: Event, group_ids: set[int] | None = None) -> bool:
    """Whether the event is meant for `person` (its audience)."""
    if group_ids is None:
        group_ids = group_ids_of(person)
    return in_audience(event, person, group_ids, local_date(event.starts_at, program_tz()))


@dataclass(frozen=True)
class EventFilter:
    kind: str = ""
    program: str = ""
    mine: bool = False
    start: datetime | None = None
    end: datetime | None = None
    include_drafts: bool = False
    include_cancelled: bool = True


def find_events(viewer, filters: EventFilter) -> list[Event]:
    """Events `viewer` may see, in start order, narrowed by the filters.

    Staff see every event (drafts too when asked); everyone else sees published and cancelled
    events whose audience includes them. "mine" keeps the events the viewer organises or has
    answered going, waitlisted or maybe. `program` keeps events open to that program.
    """
    query = (
        select(Event)
        .options(selectinload(Event.organisers), selectinload(Event.groups))
        .order_by(Event.starts_at, Event.id)
    )
    if filters.start is not None:
        query = query.where(Event.ends_at > filters.start)
    if filters.end is not None:
        query = query.where(Event.starts_at < filters.end)
    statuses = ["published"] + (["cancelled"] if filters.include_cancelled else [])
    staff = can_manage_events(viewer)
    if filters.include_drafts and staff:
        statuses.append("draft")
    query = query.where(Event.status.in_(statuses))
    if filters.kind:
        query = query.join(EventKind).where(EventKind.slug == filters.kind)
    events = list(db.session.scalars(query).unique())
    mine_ids = set()
    if filters.mine:
        mine_ids = set(
            db.session.scalars(
                select(Rsvp.event_id).where(
                    Rsvp.person_id == viewer.id, Rsvp.response.in_(("going", "waitlisted", "maybe"))
                )
            )
        )
    group_ids = group_ids_of(viewer)
    kept = []
    for event in events:
        organiser = is_organiser(viewer, event)
        if filters.mine and not (organiser or event.id in mine_ids):
            continue
        if not staff and not organiser and not is_for(viewer, event, group_ids):
            continue
        if filters.program and not (event.is_for_everyone or filters.program in event.program_keys):
            continue
        kept.append(event)
    return kept


def event_history(event: Event) -> list[AuditEntry]:
    """Every audited change to the event and its RSVPs, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "event", AuditEntry.subject_id == event.id)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        )
    )


def all_kinds() -> list[EventKind]:
    return list(db.session.scalars(select(EventKind).order_by(EventKind.position, EventKind.name)))


def all_groups() -> list[Group]:
    return list(db.session.scalars(select(Group).order_by(Group.name)))


def answers_of(person, events: list[Event]) -> dict[int, Rsvp]:
    """The person's RSVP to each of the events that has one, by event id."""
    ids = [event.id for event in events]
    if not ids:
        return {}
    rows = db.session.scalars(select(Rsvp).where(Rsvp.person_id == person.id, Rsvp.event_id.in_(ids)))
    return {rsvp.event_id: rsvp for rsvp in rows}


def events_by_day(events: list[Event], first: date, last: date, tz_name: str) -> dict[date, list[Event]]:
    """Each day from first to last with the events on it; a multi-day event shows on every day it spans."""
    days: dict[date, list[Event]] = {}
    for event in events:
        start = local_date(event.starts_at, tz_name)
        # An event ending exactly at midnight does not spill onto the next day.
        end = local_date(event.ends_at - timedelta(microseconds=1), tz_name)
        day = max(start, first)
        while day <= min(end, last):
            days.setdefault(day, []).append(event)
            day += timedelta(days=1)
    return days


def clashes_for(person, event: Event, now: datetime) -> list[CalendarItem]:
    """What `person` is already committed to while the event runs, from every calendar provider.

    Empty for drafts and cancelled events; the event itself never counts.
    """
    if not event.is_published:
        return []
    return find_clashes(
        person.id, event.starts_at, event.ends_at, program_tz(), now, ignore=(f"event-{event.id}",)
    )


def rsvp_closed_reason(event: Event, now: datetime, tz_name: str) -> str | None:
    """Why the event takes no answers right now, or None when it does."""
    if event.status == "draft":
        return "This event is a draft: it takes RSVPs once it is published."
    if event.status == "cancelled":
        return "This event was cancelled."
    if event.rsvp_opens_at and now < event.rsvp_opens_at:
        return f"RSVPs open on {local_text(event.rsvp_opens_at, tz_name)}."
    closes = event.rsvp_closes_at or event.starts_at
    if now >= closes:
        return f"RSVPs closed on {local_text(closes, tz_name)}."
    return None


def outcome_message(outcome) -> str:
    """What to tell the person after they answered."""
    rsvp = outcome.rsvp
    if not outcome.changed:
        return "Your answer is unchanged."
    if rsvp.response == "waitlisted":
        return f"The event is full, so you are on the waitlist at position {outcome.position}."
    if rsvp.response == "going":
        guests = f" with {rsvp.guests} guest{'s' if rsvp.guests != 1 else ''}" if rsvp.guests else ""
        return f"You are going{guests}."
    if rsvp.response == "maybe":
        return "You answered maybe. You do not hold a place until you answer going."
    return "You are not going."
