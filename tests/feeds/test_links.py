"""Add-to-calendar links: Google Calendar and Outlook on the web, filled from a calendar item."""

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from wellness.calendar.items import CalendarItem
from wellness.feeds.links import google_link, outlook_link

pytestmark = pytest.mark.pure

NY = ZoneInfo("America/New_York")
BASE_URL = "https://wellness.example.org"
UPDATED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
TRICKY_TITLE = "Tea & cake = 100% #fun + more? / ünïcode 🎉"


def overnight(**fields) -> CalendarItem:
    fields.setdefault("title", "Night float social")
    return CalendarItem(
        uid="event-1",
        updated_at=UPDATED,
        starts_at=datetime(2026, 3, 7, 22, 0, tzinfo=NY),  # 03:00 UTC
        ends_at=datetime(2026, 3, 8, 4, 0, tzinfo=NY),  # 08:00 UTC, after the clocks change
        **fields,
    )


def retreat(**fields) -> CalendarItem:
    fields.setdefault("title", "Retreat")
    return CalendarItem(
        uid="event-2", updated_at=UPDATED, first_day=date(2026, 7, 2), last_day=date(2026, 7, 5), **fields
    )


def query_of(link: str, scheme_host_path: str) -> dict[str, str]:
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == scheme_host_path
    assert not parts.fragment, "a # in a value was left unencoded"
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values()), query
    return {name: values[0] for name, values in query.items()}


def google(item: CalendarItem) -> dict[str, str]:
    return query_of(
        google_link(item, BASE_URL, "America/New_York"), "https://calendar.google.com/calendar/render"
    )


def outlook(item: CalendarItem) -> dict[str, str]:
    return query_of(outlook_link(item, BASE_URL), "https://outlook.office.com/calendar/0/deeplink/compose")


def test_google_link_gives_timed_item_as_utc_moments():
    item = overnight(
        title=TRICKY_TITLE, location="Room 4, Tower; B", description="Bring\nsnacks", url="/events/1"
    )

    assert google(item) == {
        "action": "TEMPLATE",
        "text": TRICKY_TITLE,
        "dates": "20260308T030000Z/20260308T080000Z",
        "details": "Bring\nsnacks\n\nhttps://wellness.example.org/events/1",
        "location": "Room 4, Tower; B",
        "ctz": "America/New_York",
    }


def test_google_link_ends_whole_days_the_day_after_the_last():
    assert google(retreat())["dates"] == "20260702/20260706"


def test_outlook_link_gives_timed_item_as_utc_moments():
    item = overnight(title=TRICKY_TITLE, location="Room 4 & 5", url="/events/1")

    assert outlook(item) == {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": TRICKY_TITLE,
        "startdt": "2026-03-08T03:00:00Z",
        "enddt": "2026-03-08T08:00:00Z",
        "allday": "false",
        "location": "Room 4 & 5",
        "body": "https://wellness.example.org/events/1",
    }


def test_outlook_link_ends_whole_days_the_day_after_the_last():
    query = outlook(retreat())

    assert (query["startdt"], query["enddt"], query["allday"]) == ("2026-07-02", "2026-07-06", "true")


@pytest.mark.parametrize("read", [lambda item: google(item)["details"], lambda item: outlook(item)["body"]])
@pytest.mark.parametrize(
    ("description", "kept"),
    [
        ("short", "short"),
        ("x" * 1500, "x" * 1500),
        ("x" * 1501, "x" * 1499 + "…"),
        ("y" * 1498 + "   " + "z" * 3000, "y" * 1498 + "…"),  # no trailing space before the ellipsis
        ("", ""),
    ],
)
def test_long_descriptions_are_cut_to_1500_characters_keeping_the_link(read, description, kept):
    details = read(overnight(description=description, url="/events/1"))

    link = "https://wellness.example.org/events/1"
    assert details == (f"{kept}\n\n{link}" if kept else link)
    assert len(details) <= 1500 + 2 + len(link)


def test_item_without_url_or_description_sends_empty_details():
    assert google(overnight())["details"] == ""
    assert outlook(overnight())["body"] == ""
