"""Calendar feeds in the browser: making, replacing and turning off one's address, one event's .ics, public feeds."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
import requests
from ical.calendar_stream import IcsCalendarStream

from tests.browser.conftest import expect, from_database, sign_in
from tests.events.conftest import at
from wellness.dates import program_today
from wellness.feeds.models import CalendarFeed
from wellness.feeds.tokens import hash_token

pytestmark = pytest.mark.browser

TZ = "America/New_York"
ADDRESS = re.compile(r"^(http://127\.0\.0\.1:\d+)/calendar/([A-Za-z0-9_-]{43})\.ics$")


def fetch_calendar(url: str) -> tuple[icalendar.Calendar, object]:
    """GET the address over HTTP, check it is a calendar, and parse it with both parsers."""
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return parse_both(response.content)


def parse_both(body: bytes) -> tuple[icalendar.Calendar, object]:
    """icalendar's reading and the independent ical package's reading of the same bytes."""
    return icalendar.Calendar.from_ical(body), IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))


def summaries(parsed: tuple[icalendar.Calendar, object]) -> tuple[list[str], list[str]]:
    first, second = parsed
    return sorted(str(event["SUMMARY"]) for event in first.walk("VEVENT")), sorted(
        event.summary for event in second.events
    )


def status_of(url: str) -> int:
    return requests.get(url, timeout=10).status_code


def test_resident_makes_replaces_and_turns_off_their_calendar_address(
    browser_pages, make_person, make_event, answer, db
):
    day = program_today(TZ) + timedelta(days=12)
    going = make_event(
        title="Harbor cruise, sunset", location="Long Wharf, 66 Long Wharf, Boston", starts_at=at(day, 18)
    )
    make_event(title="Intern potluck", starts_at=at(day + timedelta(days=1), 18))  # not answered
    resident = make_person("resident", first_name="Rhea", last_name="Patel")
    answer(going, resident, "going")

    page = browser_pages.new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=browser_pages.base_url)
    sign_in(page, resident.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rhea").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.get_by_role("link", name="Set up your calendar subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar subscription")
    expect(page.get_by_test_id("feed-off")).to_be_visible()
    page.get_by_role("button", name="Make my calendar address").click()

    shown = page.get_by_test_id("new-address")
    expect(shown).to_contain_text("it is shown only this once")
    https = page.get_by_label("Address for Google Calendar and Outlook").input_value()
    found = ADDRESS.match(https)
    assert found, https
    assert found.group(1) == browser_pages.base_url
    token = found.group(2)
    webcal = page.get_by_label(
        "Address that opens your calendar app (Apple Calendar, Outlook desktop)"
    ).input_value()
    assert webcal == "webcal://" + https.removeprefix("http://")
    expect(shown.get_by_role("link", name="Subscribe")).to_have_attribute("href", webcal)
    for app_name in ("Google Calendar", "Apple Calendar", "Outlook"):
        expect(page.get_by_role("heading", level=3, name=app_name)).to_be_visible()
    expect(
        page.get_by_text("Paste the address (Copy puts it on your clipboard) and choose Add calendar.")
    ).to_be_visible()
    expect(shown).not_to_contain_text("earlier address")  # there was none
    shown.get_by_role("button", name="Copy").first.click()
    expect(shown.get_by_role("button", name="Copied")).to_have_count(1)
    assert page.evaluate("navigator.clipboard.readText()") == https
    browser_pages.screenshot(page, "feeds-address")

    parsed = fetch_calendar(https)
    assert summaries(parsed) == (["Harbor cruise, sunset"], ["Harbor cruise, sunset"])
    [event] = parsed[0].walk("VEVENT")
    assert event.decoded("DTSTART") == going.starts_at
    assert str(event["LOCATION"]) == "Long Wharf, 66 Long Wharf, Boston"
    assert parsed[1].events[0].location == "Long Wharf, 66 Long Wharf, Boston"
    # Only a fingerprint of the address is kept.
    assert from_database(db, lambda s: s.get(CalendarFeed, resident.id).token_hash) == hash_token(token)

    page.goto("/account/calendar")
    expect(page.get_by_test_id("feed-on")).to_contain_text("it cannot be shown again")
    expect(page.get_by_test_id("new-address")).to_have_count(0)
    assert token not in page.content()
    browser_pages.screenshot(page, "feeds-address-on")

    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Make a new address").click()
    expect(page.get_by_test_id("new-address")).to_contain_text("Your earlier address has stopped working")
    replacement = page.get_by_label("Address for Google Calendar and Outlook").input_value()
    assert ADDRESS.match(replacement) and replacement != https
    assert status_of(https) == 404
    assert summaries(fetch_calendar(replacement)) == (["Harbor cruise, sunset"], ["Harbor cruise, sunset"])

    page.goto("/account/calendar")
    page.get_by_role("button", name="Turn off").click()
    expect(page.get_by_role("status")).to_contain_text("Your calendar address is turned off.")
    expect(page.get_by_test_id("feed-off")).to_be_visible()
    expect(page.get_by_role("button", name="Make my calendar address")).to_be_visible()
    assert status_of(replacement) == 404
    assert status_of(https) == 404
    assert asked == [
        "Make a new address? The current one stops working at once.",
        "Turn your calendar address off? Subscribed calendars stop updating.",
    ]


def test_event_page_offers_an_ics_download_and_a_google_calendar_link(browser_pages, make_person, make_event):
    day = program_today(TZ) + timedelta(days=9)
    event = make_event(
        title="Book club: Being Mortal; chapters 1-3",
        location="Yawkey 2, Room 210, Boston",
        description="Bring **the book**, and a friend.",
        starts_at=at(day, 17, 30),
        ends_at=at(day, 19),
    )
    resident = make_person("resident")

    page = browser_pages.new_page()
    sign_in(page, resident.email)
    page.goto(f"/events/{event.id}")
    section = page.get_by_role("region", name="Add to your calendar")
    expect(section).to_contain_text("A copy does not follow later changes.")
    with page.expect_download() as waiting:
        section.get_by_test_id("event-ics").click()
    download = waiting.value
    assert download.suggested_filename == f"event-{event.id}.ics"
    with open(download.path(), "rb") as file:
        parsed = parse_both(file.read())
    assert summaries(parsed) == ([event.title], [event.title])
    [ics_event] = parsed[0].walk("VEVENT")
    assert ics_event.decoded("DTSTART") == event.starts_at
    assert ics_event.decoded("DTEND") == event.ends_at
    assert str(ics_event["LOCATION"]) == "Yawkey 2, Room 210, Boston"
    assert parsed[1].events[0].location == "Yawkey 2, Room 210, Boston"
    assert str(ics_event["URL"]).endswith(f"/events/{event.id}")

    google = section.get_by_role("link", name="Google Calendar")
    href = google.get_attribute("href")
    address = urlsplit(href)
    assert (address.scheme, address.netloc) == ("https", "calendar.google.com")
    query = parse_qs(address.query)
    assert query["text"] == [event.title]
    assert query["location"] == ["Yawkey 2, Room 210, Boston"]
    start = event.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert query["dates"] == [f"{start}/{event.ends_at.strftime('%Y%m%dT%H%M%SZ')}"]
    expect(google).to_have_attribute("target", "_blank")
    browser_pages.screenshot(page, "event-add-to-calendar")


def test_public_calendars_page_lists_the_feeds_and_all_events_parses(browser_pages, make_person, make_event):
    day = program_today(TZ) + timedelta(days=5)
    published = make_event(title="Residency-wide baseball game", starts_at=at(day, 19), kind="social")
    make_event(title="Secret planning draft", starts_at=at(day, 12), status="draft")
    resident = make_person("resident")

    page = browser_pages.new_page()
    sign_in(page, resident.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    page.get_by_role("link", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendars")
    expect(page.get_by_role("note")).to_contain_text("Subscribe to your own calendar")
    feeds = page.get_by_test_id("public-feeds").get_by_role("listitem")
    expect(feeds.first).to_contain_text("All events")
    for name in ("Social", "Retreat", "Categorical program"):
        expect(feeds.filter(has_text=name)).to_have_count(1)
    all_events = page.get_by_label("Address of All events").input_value()
    assert all_events == f"{browser_pages.base_url}/calendars/all.ics"
    row = feeds.filter(has_text="All events")
    expect(row.get_by_role("link", name="Subscribe")).to_have_attribute(
        "href", "webcal://" + all_events.removeprefix("http://")
    )
    browser_pages.screenshot(page, "feeds-calendars")

    parsed = fetch_calendar(all_events)
    assert summaries(parsed) == ([published.title], [published.title])
    assert "Secret planning draft" not in requests.get(all_events, timeout=10).text
