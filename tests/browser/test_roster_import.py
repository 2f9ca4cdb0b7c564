"""Importing the roster through the upload form: all-or-nothing, with a preview first."""

import re

import pytest
from sqlalchemy import func, select

from tests.browser.conftest import expect, from_database, sign_in
from wellness.people.models import Field, Firm, Person

pytestmark = pytest.mark.browser

HEADER = "email,first_name,last_name,roles,program,training_start_year,fields,firm,clinic_site,coach_capacity"
ROWS = (
    "ada.lovelace@example.org,Ada,Lovelace,resident,categorical,2025,Cardiology;Medical education,Osler,Riverside Clinic,",
    "grace.hopper@example.org,Grace,Hopper,faculty,,,Cardiology,,,3",
    "alan.turing@example.org,Alan,Turing,resident,{program},2024,,,,",
)


def roster(program: str) -> dict:
    text = "\n".join((HEADER, *ROWS)).format(program=program) + "\n"
    return {"name": "roster.csv", "mimeType": "text/csv", "buffer": text.encode()}


def count(db, model) -> int:
    return from_database(db, lambda s: s.scalar(select(func.count()).select_from(model)))


def test_coordinator_imports_roster_with_a_bad_row_and_nothing_is_imported_until_it_is_fixed(
    browser_pages, make_person, db
):
    coordinator = make_person("coordinator")
    page = browser_pages.new_page()
    sign_in(page, coordinator.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import roster").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import the roster")

    browser_pages.allow_status(400, "/people/import")
    page.get_by_label("Roster file").set_input_files(roster("cardiology"))
    page.get_by_role("button", name="Preview import").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported.")
    problems = page.locator(".roster-problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first.locator("td")).to_have_text(
        ["4", "program", re.compile(r"^'cardiology' is not a program")]
    )
    expect(page.get_by_role("button", name=re.compile(r"^Import"))).to_have_count(0)
    browser_pages.screenshot(page, "roster-preview-with-errors")
    assert count(db, Person) == 1
    assert count(db, Field) == count(db, Firm) == 0

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Roster file").set_input_files(roster("primary_care"))
    page.get_by_role("button", name="Preview import").click()
    expect(page.locator(".lead")).to_have_text("3 to add, 0 to update, 0 unchanged.")
    expect(page.locator("main")).to_contain_text("New fields: Cardiology, Medical education")
    expect(page.locator("main")).to_contain_text("New firms: Osler")
    expect(page.locator(".roster-preview tbody tr")).to_have_count(3)
    browser_pages.screenshot(page, "roster-preview-ready")
    assert count(db, Person) == 1  # the preview writes nothing

    page.get_by_role("button", name="Import 3 people").click()
    expect(page).to_have_url(f"{browser_pages.base_url}/people")
    expect(page.get_by_role("status")).to_contain_text("Roster imported: 3 added, 0 updated, 0 unchanged.")
    table = page.locator(".people-table")
    for name in ("Lovelace, Ada", "Hopper, Grace", "Turing, Alan"):
        expect(table.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("4 found")

    assert count(db, Person) == 4
    turing = from_database(
        db,
        lambda s: s.execute(
            select(Person.program, Person.training_start_year, Person.password_hash).where(
                Person.email == "alan.turing@example.org"
            )
        ).one(),
    )
    assert tuple(turing) == ("primary_care", 2024, None)
    assert from_database(db, lambda s: sorted(s.scalars(select(Field.name)))) == [
        "Cardiology",
        "Medical education",
    ]
