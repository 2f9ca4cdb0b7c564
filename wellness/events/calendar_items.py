"""Events on calendars: the events provider for personal and public feeds and for conflict checks.

On a person's calendar: events they answered going (confirmed), maybe or waitlisted (tentative,
the waitlist position in the title) and events they organise. Cancelled events stay as cancelled
for CANCELLED_KEPT_FOR after the cancellation, then drop out. Drafts never appear.
"""

from datetime import timedelta

from sqlalchemy import and_, or_, select

from ..calendar import EVERYONE, CalendarItem, Provider, PublicScope, Watch, Window, register
from ..calendar.items import CANCELLED_KEPT_FOR
from ..dates import local_date
from ..extensions import db
from .audience import describe
from .display import program_tz
from .elsewhere import answer_pages
from .models import Event, EventKind, Rsvp, event_organisers
from .seats import positions_in

ON_CALENDAR = ("going", "waitlisted", "maybe")


def _shown(window: Window):
    """Published events, and cancelled ones still within their grace period, overlapping the window."""
    return and_(
        Event.ends_at > window.start,
        Event.starts_at < window.end,
        or_(
            Event.status == "published",
            and_(Event.status == "cancelled", Event.cancelled_at > window.as_of - CANCELLED_KEPT_FOR),
        ),
    )


# What an item needs of an event, read as plain rows: a feed of hundreds of items is built often,
# and ORM objects (with their eager relationships) cost several times as much to load.
EVENT_COLUMNS = (
    Event.id,
    Event.title,
    Event.description,
    Event.location,
    Event.starts_at,
    Event.ends_at,
    Event.is_all_day,
    Event.status,
    Event.revision,
    Event.updated_at,
    EventKind.name.label("kind_name"),
)


def _item(
    event, tz_name: str, *, title: str, status: str, note: str, updated_at, is_free: bool = False
) -> CalendarItem:
    """The item for an event row (EVENT_COLUMNS) or an Event with a `kind_name`."""
    if event.status == "cancelled":
        title, status = f"Cancelled: {event.title}", "cancelled"
    description = "\n\n".join(part for part in (event.description, note) if part)
    when = (
        {
            "first_day": local_date(event.starts_at, tz_name),
            "last_day": local_date(event.ends_at - timedelta(microseconds=1), tz_name),
        }
        if event.is_all_day
        else {"starts_at": event.starts_at, "ends_at": event.ends_at}
    )
    return CalendarItem(
        uid=f"event-{event.id}",
        title=title,
        updated_at=updated_at,
        location=event.location,
        description=description,
        status=status,
        categories=(event.kind_name,),
        privacy="public",
        revision=event.revision,
        url=f"/events/{event.id}",
        is_free=is_free,
        **when,
    )


def _answer_note(row, position: int | None) -> str:
    if row.response == "waitlisted":
        return f"You are on the waitlist at position {position}."
    if row.response == "maybe":
        return "You answered maybe. You do not hold a place until you answer going."
    guests = f" with {row.guests} guest{'s' if row.guests != 1 else ''}" if row.guests else ""
    return f"You are going{guests}."


def _answered_title(row, position: int | None) -> str:
    if row.response == "waitlisted":
        return f"Waitlist #{position}: {row.title}"
    if row.response == "maybe":
        return f"Maybe: {row.title}"
    return row.title


