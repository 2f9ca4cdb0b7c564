"""The holiday pages over HTTP: ranking, setting up, allocating, pinning, publishing, swaps, and privacy."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.holidays.conftest import (
    KEYS,
    LABEL,
    YEAR,
    assignment_rows,
    held_blocks,
    program_today,
    ranking_with_first,
    stored_ranks,
    year_status,
)
from tests.support import alerts, database_state, fetch, field_errors, text_of
from wellness.holidays.models import HolidayBlock, Swap


def body(response) -> str:
    return response.get_data(as_text=True)


def section(page: str, testid: str) -> str:
    """The markup of the element with this data-testid ("" when the page has none)."""
    found = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', page, re.S)
    return found.group(2) if found else ""


def ranking_form(info, keys, observance: str = "") -> dict:
    form = {f"choice_{n}": str(info.id(key)) for n, key in enumerate(keys, 1)}
    form["observance"] = str(info.id(observance)) if observance else ""
    return form


def asks_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login?next=")


# --- who may come in ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/holidays"),
        ("GET", f"/holidays/{YEAR}"),
        ("GET", f"/holidays/{YEAR}/allocation"),
        ("GET", f"/holidays/{YEAR}/off"),
        ("POST", f"/holidays/{YEAR}/ranking"),
        ("POST", "/holidays/setup"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(app, client, residents, holiday_year, method, path):
    residents(1)
    holiday_year()
    before = database_state(app)

    response = client.get(path) if method == "GET" else client.post(path, data={"year": str(YEAR + 1)})

    assert asks_to_sign_in(response)
    assert database_state(app) == before


@pytest.mark.parametrize(
    "path", [f"/holidays/{YEAR}", f"/holidays/{YEAR}/allocation", f"/holidays/{YEAR}/off"]
)
def test_a_resident_is_refused_the_coordinators_pages(app, client, login_as, residents, holiday_year, path):
    [ada] = residents(1)
    holiday_year()
    login_as(ada)

    assert client.get(path).status_code == 403


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/holidays/setup", {"year": str(YEAR + 1)}),
        (f"/holidays/{YEAR}/allocation", {"seed": "4"}),
        (f"/holidays/{YEAR}/window", {"opens_on": "2020-01-01", "closes_on": "2020-01-02"}),
    ],
)
def test_a_resident_cannot_set_up_allocate_or_change_the_window(
    app, client, login_as, residents, holiday_year, path, data
):
    [ada] = residents(1)
    holiday_year()
    login_as(ada)
    before = database_state(app)

    response = client.post(path, data=data)

    assert response.status_code == 403
    assert database_state(app) == before


def test_faculty_cannot_rank_and_are_told_why(app, client, login_as, make_person, residents, holiday_year):
    residents(1)
    info = holiday_year()
    login_as(make_person("faculty"))
    before = database_state(app)

    response = client.post(f"/holidays/{YEAR}/ranking", data=ranking_form(info, KEYS))

    assert response.status_code == 403
    assert alerts(body(response)) == [f"Only residents taking part in {LABEL} rank its holiday blocks."]
    assert database_state(app) == before


def test_a_year_that_is_not_set_up_is_not_found(app, client, login_as, coordinator):
    login_as(coordinator)

    assert client.get(f"/holidays/{YEAR}").status_code == 404
    assert client.get(f"/holidays/{YEAR}/allocation").status_code == 404


# --- ranking -------------------------------------------------------------------------------------------


def test_a_resident_ranks_the_blocks_and_sees_the_ranking_saved(
    app, client, login_as, residents, holiday_year
):
    [ada] = residents(1)
    info = holiday_year()
    login_as(ada)
    page = body(client.get("/holidays"))
    assert "Rank the blocks" in text_of(section(page, "ranking-form"))

    response = client.post(
        f"/holidays/{YEAR}/ranking",
        data=ranking_form(info, ranking_with_first("christmas"), observance="christmas"),
    )

    assert response.status_code == 302
    page = body(client.get(response.location))
    assert alerts(page) == [f"Your {LABEL} ranking is saved. You can change it until the window closes."]
    assert stored_ranks(app, ada.id)[info.id("christmas")] == (1, True)
    assert "Change your ranking" in text_of(section(page, "ranking-form"))
    assert f'<option selected value="{info.id("christmas")}">Christmas</option>' in section(
        page, "ranking-form"
    )


def test_a_ranking_with_a_block_twice_is_refused_with_the_message_and_changes_nothing(
    app, client, login_as, residents, holiday_year
):
    [ada] = residents(1)
    info = holiday_year()
    login_as(ada)
    before = database_state(app)

    response = client.post(
        f"/holidays/{YEAR}/ranking",
        data=ranking_form(info, ["christmas", "christmas", "new_year", "thanksgiving"]),
    )

    assert response.status_code == 400
    assert alerts(body(response)) == ["You ranked Christmas twice; give each block one place."]
    assert database_state(app) == before


def test_a_ranking_with_a_choice_left_empty_shows_the_field_error(
    app, client, login_as, residents, holiday_year
):
    [ada] = residents(1)
    info = holiday_year()
    login_as(ada)
    before = database_state(app)
    form = ranking_form(info, ranking_with_first("christmas"))
    form["choice_3"] = ""

    response = client.post(f"/holidays/{YEAR}/ranking", data=form)

    assert response.status_code == 400
    assert field_errors(body(response), "choice_3") == ["Choose your third choice."]
    assert database_state(app) == before


def test_after_the_window_closes_the_page_says_so_and_shows_no_form(
    app, client, login_as, residents, holiday_year, rank
):
    [ada] = residents(1)
    today = program_today()
    holiday_year(window=(today - timedelta(days=10), today - timedelta(days=1)))
    login_as(ada)

    page = body(client.get("/holidays"))

    assert text_of(section(page, "ranking-closed")).startswith(
        f"Ranking closed on {today - timedelta(days=1):%A, %B %-d}."
    )
    assert section(page, "ranking-form") == ""


# --- the coordinator's pages ---------------------------------------------------------------------------


def test_a_coordinator_sets_up_a_year_on_the_page(app, client, login_as, coordinator, residents):
    residents(5)
    login_as(coordinator)

    response = client.post("/holidays/setup", data={"year": str(YEAR)})

    assert (response.status_code, response.location) == (302, f"/holidays/{YEAR}")
    page = body(client.get(response.location))
    assert alerts(page) == [
        f"The {LABEL} blocks are set up with places for everyone. Check the dates and places."
    ]
    blocks_table = text_of(section(page, "blocks"))
    assert all(name in blocks_table for name in ("High Holidays", "Thanksgiving", "Christmas", "New Year"))
    assert "5 residents take part and 8 places are offered." in text_of(page)
    assert len(fetch(app, select(HolidayBlock).where(HolidayBlock.academic_year == YEAR))) == 4


def test_setting_up_a_year_twice_is_refused_with_409(
    app, client, login_as, coordinator, residents, holiday_year
):
    residents(1)
    holiday_year()
    login_as(coordinator)
    before = database_state(app)

    response = client.post("/holidays/setup", data={"year": str(YEAR)})

    assert response.status_code == 409
    assert alerts(body(response)) == [f"The {LABEL} holiday blocks are already set up."]
    assert database_state(app) == before


def test_a_block_edit_with_three_days_shows_the_error_on_the_last_day(
    app, client, login_as, coordinator, residents, holiday_year
):
    residents(1)
    info = holiday_year()
    christmas = info.blocks["christmas"]
    login_as(coordinator)
    before = database_state(app)
    form = {
        "name": "Christmas", "key": "christmas", "starts_on": christmas.starts_on.isoformat(),
        "ends_on": (christmas.starts_on + timedelta(days=2)).isoformat(), "capacity": "1",
    }  # fmt: skip

    response = client.post(f"/holidays/blocks/{christmas.id}/edit", data=form)

    assert response.status_code == 400
    assert field_errors(body(response), "ends_on") == ["A block is 4 or 5 days; these dates make 3."]
    assert database_state(app) == before

    form["ends_on"], form["capacity"] = christmas.ends_on.isoformat(), "2"
    response = client.post(f"/holidays/blocks/{christmas.id}/edit", data=form)
    assert response.status_code == 302
    assert alerts(body(client.get(response.location))) == ["Christmas is saved."]


def ranked(residents, holiday_year, rank):
    """Four residents of two programs, each ranking a different block first; one place per block."""
    people = residents(2) + residents(2, "primary_care")
    info = holiday_year(capacity=1)
    for person, key in zip(people, KEYS, strict=True):
        rank(person, *ranking_with_first(key))
    return info, dict(zip(KEYS, people, strict=True))


def test_a_coordinator_runs_the_allocation_and_sees_each_residents_explanation(
    app, client, login_as, coordinator, residents, holiday_year, rank
):
    info, holders = ranked(residents, holiday_year, rank)
    login_as(coordinator)

    response = client.post(f"/holidays/{YEAR}/allocation", data={"seed": "5"})

    assert response.status_code == 302
    page = body(client.get(response.location))
    assert alerts(page) == ["Allocated with seed 5. Check the preview, pin where needed, then publish."]
    assert held_blocks(app) == {person.email: key for key, person in holders.items()}
    row = text_of(section(page, f"result-{holders['christmas'].email}"))
    assert row.startswith("Stone, Cal Primary care Christmas first")
    assert "Christmas: 1 ranked it first for 1 place; they got their first choice." in row
    assert "seed 5 · total cost 4" in text_of(section(page, "statistics"))


def test_an_allocation_with_too_few_places_is_refused_with_the_shortfall(
    app, client, login_as, coordinator, residents, holiday_year
):
    residents(5)
    holiday_year(capacity=1)
    login_as(coordinator)
    before = database_state(app)

    response = client.post(f"/holidays/{YEAR}/allocation", data={"seed": "5"})

    assert response.status_code == 400
    [message] = alerts(body(response))
    assert message.startswith("The places cannot cover everyone: 1 place missing for 5 residents.")
    assert database_state(app) == before


def test_a_coordinator_pins_a_resident_and_the_preview_is_run_again(
    app, client, login_as, coordinator, residents, holiday_year, rank, allocate
):
    info, holders = ranked(residents, holiday_year, rank)
    allocate(5)
    ada, dee = holders["high_holidays"], holders["new_year"]
    login_as(coordinator)

    response = client.post(
        f"/holidays/{YEAR}/pins", data={"person_id": str(ada.id), "block_id": str(info.id("new_year"))}
    )

    assert response.status_code == 302
    page = body(client.get(response.location))
    assert alerts(page) == [
        "Ada Quill is pinned to New Year and the allocation was run again with the same seed."
    ]
    held = held_blocks(app)
    assert held[ada.email] == "new_year" and held[dee.email] != "new_year"
    assert assignment_rows(app)[ada.id].is_pinned
    assert "New Year was set by a coordinator." in text_of(section(page, f"result-{ada.email}"))


def test_a_coordinator_publishes_and_cannot_publish_twice(
    app, client, login_as, coordinator, residents, holiday_year, rank, allocate
):
    ranked(residents, holiday_year, rank)
    allocate(5)
    login_as(coordinator)

    response = client.post(f"/holidays/{YEAR}/publish")

    assert response.status_code == 302
    assert alerts(body(client.get(response.location))) == [
        "Published: 4 residents have been told their block."
    ]
    assert year_status(app).status == "published"
    before = database_state(app)
    again = client.post(f"/holidays/{YEAR}/publish")
    assert again.status_code == 409
    assert alerts(body(again)) == ["The allocation is already published."]
    assert database_state(app) == before


def test_withdrawing_a_published_allocation_needs_a_reason(
    app, client, login_as, coordinator, published_year
):
    published_year()
    login_as(coordinator)
    before = database_state(app)

    response = client.post(f"/holidays/{YEAR}/unpublish", data={"reason": ""})

    assert response.status_code == 400
    assert field_errors(body(response), "reason") == ["Say why; every resident is told."]
    assert database_state(app) == before

    response = client.post(f"/holidays/{YEAR}/unpublish", data={"reason": "Christmas dates changed."})
    assert response.status_code == 302
    assert year_status(app).status == "previewed"


def test_who_is_off_lists_each_blocks_residents_for_coordinators(
    app, client, login_as, coordinator, published_year
):
    _info, holders = published_year()
    login_as(coordinator)

    page = body(client.get(f"/holidays/{YEAR}/off"))

    assert "Cal Stone" in text_of(section(page, "off-christmas"))
    assert "Dee Tran" in text_of(section(page, "off-new_year"))


# --- residents after publication, and swaps -------------------------------------------------------------


def test_a_resident_sees_their_block_and_why(app, client, login_as, published_year):
    _info, holders = published_year()
    login_as(holders["christmas"])

    page = body(client.get("/holidays"))

    mine = text_of(section(page, "my-block"))
    assert mine.startswith("Your block: Christmas")
    assert "your first choice" in mine
    assert "Christmas: 1 ranked it first for 1 place; you got your first choice." in mine


def swap_form(info, wanted: str, partner, note: str = "") -> dict:
    prefix = f"swap{YEAR}-"
    return {
        f"{prefix}block_id": str(info.id(wanted)),
        f"{prefix}partner_id": str(partner.id),
        f"{prefix}note": note,
    }


def propose_on_page(client, info, wanted: str, partner) -> None:
    response = client.post(f"/holidays/{YEAR}/swaps", data=swap_form(info, wanted, partner))
    assert response.status_code == 302
    client.get(response.location)  # shows (and so clears) the flashed message


def test_residents_swap_on_the_holidays_page(app, client, login_as, published_year):
    info, holders = published_year()
    cal, dee = holders["christmas"], holders["new_year"]
    login_as(cal)

    response = client.post(f"/holidays/{YEAR}/swaps", data=swap_form(info, "new_year", dee, "Family visit"))

    assert response.status_code == 302
    assert alerts(body(client.get(response.location))) == ["Swap proposed; Dee Tran has been asked."]
    [swap] = fetch(app, select(Swap))
    login_as(dee)
    page = body(client.get("/holidays"))
    offer = text_of(section(page, f"swap-{swap.id}"))
    assert offer.startswith("Cal Stone offers Christmas for your New Year.")

    response = client.post(f"/holidays/swaps/{swap.id}/accept")

    assert response.status_code == 302
    page = body(client.get(response.location))
    assert alerts(page) == ["Swap made; your calendar feed shows the new block."]
    assert text_of(section(page, "my-block")).startswith("Your block: Christmas")
    held = held_blocks(app)
    assert (held[cal.email], held[dee.email]) == ("new_year", "christmas")


def test_a_swap_naming_someone_not_in_the_block_is_refused_and_changes_nothing(
    app, client, login_as, published_year
):
    info, holders = published_year()
    login_as(holders["christmas"])
    before = database_state(app)

    response = client.post(
        f"/holidays/{YEAR}/swaps", data=swap_form(info, "new_year", holders["high_holidays"])
    )

    assert response.status_code == 400
    assert alerts(body(response)) == ["Ada Quill is not in the New Year block."]
    assert database_state(app) == before


def test_only_the_partner_may_accept_and_a_bystander_finds_nothing(app, client, login_as, published_year):
    info, holders = published_year()
    cal, dee = holders["christmas"], holders["new_year"]
    login_as(cal)
    propose_on_page(client, info, "new_year", dee)
    [swap] = fetch(app, select(Swap))
    before = database_state(app)

    refused = client.post(f"/holidays/swaps/{swap.id}/accept")
    login_as(holders["high_holidays"])
    hidden = client.post(f"/holidays/swaps/{swap.id}/accept")

    assert refused.status_code == 403
    assert alerts(body(refused)) == ["Only the resident asked can answer this swap."]
    assert hidden.status_code == 404
    assert database_state(app) == before


def test_a_coordinator_approves_a_swap_from_the_year_page(app, client, login_as, coordinator, published_year):
    info, holders = published_year(approval=True)
    cal, dee = holders["christmas"], holders["new_year"]
    login_as(cal)
    propose_on_page(client, info, "new_year", dee)
    [swap] = fetch(app, select(Swap))
    login_as(dee)
    accepted = client.post(f"/holidays/swaps/{swap.id}/accept")
    assert alerts(body(client.get(accepted.location))) == [
        "Swap accepted; it waits for a coordinator's approval."
    ]
    login_as(coordinator)
    assert "Cal Stone (Christmas) ⇄ Dee Tran (New Year)" in text_of(body(client.get(f"/holidays/{YEAR}")))

    response = client.post(f"/holidays/swaps/{swap.id}/approve")

    assert response.status_code == 302
    assert alerts(body(client.get(response.location))) == [
        "Swap approved and made; both residents have been told."
    ]
    held = held_blocks(app)
    assert (held[cal.email], held[dee.email]) == ("new_year", "christmas")


# --- privacy --------------------------------------------------------------------------------------------


def without_partner_choices(page: str) -> str:
    """The page without the swap form's list of residents to choose a partner from."""
    return re.sub(rf'<select[^>]*id="swap{YEAR}-partner_id".*?</select>', "", page, flags=re.S)


