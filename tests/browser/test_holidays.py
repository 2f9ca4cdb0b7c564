"""Holiday blocks in the browser: a year set up, blocks ranked, allocated, published, swapped and in a feed."""

import re
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import select

from tests.browser.conftest import expect, from_database, nav, sign_in
from wellness.dates import academic_year_of, program_today
from wellness.holidays.dates import default_blocks
from wellness.holidays.models import Assignment, HolidayBlock, Ranking

pytestmark = pytest.mark.browser

TZ = "America/New_York"
CHOICES = ("First choice", "Second choice", "Third choice", "Fourth choice")


def open_holidays(page) -> None:
    nav(page).get_by_role("link", name="Holidays").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Holiday blocks")


def academic_year_ahead(today: date) -> int:
    """The first academic year whose blocks all start after today.

    Usually next year's; this year's in the summer, when next year's blocks would lie beyond the
    feed's reach (FEED_FUTURE_DAYS, 400), while the first block of the year chosen here is always
    within it: Rosh Hashanah never comes more than 385 days after the last one.
    """
    year = academic_year_of(today)
    return year if default_blocks(year)[0].starts_on > today else year + 1


def rank(page, names: tuple[str, ...], observance: str = "None") -> None:
    """Fill the ranking form, most wanted first, and save it."""
    form = page.get_by_test_id("ranking-form")
    expect(form.get_by_role("heading", level=3)).to_have_text("Rank the blocks")
    for label, name in zip(CHOICES, names, strict=True):
        form.get_by_label(label, exact=True).select_option(label=name)
    form.get_by_label("Religious observance (optional)").select_option(label=observance)


