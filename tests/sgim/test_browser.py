"""SGIM in Chromium: a coordinator creates the meeting, a resident says they are going from a phone and asks
for funding, the coordinator finds cover for her clinics (a coverer on vacation is refused with the reason,
a suggested one is picked), approves past the budget only with a reason, and the trip is cleared."""

import pytest
from sqlalchemy import select

from tests.browser.conftest import expect, from_database, nav, sign_in
from tests.sgim.conftest import FIRST_DAY, LAST_DAY, day
from tests.support import database_state
from wellness.dates import academic_year_of
from wellness.duties.models import Duty
from wellness.sgim.models import Attendance, Meeting

pytestmark = pytest.mark.browser


def test_a_trip_is_booked_funded_covered_and_cleared(
    browser_pages, app, db, coordinator, resident, faculty, make_duty, away
):
    ada = resident("Ada", site="Brookside")
    ravi = resident("Ravi", program="categorical", pgy=3)
    away(ravi, day(0), day(4), title="Vacation")
    tess = faculty("Tess")
    # The coordinator creates this year's meeting.
    staff = browser_pages.new_page()
    sign_in(staff, coordinator.email)
    nav(staff).get_by_role("link", name="SGIM").click()
    staff.get_by_role("link", name="New meeting").click()
    staff.get_by_label("City").fill("Denver")
    staff.get_by_label("First day").fill(FIRST_DAY.isoformat())
    staff.get_by_label("Last day").fill(LAST_DAY.isoformat())
    staff.get_by_label("Budget per resident ($)").fill("1,500")
    staff.get_by_label("Total budget ($)").fill("5000")
    staff.get_by_role("button", name="Create and invite").click()
    expect(staff.get_by_role("status")).to_contain_text(
        "SGIM Annual Meeting is published; 1 resident invited."
    )
    expect(staff.get_by_test_id("attendees").locator("tbody tr")).to_have_text(
        ["Ada Quill Not answered — — — Not submitted — Not answered"]
    )
    meeting_id = from_database(db, lambda s: s.scalar(select(Meeting.id)))
    clinics = [make_duty(ada, day(1), "AM"), make_duty(ada, day(2), "PM")]

    # Ada answers from her phone: the trip runs from the travel day to the last day.
    phone = browser_pages.new_page(phone=True)
    sign_in(phone, ada.email)
    nav(phone).get_by_role("link", name="SGIM").click()
    phone.get_by_test_id("invitations").get_by_role("link", name="SGIM Annual Meeting, Denver").click()
    phone.get_by_role("button", name="Going", exact=True).click()
    expect(phone.get_by_role("status")).to_contain_text("You are going: the trip is on your calendar.")
    expect(phone.get_by_test_id("trip-days")).to_contain_text(day(0).strftime("%a, %b %-d"))
    phone.get_by_label("Registration ($)").fill("600")
    phone.get_by_label("Travel ($)").fill("1000")
    phone.get_by_role("button", name="Save request").click()
    expect(phone.get_by_role("status")).to_contain_text("Funding request saved")
    expect(phone.get_by_test_id("needs").get_by_test_id("uncovered")).to_have_count(2)
    browser_pages.screenshot(phone, "sgim-trip-resident")

    # The board shows both of Ada's clinics in red.
    staff.goto(f"/sgim/{meeting_id}/board")
    uncovered = staff.get_by_test_id("uncovered").locator("tbody tr.table-danger")
    expect(uncovered).to_have_count(2)
    browser_pages.screenshot(staff, "sgim-board")
    uncovered.first.get_by_role("link", name="Find cover").click()

    # Ravi is on vacation: refused with the reason, nothing written.
    need = staff.locator(f"#need-{clinics[0]}")
    browser_pages.allow_status(409, f"/sgim/{meeting_id}/trips/{_attendance(db)}/needs/{clinics[0]}/cover")
    before = database_state(app)
    need.get_by_label("Coverer's e-mail").fill(ravi.email)
    need.get_by_role("button", name="Assign", exact=True).click()
    expect(staff.locator(f"#need-{clinics[0]} .invalid-feedback")).to_have_text(
        "Ravi Patel is away then: Vacation."
    )
    assert database_state(app) == before

    # A suggestion is picked instead.
    staff.locator(f"#need-{clinics[0]}").get_by_role("link", name="Suggest coverers").click()
    expect(staff.get_by_test_id("suggestions")).to_contain_text("Tess Faculty")
    expect(staff.get_by_test_id("suggestions")).not_to_contain_text("Ravi")
    staff.get_by_test_id("suggestions").get_by_role("button", name="Assign Tess Faculty").click()
    expect(staff.get_by_role("status")).to_contain_text("Tess Faculty covers it and has been told.")
    second = staff.locator(f"#need-{clinics[1]}")
    second.get_by_label("Coverer's e-mail").fill(tess.email)
    second.get_by_role("button", name="Assign", exact=True).click()
    expect(staff.get_by_test_id("needs").get_by_test_id("coverer")).to_have_text(
        ["Tess Faculty", "Tess Faculty"]
    )

    # $1,600 is past the $1,500 per resident: approved only with a reason.
    browser_pages.allow_status(409, f"/sgim/{meeting_id}/trips/{_attendance(db)}/approval")
    staff.get_by_test_id("approval-form").get_by_role("button", name="Approve").click()
    reason = staff.get_by_label("Reason to approve past the budget")
    expect(staff.locator("#over_budget_reason ~ .invalid-feedback")).to_contain_text(
        "over the $1,500 budget per resident"
    )
    reason.fill("Oral presentation: an extra night")
    staff.get_by_test_id("approval-form").get_by_role("button", name="Approve").click()
    expect(staff.get_by_test_id("status")).to_have_text("Cleared")
    browser_pages.screenshot(staff, "sgim-trip-cleared")

    assert from_database(
        db, lambda s: [d.covered_by_id for d in s.scalars(select(Duty).order_by(Duty.id))]
    ) == [
        tess.id,
        tess.id,
    ]
    phone.reload()
    expect(phone.get_by_test_id("cleared")).to_be_visible()
    staff.goto(f"/sgim/ledger?year={academic_year_of(FIRST_DAY)}")
    people = staff.get_by_test_id("people").locator("tbody tr")
    expect(people).to_have_count(2)
    expect(people.nth(0).locator("td")).to_have_text(["Tess Faculty", "Faculty", "2", "0"])
    expect(people.nth(1).locator("td")).to_have_text(["Ada Quill", "Primary care PGY-2", "0", "2"])
    browser_pages.screenshot(staff, "sgim-ledger")


def _attendance(db) -> int:
    return from_database(db, lambda s: s.scalar(select(Attendance.id)))
