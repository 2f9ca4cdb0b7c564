"""Coaching in the browser: an intern class imported and paired, an override with a reason, a meeting
agreed by a resident and their coach, in both feeds and private to the pair."""

import re
from datetime import timedelta

import icalendar
import pytest
import requests
from sqlalchemy import select

from tests.browser.conftest import expect, from_database, nav, sign_in
from tests.events.conftest import at
from tests.support import database_state
from wellness.coaching.models import Meeting, Pairing
from wellness.dates import academic_year_of, program_today
from wellness.people.models import Person

pytestmark = pytest.mark.browser

TZ = "America/New_York"
HEADER = "email,first_name,last_name,roles,program,training_start_year,fields,firm,clinic_site,coach_capacity"
INTERNS = (  # email, first name, last name, fields as a coordinator's spreadsheet spells them
    ("ada.lin@example.org", "Ada", "Lin", "cardiology;Medical education"),
    ("ben.okafor@example.org", "Ben", "Okafor", "Oncology"),
    ("cy.moreau@example.org", "Cy", "Moreau", "primary care"),
    ("wes.hall@example.org", "Wes", "Hall", "Cardiology;Oncology;Primary care"),
)
PLACE = "Shapiro 9, Room 912"
GOAL = "Speak up earlier on rounds when I disagree with the plan."
OVERRIDE = "Wes asked for this coach, who taught him before residency."


def intern_class(year: int) -> dict:
    rows = [
        f"{email},{first},{last},resident,categorical,{year},{fields},,,"
        for email, first, last, fields in INTERNS
    ]
    return {
        "name": "interns.csv",
        "mimeType": "text/csv",
        "buffer": ("\n".join([HEADER, *rows]) + "\n").encode(),
    }


def open_coaching(page) -> None:
    nav(page).get_by_role("link", name="Coaching").click()


def field_set(text: str) -> set[str]:
    """The field names of an Interests or Coach's field cell, compared as the rule compares them."""
    return {name.strip().casefold() for name in text.split(",") if name.strip() not in ("", "—")}


def active_pairs(session) -> set[tuple[str, str, str | None]]:
    """(resident email, coach email, override reason) of every active pairing."""
    rows = session.execute(
        select(Pairing.resident_id, Pairing.coach_id, Pairing.override_reason).where(
            Pairing.ends_on.is_(None)
        )
    ).all()
    email = {person.id: person.email for person in session.scalars(select(Person))}
    return {(email[resident], email[coach], reason) for resident, coach, reason in rows}


def calendar_address(page, first_name: str) -> str:
    """Make the signed-in person's personal calendar address from their account page."""
    nav(page).get_by_role("link", name=first_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.get_by_role("link", name="Set up your calendar subscription").click()
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_test_id("new-address")).to_contain_text("it is shown only this once")
    return page.get_by_label("Address for Google Calendar and Outlook").input_value()


def fetch_feed(address: str) -> tuple[list[icalendar.Event], str]:
    """The feed's events and its whole text with long lines unfolded."""
    response = requests.get(address, timeout=10)
    assert response.status_code == 200, f"{address} answered {response.status_code}"
    events = list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
    return events, response.text.replace("\r\n ", "")


