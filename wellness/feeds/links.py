"""Links that add one item to Google Calendar or Outlook on the web, filled from a calendar item."""

from datetime import UTC, timedelta
from urllib.parse import urlencode

from ..calendar.items import CalendarItem

DETAILS_LIMIT = 1500  # keeps the link well under the length browsers and servers accept


def _details(item: CalendarItem, base_url: str) -> str:
    details = item.description
    if len(details) > DETAILS_LIMIT:
        details = details[: DETAILS_LIMIT - 1].rstrip() + "…"
    link = f"{base_url}{item.url}" if item.url else ""
    return "\n\n".join(part for part in (details, link) if part)


def google_link(item: CalendarItem, base_url: str, tz_name: str) -> str:
    """Google Calendar's "create event" page with the item filled in (all-day ends are exclusive)."""
    if item.is_all_day:
        dates = f"{item.first_day:%Y%m%d}/{item.last_day + timedelta(days=1):%Y%m%d}"
    else:
        start, end = (moment.astimezone(UTC) for moment in (item.starts_at, item.ends_at))
        dates = f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"
    query = {
        "action": "TEMPLATE",
        "text": item.title,
        "dates": dates,
        "details": _details(item, base_url),
        "location": item.location,
        "ctz": tz_name,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_link(item: CalendarItem, base_url: str) -> str:
    """Outlook on the web's new-event form (work and school accounts) with the item filled in."""
    if item.is_all_day:
        start, end = item.first_day.isoformat(), (item.last_day + timedelta(days=1)).isoformat()
    else:
        start, end = (
            moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for moment in (item.starts_at, item.ends_at)
        )
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": item.title,
        "startdt": start,
        "enddt": end,
        "allday": "true" if item.is_all_day else "false",
        "location": item.location,
        "body": _details(item, base_url),
    }
    return "https://outlook.office.com/calendar/0/deeplink/compose?" + urlencode(query)
