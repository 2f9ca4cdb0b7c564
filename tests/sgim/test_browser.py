"""SGIM in Chromium: a coordinator creates the meeting, two juniors say they are going (one from a phone, who
asks for funding), their clinics appear as needs on the board, a coverer on a holiday block is refused with
the block named, a suggested one is picked, approving past the budget needs a reason, the trip is cleared,
and the coverer's calendar feed carries the clinics they cover."""

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from tests.browser.conftest import expect, from_database, nav, sign_in
from tests.events.conftest import at
from tests.feeds.conftest import read_feed
from tests.holidays.conftest import YEAR as HOLIDAY_YEAR
from tests.support import database_state
from wellness.dates import academic_year_of
from wellness.duties.models import Duty
from wellness.holidays.dates import default_blocks
from wellness.people.programs import start_year_for_pgy
from wellness.sgim.models import Attendance, Meeting

pytestmark = pytest.mark.browser

# The meeting falls on the coming Christmas block, so that a coverer who holds the block is away then.
CHRISTMAS = next(block for block in default_blocks(HOLIDAY_YEAR) if block.key == "christmas")
FIRST_DAY = CHRISTMAS.starts_on
LAST_DAY = FIRST_DAY + timedelta(days=3)
JUNIORS = start_year_for_pgy(2, FIRST_DAY)


