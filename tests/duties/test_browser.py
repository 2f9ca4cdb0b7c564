"""Duties in Chromium: a coordinator imports a term (a bad file is refused row by row, the fixed one
imported), makes a resident's weekly clinics on her page; the resident, on her phone, sees her duties and
asks for a vacation past her four weeks; the coordinator approves it with the warning, the resident's
page warns too, and she finds cover for the clinic inside her vacation from the suggestions."""

import pytest
from sqlalchemy import func, select

from tests.browser.conftest import expect, from_database, nav, sign_in
from tests.duties.conftest import DAY, YEAR, ahead, csv_of
from wellness.duties.models import AwayPeriod, Duty

pytestmark = pytest.mark.browser

LABEL = f"{YEAR}–{(YEAR + 1) % 100:02d}"


def test_a_term_is_imported_clinics_made_and_a_vacation_past_four_weeks_approved_with_a_warning(
    browser_pages, app, db, coordinator, resident, enter_away, tmp_path
):
    ada = resident("Ada", site="Brookside")
    ben = resident("Ben", pgy=3)
    enter_away(ada, ahead(40), ahead(40 + 24))  # 25 vacation days this year already
    bad, good = tmp_path / "bad.csv", tmp_path / "term.csv"
    bad.write_text(csv_of(f"{ada.email},{DAY},AM,clinic,Brookside", f"nobody@example.org,{DAY},AM,clinic,"))
    good.write_text(
        csv_of(f"{ada.email},{ahead(1)},DAY,inpatient,Main", f"{ben.email},{DAY},NIGHT,inpatient,Main")
    )

    # The coordinator's file with an unknown address is refused whole; the fixed one goes in.
    staff = browser_pages.new_page()
    browser_pages.allow_status(400, "/duties/import")  # the refused file
    sign_in(staff, coordinator.email)
    nav(staff).get_by_role("link", name="Duties").click()
    staff.get_by_role("link", name="Import duties").click()
    staff.get_by_label("Duties file (CSV, UTF-8)").set_input_files(str(bad))
    staff.get_by_role("button", name="Import").click()
    expect(staff.get_by_test_id("problems").locator("tbody td")).to_have_text(
        ["3", "no active person has the address nobody@example.org"]
    )
    assert from_database(db, lambda s: s.scalar(select(func.count()).select_from(Duty))) == 0
    staff.get_by_label("Duties file (CSV, UTF-8)").set_input_files(str(good))
    staff.get_by_role("button", name="Import").click()
    expect(staff.get_by_role("status")).to_contain_text("Duties imported: 2 added, 0 changed, 0 unchanged.")

    # On Ada's page the coordinator makes her Tuesday-morning clinics for four weeks.
    staff.get_by_role("link", name="Duties").first.click()
    staff.get_by_placeholder("Someone's address").fill(ada.email)
    staff.get_by_role("button", name="Show their duties").click()
    staff.get_by_label("Weekday").select_option(str(DAY.weekday()))
    staff.get_by_label("From", exact=True).fill(DAY.isoformat())
    staff.get_by_label("Until", exact=True).fill(ahead(21).isoformat())
    expect(staff.get_by_label("Site", exact=True).nth(1)).to_have_value("Brookside")
    staff.get_by_role("button", name="Make clinic sessions").click()
    expect(staff.get_by_role("status")).to_contain_text("4 clinic sessions made.")
    browser_pages.screenshot(staff, "duties-person-staff")

    # Ada, on her phone, sees her duties and asks for five days more vacation.
    phone = browser_pages.new_page(phone=True)
    sign_in(phone, ada.email)
    nav(phone).get_by_role("link", name="Duties").click()
    expect(phone.get_by_test_id("duties")).to_contain_text("Continuity clinic")
    expect(phone.get_by_test_id("duties")).to_contain_text("Inpatient")
    phone.get_by_label("First day away").fill(ahead(10).isoformat())
    phone.get_by_label("Last day away").fill(ahead(14).isoformat())
    phone.get_by_label("Note").fill("Family wedding")
    phone.get_by_role("button", name="Ask for time away").click()
    expect(phone.get_by_role("status")).to_contain_text("Requested; a coordinator will decide.")
    expect(phone.get_by_test_id("away")).to_contain_text("Waiting for approval")
    browser_pages.screenshot(phone, "duties-mine-resident")

    # The coordinator sees it would take her past four weeks, approves, and is warned.
    staff.goto("/duties/away")
    expect(staff.get_by_test_id("pending")).to_contain_text(
        f"With this: 30 of 28 vacation days in {LABEL}, 2 over."
    )
    browser_pages.screenshot(staff, "duties-away-staff")
    staff.get_by_role("button", name="Approve").click()
    expect(staff.get_by_role("status")).to_contain_text(
        "Approved: Ada Resident, Vacation; they have been told. 30 approved"
    )
    assert from_database(
        db, lambda s: s.scalar(select(AwayPeriod.status).where(AwayPeriod.note == "Family wedding"))
    ) == ("approved")

    phone.reload()
    expect(phone.get_by_test_id("vacation-warning")).to_have_text(
        f"30 approved vacation days in {LABEL}: 2 past the 28 allowed."
    )

    # The clinic inside her vacation now needs cover; Ada finds it herself from the suggestions.
    clinic = from_database(
        db, lambda s: s.scalar(select(Duty.id).where(Duty.person_id == ada.id, Duty.duty_on == ahead(14)))
    )
    row = phone.locator(f"#duty-{clinic}")
    expect(row.get_by_test_id("uncovered")).to_be_visible()
    row.get_by_role("link", name="Suggest coverers").click()
    phone.locator(f"#duty-{clinic}").get_by_test_id("suggestions").get_by_role(
        "button", name="Assign Ben Resident"
    ).click()
    expect(phone.get_by_role("status")).to_contain_text("Ben Resident covers it and has been told.")
    expect(phone.locator(f"#duty-{clinic}").get_by_test_id("coverer")).to_have_text("Ben Resident")
    browser_pages.screenshot(phone, "duties-cover-resident")
