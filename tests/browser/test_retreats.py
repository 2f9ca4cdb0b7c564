"""Retreats in the browser: a coordinator adds a session, residents sign up and wait, and the session reaches a feed."""

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from tests.browser.conftest import expect, from_database, nav, sign_in
from tests.events.conftest import at
from tests.feeds.ical_check import parse_both
from wellness.dates import program_today
from wellness.retreats.models import Facilitator, RetreatSession, SessionSignup

pytestmark = pytest.mark.browser

TZ = "America/New_York"
TITLE = "IUD placement"


def open_agenda(page, retreat_title: str) -> None:
    """From the events list to the retreat's page, then its agenda by the "Agenda and sessions" link."""
    nav(page).get_by_role("link", name="Events").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upcoming events")
    page.get_by_role("link", name=retreat_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(retreat_title)
    page.get_by_role("link", name="Agenda and sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Agenda: {retreat_title}")


def test_coordinator_adds_a_one_seat_session_residents_sign_up_and_wait_and_it_reaches_the_feed(
    browser_pages, make_person, make_event, answer, coordinator, db
):
    day = program_today(TZ) + timedelta(days=30)
    retreat = make_event(
        title="Spring retreat",
        kind="retreat",
        location="Lakeside Lodge",
        starts_at=at(day, 9),
        ends_at=at(day, 17),
    )
    faculty = make_person("faculty", first_name="Fay", last_name="Culty", email="fay.culty@example.org")
    first = make_person("resident", first_name="Rhea", last_name="Patel")
    second = make_person("resident", first_name="Sam", last_name="Okafor")
    for resident in (first, second):
        answer(retreat, resident, "going")

    # The coordinator builds the agenda.
    staff = browser_pages.new_page()
    sign_in(staff, coordinator.email)
    open_agenda(staff, "Spring retreat")
    expect(staff.get_by_test_id("empty-agenda")).to_contain_text("No sessions yet.")
    staff.get_by_role("link", name="Add a session").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("New session")
    expect(staff.get_by_label("Day", exact=True)).to_have_value(day.isoformat())
    staff.get_by_label("Title", exact=True).fill(TITLE)
    staff.get_by_label("Format", exact=True).select_option(label="Skills session")
    staff.get_by_label("Starts", exact=True).fill("10:00")
    staff.get_by_label("Ends", exact=True).fill("11:30")
    staff.get_by_label("Room", exact=True).fill("Oak room")
    staff.get_by_label("Seats", exact=True).fill("1")
    expect(staff.get_by_label("Keep a waitlist when full")).to_be_checked()
    staff.get_by_label("Faculty facilitators", exact=True).fill(faculty.email)
    staff.get_by_label("Invited facilitators", exact=True).fill("Dr. Ada Lovelace | Professor | Stanford")
    browser_pages.screenshot(staff, "retreat-session-form")
    staff.get_by_role("button", name="Save").click()

    expect(staff.get_by_role("status")).to_contain_text(f"{TITLE} is on the agenda.")
    card = staff.get_by_test_id("session").filter(has_text=TITLE)
    expect(card).to_contain_text("10:00 AM – 11:30 AM · Oak room")
    expect(card).to_contain_text("Skills session")
    expect(card).to_contain_text("Led by Fay Culty; Dr. Ada Lovelace (Professor, Stanford)")
    expect(card.get_by_test_id("places")).to_have_text("1 of 1 seats free")
    expect(card.get_by_role("link", name="Edit")).to_be_visible()
    session_id = from_database(db, lambda s: s.scalar(select(RetreatSession.id)))
    assert from_database(
        db,
        lambda s: [
            (lead.person_id, lead.name, lead.title, lead.affiliation)
            for lead in s.scalars(select(Facilitator).order_by(Facilitator.position))
        ],
    ) == [(faculty.id, "", "", ""), (None, "Dr. Ada Lovelace", "Professor", "Stanford")]

    # The first resident takes the one seat.
    rhea = browser_pages.new_page()
    sign_in(rhea, first.email)
    open_agenda(rhea, "Spring retreat")
    card = rhea.get_by_test_id("session").filter(has_text=TITLE)
    expect(card.get_by_role("link", name="Edit")).to_have_count(0)
    card.get_by_role("button", name="Sign up").click()
    expect(rhea.get_by_role("status")).to_contain_text(f"You have a place in {TITLE}.")
    card = rhea.get_by_test_id("session").filter(has_text=TITLE)
    expect(card.get_by_test_id("my-session-status")).to_have_text("You have a place")
    expect(card.get_by_test_id("places")).to_have_text("Full (1 seat)")
    expect(card.get_by_role("button", name="Leave")).to_be_visible()
    browser_pages.screenshot(rhea, "retreat-agenda")

    # The second, on a phone, finds it full and joins the waitlist.
    sam = browser_pages.new_page(phone=True)
    sign_in(sam, second.email)
    open_agenda(sam, "Spring retreat")
    card = sam.get_by_test_id("session").filter(has_text=TITLE)
    expect(card.get_by_role("button", name="Sign up")).to_have_count(0)
    card.get_by_role("button", name="Join the waitlist").click()
    expect(sam.get_by_role("status")).to_contain_text(
        f"{TITLE} is full, so you are on its waitlist at position 1."
    )
    card = sam.get_by_test_id("session").filter(has_text=TITLE)
    expect(card.get_by_test_id("my-session-status")).to_have_text("Waitlist #1")
    expect(card.get_by_test_id("places")).to_have_text("Full (1 seat) · 1 waiting")
    expect(card.get_by_role("button", name="Leave the waitlist")).to_be_visible()
    browser_pages.screenshot(sam, "retreat-agenda-waitlisted")

    assert from_database(
        db,
        lambda s: sorted(
            (signup.person_id, signup.status)
            for signup in s.scalars(select(SessionSignup).where(SessionSignup.session_id == session_id))
        ),
    ) == sorted([(first.id, "going"), (second.id, "waitlisted")])

    # The first resident's calendar address carries the session.
    nav(rhea).get_by_role("link", name="Rhea").click()
    expect(rhea.get_by_role("heading", level=1)).to_have_text("Your account")
    rhea.get_by_role("link", name="Set up your calendar subscription").click()
    expect(rhea.get_by_role("heading", level=1)).to_have_text("Your calendar subscription")
    rhea.get_by_role("button", name="Make my calendar address").click()
    expect(rhea.get_by_test_id("new-address")).to_contain_text("it is shown only this once")
    address = rhea.get_by_label("Address for Google Calendar and Outlook").input_value()
    assert address.startswith(f"{browser_pages.base_url}/calendar/") and address.endswith(".ics")

    response = requests.get(address, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    first_reading, second_reading = parse_both(response.content)
    assert sorted(str(event["SUMMARY"]) for event in first_reading.walk("VEVENT")) == [
        TITLE,
        "Spring retreat",
    ]
    assert sorted(event.summary for event in second_reading.events) == [TITLE, "Spring retreat"]
    [session_event] = [event for event in first_reading.walk("VEVENT") if str(event["SUMMARY"]) == TITLE]
    assert (session_event.decoded("DTSTART"), session_event.decoded("DTEND")) == (
        at(day, 10),
        at(day, 11, 30),
    )
    assert str(session_event["STATUS"]) == "CONFIRMED"
    assert str(session_event["LOCATION"]) == "Oak room, Lakeside Lodge"
    [other_reading] = [event for event in second_reading.events if event.summary == TITLE]
    assert other_reading.location == "Oak room, Lakeside Lodge"
    assert "Fay Culty" in other_reading.description