def names_of(people) -> set[str]:
    return {word for person in people for word in (person.first_name, person.last_name, person.email)}


def test_a_residents_page_shows_only_counts_of_others_before_and_after_publication(
    app, client, login_as, coordinator, residents, holiday_year, rank, allocate, publish
):
    info, holders = ranked(residents, holiday_year, rank)
    cal = holders["christmas"]
    others = names_of(person for key, person in holders.items() if key != "christmas")
    login_as(cal)

    before = body(client.get("/holidays"))
    allocate(5)
    publish()
    after = body(client.get("/holidays"))

    for page in (before, without_partner_choices(after)):
        assert not [name for name in others if name in page]
    # Counts only: each block's row says how many ranked it first.
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>[^<]+</td><td class=\"text-end\">(\d+)</td><td class=\"text-end\">(\d+)</td>",
        before,
    )
    assert rows == [(name, "1", "1") for name in ("High Holidays", "Thanksgiving", "Christmas", "New Year")]
    # After publication the other residents appear only as partners to choose for a swap, without their blocks.
    partners = re.search(rf'<select[^>]*id="swap{YEAR}-partner_id".*?</select>', after, re.S).group(0)
    assert all(name not in partners for name in ("Christmas", "New Year", "Thanksgiving", "High Holidays"))
    assert "Stone" not in partners
