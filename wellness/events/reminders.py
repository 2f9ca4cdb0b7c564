"""The day-before reminder for everyone going to an event."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..extensions import db
from ..notifications.reminders import reminder_source
from ..notifications.services import notify
from .display import program_tz, when
from .models import Event, Rsvp


@reminder_source
def remind_going_tomorrow(today: date) -> int:
    """Write a reminder to each person going to a published event that starts tomorrow.

    Idempotent: the notice's key names the event, the person and the start date, so a second run
    the same day writes nothing, and an event moved to another day is reminded again.
    Returns the number of reminders written.
    """
    tz_name = program_tz()
    zone = ZoneInfo(tz_name)
    # Tomorrow's local midnights in UTC: a day around a clock change is 23 or 25 hours long.
    start, end = (
        datetime.combine(today + timedelta(days=n), time(0), tzinfo=zone).astimezone(UTC) for n in (1, 2)
    )
    rows = db.session.execute(
        select(Event, Rsvp)
        .join(Rsvp, Rsvp.event_id == Event.id)
        .where(
            Event.status == "published",
            Event.starts_at >= start,
            Event.starts_at < end,
            Rsvp.response == "going",
        )
        .order_by(Event.id, Rsvp.id)
    )
    written = 0
    day = (today + timedelta(days=1)).isoformat()
    for event, rsvp in rows:
        body = f"A reminder: you are going to {event.title} tomorrow.\n\nWhen: {when(event, tz_name)}"
        if event.location:
            body += f"\nWhere: {event.location}"
        body += (
            "\n\nIf you can no longer come, change your answer so someone on the waitlist gets your place."
        )
        key = f"reminder:event:{event.id}:person:{rsvp.person_id}:{day}"
        if notify(
            rsvp.person, "reminder", f"Tomorrow: {event.title}", body, f"/events/{event.id}", dedupe_key=key
        ):
            written += 1
    return written