def test_interns_are_imported_and_paired_outside_their_fields_then_a_private_meeting_reaches_both_feeds(
    browser_pages, make_person, coordinator, db, app
):
    today = program_today(TZ)
    year = academic_year_of(today)
    coaches = {
        person.email: person
        for person in (
            make_person("faculty", first_name=first, last_name=last, email=f"{first.lower()}@example.org",
                        fields=(field,), coach_capacity=2)
            for first, last, field in (("Iris", "Chen", "Cardiology"), ("Miguel", "Santos", "Oncology"),
                                       ("Nora", "Fitch", "Primary care"))
        )
    }  # fmt: skip
    rhea = make_person("resident", first_name="Rhea", last_name="Patel", email="rhea@example.org",
                       fields=("Cardiology",), training_start_year=year - 1)  # fmt: skip
    otto = make_person("resident", first_name="Otto", last_name="Berg", email="otto@example.org",
                       fields=("Oncology",), training_start_year=year - 1)  # fmt: skip

    # The coordinator imports the new intern class.
    staff = browser_pages.new_page()
    sign_in(staff, coordinator.email)
    nav(staff).get_by_role("link", name="Import roster").click()
    staff.get_by_label("Roster file").set_input_files(intern_class(year))
    staff.get_by_role("button", name="Preview import").click()
    expect(staff.locator(".lead")).to_have_text("4 to add, 0 to update, 0 unchanged.")
    expect(staff.locator("main")).to_contain_text("New fields: Medical education")
    staff.get_by_role("button", name="Import 4 people").click()
    expect(staff.get_by_role("status")).to_contain_text("Roster imported: 4 added, 0 updated, 0 unchanged.")

    # Coaching opens on the board: six residents in training, none paired yet.
    open_coaching(staff)
    expect(staff.get_by_role("heading", level=1)).to_have_text("Coaching board")
    expect(staff.locator("main")).to_contain_text(
        "0 of 6 residents in training are paired; 3 coaches have 6 places free."
    )
    unpaired = staff.get_by_test_id("unpaired")
    expect(unpaired.get_by_role("heading", level=2)).to_have_text("Unpaired (6)")
    expect(unpaired.locator(".badge").filter(has_text="Ada Lin")).to_have_text(
        "Ada Lin · PGY-1 · Cardiology, Medical education"
    )

    # Suggestions: everyone who can be paired is, each with a coach outside their fields.
    staff.get_by_role("button", name="Suggest pairings").click()
    suggestions = staff.get_by_test_id("suggestions")
    expect(suggestions.get_by_role("heading", level=3).first).to_have_text("Suggested: 5 pairings")
    rows = suggestions.locator("tbody tr")
    expect(rows).to_have_count(5)
    suggested = set()
    for n in range(5):
        resident, interests, coach, coach_fields = rows.nth(n).locator("td").all_inner_texts()[:4]
        assert field_set(interests) and field_set(coach_fields), (resident, interests, coach, coach_fields)
        assert not field_set(interests) & field_set(coach_fields), f"{resident} shares a field with {coach}"
        suggested.add((resident, coach))
    assert {resident for resident, _ in suggested} == {
        "Ada Lin",
        "Ben Okafor",
        "Cy Moreau",
        "Rhea Patel",
        "Otto Berg",
    }
    expect(suggestions.get_by_role("listitem")).to_have_text(
        ["Wes Hall: every coach shares one of their fields (Cardiology, Oncology or Primary care)"]
    )
    browser_pages.screenshot(staff, "coaching-suggestions")

    staff.get_by_role("button", name="Accept all").click()
    expect(staff.get_by_role("status")).to_contain_text("5 pairings made; everyone paired has been told.")
    names = {p.email: p.name for p in coaches.values()}
    names.update({rhea.email: rhea.name, otto.email: otto.name})
    names.update({email: f"{first} {last}" for email, first, last, _ in INTERNS})
    pairs = from_database(db, active_pairs)
    assert {(names[r], names[c]) for r, c, _ in pairs} == suggested
    assert all(reason is None for _, _, reason in pairs)
    loads = {email: sum(1 for _, c, _ in pairs if c == email) for email in coaches}
    assert sorted(loads.values()) == [1, 2, 2]  # five residents spread as evenly as three coaches allow

    pairings = staff.get_by_test_id("pairings")
    expect(pairings.locator("tbody tr")).to_have_count(5)
    for resident, coach in suggested:
        row = pairings.get_by_role("row").filter(has=staff.get_by_role("link", name=resident, exact=True))
        expect(row.locator("td").nth(3)).to_have_text(coach)
    expect(unpaired.get_by_role("heading", level=2)).to_have_text("Unpaired (1)")
    chart = staff.get_by_test_id("load-chart").locator("svg")
    expect(chart).to_be_visible()
    for coach in coaches.values():
        expect(chart).to_contain_text(coach.name)
    coach_rows = staff.get_by_test_id("coaches").locator("tbody tr")
    for coach in coaches.values():
        row = coach_rows.filter(has=staff.get_by_role("link", name=coach.name, exact=True))
        expect(row.locator("td").nth(2)).to_have_text(str(loads[coach.email]))
    browser_pages.screenshot(staff, "coaching-board")

    # Wes shares a field with every coach: pairing him by hand needs a written reason.
    free_coach = next(coaches[email] for email, load in loads.items() if load == 1)
    shared = free_coach.fields[0].name
    staff.get_by_text("Pair by hand").click()
    staff.get_by_label("Resident", exact=True).select_option(label="Wes Hall")
    staff.get_by_label("Coach", exact=True).select_option(label=f"{free_coach.name} ({shared}; 1 of 2)")
    browser_pages.allow_status(400, "/coaching/pairings")
    before = database_state(app)
    staff.get_by_role("button", name="Pair", exact=True).click()
    reason = staff.get_by_label("Reason to pair despite a shared field")
    expect(reason).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(staff.locator("#override_reason ~ .invalid-feedback")).to_have_text(
        f"Give a reason to pair them anyway: {free_coach.name} shares {shared} with Wes Hall."
    )
    expect(staff.get_by_label("Resident", exact=True).locator("option:checked")).to_have_text("Wes Hall")
    assert database_state(app) == before
    browser_pages.screenshot(staff, "coaching-override-refused")

    reason.fill(OVERRIDE)
    staff.get_by_role("button", name="Pair", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text(
        f"Wes Hall is paired with {free_coach.name}; both have been told."
    )
    expect(staff.get_by_test_id("flags")).to_have_text(f"Paired despite a shared field: {OVERRIDE}")
    assert ("wes.hall@example.org", free_coach.email, OVERRIDE) in from_database(db, active_pairs)
    staff.get_by_role("link", name="Coaching board").click()
    expect(staff.get_by_test_id("flagged").get_by_role("listitem")).to_have_text(
        [f"Wes Hall with {free_coach.name}: Paired despite a shared field: {OVERRIDE}"]
    )
    wes_row = pairings.get_by_role("row").filter(has=staff.get_by_role("link", name="Wes Hall", exact=True))
    expect(wes_row.locator(".badge")).to_have_text("override")
    expect(unpaired.get_by_role("heading", level=2)).to_have_text("Unpaired (0)")

    # Rhea, on her phone, finds her coach, notes a private goal and proposes a meeting.
    rhea_coach = coaches[next(c for r, c, _ in from_database(db, active_pairs) if r == rhea.email)]
    rhea_pairing = from_database(
        db, lambda s: s.scalar(select(Pairing.id).where(Pairing.resident_id == rhea.id))
    )
    phone = browser_pages.new_page(phone=True)
    sign_in(phone, rhea.email)
    open_coaching(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Your coach: {rhea_coach.name}")
    phone.get_by_label("Text", exact=True).fill(GOAL)
    phone.get_by_role("button", name="Add", exact=True).click()
    expect(phone.get_by_role("status")).to_contain_text("Saved.")
    expect(phone.get_by_test_id("goals")).to_contain_text(GOAL)
    day = today + timedelta(days=3)
    meetings = phone.locator("#meetings")
    meetings.get_by_label("Day", exact=True).fill(day.isoformat())
    meetings.get_by_label("Starts", exact=True).fill("16:00")
    meetings.get_by_label("Ends", exact=True).fill("16:45")
    meetings.get_by_label("Place or video link", exact=True).fill(PLACE)
    meetings.get_by_role("button", name="Propose meeting").click()
    expect(phone.get_by_role("status")).to_contain_text(
        "Meeting proposed; you will hear when it is answered."
    )
    proposed = phone.get_by_test_id("meetings").get_by_role("listitem")
    expect(proposed).to_contain_text(f"{day:%a %b %-d, %Y}, 4:00 PM – 4:45 PM · {PLACE}")
    expect(proposed).to_contain_text("waiting for an answer")
    browser_pages.screenshot(phone, "coaching-resident")

    # Her coach sees it coming up, opens the pairing and confirms.
    coach_page = browser_pages.new_page()
    sign_in(coach_page, rhea_coach.email)
    open_coaching(coach_page)
    expect(coach_page.get_by_role("heading", level=1)).to_have_text("Coaching")
    expect(coach_page.get_by_test_id("upcoming")).to_contain_text(
        f"Rhea Patel: {day:%a %b %-d}, 4:00 PM · {PLACE}"
    )
    coach_page.get_by_test_id("coachees").get_by_role("link", name=re.compile(r"^Rhea Patel")).click()
    expect(coach_page.get_by_role("heading", level=1)).to_have_text("Coaching Rhea Patel")
    expect(coach_page.locator("main")).not_to_contain_text(GOAL)  # not shared with the coach
    offer = coach_page.get_by_test_id("meetings").get_by_role("listitem")
    expect(offer).to_contain_text("proposed to you")
    offer.get_by_role("button", name="Confirm").click()
    expect(coach_page.get_by_role("status")).to_contain_text(
        "Meeting confirmed; it is on both your calendars."
    )
    expect(offer.locator(".badge")).to_have_text("confirmed")
    browser_pages.screenshot(coach_page, "coaching-coach-pairing")
    assert from_database(
        db, lambda s: [(m.status, m.starts_at, m.ends_at, m.place) for m in s.scalars(select(Meeting))]
    ) == [("confirmed", at(day, 16), at(day, 16, 45), PLACE)]

    # The meeting is in both personal feeds with its time and place, and nothing else about them.
    for page, person in ((phone, rhea), (coach_page, rhea_coach)):
        [event], feed = fetch_feed(calendar_address(page, person.first_name))
        assert str(event["SUMMARY"]) == "Coaching meeting"
        assert str(event["LOCATION"]) == PLACE
        assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (at(day, 16), at(day, 16, 45))
        assert str(event["CLASS"]) == "CONFIDENTIAL"
        text = event.to_ical().decode().replace("\r\n ", "")
        for private in ("DESCRIPTION", "Rhea", "Patel", rhea_coach.last_name, "Speak up", "goal"):
            assert private not in text, f"{private!r} in {person.first_name}'s feed"
        assert GOAL not in feed
    assert "Rhea" not in feed  # the coach's whole feed: named for the coach, with no word of the coachee

    # Otto, another resident, cannot tell that Rhea's pairing exists.
    otto_page = browser_pages.new_page()
    sign_in(otto_page, otto.email)
    browser_pages.allow_status(404, f"/coaching/pairings/{rhea_pairing}")
    response = otto_page.goto(f"/coaching/pairings/{rhea_pairing}")
    assert response.status == 404
    expect(otto_page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(otto_page.locator("main")).not_to_contain_text("Rhea")
