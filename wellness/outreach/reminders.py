"""The day-before reminder for every volunteer with a slot in a shift tomorrow."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..events.display import local_text, program_tz
from ..extensions import db
from ..notifications.reminders import reminder_source
from ..notifications.services import notify
from .models import Project, Shift, ShiftSignup


@reminder_source
def remind_shifts_tomorrow(today: date) -> int:
    """Write a reminder to each volunteer of an approved project's shift starting tomorrow.

    Idempotent per shift, person and start date (see events.reminders). Returns how many were written.
    """
    tz_name = program_tz()
    zone = ZoneInfo(tz_name)
    start, end = (datetime.combine(today + timedelta(days=n), time(0), tzinfo=zone) for n in (1, 2))
    rows = db.session.execute(
        select(Shift, Project, ShiftSignup)
        .join(Project, Project.id == Shift.project_id)
        .join(ShiftSignup, ShiftSignup.shift_id == Shift.id)
        .where(Project.status == "approved", Shift.starts_at >= start, Shift.starts_at < end)
        .order_by(Shift.id, ShiftSignup.id)
    )
    written = 0
    day = (today + timedelta(days=1)).isoformat()
    for shift, project, signup in rows:
        where = ", ".join(part for part in (project.partner_name, project.partner_address) if part)
        body = (
            f"A reminder: your {shift.role} shift for {project.title} is tomorrow, "
            f"{local_text(shift.starts_at, tz_name)}.\n\nWhere: {where}\n\n"
            "If you cannot come, offer your slot on the project page so someone can take it."
        )
        key = f"reminder:shift:{shift.id}:person:{signup.person_id}:{day}"
        if notify(
            signup.person,
            "reminder",
            f"Tomorrow: {project.title}",
            body,
            f"/outreach/{project.id}",
            dedupe_key=key,
        ):
            written += 1
    return written