def personal_items(person_id: int, window: Window) -> list[CalendarItem]:
    """The events on the person's calendar overlapping the window."""
    tz_name = program_tz()
    answered = db.session.execute(
        select(
            *EVENT_COLUMNS,
            Rsvp.id.label("rsvp_id"),
            Rsvp.response,
            Rsvp.guests,
            Rsvp.responded_at,
            Rsvp.promoted_at,
        )
        .join(EventKind, EventKind.id == Event.kind_id)
        .join(Rsvp, Rsvp.event_id == Event.id)
        .where(Rsvp.person_id == person_id, Rsvp.response.in_(ON_CALENDAR), _shown(window))
    ).all()
    positions = positions_in([row.id for row in answered if row.response == "waitlisted"])
    items = []
    for row in answered:
        position = positions.get(row.rsvp_id)
        latest = max(moment for moment in (row.updated_at, row.responded_at, row.promoted_at) if moment)
        items.append(
            _item(
                row,
                tz_name,
                title=_answered_title(row, position),
                status="confirmed" if row.response == "going" else "tentative",
                note=_answer_note(row, position),
                updated_at=latest,
            )
        )
    # Organisers who answered, even "not going", are on the calendar by their answer alone. An event
    # answered on another page (the SGIM meeting) is free time to its organisers: that page puts the
    # time of those who go on their calendars.
    answered_it = select(Rsvp.id).where(Rsvp.event_id == Event.id, Rsvp.person_id == person_id).exists()
    organised = db.session.execute(
        select(*EVENT_COLUMNS)
        .join(EventKind, EventKind.id == Event.kind_id)
        .join(event_organisers, event_organisers.c.event_id == Event.id)
        .where(event_organisers.c.person_id == person_id, ~answered_it, _shown(window))
    )
    organised = organised.all()
    elsewhere = answer_pages(organised)
    for row in organised:
        items.append(
            _item(
                row,
                tz_name,
                title=row.title,
                status="confirmed",
                note="You are an organiser.",
                updated_at=row.updated_at,
                is_free=row.id in elsewhere,
            )
        )
    return items


def event_item(event: Event, tz_name: str) -> CalendarItem:
    """The event as anyone may see it: no names, no answers."""
    return _item(
        event,
        tz_name,
        title=event.title,
        status="confirmed",
        note=f"For: {describe(event, with_groups=False)}",
        updated_at=event.updated_at,
    )


def public_items(scope: PublicScope, window: Window) -> list[CalendarItem]:
    """Published (and recently cancelled) events for a public feed, narrowed to a kind or program."""
    tz_name = program_tz()
    query = select(Event).where(_shown(window))
    if scope.kind:
        query = query.join(EventKind, EventKind.id == Event.kind_id).where(EventKind.slug == scope.kind)
    return [
        event_item(event, tz_name)
        for event in db.session.scalars(query)
        if not scope.program or event.is_for_everyone or scope.program in event.program_keys
    ]


# ---- Which calendars a change reaches ------------------------------------------------------------


def _people_with_answers(session, event_ids: set[int], responses=ON_CALENDAR) -> set[int]:
    if not event_ids:
        return set()
    return set(
        session.scalars(
            select(Rsvp.person_id).where(Rsvp.event_id.in_(event_ids), Rsvp.response.in_(responses))
        )
    )


def _rsvps_changed(session, rsvps: list[Rsvp]) -> set[int]:
    """The people answering, and everyone waiting on those events: their positions may have moved."""
    event_ids = {rsvp.event_id for rsvp in rsvps}
    return {rsvp.person_id for rsvp in rsvps} | _people_with_answers(session, event_ids, ("waitlisted",))


def _events_changed(session, events: list[Event]) -> set[int]:
    """Everyone with an answer on the calendar, and the organisers before and after the change."""
    event_ids = {event.id for event in events}
    people = _people_with_answers(session, event_ids)
    people.update(
        session.scalars(
            select(event_organisers.c.person_id).where(event_organisers.c.event_id.in_(event_ids))
        )
    )
    for event in events:
        people.update(person.id for person in db.inspect(event).attrs.organisers.history.deleted)
    return people


register(
    Provider(
        name="events",
        personal=personal_items,
        public=public_items,
        watches=(
            Watch(Rsvp, _rsvps_changed),
            Watch(Event, _events_changed, public=True),
            # A kind's name is every one of its events' category.
            Watch(EventKind, lambda session, kinds: EVERYONE, public=True),
        ),
    )
)
