"""Events in the browser: publishing for an audience, RSVPs and the waitlist, check-in, the calendar."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.conftest import expect, from_database, nav, sign_in
from tests.events.conftest import at
from wellness.dates import program_today
from wellness.events.models import Rsvp
from wellness.notifications.models import Notice
from wellness.people.programs import start_year_for_pgy

pytestmark = pytest.mark.browser

TZ = "America/New_York"


def answer_on_page(page, response: str) -> None:
    """Choose an answer in the event page's RSVP card and send it."""
    card = page.get_by_role("region", name="Your answer")
    card.get_by_label(response, exact=True).check()
    with page.expect_navigation():  # the next person's answer must come after this one
        card.get_by_role("button", name=re.compile(r"^(Send|Update) answer$")).click()


def test_coordinator_publishes_a_two_seat_event_for_primary_care_juniors_and_the_waitlist_moves_up(
    browser_pages, make_person, db
):
    title = "Junior wellness walk"
    day = program_today(TZ) + timedelta(days=10)
    junior_start = start_year_for_pgy(2, day)
    organiser = make_person("coordinator", first_name="Casey", last_name="Morgan")
    juniors = [
        make_person(
            "resident",
            first_name=first,
            last_name=last,
            program="primary_care",
            training_start_year=junior_start,
        )
        for first, last in (("Robin", "Alvarez"), ("Sam", "Okafor"), ("Noor", "Haddad"))
    ]
    categorical = make_person(
        "resident", first_name="Tomas", program="categorical", training_start_year=junior_start
    )

    staff = browser_pages.new_page()
    staff.goto("/")
    expect(staff).to_have_url(re.compile(r"/login\?next=%2F$"))
    sign_in(staff, organiser.email)
    nav(staff).get_by_role("link", name="Events").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Upcoming events")
    staff.get_by_role("link", name="New event").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("New event")

    staff.get_by_label("Title", exact=True).fill(title)
    staff.get_by_label("Kind", exact=True).select_option(label="Wellness")
    staff.get_by_label("Location", exact=True).fill("Arboretum, Hunnewell gate")
    staff.get_by_label("Description", exact=True).fill("An easy hour outdoors. Bring **water**.")
    staff.get_by_label("Starts on", exact=True).fill(day.isoformat())
    staff.get_by_label("Start time", exact=True).fill("16:00")
    staff.get_by_label("Ends on", exact=True).fill(day.isoformat())
    staff.get_by_label("End time", exact=True).fill("17:30")
    staff.get_by_label("Capacity", exact=True).fill("2")
    everyone = staff.get_by_label("Everyone", exact=True)
    primary_care = staff.get_by_label("Primary care", exact=True)
    juniors_box = staff.get_by_label("PGY-2 (juniors)", exact=True)
    expect(everyone).to_be_checked()
    expect(primary_care).to_be_hidden()  # the audience lists only matter once Everyone is unticked
    everyone.uncheck()
    expect(primary_care).to_be_visible()
    primary_care.check()
    juniors_box.check()
    browser_pages.screenshot(staff, "event-form")
    staff.get_by_role("button", name="Save draft").click()

    expect(staff).to_have_url(re.compile(r"/events/\d+$"))
    event_path = staff.url.removeprefix(browser_pages.base_url)
    expect(staff.get_by_role("status")).to_contain_text(f"{title} is saved as a draft.")
    expect(staff.get_by_role("heading", level=1)).to_have_text(title)
    expect(staff.get_by_text("Draft", exact=True)).to_be_visible()
    expect(staff.get_by_role("region", name="Your answer")).to_contain_text("This event is a draft")
    browser_pages.screenshot(staff, "event-draft")
    staff.on("dialog", lambda dialog: dialog.accept())  # should Publish ever ask first
    staff.get_by_role("button", name="Publish").click()
    expect(staff.get_by_role("status")).to_contain_text(f"{title} is published.")
    expect(staff.get_by_text("Draft", exact=True)).to_have_count(0)
    expect(staff.get_by_role("button", name="Publish")).to_have_count(0)
    details = staff.locator("dl")
    expect(details).to_contain_text("Primary care residents, PGY-2")
    expect(details).to_contain_text("4 PM – 5:30 PM")

    # Three juniors answer, each in a browser of their own; the third is on a phone.
    pages = []
    for junior, phone in zip(juniors, (False, False, True), strict=True):
        page = browser_pages.new_page(phone=phone)
        sign_in(page, junior.email)
        nav(page).get_by_role("link", name="Events").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Upcoming events")
        page.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        answer_on_page(page, "Going")
        pages.append(page)
    first, second, third = pages
    for page in (first, second):
        expect(page.get_by_role("status")).to_contain_text("You are going.")
        expect(page.get_by_test_id("my-status")).to_contain_text("You have a place.")
    expect(third.get_by_role("status")).to_contain_text(
        "The event is full, so you are on the waitlist at position 1."
    )
    expect(third.get_by_test_id("my-status")).to_contain_text("You are number 1 on the waitlist.")
    places = third.get_by_role("region", name="Places")
    expect(places).to_contain_text("Full: new answers join the waitlist.")
    browser_pages.screenshot(third, "event-waitlisted")

    answer_on_page(first, "Not going")
    expect(first.get_by_role("status")).to_contain_text("You are not going.")
    expect(first.get_by_test_id("my-status")).to_contain_text("Not going")

    third.reload()
    expect(third.get_by_test_id("my-status")).to_contain_text("Going")
    expect(third.get_by_test_id("my-status")).to_contain_text("You have a place.")
    # On a phone the unread count shows beside the folded menu, without opening it.
    expect(third.get_by_test_id("phone-bell")).to_have_accessible_name("1 unread notice")
    bell = nav(third).get_by_role("link", name="Notifications, 1 unread")
    expect(bell.locator(".notice-count")).to_have_text("1")
    browser_pages.screenshot(third, "event-promoted-menu-open")
    bell.click()
    expect(third.get_by_role("heading", level=1)).to_contain_text("1 unread")
    notice = third.get_by_role("listitem").filter(has_text=f"You have a place: {title}")
    expect(notice).to_contain_text("you moved off the waitlist")
    browser_pages.screenshot(third, "notifications-promoted")
    notice.get_by_role("button", name=re.compile(r"^Open")).click()
    expect(third).to_have_url(f"{browser_pages.base_url}{event_path}")
    expect(third.get_by_test_id("my-status")).to_contain_text("You have a place.")
    expect(nav(third).get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    assert from_database(
        db,
        lambda s: {rsvp.person.first_name: rsvp.response for rsvp in s.scalars(select(Rsvp)).all()},
    ) == {"Robin": "not_going", "Sam": "going", "Noor": "going"}
    assert from_database(
        db,
        lambda s: [(n.person_id, n.kind, n.read_at is not None) for n in s.scalars(select(Notice)).all()],
    ) == [(juniors[2].id, "promoted", True)]

    # A categorical junior with the link: the reason, no form, and no such event in their list.
    outsider = browser_pages.new_page()
    sign_in(outsider, categorical.email)
    outsider.goto(event_path)
    expect(outsider.get_by_role("heading", level=1)).to_have_text(title)
    expect(outsider.get_by_test_id("not-for-you")).to_contain_text(
        "This event is for Primary care residents, PGY-2. You are not in its audience, so you cannot RSVP."
    )
    expect(outsider.get_by_label("Going", exact=True)).to_have_count(0)
    expect(outsider.get_by_role("button", name=re.compile("answer"))).to_have_count(0)
    browser_pages.screenshot(outsider, "event-not-for-you")
    nav(outsider).get_by_role("link", name="Events").click()
    expect(outsider.get_by_role("heading", level=1)).to_have_text("Upcoming events")
    expect(outsider.get_by_text("No upcoming events match.")).to_be_visible()
    expect(outsider.get_by_role("link", name=title)).to_have_count(0)


def test_coordinator_checks_people_in_on_a_phone_and_prints_the_roster(
    browser_pages, make_person, make_event, answer, coordinator
):
    event = make_event(title="Intern potluck", capacity=10, location="Ether Dome")
    names = (("Robin", "Alvarez"), ("Sam", "Okafor"), ("Noor", "Haddad"))
    for first, last in names:
        answer(event, make_person("resident", first_name=first, last_name=last))

    page = browser_pages.new_page(phone=True)
    sign_in(page, coordinator.email)
    nav(page).get_by_role("link", name="Events").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upcoming events")
    page.get_by_role("link", name="Intern potluck").click()
    page.get_by_role("region", name="Organise").get_by_role("link", name="Check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in")
    count = page.get_by_test_id("checked-in-count")
    expect(count).to_have_text("0")
    expect(page.get_by_text(re.compile(r"^0 of 3 checked in"))).to_be_visible()
    rows = page.locator(".check-in-list li")
    expect(rows).to_have_count(3)

    page.get_by_role("searchbox").press_sequentially("okaf")
    expect(rows.filter(has_text="Okafor, Sam")).to_be_visible()
    expect(rows.filter(has_text="Alvarez, Robin")).to_be_hidden()
    expect(rows.filter(has_text="Haddad, Noor")).to_be_hidden()
    browser_pages.screenshot(page, "event-check-in-search")
    page.get_by_role("button", name="Check in Sam Okafor").click()

    expect(page.get_by_role("status")).to_contain_text("Sam Okafor is checked in.")
    expect(count).to_have_text("1")
    expect(page.get_by_text(re.compile(r"^1 of 3 checked in"))).to_be_visible()
    expect(page.get_by_role("button", name="Undo check-in of Sam Okafor")).to_be_visible()
    expect(page.get_by_role("button", name="Check in Robin Alvarez")).to_be_visible()
    browser_pages.screenshot(page, "event-check-in-done")

    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Intern potluck").click()
    page.get_by_role("region", name="Organise").get_by_role("link", name="Roster").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intern potluck")
    table = page.get_by_role("table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.get_by_role("row").filter(has_text="Okafor, Sam").get_by_role("cell").first).to_have_text(
        "✓"
    )
    expect(table.get_by_role("row").filter(has_text="Haddad, Noor").get_by_role("cell").first).to_have_text(
        ""
    )
    browser_pages.screenshot(page, "event-roster")


def test_month_calendar_shows_the_event_on_its_day_after_moving_to_the_next_month(
    browser_pages, make_person, make_event
):
    today = program_today(TZ)
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    day = next_month.replace(day=15)
    event = make_event(title="Resident-parents barbecue", starts_at=at(day, 12))
    resident = make_person("resident")

    page = browser_pages.new_page()
    sign_in(page, resident.email)
    nav(page).get_by_role("link", name="Calendar").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(today.strftime("%B %Y"))
    expect(page.get_by_role("link", name=re.compile("Resident-parents barbecue"))).to_have_count(0)

    page.get_by_role("link", name=f"Next month ({next_month.strftime('%B %Y')})").click()
    expect(heading).to_have_text(next_month.strftime("%B %Y"))
    cell = page.locator("td:not(.other-month)").filter(
        has=page.locator(".day-number", has_text=re.compile(r"^15$"))
    )
    link = cell.get_by_role("link", name=re.compile("Resident-parents barbecue"))
    expect(link).to_have_text("12:00pm Resident-parents barbecue")
    browser_pages.screenshot(page, "calendar-next-month")
    link.click()
    expect(page).to_have_url(f"{browser_pages.base_url}/events/{event.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Resident-parents barbecue")


def test_event_description_renders_markdown_and_shows_html_as_text(browser_pages, make_person, make_event):
    script = '<script>document.title = "injected";</script>'
    event = make_event(title="Reflection evening", description=f"Bring **something to share**.\n\n{script}")
    resident = make_person("resident")

    page = browser_pages.new_page()
    sign_in(page, resident.email)
    page.goto(f"/events/{event.id}")
    description = page.locator(".event-description")
    expect(description.locator("strong")).to_have_text("something to share")
    expect(description).to_contain_text(script)
    expect(description.locator("script")).to_have_count(0)
    assert page.title() != "injected"
    browser_pages.screenshot(page, "event-description")
