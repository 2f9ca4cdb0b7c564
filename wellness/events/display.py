"""Event times in words, in the program time zone: "Sat, Mar 14, 6:00 – 9:00 PM"."""

from datetime import datetime, timedelta

from flask import current_app

from ..dates import as_local


def program_tz() -> str:
    """The program's time zone name, from the settings."""
    return current_app.config["WELLNESS_TIMEZONE"]


def _time(moment: datetime) -> str:
    return moment.strftime("%-I:%M %p") if moment.minute else moment.strftime("%-I %p")


def local_text(moment: datetime, tz_name: str) -> str:
    local = as_local(moment, tz_name)
    return f"{local.strftime('%a, %b %-d, %Y')} at {_time(local)}"


def when(event, tz_name: str) -> str:
    """The event's dates and times as people read them; all-day events show dates only."""
    start, end = as_local(event.starts_at, tz_name), as_local(event.ends_at, tz_name)
    if event.is_all_day:
        last = (end - timedelta(days=1)).date() if end.time() == datetime.min.time() else end.date()
        if last <= start.date():
            return f"{start.strftime('%a, %b %-d, %Y')} (all day)"
        return f"{start.strftime('%a, %b %-d')} – {last.strftime('%a, %b %-d, %Y')} (all day)"
    if start.date() == end.date():
        return f"{start.strftime('%a, %b %-d, %Y')}, {_time(start)} – {_time(end)}"
    return f"{start.strftime('%a, %b %-d')}, {_time(start)} – {end.strftime('%a, %b %-d, %Y')}, {_time(end)}"