def test_coordinator_sets_up_a_year_residents_rank_collide_get_explained_blocks_swap_and_see_it_in_their_feed(
    browser_pages, make_person, coordinator, db
):
    today = program_today(TZ)
    year = academic_year_ahead(today)
    label = f"{year}–{(year + 1) % 100:02d}"
    high_holidays = default_blocks(year)[0]
    assert high_holidays.key == "high_holidays"
    rhea, sam, tess = (
        make_person("resident", first_name=first, last_name=last, email=f"{first.lower()}@example.org",
                    training_start_year=year - 1)
        for first, last in (("Rhea", "Patel"), ("Sam", "Okafor"), ("Tess", "Nguyen"))
    )  # fmt: skip
    make_person("resident", first_name="Gus", last_name="Graduate", training_start_year=year - 5)
    make_person("faculty", first_name="Fay", last_name="Culty")

    # The coordinator sets up the year from the Holidays page and lands on its page.
    staff = browser_pages.new_page()
    sign_in(staff, coordinator.email)
    open_holidays(staff)
    expect(staff.get_by_test_id("no-years")).to_contain_text("No holiday blocks are set up yet.")
    staff.get_by_label("Academic year", exact=True).fill(str(year))
    staff.get_by_role("button", name="Set up the year").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Holiday blocks {label}")
    expect(staff.get_by_role("status")).to_contain_text(
        f"The {label} blocks are set up with places for everyone. Check the dates and places."
    )
    blocks_table = staff.get_by_test_id("blocks")
    expect(blocks_table.locator("tbody tr td:first-child")).to_have_text(
        ["High Holidays", "Thanksgiving", "Christmas", "New Year"]
    )
    # Places for the three residents in training: one a block, so two first choices of one block collide.
    expect(blocks_table.locator("tbody tr td:nth-child(4)")).to_have_text(["1", "1", "1", "1"])
    expect(staff.get_by_text("3 residents take part and 4 places are offered.")).to_be_visible()

    # The coordinator gives High Holidays a fifth day through the block form.
    blocks_table.get_by_role("row").filter(has_text="High Holidays").get_by_role("link", name="Edit").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Edit High Holidays")
    expect(staff.get_by_label("Name", exact=True)).to_have_value("High Holidays")
    expect(staff.get_by_label("First day", exact=True)).to_have_value(high_holidays.starts_on.isoformat())
    expect(staff.get_by_label("Places (residents off at once)", exact=True)).to_have_value("1")
    last_day = high_holidays.ends_on + timedelta(days=1)
    staff.get_by_label("Last day", exact=True).fill(last_day.isoformat())
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_role("status")).to_contain_text("High Holidays is saved.")
    expect(blocks_table.get_by_role("row").filter(has_text="High Holidays")).to_contain_text("(5 days)")
    assert from_database(
        db,
        lambda s: [
            (b.key, b.starts_on, b.ends_on, b.capacity)
            for b in s.scalars(select(HolidayBlock).order_by(HolidayBlock.starts_on))
        ],
    ) == [("high_holidays", high_holidays.starts_on, last_day, 1)] + [
        (b.key, b.starts_on, b.ends_on, 1) for b in default_blocks(year)[1:]
    ]

    # Three residents rank every block; Tess does it on a phone.
    rhea_page, sam_page = browser_pages.new_page(), browser_pages.new_page()
    tess_page = browser_pages.new_page(phone=True)
    rankings = (
        (rhea_page, rhea, ("Christmas", "New Year", "High Holidays", "Thanksgiving"), "Christmas"),
        (sam_page, sam, ("Christmas", "High Holidays", "Thanksgiving", "New Year"), "None"),
        (tess_page, tess, ("Thanksgiving", "High Holidays", "New Year", "Christmas"), "None"),
    )
    for page, person, names, observance in rankings:
        sign_in(page, person.email)
        open_holidays(page)
        rank(page, names, observance)
        if page is tess_page:
            browser_pages.screenshot(page, "holidays-ranking-form")
        page.get_by_role("button", name="Save my ranking").click()
        expect(page.get_by_role("status")).to_contain_text(
            f"Your {label} ranking is saved. You can change it until the window closes."
        )
        form = page.get_by_test_id("ranking-form")
        expect(form.get_by_role("heading", level=3)).to_have_text("Change your ranking")
        expect(form).to_contain_text("Your ranking is saved; you can change it until then.")
        expect(form.get_by_label(CHOICES[0], exact=True).locator("option:checked")).to_have_text(names[0])
    assert from_database(
        db,
        lambda s: sorted(
            (row.person_id, name, row.rank, row.is_observance)
            for row, name in s.execute(select(Ranking, HolidayBlock.name).join(HolidayBlock))
        ),
    ) == sorted(
        (person.id, name, n, name == observance)
        for _, person, names, observance in rankings
        for n, name in enumerate(names, 1)
    )

    # The coordinator runs the allocation and reads the preview.
    staff.reload()
    expect(staff.get_by_role("heading", level=2, name="Rankings: 3 of 3 residents")).to_be_visible()
    staff.get_by_role("link", name="Run the allocation").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Allocation {label}")
    expect(staff.get_by_test_id("no-preview")).to_be_visible()
    staff.get_by_role("button", name="Run the allocation").click()
    expect(staff.get_by_role("status")).to_contain_text(
        re.compile(r"Allocated with seed \d+\. Check the preview, pin where needed, then publish\.")
    )
    statistics = staff.get_by_test_id("statistics")
    expect(statistics.get_by_role("listitem")).to_have_text(
        ["2 first choice", "1 second choice", "observance honoured 1 of 1"]
    )
    for chart, text in (("choices-chart", "Second choice"), ("fill-chart", "High Holidays")):
        svg = staff.get_by_test_id(chart).locator("svg")
        expect(svg).to_be_visible()
        expect(svg).to_contain_text(text)
    expected = {
        rhea: ("Christmas", "first",
               "Christmas: 2 ranked it first for 1 place; they got their first choice. "
               "Christmas is honoured as their religious observance."),
        sam: ("High Holidays", "second",
              "Christmas: 2 ranked it first for 1 place, so they got their second choice, High Holidays."),
        tess: ("Thanksgiving", "first", "Thanksgiving: 1 ranked it first for 1 place; they got their first choice."),
    }  # fmt: skip
    for person, (block, choice, why) in expected.items():
        cells = staff.get_by_test_id(f"result-{person.email}").get_by_role("cell")
        expect(cells.nth(1)).to_have_text(block)
        expect(cells.nth(2)).to_have_text(choice)
        expect(cells.nth(3)).to_have_text(why)
    browser_pages.screenshot(staff, "holidays-allocation-preview")

    # Publishing asks first, then tells everyone.
    asked = []
    staff.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    staff.get_by_role("button", name="Publish and tell every resident").click()
    expect(staff.get_by_role("status")).to_contain_text("Published: 3 residents have been told their block.")
    expect(staff.get_by_test_id("published")).to_contain_text("every resident has been told")
    assert asked == ["Publish the allocation? Every resident is told their block, and it is frozen."]

    def blocks_held(session):
        return {row.person_id: row.block.name for row in session.scalars(select(Assignment))}

    held = from_database(db, blocks_held)
    assert held == {person.id: block for person, (block, _, _) in expected.items()}

    # Each resident reads their block and why; Rhea's observance was honoured.
    open_holidays(rhea_page)
    expect(rhea_page.get_by_test_id("my-block")).to_contain_text(
        "Christmas: 2 ranked it first for 1 place; you got your first choice. "
        "Christmas is honoured as your religious observance."
    )
    expect(rhea_page.get_by_test_id("ranking-form")).to_have_count(0)

    # Sam offers his block to whoever has Thanksgiving; Tess accepts on her phone.
    holder = next(person for person in (rhea, sam, tess) if held[person.id] == "Thanksgiving")
    open_holidays(sam_page)
    expect(sam_page.get_by_test_id("my-block").get_by_role("heading")).to_have_text(
        "Your block: High Holidays"
    )
    sam_page.get_by_text("Swap your block with someone").click()
    sam_page.get_by_label("The block you want", exact=True).select_option(label="Thanksgiving")
    sam_page.get_by_label("The resident who has it", exact=True).select_option(value=str(holder.id))
    sam_page.get_by_label("Note to them (optional)").fill("As we agreed at lunch.")
    sam_page.get_by_role("button", name="Propose the swap").click()
    expect(sam_page.get_by_role("status")).to_contain_text(f"Swap proposed; {holder.name} has been asked.")
    expect(sam_page.get_by_test_id("swaps")).to_contain_text(
        f"You offered High Holidays to {holder.name} for Thanksgiving."
    )
    expect(sam_page.get_by_test_id("swaps")).to_contain_text("waiting for an answer")

    open_holidays(tess_page)
    expect(tess_page.get_by_test_id("my-block").get_by_role("heading")).to_have_text(
        "Your block: Thanksgiving"
    )
    offer = tess_page.get_by_test_id("swaps").get_by_role("listitem")
    expect(offer).to_contain_text(f"{sam.name} offers High Holidays for your Thanksgiving.")
    expect(offer).to_contain_text("As we agreed at lunch.")
    offer.get_by_role("button", name="Accept").click()
    expect(tess_page.get_by_role("status")).to_contain_text(
        "Swap made; your calendar feed shows the new block."
    )
    mine = tess_page.get_by_test_id("my-block")
    expect(mine.get_by_role("heading")).to_have_text("Your block: High Holidays")
    expect(mine).to_contain_text(f"{high_holidays.starts_on:%a %b %-d} – {last_day:%a %b %-d, %Y}")
    expect(mine).to_contain_text("your second choice")
    expect(mine).to_contain_text(f"You have it by a swap with {sam.name}.")
    expect(offer).to_contain_text(f"{sam.name} swapped their High Holidays for your Thanksgiving.")
    expect(offer).to_contain_text("done")
    browser_pages.screenshot(tess_page, "holidays-my-block")
    sam_page.reload()
    expect(sam_page.get_by_test_id("my-block").get_by_role("heading")).to_have_text(
        "Your block: Thanksgiving"
    )
    expect(sam_page.get_by_test_id("my-block")).to_contain_text(f"You have it by a swap with {tess.name}.")
    expect(sam_page.get_by_test_id("swaps")).to_contain_text(
        f"You swapped your High Holidays for {tess.name}'s Thanksgiving."
    )
    assert from_database(db, blocks_held) == {
        rhea.id: "Christmas",
        sam.id: "Thanksgiving",
        tess.id: "High Holidays",
    }

    # Tess's calendar address carries her new block.
    nav(tess_page).get_by_role("link", name="Tess").click()
    expect(tess_page.get_by_role("heading", level=1)).to_have_text("Your account")
    tess_page.get_by_role("link", name="Set up your calendar subscription").click()
    tess_page.get_by_role("button", name="Make my calendar address").click()
    expect(tess_page.get_by_test_id("new-address")).to_contain_text("it is shown only this once")
    address = tess_page.get_by_label("Address for Google Calendar and Outlook").input_value()
    response = requests.get(address, timeout=10)
    assert response.status_code == 200
    feed = response.text.replace("\r\n ", "")  # unfold long lines
    assert "SUMMARY:Holiday block: High Holidays\r\n" in feed
    assert f"DTSTART;VALUE=DATE:{high_holidays.starts_on:%Y%m%d}\r\n" in feed
    assert f"DTEND;VALUE=DATE:{last_day + timedelta(days=1):%Y%m%d}\r\n" in feed
    assert "Thanksgiving" not in feed and "Christmas" not in feed
