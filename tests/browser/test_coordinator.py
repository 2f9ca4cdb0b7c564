"""A coordinator's journeys in the browser: the dashboard, finding people, invitations, deactivation."""

import re

import pytest
from sqlalchemy import select

from tests.browser.conftest import expect, from_database, sign_in
from tests.conftest import PASSWORD
from wellness.dates import program_today
from wellness.people.models import AccessToken, Person
from wellness.people.programs import start_year_for_pgy

pytestmark = pytest.mark.browser


def started_for_pgy(app, pgy: int) -> int:
    return start_year_for_pgy(pgy, program_today(app.config["WELLNESS_TIMEZONE"]))


def test_coordinator_signs_in_and_finds_a_resident_by_search_and_filters(app, browser_pages, make_person):
    coordinator = make_person("coordinator", first_name="Casey", last_name="Morgan")
    make_person(
        "resident",
        first_name="Robin",
        last_name="Alvarez",
        program="primary_care",
        training_start_year=started_for_pgy(app, 2),
    )
    make_person(
        "resident",
        first_name="Sam",
        last_name="Okafor",
        program="categorical",
        training_start_year=started_for_pgy(app, 1),
    )
    make_person("faculty", first_name="Fran", last_name="Lindqvist", coach_capacity=4)
    make_person(
        "resident",
        first_name="Noor",
        last_name="Haddad",
        password=False,
        training_start_year=started_for_pgy(app, 1),
    )
    page = browser_pages.new_page()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(page.get_by_role("status")).to_contain_text("Please sign in to continue.")
    browser_pages.screenshot(page, "login")
    page.get_by_label("Email", exact=True).press_sequentially(coordinator.email)
    page.get_by_label("Password", exact=True).press_sequentially(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{browser_pages.base_url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Casey")
    figures = page.locator(".dashboard-figures .card-body")
    for label, number in (
        ("active residents", "3"),
        ("faculty", "1"),
        ("coaching places", "4"),
        ("not signed up yet", "1"),
    ):
        expect(figures.filter(has_text=label).locator(".display-6")).to_have_text(number)
    by_program = page.get_by_role("table").filter(has_text="Residents by program and level today")
    expect(by_program.get_by_role("row").filter(has_text="Primary care")).to_contain_text("PGY-2: 1")
    expect(by_program.get_by_role("row").filter(has_text="Categorical")).to_contain_text("PGY-1: 2")
    browser_pages.screenshot(page, "coordinator-dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page).to_have_url(f"{browser_pages.base_url}/people")
    expect(page.get_by_role("heading", level=1)).to_contain_text("5 found")
    rows = page.locator(".people-table tbody tr")
    expect(rows).to_have_count(5)
    browser_pages.screenshot(page, "people-list")

    page.get_by_role("searchbox", name="Search").fill("alvar")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]q=alvar"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alvarez, Robin")

    page.get_by_role("link", name="Clear").click()
    expect(rows).to_have_count(5)
    page.get_by_label("Role", exact=True).select_option("resident")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(3)
    expect(page.locator(".people-table")).not_to_contain_text("Lindqvist")
    expect(page.locator(".people-table")).not_to_contain_text("Morgan")
    page.get_by_label("Program", exact=True).select_option("primary_care")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"role=resident.*program=primary_care"))
    expect(rows).to_have_count(1)

    page.get_by_role("link", name="Alvarez, Robin").click()
    expect(page).to_have_url(re.compile(r"/people/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Alvarez")
    details = page.locator(".person-details")
    expect(details).to_contain_text("Primary care")
    expect(details).to_contain_text("PGY-2")
    expect(details).to_contain_text("Signed up")
    expect(page.get_by_role("button", name="Create password reset link")).to_be_visible()
    browser_pages.screenshot(page, "person-page")


def test_invited_person_sets_a_password_once_and_the_link_then_stops_working(
    app, browser_pages, make_person, db
):
    coordinator = make_person("coordinator")
    invitee = make_person(
        "resident",
        email="ines.duarte@example.org",
        first_name="Ines",
        last_name="Duarte",
        password=False,
        program="global_medicine",
        training_start_year=started_for_pgy(app, 1),
    )
    staff = browser_pages.new_page()
    sign_in(staff, coordinator.email)
    staff.goto(f"/people/{invitee.id}")
    expect(staff.locator(".person-details")).to_contain_text("Not signed up yet")
    staff.get_by_role("button", name="Create invitation link").click()

    expect(staff.get_by_role("heading", level=1)).to_have_text("Invitation link for Ines Duarte")
    link = staff.locator("input#invite-link").input_value()
    assert link.startswith(f"{browser_pages.base_url}/invitation/")
    copy = staff.locator("button[data-copy]")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert staff.evaluate("navigator.clipboard.readText()") == link
    assert from_database(
        db, lambda s: s.scalars(select(AccessToken.purpose).where(AccessToken.person_id == invitee.id)).all()
    ) == ["invitation"]

    guest = browser_pages.new_page()
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_have_text("Welcome, Ines")
    browser_pages.screenshot(guest, "invitation-set-password")
    guest.get_by_label("New password", exact=True).fill("tulips by the canal")
    guest.get_by_label("Repeat the new password", exact=True).fill("tulips by the canal")
    guest.get_by_role("button", name="Set password").click()

    expect(guest).to_have_url(f"{browser_pages.base_url}/")
    expect(guest.get_by_role("status")).to_contain_text("Your password is set. Welcome!")
    expect(guest.get_by_role("heading", level=1)).to_have_text("Hello, Ines")
    expect(guest.get_by_role("region", name="Your residency")).to_contain_text("Global medicine")
    assert from_database(db, lambda s: s.get(Person, invitee.id).password_hash is not None)
    used = from_database(
        db, lambda s: s.scalars(select(AccessToken.used_at).where(AccessToken.person_id == invitee.id)).all()
    )
    assert len(used) == 1 and used[0] is not None

    browser_pages.allow_status(404, link.removeprefix(browser_pages.base_url))
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    expect(guest.get_by_label("New password", exact=True)).to_have_count(0)

    staff.goto(f"/people/{invitee.id}")
    expect(staff.locator(".person-details")).to_contain_text("Signed up")


def test_deactivating_a_resident_ends_their_open_session(browser_pages, make_person, db):
    coordinator = make_person("coordinator")
    resident = make_person("resident", first_name="Rhea", last_name="Patel")
    mine = browser_pages.new_page()
    sign_in(mine, resident.email)
    expect(mine.get_by_role("heading", level=1)).to_have_text("Hello, Rhea")

    staff = browser_pages.new_page()
    sign_in(staff, coordinator.email)
    staff.goto(f"/people/{resident.id}")
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    staff.on("dialog", accept)
    staff.get_by_role("button", name="Deactivate").click()

    expect(staff.get_by_role("status")).to_contain_text(
        "Rhea Patel is deactivated and signed out everywhere."
    )
    expect(staff.get_by_role("heading", level=1)).to_contain_text("deactivated")
    expect(staff.get_by_role("button", name="Reactivate")).to_be_visible()
    assert len(asked) == 1 and asked[0].startswith("Deactivate Rhea Patel?")
    assert from_database(db, lambda s: s.get(Person, resident.id).is_active) is False

    mine.reload()
    expect(mine).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(mine.get_by_role("heading", level=1)).to_have_text("Sign in")

    browser_pages.allow_status(401, "/login")
    sign_in(mine, resident.email)
    expect(mine.get_by_role("alert")).to_contain_text(
        "That email and password do not match an active account."
    )
    expect(mine).to_have_url(re.compile(r"/login$"))
