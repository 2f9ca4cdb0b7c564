"""The day-before reminder of a confirmed coaching meeting, to both people."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..events.display import local_text, program_tz
from ..extensions import db
from ..notifications.reminders import reminder_source
from ..notifications.services import notify
from .models import Meeting


@reminder_source
def remind_meetings_tomorrow(today: date) -> int:
    """Write a reminder to the resident and the coach of each confirmed meeting starting tomorrow.

    Idempotent per meeting, person and day. Returns how many were written.
    """
    tz_name = program_tz()
    zone = ZoneInfo(tz_name)
    start, end = (datetime.combine(today + timedelta(days=n), time(0), tzinfo=zone) for n in (1, 2))
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.status == "confirmed", Meeting.starts_at >= start, Meeting.starts_at < end)
        .order_by(Meeting.id)
    )
    written = 0
    day = (today + timedelta(days=1)).isoformat()
    for meeting in meetings:
        pairing = meeting.pairing
        for person, other in ((pairing.resident, pairing.coach), (pairing.coach, pairing.resident)):
            body = (
                f"A reminder: your coaching meeting with {other.name} is tomorrow, "
                f"{local_text(meeting.starts_at, tz_name)}.\n\nWhere: {meeting.place}"
            )
            key = f"reminder:coaching:{meeting.id}:person:{person.id}:{day}"
            if notify(person, "reminder", "Tomorrow: coaching meeting", body, "/coaching", dedupe_key=key):
                written += 1
    return written