def test_two_juniors_go_their_clinics_are_covered_and_a_trip_is_cleared(
    browser_pages, app, db, coordinator, resident, faculty, make_duty, christmas_block, feed_url
):
    ada = resident("Ada", site="Brookside", training_start_year=JUNIORS)
    ben = resident("Ben", training_start_year=JUNIORS)
    ravi = resident("Ravi", program="categorical", training_start_year=JUNIORS - 1)
    christmas_block(ravi)
    tess = faculty("Tess")

    # The coordinator creates this year's meeting; both juniors are invited.
    staff = browser_pages.new_page()
    sign_in(staff, coordinator.email)
    nav(staff).get_by_role("link", name="SGIM").click()
    staff.get_by_role("link", name="New meeting").click()
    staff.get_by_label("City").fill("Denver")
    staff.get_by_label("First day").fill(FIRST_DAY.isoformat())
    staff.get_by_label("Last day").fill(LAST_DAY.isoformat())
    staff.get_by_label("Travel days before").fill("0")
    staff.get_by_label("Budget per resident ($)").fill("1,500")
    staff.get_by_label("Total budget ($)").fill("5000")
    staff.get_by_role("button", name="Create and invite").click()
    expect(staff.get_by_role("status")).to_contain_text(
        "SGIM Annual Meeting is published; 2 residents invited."
    )
    expect(staff.get_by_test_id("attendees").locator("tbody tr")).to_have_text(
        [
            "Ada Quill Not answered — — — Not submitted — Not answered",
            "Ben Ramos Not answered — — — Not submitted — Not answered",
        ]
    )
    meeting_id = from_database(db, lambda s: s.scalar(select(Meeting.id)))
    clinics = [make_duty(ada, FIRST_DAY, "AM"), make_duty(ada, FIRST_DAY + timedelta(days=2), "PM")]
    make_duty(ben, FIRST_DAY + timedelta(days=1), "PM", site="Riverside")

    # Ada answers from her phone and asks for funding; her clinics are needs on her trip.
    phone = browser_pages.new_page(phone=True)
    sign_in(phone, ada.email)
    nav(phone).get_by_role("link", name="SGIM").click()
    phone.get_by_test_id("invitations").get_by_role("link", name="SGIM Annual Meeting, Denver").click()
    phone.get_by_role("button", name="Going", exact=True).click()
    expect(phone.get_by_role("status")).to_contain_text("You are going: the trip is on your calendar.")
    expect(phone.get_by_test_id("trip-days")).to_contain_text(FIRST_DAY.strftime("%a, %b %-d"))
    phone.get_by_label("Registration ($)").fill("600")
    phone.get_by_label("Travel ($)").fill("1000")
    phone.get_by_role("button", name="Save request").click()
    expect(phone.get_by_role("status")).to_contain_text("Funding request saved")
    expect(phone.get_by_test_id("needs").get_by_test_id("uncovered")).to_have_count(2)
    browser_pages.screenshot(phone, "sgim-trip-resident")

    # Ben goes too.
    other = browser_pages.new_page()
    sign_in(other, ben.email)
    nav(other).get_by_role("link", name="SGIM").click()
    other.get_by_test_id("invitations").get_by_role("link", name="SGIM Annual Meeting, Denver").click()
    other.get_by_role("button", name="Going", exact=True).click()
    expect(other.get_by_role("status")).to_contain_text("You are going: the trip is on your calendar.")
    # "Not going" asks first, since it would cancel the trip; Ben thinks better of it.
    questions = []
    other.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    other.get_by_role("button", name="Not going", exact=True).click()
    assert questions == [
        "Not going after all? This cancels the trip and releases the covers arranged for it."
    ]
    expect(other.get_by_role("button", name="Going", exact=True)).to_have_attribute("aria-pressed", "true")

    # The board shows all three clinics in red.
    staff.goto(f"/sgim/{meeting_id}/board")
    uncovered = staff.get_by_test_id("uncovered").locator("tbody tr.table-danger")
    expect(uncovered).to_have_count(3)
    expect(uncovered.filter(has_text="Ben Ramos")).to_contain_text("Riverside")
    browser_pages.screenshot(staff, "sgim-board")
    uncovered.filter(has_text="Ada Quill").first.get_by_role("link", name="Find cover").click()

    # Ravi holds the Christmas block: refused with the block named, nothing written.
    need = staff.locator(f"#need-{clinics[0]}")
    browser_pages.allow_status(
        409, f"/sgim/{meeting_id}/trips/{_attendance(db, ada)}/needs/{clinics[0]}/cover"
    )
    before = database_state(app)
    need.get_by_label("Coverer's e-mail").fill(ravi.email)
    need.get_by_role("button", name="Assign", exact=True).click()
    refused = staff.locator(f"#need-{clinics[0]} .invalid-feedback")
    expect(refused).to_have_text("Ravi Patel is away then: Holiday block: Christmas.")
    expect(refused).to_be_in_viewport()  # the page comes back scrolled to the need, not to its top
    assert database_state(app) == before

    # A suggestion is picked instead, and the same coverer is named for the second clinic.
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

    # $1,600 is past the $1,500 per resident: approved only with a reason, and then the trip is cleared.
    ada_trip = f"/sgim/{meeting_id}/trips/{_attendance(db, ada)}"
    browser_pages.allow_status(409, f"{ada_trip}/approval")
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
    ) == [tess.id, tess.id, None]
    phone.reload()
    expect(phone.get_by_test_id("cleared")).to_be_visible()
    staff.goto(f"/sgim/{meeting_id}/board")
    still_uncovered = staff.get_by_test_id("uncovered").locator("tbody tr.table-danger")
    expect(still_uncovered).to_have_count(1)
    expect(still_uncovered).to_contain_text("Ben Ramos")
    staff.goto(f"/sgim/ledger?year={academic_year_of(FIRST_DAY)}")
    people = staff.get_by_test_id("people").locator("tbody tr")
    expect(people.filter(has_text="Tess Faculty").locator("td")).to_have_text(
        ["Tess Faculty", "Faculty", "2", "0"]
    )
    expect(people.filter(has_text="Ada Quill").locator("td")).to_have_text(
        ["Ada Quill", "Primary care PGY-2", "0", "2"]
    )
    browser_pages.screenshot(staff, "sgim-ledger")

    # Tess's calendar subscription carries the two clinics she covers.
    response = requests.get(browser_pages.base_url + feed_url(tess), timeout=10)
    assert response.status_code == 200
    covering = sorted(
        (entry.summary, entry.start)
        for uid, entry in read_feed(response.content).items()
        if uid.startswith("duty-cover-")
    )
    assert covering == [
        ("Covering: Continuity clinic (AM) for Ada Quill", at(FIRST_DAY, 8)),
        ("Covering: Continuity clinic (PM) for Ada Quill", at(FIRST_DAY + timedelta(days=2), 13)),
    ]


def _attendance(db, person) -> int:
    return from_database(
        db, lambda s: s.scalar(select(Attendance.id).where(Attendance.person_id == person.id))
    )
