"""Reminders to coordinators about SGIM needs still uncovered, 14 and 7 days before the trips begin."""

from datetime import date

from ..duties.covers import coordinators
from ..extensions import db
from ..notifications.reminders import reminder_source
from ..notifications.services import notify
from . import services
from .models import Meeting

DAYS_BEFORE = (14, 7)


@reminder_source
def remind_uncovered_needs(today: date) -> int:
    """On the 14th and 7th day before a meeting's trips begin, tell the meeting's organisers (or every
    coordinator) how many of its needs are still uncovered, and whose. Idempotent per meeting, person
    and day; returns how many notices were written."""
    written = 0
    for meeting in db.session.scalars(db.select(Meeting)):
        first, _ = services.trip_days(meeting)
        days_left = (first - today).days
        if days_left not in DAYS_BEFORE:
            continue
        open_needs = [
            (status.attendance.person.name, len(status.uncovered))
            for status in map(services.trip_status, services.attendances(meeting))
            if status.uncovered
        ]
        if not open_needs:
            continue
        count = sum(n for _, n in open_needs)
        lines = "\n".join(f"- {name}: {n} uncovered" for name, n in open_needs)
        body = (
            f"{meeting.name} trips begin in {days_left} days ({first.strftime('%a, %b %-d')}). "
            f"{count} clinical duties still need cover:\n\n{lines}"
        )
        staff = [p for p in meeting.event.organisers if p.is_active] or coordinators()
        for person in staff:
            key = f"reminder:sgim:{meeting.id}:person:{person.id}:{today.isoformat()}"
            subject = f"{count} SGIM duties uncovered, {days_left} days to go"
            if notify(person, "reminder", subject, body, f"/sgim/{meeting.id}/board", dedupe_key=key):
                written += 1
    return written
