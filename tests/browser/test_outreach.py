"""Outreach in the browser: a shelter dinner proposed, approved, staffed, swapped, held, hours counted."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.conftest import expect, from_database, nav, sign_in
from tests.events.conftest import at
from wellness.dates import academic_year_of, program_today, utcnow
from wellness.outreach.models import Shift, ShiftSignup

pytestmark = pytest.mark.browser

TZ = "America/New_York"
TITLE = "Dinner at Pine Street Inn"


def open_outreach(page) -> None:
    nav(page).get_by_role("link", name="Outreach").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community outreach")


def open_project(page) -> None:
    """From the outreach page to the dinner's page by its link."""
    open_outreach(page)
    page.get_by_role("link", name=re.compile(re.escape(TITLE))).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def serving(page):
    return page.get_by_test_id("shift").filter(has_text="Serving")


def test_a_resident_runs_a_shelter_dinner_from_proposal_to_counted_hours(
    browser_pages, make_person, coordinator, db
):
    today = program_today(TZ)
    day = today + timedelta(days=30)
    second_year = academic_year_of(today) - 1
    olive = make_person("resident", first_name="Olive", last_name="Organiser", email="olive@example.org")
    vi, wes, xan = (
        make_person("resident", first_name=first, last_name=last, email=f"{first.lower()}@example.org",
                    program="primary_care", training_start_year=second_year)
        for first, last in (("Vi", "Volunteer"), ("Wes", "Walker"), ("Xan", "Extra"))
    )  # fmt: skip

    # Olive proposes the dinner.
    organiser = browser_pages.new_page()
    sign_in(organiser, olive.email)
    open_outreach(organiser)
    organiser.get_by_role("link", name="Propose a project").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Propose an outreach project")
    organiser.get_by_label("Project", exact=True).fill(TITLE)
    organiser.get_by_label("Kind", exact=True).select_option(label="Meal service")
    organiser.get_by_label("Partner organisation", exact=True).fill("Pine Street Inn")
    organiser.get_by_label("Partner's address", exact=True).fill("444 Harrison Ave, Boston")
    organiser.get_by_label("First day", exact=True).fill(day.isoformat())
    organiser.get_by_label("Last day", exact=True).fill(day.isoformat())
    organiser.get_by_label("What volunteers will do", exact=True).fill("Serve a hot dinner to the guests.")
    organiser.get_by_role("button", name="Propose", exact=True).click()
    expect(organiser.get_by_role("status")).to_contain_text(
        f"{TITLE} is proposed. Coordinators have been told"
    )
    expect(organiser.get_by_test_id("project-status")).to_have_text("proposed")
    expect(organiser.get_by_role("link", name="Add a shift")).to_have_count(0)

    # A coordinator finds it waiting and approves it on its page.
    staff = browser_pages.new_page()
    sign_in(staff, coordinator.email)
    open_outreach(staff)
    expect(staff.get_by_role("heading", name="Waiting for a decision")).to_be_visible()
    staff.get_by_test_id("to-decide").get_by_role("link", name=re.compile(re.escape(TITLE))).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(TITLE)
    staff.get_by_label("Approve", exact=True).check()
    staff.get_by_role("button", name="Save the decision").click()
    expect(staff.get_by_role("status")).to_contain_text(
        f"{TITLE} is approved; the organisers have been told."
    )
    expect(staff.get_by_test_id("project-status")).to_have_count(0)

    # Olive adds the Serving shift with two slots.
    organiser.reload()
    expect(organiser.get_by_test_id("project-status")).to_have_count(0)
    organiser.get_by_role("link", name="Add a shift").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text(f"New shift for {TITLE}")
    expect(organiser.get_by_label("Day", exact=True)).to_have_value(day.isoformat())
    organiser.get_by_label("Role", exact=True).fill("Serving")
    organiser.get_by_label("Starts", exact=True).fill("18:00")
    organiser.get_by_label("Ends", exact=True).fill("20:00")
    organiser.get_by_label("Slots", exact=True).fill("2")
    organiser.get_by_role("button", name="Add the shift").click()
    expect(organiser.get_by_role("status")).to_contain_text(f"The Serving shift on {day:%b %-d} is open")
    expect(serving(organiser)).to_contain_text("6:00 PM – 8:00 PM")
    expect(serving(organiser).get_by_test_id("slots")).to_have_text("2 of 2 slots free")
    shift_id = from_database(db, lambda s: s.scalar(select(Shift.id)))
    assert from_database(
        db, lambda s: [(x.role, x.slots, x.starts_at, x.ends_at) for x in s.scalars(select(Shift))]
    ) == [("Serving", 2, at(day, 18), at(day, 20))]

    # Xan, on a phone, opens the page while slots are free; Vi and Wes take both.
    xan_page = browser_pages.new_page(phone=True)
    sign_in(xan_page, xan.email)
    open_project(xan_page)
    expect(serving(xan_page).get_by_role("button", name="Sign up")).to_be_visible()
    vi_page, wes_page = browser_pages.new_page(), browser_pages.new_page()
    for page, person in ((vi_page, vi), (wes_page, wes)):
        sign_in(page, person.email)
        open_project(page)
        serving(page).get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("status")).to_contain_text("You have a slot in the Serving shift.")
        expect(serving(page).get_by_test_id("my-shift")).to_have_text("You have a slot")
    expect(serving(wes_page).get_by_test_id("slots")).to_have_text("Full (2 slots)")
    expect(serving(wes_page)).to_contain_text("Volunteers: Vi Volunteer, Wes Walker")

    # Xan's page is out of date: the sign-up is refused and says why.
    browser_pages.allow_status(409, f"/outreach/shifts/{shift_id}/sign-up")
    serving(xan_page).get_by_role("button", name="Sign up").click()
    expect(xan_page.get_by_role("alert")).to_contain_text("Every slot of the Serving shift is taken.")
    expect(serving(xan_page).get_by_test_id("slots")).to_have_text("Full (2 slots)")
    expect(serving(xan_page).get_by_role("button", name="Sign up")).to_have_count(0)

    # Vi offers her slot; Xan takes it.
    serving(vi_page).get_by_role("button", name="Offer my slot").click()
    expect(vi_page.get_by_role("status")).to_contain_text("Your Serving slot is on offer.")
    expect(serving(vi_page).get_by_test_id("my-shift")).to_have_text("You have a slot (on offer)")
    open_project(xan_page)
    expect(serving(xan_page)).to_contain_text("Vi Volunteer (offering)")
    serving(xan_page).get_by_role("button", name="Take Vi's slot").click()
    expect(xan_page.get_by_role("status")).to_contain_text("The Serving slot is yours; you were both told.")
    expect(serving(xan_page).get_by_test_id("my-shift")).to_have_text("You have a slot")
    expect(serving(xan_page)).to_contain_text("Volunteers: Wes Walker, Xan Extra")
    vi_page.reload()
    expect(serving(vi_page).get_by_test_id("my-shift")).to_have_count(0)
    expect(serving(vi_page).get_by_test_id("slots")).to_have_text("Full (2 slots)")
    nav(vi_page).get_by_role("link", name="Notifications").click()
    expect(vi_page.get_by_role("heading", name="Xan Extra took your shift")).to_be_visible()
    assert from_database(
        db, lambda s: set(s.scalars(select(ShiftSignup.person_id).where(ShiftSignup.shift_id == shift_id)))
    ) == {wes.id, xan.id}

    # Time passes: the shift, two hours long, ended an hour ago.
    def move_into_past(session):
        shift = session.get(Shift, shift_id)
        shift.ends_at = utcnow().replace(microsecond=0) - timedelta(hours=1)
        shift.starts_at = shift.ends_at - timedelta(hours=2)
        session.commit()

    from_database(db, move_into_past)

    # Olive confirms who came.
    organiser.reload()
    expect(serving(organiser).get_by_role("button", name="Sign up")).to_have_count(0)
    serving(organiser).get_by_role("link", name="Confirm who came").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Who came to the Serving shift?")
    expect(organiser.get_by_label("Wes Walker")).to_be_checked()
    expect(organiser.get_by_label("Xan Extra")).to_be_checked()
    expect(organiser.get_by_label("Vi Volunteer")).to_have_count(0)
    organiser.get_by_role("button", name="Save who came").click()
    expect(organiser.get_by_role("status")).to_contain_text("Saved: 2 of 2 came to the Serving shift.")
    expect(serving(organiser)).to_contain_text("Volunteers: Wes Walker ✓, Xan Extra ✓")
    browser_pages.screenshot(organiser, "outreach-project")

    # Their hours show on their own outreach pages; Vi, who gave up her slot, has none.
    for page, expected in ((wes_page, "2 from 1 shift"), (xan_page, "2 from 1 shift"), (vi_page, "0")):
        open_outreach(page)
        expect(page.get_by_test_id("my-hours")).to_have_text(
            f"Your service hours this academic year: {expected}."
        )

    # The coordinator's report has them in the table and their class's bar in the chart.
    open_outreach(staff)
    staff.get_by_role("link", name="Service hours").click()
    year = academic_year_of(today)
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Service hours, {year}–{year + 1}")
    chart = staff.get_by_test_id("hours-chart").locator("svg")
    expect(chart).to_be_visible()
    label = chart.locator("text", has_text="Primary care, PGY-2")
    expect(label).to_be_visible()
    bar_width = label.evaluate("text => Number(text.nextElementSibling.getAttribute('width'))")
    assert bar_width > 0
    assert label.evaluate("text => text.nextElementSibling.getBoundingClientRect().width") > 0
    expect(chart).to_contain_text("4 h")
    table = staff.get_by_test_id("hours-table")
    for name in ("Wes Walker", "Xan Extra"):
        row = table.get_by_role("row").filter(has=staff.get_by_role("cell", name=name, exact=True))
        expect(row.get_by_role("cell")).to_have_text([name, "Primary care", "PGY-2", "1", "2"])
    vi_row = table.get_by_role("row").filter(has=staff.get_by_role("cell", name="Vi Volunteer", exact=True))
    expect(vi_row.get_by_role("cell")).to_have_text(["Vi Volunteer", "Primary care", "PGY-2", "0", "0"])
    browser_pages.screenshot(staff, "outreach-hours")
