"""A resident on a phone, and ending sessions from the account page."""

import re

import pytest

from tests.browser.conftest import expect, sign_in
from wellness.dates import program_today
from wellness.people.programs import start_year_for_pgy

pytestmark = pytest.mark.browser


def test_resident_on_a_phone_sees_their_dashboard_and_reaches_their_account(app, browser_pages, make_person):
    today = program_today(app.config["WELLNESS_TIMEZONE"])
    resident = make_person(
        "resident", first_name="Priya", program="med_peds", training_start_year=start_year_for_pgy(3, today)
    )
    page = browser_pages.new_page(phone=True)
    sign_in(page, resident.email)

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Priya")
    mine = page.get_by_role("region", name="Your residency")
    expect(mine).to_contain_text("Medicine-pediatrics")
    expect(mine).to_contain_text("PGY-3")
    expect(page.get_by_role("heading", name="The program")).to_have_count(0)
    browser_pages.screenshot(page, "resident-dashboard")

    nav = page.get_by_role("navigation", name="Main")
    account = nav.get_by_role("link", name="Priya")
    expect(account).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("#nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # opened, not still sliding
    expect(account).to_be_visible()
    expect(nav.get_by_role("link", name="People")).to_have_count(0)
    browser_pages.screenshot(page, "resident-menu-open")
    account.click()
    expect(page).to_have_url(f"{browser_pages.base_url}/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

    browser_pages.allow_status(403, "/people")
    page.goto("/people")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.locator(".people-table")).to_have_count(0)
    browser_pages.screenshot(page, "forbidden")


def test_sign_out_everywhere_ends_the_session_in_another_browser(browser_pages, make_person):
    resident = make_person("resident", first_name="Tomas")
    here = browser_pages.new_page()
    elsewhere = browser_pages.new_page()
    sign_in(here, resident.email)
    sign_in(elsewhere, resident.email)
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Hello, Tomas")

    here.get_by_role("navigation", name="Main").get_by_role("link", name="Tomas").click()
    expect(here.get_by_role("heading", level=1)).to_have_text("Your account")
    asked, posted = [], []
    here.on("request", lambda request: request.method == "POST" and posted.append(request.url))
    here.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    here.get_by_role("button", name="Sign out everywhere").click()
    here.wait_for_timeout(300)  # a form that ignored the answer would have been sent by now
    assert posted == []  # changing one's mind keeps the sessions
    expect(here).to_have_url(f"{browser_pages.base_url}/account")
    elsewhere.reload()
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Hello, Tomas")

    here.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    here.get_by_role("button", name="Sign out everywhere").click()
    expect(here).to_have_url(f"{browser_pages.base_url}/login")
    expect(here.get_by_role("status")).to_contain_text("You are signed out on every device.")
    assert asked == ["Sign out on every device, including this one?"] * 2

    elsewhere.reload()
    expect(elsewhere).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Sign in")
